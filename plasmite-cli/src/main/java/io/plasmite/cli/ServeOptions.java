package io.plasmite.cli;

import io.plasmite.server.AccessMode;
import io.plasmite.server.ServeConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options of {@code serve} and {@code serve check}: one configuration, two uses. */
final class ServeOptions {
  @Option(
      names = "--bind",
      paramLabel = "HOST:PORT",
      description = "Address to listen on (default 127.0.0.1:9700).")
  String bind = ServeConfig.DEFAULT_BIND;

  @Option(
      names = "--access",
      paramLabel = "MODE",
      completionCandidates = Candidates.Access.class,
      description = "read-only, write-only or read-write (default).")
  String access = AccessMode.READ_WRITE.label();

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description = "Require this bearer token (visible in ps; prefer --token-file).")
  String token;

  @Option(
      names = "--token-file",
      paramLabel = "PATH",
      description = "Require the bearer token held in this file.")
  Path tokenFile;

  @Option(names = "--tls-cert", paramLabel = "PATH", description = "TLS certificate (PEM).")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PATH", description = "TLS private key (PEM).")
  Path tlsKey;

  @Option(
      names = "--tls-self-signed",
      description = "Serve HTTPS with a certificate made at start-up (its fingerprint is shown).")
  boolean tlsSelfSigned;

  @Option(
      names = "--allow-non-loopback",
      description = "Allow binding an address other than loopback.")
  boolean allowNonLoopback;

  @Option(
      names = "--insecure-no-tls",
      description = "Allow non-loopback writes over plain HTTP (tokens travel in clear).")
  boolean insecureNoTls;

  @Option(
      names = "--cors-origin",
      paramLabel = "ORIGIN",
      description = "Allow browser requests from this exact origin (repeatable).")
  List<String> corsOrigins = new ArrayList<>();

  @Option(
      names = "--max-body-bytes",
      paramLabel = "N",
      description = "Largest request body (default 1048576); larger gets 413.")
  long maxBodyBytes = ServeConfig.DEFAULT_MAX_BODY_BYTES;

  @Option(
      names = "--max-tail-timeout-ms",
      paramLabel = "MS",
      description = "Default and largest tail timeout_ms (default 30000).")
  long maxTailTimeoutMs = ServeConfig.DEFAULT_MAX_TAIL_TIMEOUT_MS;

  @Option(
      names = "--max-tail-concurrency",
      paramLabel = "N",
      description = "Most tails at once (default 64); more get 423.")
  int maxTailConcurrency = ServeConfig.DEFAULT_MAX_TAIL_CONCURRENCY;

  /** Creates the options; picocli fills them. */
  ServeOptions() {}

  /**
   * The configuration these options describe (read, not yet validated).
   *
   * @param poolDir the pools to serve
   * @return the configuration
   */
  ServeConfig config(Path poolDir) {
    if (token != null && tokenFile != null) {
      throw io.plasmite.PlasmiteException.of(
              io.plasmite.ErrorKind.USAGE, "use either --token or --token-file")
          .withHint("Keep --token-file; tokens on the command line show in ps.");
    }
    ServeConfig.Builder b =
        ServeConfig.builder(poolDir)
            .bind(bind)
            .access(AccessMode.parse(access))
            .tlsFiles(tlsCert, tlsKey)
            .tlsSelfSigned(tlsSelfSigned)
            .allowNonLoopback(allowNonLoopback)
            .insecureNoTls(insecureNoTls)
            .maxBodyBytes(maxBodyBytes)
            .maxTailTimeoutMs(maxTailTimeoutMs)
            .maxTailConcurrency(maxTailConcurrency);
    if (tokenFile != null) {
      b.token(RemoteOptions.readToken(tokenFile), true);
    } else {
      b.token(token, false);
    }
    for (String origin : corsOrigins) {
      b.corsOrigin(origin);
    }
    return b.build();
  }
}
