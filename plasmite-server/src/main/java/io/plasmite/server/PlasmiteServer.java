package io.plasmite.server;

import io.helidon.common.tls.Tls;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http1.Http1Config;
import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

/**
 * The HTTP server of {@code pls serve}: remote protocol v0 ({@code remote-v0.md}), the web UI at
 * {@code /ui} and MCP at {@code /mcp}, over HTTP/1.1 with keep-alive, optionally TLS.
 *
 * <p>Helidon SE runs each request on its own virtual thread, so a tail is plain blocking code and
 * thousands of mostly idle streams cost little.
 *
 * <pre>{@code
 * try (PlasmiteServer server = PlasmiteServer.start(ServeConfig.builder(dir).bind("127.0.0.1:0").build())) {
 *   URI base = server.baseUri();   // http://127.0.0.1:PORT
 * }
 * }</pre>
 */
public final class PlasmiteServer implements AutoCloseable {
  private final ServeConfig config;
  private final ServerContext ctx;
  private final WebServer server;
  private final TlsMaterial tls;

  private PlasmiteServer(ServeConfig config, ServerContext ctx, WebServer server, TlsMaterial tls) {
    this.config = config;
    this.ctx = ctx;
    this.server = server;
    this.tls = tls;
  }

  /**
   * Validates the configuration, loads or makes the TLS certificate, binds and starts serving.
   *
   * @param config the configuration
   * @return the running server
   * @throws PlasmiteException Usage for a bad configuration, Io when the address cannot be bound
   */
  public static PlasmiteServer start(ServeConfig config) {
    config.validate();
    HelidonLogging.quiet();
    TlsMaterial tls = tlsMaterial(config);
    try {
      Files.createDirectories(config.poolDir());
    } catch (IOException e) {
      throw PlasmiteException.of(ErrorKind.IO, "cannot create the pool directory", e)
          .withPath(config.poolDir());
    }
    ServerContext ctx = new ServerContext(config);
    Dispatcher dispatcher = new Dispatcher(ctx);
    var builder =
        WebServer.builder()
            .host(config.host())
            .port(config.port())
            .shutdownGracePeriod(Duration.ofSeconds(2))
            // The embedding program decides when to stop (pls serve: its own signal hook).
            .shutdownHook(false)
            .directHandlers(jsonDirectHandlers())
            // Small request/response pairs and stream lines go out at once, not after an ACK.
            .connectionOptions(o -> o.tcpNoDelay(true))
            .addProtocol(
                Http1Config.builder()
                    // Our response headers are fixed names and values we made; request headers
                    // are still validated.
                    .validateResponseHeaders(false)
                    // The per-connection wire loggers only print at FINEST: no listener at all.
                    .log(l -> l.sendLog(false).receiveLog(false))
                    .build())
            .routing(r -> r.any(dispatcher));
    if (tls != null) {
      builder.tls(
          Tls.builder()
              .sslContext(tls.sslContext())
              .enabledProtocols(List.of("TLSv1.3", "TLSv1.2"))
              .build());
    }
    WebServer server;
    try {
      server = builder.build().start();
    } catch (UncheckedIOException | IllegalStateException e) {
      ctx.shutdown();
      throw bindFailed(config, e);
    }
    if (!server.isRunning() || server.port() <= 0) {
      // Helidon logs a listener that failed to bind and returns a server without it.
      server.stop();
      ctx.shutdown();
      throw bindFailed(config, null);
    }
    return new PlasmiteServer(config, ctx, server, tls);
  }

  private static PlasmiteException bindFailed(ServeConfig config, Exception cause) {
    return PlasmiteException.of(
            ErrorKind.IO, "failed to bind " + config.host() + ":" + config.port(), cause)
        .withHint("Is another server on that port? Use --bind HOST:PORT.");
  }

  private static TlsMaterial tlsMaterial(ServeConfig config) {
    if (config.tlsSelfSigned()) {
      return TlsMaterial.selfSigned(Duration.ofDays(365), List.of(config.host()));
    }
    if (config.tlsCert() != null) {
      return TlsMaterial.fromPem(config.tlsCert(), config.tlsKey());
    }
    return null;
  }

  /** Transport-level refusals (malformed requests, oversized headers) as JSON error bodies. */
  private static DirectHandlers jsonDirectHandlers() {
    DirectHandler json =
        (request, eventType, status, headers, message) -> {
          ErrorKind kind =
              switch (status.code()) {
                case 404 -> ErrorKind.NOT_FOUND;
                case 403 -> ErrorKind.PERMISSION;
                default -> status.code() >= 500 ? ErrorKind.INTERNAL : ErrorKind.USAGE;
              };
          String text = message == null || message.isBlank() ? status.reasonPhrase() : message;
          if (kind == ErrorKind.PERMISSION && !text.startsWith("forbidden:")) {
            text = "forbidden: " + text;
          }
          return DirectHandler.TransportResponse.builder()
              .status(status)
              .headers(headers)
              .header(HeaderNames.CONTENT_TYPE, Exchange.JSON)
              .header(Exchange.PLASMITE_VERSION)
              .entity(Exchange.errorBody(PlasmiteException.of(kind, text)))
              .build();
        };
    DirectHandlers.Builder handlers = DirectHandlers.builder();
    for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
      handlers.addHandler(type, json);
    }
    return handlers.build();
  }

  /**
   * The port the server listens on (the one chosen when the configuration said 0).
   *
   * @return the port
   */
  public int port() {
    return server.port();
  }

  /**
   * The address clients reach this server at.
   *
   * @return e.g. {@code http://127.0.0.1:9700}
   */
  public URI baseUri() {
    String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
    return URI.create((tls != null ? "https://" : "http://") + host + ":" + port());
  }

  /**
   * The TLS certificate and key in use.
   *
   * @return the material, or null for plain HTTP
   */
  public TlsMaterial tls() {
    return tls;
  }

  /**
   * The configuration the server runs with.
   *
   * @return the configuration
   */
  public ServeConfig config() {
    return config;
  }

  /** Ends every tail, then stops the server (requests in flight get a short grace period). */
  @Override
  public void close() {
    ctx.shutdown();
    server.stop();
  }
}
