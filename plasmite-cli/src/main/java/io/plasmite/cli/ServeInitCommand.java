package io.plasmite.cli;

import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import io.plasmite.server.ServeConfig;
import io.plasmite.server.TlsMaterial;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pls serve init}: writes what a server reachable from other machines needs — a random
 * token, a self-signed TLS certificate valid for the bind address, and its key, each readable by
 * the owner only — and prints the certificate's fingerprint with ready-to-paste server and client
 * commands. The token itself is never printed. Existing files are kept unless {@code --force}.
 */
@Command(
    name = "init",
    description = "Write a token, a self-signed TLS certificate and key; print the commands.")
public final class ServeInitCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;
  @Mixin private HelpOption help;

  @Option(
      names = "--output-dir",
      paramLabel = "DIR",
      description = "Where the files go (default ~/.plasmite/serve).")
  private Path outputDir;

  @Option(
      names = "--bind",
      paramLabel = "HOST:PORT",
      description = "Address clients will connect to (default 127.0.0.1:9700).")
  private String bind = ServeConfig.DEFAULT_BIND;

  @Option(names = "--token-file", paramLabel = "PATH", description = "Token file (default token).")
  private Path tokenFile = Path.of("token");

  @Option(
      names = "--tls-cert",
      paramLabel = "PATH",
      description = "Certificate (default cert.pem).")
  private Path tlsCert = Path.of("cert.pem");

  @Option(names = "--tls-key", paramLabel = "PATH", description = "Key (default key.pem).")
  private Path tlsKey = Path.of("key.pem");

  @Option(names = "--force", description = "Overwrite existing files.")
  private boolean force;

  /** Creates the command; picocli instantiates it. */
  public ServeInitCommand() {}

  @Override
  public Integer call() throws IOException {
    PlsCommand pls = PlsCommand.of(spec);
    ServeConfig target = ServeConfig.builder(pls.poolDir()).bind(bind).build();
    String host = target.host();
    if (host.equals("0.0.0.0") || host.equals("::")) {
      throw PlasmiteException.of(ErrorKind.USAGE, "serve init requires a concrete bind IP")
          .withHint("Use --bind with the address clients will connect to, e.g. 192.0.2.10:9700.");
    }
    Path dir = (outputDir != null ? outputDir : defaultDir()).toAbsolutePath();
    Path token = dir.resolve(tokenFile);
    Path cert = dir.resolve(tlsCert);
    Path key = dir.resolve(tlsKey);
    if (token.equals(cert) || token.equals(key) || cert.equals(key)) {
      throw PlasmiteException.of(ErrorKind.USAGE, "serve init requires distinct file paths")
          .withHint("Use different values for --token-file, --tls-cert and --tls-key.");
    }
    boolean existed = false;
    for (Path p : List.of(token, cert, key)) {
      if (Files.exists(p)) {
        existed = true;
        if (!force) {
          throw PlasmiteException.of(ErrorKind.ALREADY_EXISTS, "serve init file already exists")
              .withPath(p)
              .withHint("Re-run with --force to overwrite, or choose other paths.");
        }
      }
    }
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    TlsMaterial tls = TlsMaterial.selfSigned(Duration.ofDays(365), List.of(host));
    writeOwnerOnly(token, HexFormat.of().formatHex(secret) + "\n");
    writeOwnerOnly(cert, tls.certificatePem());
    writeOwnerOnly(key, tls.privateKeyPem());
    report(pls, target, token, cert, key, tls.fingerprint(), force && existed);
    return 0;
  }

  private static Path defaultDir() {
    String home = System.getenv("HOME");
    return Path.of(home == null || home.isEmpty() ? System.getProperty("user.home") : home)
        .resolve(".plasmite")
        .resolve("serve");
  }

  /** Writes a file that only its owner can read, created so from the start. */
  private static void writeOwnerOnly(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.deleteIfExists(file);
    try (OutputStream out =
        Files.newOutputStream(
            Files.createFile(
                file,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
            StandardOpenOption.WRITE)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private void report(
      PlsCommand pls,
      ServeConfig target,
      Path token,
      Path cert,
      Path key,
      String fingerprint,
      boolean overwrote) {
    String host = target.host().contains(":") ? "[" + target.host() + "]" : target.host();
    String bindText = host + ":" + target.port();
    String base = "https://" + bindText;
    String serve =
        "plasmite serve --bind "
            + bindText
            + (target.loopback() ? "" : " --allow-non-loopback")
            + " --token-file "
            + quote(token)
            + " --tls-cert "
            + quote(cert)
            + " --tls-key "
            + quote(key);
    List<String> clients = new ArrayList<>();
    clients.add(
        "plasmite feed "
            + base
            + "/demo --create --token-file "
            + quote(token)
            + " --tls-ca "
            + quote(cert)
            + " '{\"hello\":\"world\"}'");
    clients.add(
        "plasmite follow "
            + base
            + "/demo --token-file "
            + quote(token)
            + " --tls-ca "
            + quote(cert)
            + " --tail 10");
    List<String> curl = new ArrayList<>();
    curl.add(
        "curl --cacert "
            + quote(cert)
            + " -sS -H \"Authorization: Bearer $(cat "
            + quote(token)
            + ")\" -H 'content-type: application/json' --data '{\"data\":{\"hello\":\"world\"}}' "
            + base
            + "/v0/pools/demo/append");
    curl.add(
        "curl --cacert "
            + quote(cert)
            + " -N -sS -H \"Authorization: Bearer $(cat "
            + quote(token)
            + ")\" '"
            + base
            + "/v0/pools/demo/tail?timeout_ms=5000'");
    if (!pls.streams().outIsTerminal()) {
      JsonOut.print(
          pls.streams().out(),
          JsonOut.render(
              false,
              w -> {
                w.startObject();
                w.key("bind").value(bindText);
                w.key("client_commands").startArray();
                clients.forEach(w::value);
                w.endArray();
                w.key("curl_client_commands").startArray();
                curl.forEach(w::value);
                w.endArray();
                w.key("overwrote_existing").value(overwrote);
                w.key("server_commands").startArray().value(serve).endArray();
                w.key("tls_cert").value(cert.toString());
                w.key("tls_fingerprint").value(fingerprint);
                w.key("tls_key").value(key.toString());
                w.key("token_file").value(token.toString());
                w.endObject();
              }),
          false);
      return;
    }
    PrintStream out = pls.streams().out();
    out.println("Wrote (owner-only): " + token + ", " + cert + ", " + key);
    out.println("TLS certificate fingerprint: " + fingerprint);
    out.println();
    out.println("Start the server:");
    out.println("  " + serve);
    out.println();
    out.println("Clients (copy " + cert.getFileName() + " and the token file to them):");
    clients.forEach(c -> out.println("  " + c));
    curl.forEach(c -> out.println("  " + c));
    out.flush();
  }

  /** A path as a shell word: as is when plain, else single-quoted. */
  private static String quote(Path path) {
    String s = path.toString();
    if (s.chars().allMatch(c -> Character.isLetterOrDigit(c) || "/_-.:=".indexOf(c) >= 0)) {
      return s;
    }
    return "'" + s.replace("'", "'\"'\"'") + "'";
  }
}
