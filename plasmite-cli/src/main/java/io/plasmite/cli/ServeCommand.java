package io.plasmite.cli;

import io.plasmite.server.PlasmiteServer;
import io.plasmite.server.ServeConfig;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code pls serve}: the HTTP server of {@code remote-v0.md} for the pool directory (plus the web
 * UI at {@code /ui} and MCP at {@code /mcp}), until SIGINT or SIGTERM. Once listening it prints
 * where: a line of text on a terminal, else one JSON object ({@code {"listening":URL,…}}).
 */
@Command(
    name = "serve",
    description = "Serve the pool directory over HTTP (remote protocol v0, web UI, MCP).",
    subcommands = {ServeInitCommand.class, ServeCheckCommand.class},
    footer = {
      "",
      "Examples:",
      "  plasmite serve                                  # http://127.0.0.1:9700, UI at /ui",
      "  plasmite serve --access read-only --token-file token",
      "  plasmite serve init --bind 192.0.2.10:9700      # token + TLS files, then the commands",
      "  plasmite serve check --bind 0.0.0.0:9700 --allow-non-loopback --access read-only",
      "",
      "Loopback only unless --allow-non-loopback; non-loopback writes need --token-file and TLS."
    })
public final class ServeCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;
  @Mixin private HelpOption help;
  @Mixin private ServeOptions options;

  /** Creates the command; picocli instantiates it. */
  public ServeCommand() {}

  @Override
  public Integer call() throws InterruptedException {
    PlsCommand pls = PlsCommand.of(spec);
    ServeConfig config = options.config(pls.poolDir());
    PlasmiteServer server = PlasmiteServer.start(config);
    PrintStream err = pls.streams().err();
    // SIGINT and SIGTERM run the shutdown hooks: streams end, the server stops, then the JVM exits
    // with the signal's status (130, 143) while this thread still waits.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close();
                  } finally {
                    err.println("plasmite serve: stopped");
                    err.flush();
                  }
                },
                "plasmite-serve-shutdown"));
    announce(pls, server);
    Thread.currentThread().join();
    return 0;
  }

  private static void announce(PlsCommand pls, PlasmiteServer server) {
    String url = server.baseUri().toString();
    String fingerprint = server.tls() == null ? null : server.tls().fingerprint();
    PrintStream out = pls.streams().out();
    if (pls.streams().outIsTerminal()) {
      out.println("plasmite serve: listening on " + url + " (pools: " + pls.poolDir() + ")");
      out.println("  web UI: " + url + "/ui");
      if (fingerprint != null) {
        out.println("  TLS certificate fingerprint: " + fingerprint);
      }
      out.flush();
      return;
    }
    JsonOut.print(
        out,
        JsonOut.render(
            false,
            w -> {
              w.startObject();
              w.key("access").value(server.config().access().label());
              w.key("listening").value(url);
              w.key("pool_dir").value(pls.poolDir().toAbsolutePath().toString());
              if (fingerprint != null) {
                w.key("tls_fingerprint").value(fingerprint);
              }
              w.key("ui").value(url + "/ui");
              w.endObject();
            }),
        false);
  }
}
