package io.plasmite.server;

import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How {@code pls serve} runs: where it listens, which pools it serves, who may do what, and its
 * limits ({@code remote-v0.md}, "Security and limits").
 *
 * <pre>{@code
 * ServeConfig config = ServeConfig.builder(poolDir).bind("127.0.0.1:0").token("s3cret").build();
 * config.validate();
 * }</pre>
 *
 * @param host the address to bind
 * @param port the port to bind (0 for any free port)
 * @param poolDir the directory of the pools served
 * @param token the bearer token clients must send, or null for none
 * @param tokenFromFile whether the token came from {@code --token-file} (required for writes on a
 *     non-loopback address)
 * @param access what clients may do
 * @param tlsCert PEM certificate (chain) file, or null
 * @param tlsKey PEM private key file, or null
 * @param tlsSelfSigned whether to make a self-signed certificate at start-up
 * @param allowNonLoopback whether a non-loopback bind is allowed
 * @param insecureNoTls whether non-loopback writes may go without TLS
 * @param corsOrigins exact origins allowed by CORS
 * @param maxBodyBytes largest request body (413 above)
 * @param maxTailTimeoutMs default and largest {@code timeout_ms} of a tail
 * @param maxTailConcurrency most tails at once (423 beyond)
 */
public record ServeConfig(
    String host,
    int port,
    Path poolDir,
    String token,
    boolean tokenFromFile,
    AccessMode access,
    Path tlsCert,
    Path tlsKey,
    boolean tlsSelfSigned,
    boolean allowNonLoopback,
    boolean insecureNoTls,
    List<String> corsOrigins,
    long maxBodyBytes,
    long maxTailTimeoutMs,
    int maxTailConcurrency) {

  /** The default bind address. */
  public static final String DEFAULT_BIND = "127.0.0.1:9700";

  /** The default request body limit: 1 MiB. */
  public static final long DEFAULT_MAX_BODY_BYTES = 1L << 20;

  /** The default (and largest) tail timeout: 30 s. */
  public static final long DEFAULT_MAX_TAIL_TIMEOUT_MS = 30_000;

  /** The default number of concurrent tails. */
  public static final int DEFAULT_MAX_TAIL_CONCURRENCY = 64;

  /** Checks for nulls and copies the origins. */
  public ServeConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(poolDir, "poolDir");
    Objects.requireNonNull(access, "access");
    corsOrigins = List.copyOf(corsOrigins);
  }

  /**
   * A builder with the defaults: {@code 127.0.0.1:9700}, read-write, no token, no TLS.
   *
   * @param poolDir the directory of the pools served
   * @return the builder
   */
  public static Builder builder(Path poolDir) {
    return new Builder(poolDir);
  }

  /**
   * Whether TLS is configured (certificate files or a self-signed certificate).
   *
   * @return true when the server speaks HTTPS
   */
  public boolean tls() {
    return tlsSelfSigned || (tlsCert != null && tlsKey != null);
  }

  /**
   * Whether the bind address is a loopback address.
   *
   * @return true for 127.0.0.0/8, ::1 and names that resolve to them
   */
  public boolean loopback() {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * Checks the safety rules and limits without binding anything.
   *
   * @throws PlasmiteException Usage with a hint for the first rule broken
   */
  public void validate() {
    try {
      InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw usage("invalid bind address: " + host, "Use HOST:PORT, e.g. 127.0.0.1:9700.");
    }
    boolean loopback = loopback();
    if (!loopback && !allowNonLoopback) {
      throw usage(
          "non-loopback bind requires explicit opt-in",
          "Re-run with --allow-non-loopback or use a loopback address.");
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw usage(
          "TLS requires both --tls-cert and --tls-key",
          "Provide both paths or run `plasmite serve init` to generate matching TLS files.");
    }
    if (tlsSelfSigned && tlsCert != null) {
      throw usage(
          "--tls-self-signed cannot be combined with --tls-cert/--tls-key",
          "Use either --tls-self-signed or certificate files.");
    }
    if (maxBodyBytes <= 0) {
      throw usage(
          "--max-body-bytes must be greater than zero", "Use a positive value like 1048576.");
    }
    if (maxBodyBytes > Integer.MAX_VALUE - 8) {
      throw usage("--max-body-bytes is too large", "Use a value below 2 GiB.");
    }
    if (maxTailTimeoutMs <= 0) {
      throw usage(
          "--max-tail-timeout-ms must be greater than zero", "Use a positive value like 30000.");
    }
    if (maxTailConcurrency <= 0) {
      throw usage(
          "--max-tail-concurrency must be greater than zero", "Use a positive value like 64.");
    }
    if (token != null && token.isEmpty()) {
      throw usage("the token must not be empty", "Use --token-file with a non-empty token.");
    }
    for (String origin : corsOrigins) {
      if (!origin.matches("https?://[^/?#\\s]+")) {
        throw usage(
            "invalid --cors-origin: " + origin,
            "Use an exact origin such as https://app.example.com (scheme, host, optional port).");
      }
    }
    if (!loopback && access.allowsWrite()) {
      if (!tokenFromFile) {
        throw usage(
            "non-loopback write requires --token-file",
            "Run `plasmite serve init` and use the generated --token-file.");
      }
      if (!insecureNoTls && !tls()) {
        throw usage(
            "non-loopback write requires TLS",
            "Use --tls-cert/--tls-key (see `plasmite serve init`), --tls-self-signed, or"
                + " --insecure-no-tls.");
      }
    }
  }

  private static PlasmiteException usage(String message, String hint) {
    return PlasmiteException.of(ErrorKind.USAGE, message).withHint(hint);
  }

  /** Builds a {@link ServeConfig}. */
  public static final class Builder {
    private final Path poolDir;
    private String host = "127.0.0.1";
    private int port = 9700;
    private String token;
    private boolean tokenFromFile;
    private AccessMode access = AccessMode.READ_WRITE;
    private Path tlsCert;
    private Path tlsKey;
    private boolean tlsSelfSigned;
    private boolean allowNonLoopback;
    private boolean insecureNoTls;
    private final List<String> corsOrigins = new ArrayList<>();
    private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private long maxTailTimeoutMs = DEFAULT_MAX_TAIL_TIMEOUT_MS;
    private int maxTailConcurrency = DEFAULT_MAX_TAIL_CONCURRENCY;

    private Builder(Path poolDir) {
      this.poolDir = Objects.requireNonNull(poolDir, "poolDir");
    }

    /**
     * Sets the address to listen on.
     *
     * @param bind {@code HOST:PORT}, {@code [IPv6]:PORT}
     * @return this builder
     * @throws PlasmiteException Usage for another shape
     */
    public Builder bind(String bind) {
      int colon = bind.lastIndexOf(':');
      if (colon <= 0 || colon == bind.length() - 1) {
        throw usage("invalid --bind: " + bind, "Use HOST:PORT, e.g. 127.0.0.1:9700.");
      }
      String h = bind.substring(0, colon);
      if (h.startsWith("[") && h.endsWith("]")) {
        h = h.substring(1, h.length() - 1);
      } else if (h.contains(":")) {
        throw usage("invalid --bind: " + bind, "Write IPv6 addresses in brackets: [::1]:9700.");
      }
      int p;
      try {
        p = Integer.parseInt(bind.substring(colon + 1));
      } catch (NumberFormatException e) {
        p = -1;
      }
      if (p < 0 || p > 65535 || h.isEmpty()) {
        throw usage("invalid --bind: " + bind, "Use HOST:PORT with a port from 0 to 65535.");
      }
      this.host = h;
      this.port = p;
      return this;
    }

    /**
     * Requires this bearer token.
     *
     * @param token the token, or null for none
     * @param fromFile whether it was read from a file
     * @return this builder
     */
    public Builder token(String token, boolean fromFile) {
      this.token = token;
      this.tokenFromFile = fromFile;
      return this;
    }

    /**
     * Sets the access mode.
     *
     * @param access the mode
     * @return this builder
     */
    public Builder access(AccessMode access) {
      this.access = Objects.requireNonNull(access, "access");
      return this;
    }

    /**
     * Serves HTTPS with a certificate and key from PEM files.
     *
     * @param cert the certificate (chain) file, or null
     * @param key the private key file, or null
     * @return this builder
     */
    public Builder tlsFiles(Path cert, Path key) {
      this.tlsCert = cert;
      this.tlsKey = key;
      return this;
    }

    /**
     * Serves HTTPS with a certificate made at start-up.
     *
     * @param selfSigned whether to
     * @return this builder
     */
    public Builder tlsSelfSigned(boolean selfSigned) {
      this.tlsSelfSigned = selfSigned;
      return this;
    }

    /**
     * Allows a non-loopback bind.
     *
     * @param allow whether to
     * @return this builder
     */
    public Builder allowNonLoopback(boolean allow) {
      this.allowNonLoopback = allow;
      return this;
    }

    /**
     * Allows non-loopback writes over plain HTTP.
     *
     * @param insecure whether to
     * @return this builder
     */
    public Builder insecureNoTls(boolean insecure) {
      this.insecureNoTls = insecure;
      return this;
    }

    /**
     * Allows an exact origin for CORS.
     *
     * @param origin e.g. {@code https://app.example.com}
     * @return this builder
     */
    public Builder corsOrigin(String origin) {
      corsOrigins.add(origin);
      return this;
    }

    /**
     * Sets the request body limit.
     *
     * @param bytes the limit
     * @return this builder
     */
    public Builder maxBodyBytes(long bytes) {
      this.maxBodyBytes = bytes;
      return this;
    }

    /**
     * Sets the default and largest tail timeout.
     *
     * @param ms milliseconds
     * @return this builder
     */
    public Builder maxTailTimeoutMs(long ms) {
      this.maxTailTimeoutMs = ms;
      return this;
    }

    /**
     * Sets the number of concurrent tails.
     *
     * @param tails the limit
     * @return this builder
     */
    public Builder maxTailConcurrency(int tails) {
      this.maxTailConcurrency = tails;
      return this;
    }

    /**
     * Builds the configuration (not yet validated).
     *
     * @return the configuration
     */
    public ServeConfig build() {
      return new ServeConfig(
          host,
          port,
          poolDir,
          token,
          tokenFromFile,
          access,
          tlsCert,
          tlsKey,
          tlsSelfSigned,
          allowNonLoopback,
          insecureNoTls,
          corsOrigins,
          maxBodyBytes,
          maxTailTimeoutMs,
          maxTailConcurrency);
    }
  }
}
