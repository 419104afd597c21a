package io.plasmite.cli;

import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import io.plasmite.client.RemoteClient;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options of a verb that reaches pools on a server: {@code --token}, {@code --token-file},
 * {@code --tls-ca}, {@code --tls-skip-verify}. They are refused for a local pool.
 */
final class RemoteOptions {
  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description = "Bearer token for a remote pool (visible in ps; prefer --token-file).")
  String token;

  @Option(
      names = "--token-file",
      paramLabel = "PATH",
      description = "File holding the bearer token for a remote pool.")
  Path tokenFile;

  @Option(
      names = "--tls-ca",
      paramLabel = "PATH",
      description = "PEM certificate(s) to trust for an https remote pool.")
  Path tlsCa;

  @Option(
      names = "--tls-skip-verify",
      description = "Accept any certificate of an https remote pool (unsafe; tests only).")
  boolean tlsSkipVerify;

  /** Creates the options; picocli fills them. */
  RemoteOptions() {}

  /** Whether any was given. */
  boolean any() {
    return token != null || tokenFile != null || tlsCa != null || tlsSkipVerify;
  }

  /** Refuses remote options for a local pool. */
  void requireNone(String verb) {
    if (any()) {
      throw PlasmiteException.of(
              ErrorKind.USAGE,
              "--token, --token-file, --tls-ca and --tls-skip-verify are for remote pools")
          .withHint("Name the pool as http(s)://host:port/POOL, or drop those options.");
    }
  }

  /** A client for a server. */
  RemoteClient client(URI base) {
    if (token != null && tokenFile != null) {
      throw PlasmiteException.of(ErrorKind.USAGE, "use either --token or --token-file")
          .withHint("Keep --token-file; tokens on the command line show in ps.");
    }
    if (tlsCa != null && tlsSkipVerify) {
      throw PlasmiteException.of(ErrorKind.USAGE, "use either --tls-ca or --tls-skip-verify");
    }
    RemoteClient.Builder b = RemoteClient.builder(base).token(token);
    if (tokenFile != null) {
      b.token(readToken(tokenFile));
    }
    if (tlsCa != null) {
      b.trustCertificates(tlsCa);
    } else if (tlsSkipVerify) {
      b.insecureSkipVerify();
    }
    return b.build();
  }

  /**
   * Reads a token file: its text without surrounding white space.
   *
   * @param file the file
   * @return the token
   */
  static String readToken(Path file) {
    try {
      String t = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (t.isEmpty()) {
        throw PlasmiteException.of(ErrorKind.USAGE, "token file is empty").withPath(file);
      }
      return t;
    } catch (NoSuchFileException e) {
      throw PlasmiteException.of(ErrorKind.NOT_FOUND, "token file not found").withPath(file);
    } catch (IOException e) {
      throw PlasmiteException.of(ErrorKind.IO, "failed to read the token file", e).withPath(file);
    }
  }
}
