package io.plasmite.client;

import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import io.plasmite.PoolInfo;
import io.plasmite.PoolOptions;
import io.plasmite.json.CanonicalJsonWriter;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The pool API of a plasmite server ({@code pls serve}, or the Rust {@code plasmite serve}), spoken
 * over HTTP (protocol v0) with the JDK's {@link HttpClient}.
 *
 * <pre>{@code
 * RemoteClient client = RemoteClient.builder(URI.create("https://host:9700"))
 *     .token("s3cret").trustCertificates(Path.of("cert.pem")).build();
 * client.create("orders", PoolOptions.DEFAULTS);
 * try (RemotePool pool = client.open("orders");
 *      RemoteTail tail = pool.tail(TailOptions.since(1))) {
 *   pool.appendJson("{\"id\":7}", List.of("new"), Durability.FAST);
 *   Message m = tail.next();
 * }
 * }</pre>
 *
 * <p>Failures are {@link PlasmiteException}s with the server's kind, message and hint; a server
 * that cannot be reached is {@link ErrorKind#IO}.
 */
public final class RemoteClient {
  static final String JSON = "application/json";

  private final URI base;
  private final String authorization;
  private final HttpClient http;
  private final Duration requestTimeout;

  private RemoteClient(Builder b) {
    this.base = b.base;
    this.authorization = b.token == null ? null : "Bearer " + b.token;
    this.requestTimeout = b.requestTimeout;
    HttpClient.Builder http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(b.connectTimeout)
            // A redirect must not carry the token elsewhere.
            .followRedirects(HttpClient.Redirect.NEVER);
    if (b.sslContext != null) {
      http.sslContext(b.sslContext);
    }
    this.http = http.build();
  }

  /**
   * A builder for a server's base URL.
   *
   * @param baseUrl {@code http(s)://host:port} (a trailing {@code /} is fine; no other path)
   * @return the builder
   * @throws PlasmiteException Usage for another kind of URL
   */
  public static Builder builder(URI baseUrl) {
    return new Builder(baseUrl);
  }

  /**
   * A pool named by URL, as the command line takes it: {@code http(s)://host:port/POOL}.
   *
   * @param base the server's base URL
   * @param pool the pool name
   */
  public record PoolUrl(URI base, String pool) {
    /**
     * Splits a pool URL.
     *
     * @param url {@code http(s)://host:port/POOL}
     * @return the base URL and the pool name
     * @throws PlasmiteException Usage for any other shape
     */
    public static PoolUrl parse(String url) {
      URI uri;
      try {
        uri = new URI(url);
      } catch (URISyntaxException e) {
        throw shape();
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      String path = uri.getPath() == null ? "" : uri.getPath();
      String pool = path.startsWith("/") ? path.substring(1) : path;
      if (!(scheme.equals("http") || scheme.equals("https"))
          || uri.getHost() == null
          || uri.getRawQuery() != null
          || uri.getRawFragment() != null
          || pool.isEmpty()
          || pool.contains("/")
          || uri.getRawPath().toLowerCase(Locale.ROOT).contains("%2f")) {
        throw shape();
      }
      return new PoolUrl(URI.create(scheme + "://" + uri.getRawAuthority()), pool);
    }

    private static PlasmiteException shape() {
      return PlasmiteException.of(
              ErrorKind.USAGE, "remote pool ref must use shorthand http(s)://host:port/<pool>")
          .withHint("API-shaped URLs are not accepted as pool refs.");
    }
  }

  /**
   * The server's base URL.
   *
   * @return e.g. {@code http://127.0.0.1:9700}
   */
  public URI baseUri() {
    return base;
  }

  /**
   * Creates a pool ({@code POST /v0/pools}).
   *
   * @param pool the name
   * @param options its size ({@link PoolOptions#sizeBytes()}; the index capacity is the server's)
   * @return its info
   * @throws PlasmiteException AlreadyExists if it exists
   */
  public PoolInfo create(String pool, PoolOptions options) {
    CanonicalJsonWriter body = new CanonicalJsonWriter(false);
    body.startObject().key("pool").value(checkName(pool));
    body.key("size_bytes").value(options.sizeBytes()).endObject();
    return Wire.poolInfo(Json.object(postJson("/v0/pools", body.toByteArray())).obj("pool"));
  }

  /**
   * Opens a pool ({@code POST /v0/pools/open}: checks that it exists).
   *
   * @param pool the name
   * @return the pool
   * @throws PlasmiteException NotFound if it does not exist
   */
  public RemotePool open(String pool) {
    CanonicalJsonWriter body = new CanonicalJsonWriter(false);
    body.startObject().key("pool").value(checkName(pool)).endObject();
    postJson("/v0/pools/open", body.toByteArray());
    return new RemotePool(this, pool);
  }

  /**
   * A pool's info ({@code GET /v0/pools/{pool}/info}).
   *
   * @param pool the name
   * @return the info
   */
  public PoolInfo info(String pool) {
    return Wire.poolInfo(Json.object(get(poolPath(pool, "info"))).obj("pool"));
  }

  /**
   * Every pool of the server ({@code GET /v0/pools}), as the server lists them (by name).
   *
   * @return the infos
   */
  public List<PoolInfo> list() {
    List<PoolInfo> out = new ArrayList<>();
    if (Json.object(get("/v0/pools")).get("pools") instanceof List<?> pools) {
      for (Object p : pools) {
        out.add(Wire.poolInfo(p instanceof Json.Obj o ? o : null));
      }
    }
    return out;
  }

  /**
   * Deletes a pool ({@code DELETE /v0/pools/{pool}}).
   *
   * @param pool the name
   */
  public void delete(String pool) {
    send(request(poolPath(pool, null)).DELETE().build());
  }

  static String checkName(String pool) {
    Objects.requireNonNull(pool, "pool");
    if (pool.isEmpty() || pool.contains("/")) {
      throw PlasmiteException.of(
              ErrorKind.USAGE, "remote pool names must not be empty or contain path separators")
          .withHint("Remote pools are named, not addressed by path.");
    }
    return pool;
  }

  static String poolPath(String pool, String tail) {
    String p = "/v0/pools/" + encode(checkName(pool));
    return tail == null ? p : p + "/" + tail;
  }

  static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  HttpRequest.Builder request(String pathAndQuery) {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(pathAndQuery));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return b;
  }

  byte[] get(String path) {
    return send(request(path).timeout(requestTimeout).header("Accept", JSON).GET().build());
  }

  byte[] postJson(String path, byte[] json) {
    return send(
        request(path)
            .timeout(requestTimeout)
            .header("Accept", JSON)
            .header("Content-Type", JSON)
            .POST(HttpRequest.BodyPublishers.ofByteArray(json))
            .build());
  }

  /** Sends a request and returns the body of a 2xx answer; anything else is thrown. */
  byte[] send(HttpRequest request) {
    HttpResponse<byte[]> r = exchange(request, HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() / 100 != 2) {
      throw Wire.error(r.statusCode(), r.body());
    }
    return r.body();
  }

  /** Opens a streaming answer; a non-2xx answer is read whole and thrown. */
  HttpResponse<InputStream> stream(HttpRequest request) {
    HttpResponse<InputStream> r = exchange(request, HttpResponse.BodyHandlers.ofInputStream());
    if (r.statusCode() / 100 != 2) {
      byte[] body;
      try (InputStream in = r.body()) {
        body = in.readAllBytes();
      } catch (IOException e) {
        body = new byte[0];
      }
      throw Wire.error(r.statusCode(), body);
    }
    return r;
  }

  private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    try {
      return http.send(request, handler);
    } catch (HttpTimeoutException e) {
      throw PlasmiteException.of(ErrorKind.IO, "request to " + base + " timed out", e);
    } catch (ConnectException e) {
      throw PlasmiteException.of(ErrorKind.IO, "cannot connect to " + base)
          .withHint("Is `plasmite serve` running there?");
    } catch (IOException e) {
      throw PlasmiteException.of(ErrorKind.IO, "request to " + base + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw PlasmiteException.of(ErrorKind.IO, "request interrupted", e);
    }
  }

  /** Builds a {@link RemoteClient}. */
  public static final class Builder {
    private final URI base;
    private String token;
    private SSLContext sslContext;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(60);

    private Builder(URI baseUrl) {
      String scheme =
          baseUrl.getScheme() == null ? "" : baseUrl.getScheme().toLowerCase(Locale.ROOT);
      String path = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
      if (!(scheme.equals("http") || scheme.equals("https"))
          || baseUrl.getHost() == null
          || !(path.isEmpty() || path.equals("/"))
          || baseUrl.getRawQuery() != null) {
        throw PlasmiteException.of(ErrorKind.USAGE, "invalid server URL: " + baseUrl)
            .withHint("Use http(s)://host:port.");
      }
      this.base = URI.create(scheme + "://" + baseUrl.getRawAuthority());
    }

    /**
     * Sends {@code Authorization: Bearer TOKEN} with every request.
     *
     * @param token the token, or null for none
     * @return this builder
     */
    public Builder token(String token) {
      this.token = token;
      return this;
    }

    /**
     * Trusts the certificates in a PEM file (a CA, or a server's self-signed certificate) instead
     * of the JDK's default trust store; the host name is still checked ({@code --tls-ca}).
     *
     * @param pemFile the file
     * @return this builder
     * @throws PlasmiteException NotFound, Io or Usage when the file cannot be used
     */
    public Builder trustCertificates(Path pemFile) {
      try (InputStream in = Files.newInputStream(pemFile)) {
        Collection<? extends Certificate> certs =
            CertificateFactory.getInstance("X.509").generateCertificates(in);
        if (certs.isEmpty()) {
          throw PlasmiteException.of(ErrorKind.USAGE, "no certificate in the file")
              .withPath(pemFile);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int i = 0;
        for (Certificate c : certs) {
          store.setCertificateEntry("ca" + i++, c);
        }
        TrustManagerFactory tmf =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        this.sslContext = context;
      } catch (NoSuchFileException e) {
        throw PlasmiteException.of(ErrorKind.NOT_FOUND, "TLS CA file not found").withPath(pemFile);
      } catch (IOException e) {
        throw PlasmiteException.of(ErrorKind.IO, "failed to read the TLS CA file", e)
            .withPath(pemFile);
      } catch (GeneralSecurityException e) {
        throw PlasmiteException.of(ErrorKind.USAGE, "invalid TLS CA file", e).withPath(pemFile);
      }
      return this;
    }

    /**
     * Accepts any server certificate and host name ({@code --tls-skip-verify}): for tests and first
     * contact only, since anyone in the middle can then read the token.
     *
     * @return this builder
     */
    public Builder insecureSkipVerify() {
      try {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new X509ExtendedTrustManager[] {new TrustAll()}, null);
        this.sslContext = context;
      } catch (GeneralSecurityException e) {
        throw PlasmiteException.of(ErrorKind.INTERNAL, "cannot set up TLS", e);
      }
      return this;
    }

    /**
     * How long a connection attempt may take (default 10 s).
     *
     * @param timeout the limit
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Builds the client.
     *
     * @return the client
     */
    public RemoteClient build() {
      return new RemoteClient(this);
    }
  }

  /** Trusts every certificate; extended, so the TLS stack does no host name check either. */
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
