package io.plasmite.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pls serve} as a process, and {@code feed}, {@code follow} and {@code duplex} against it
 * with {@code http(s)://host:port/POOL}; {@code serve init}, {@code serve check}, {@code mcp}.
 */
class RemoteProcessTest {
  @TempDir Path dir;

  /** Starts {@code pls serve ARGS} and returns it with the URL it listens on. */
  private record Server(Pls.Live process, String url) implements AutoCloseable {
    @Override
    public void close() {
      process.close();
    }
  }

  private Server serve(Pls pls, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("serve", "--bind", "127.0.0.1:0"));
    all.addAll(List.of(args));
    Pls.Live live = pls.start(all.toArray(String[]::new));
    String first;
    try {
      first = live.stdout.next();
    } catch (AssertionError e) {
      live.process.destroyForcibly();
      throw new AssertionError("serve printed nothing; stderr: " + live.stderr.rest(), e);
    }
    if (first == null) {
      throw new AssertionError("serve ended at once; stderr: " + live.stderr.rest());
    }
    Map<String, Object> hello = Json.parseObject(first);
    return new Server(live, (String) hello.get("listening"));
  }

  private static long seq(String json) throws Exception {
    return ((Number) Json.parseObject(json).get("seq")).longValue();
  }

  @Test
  void feedFollowAndDuplexReachAServer() throws Exception {
    Path pools = dir.resolve("pools");
    Path token = Files.writeString(dir.resolve("token"), "s3cret\n");
    Pls server = new Pls(pools);
    Pls client = new Pls(dir.resolve("client-side"));
    try (Server s =
        serve(server, "--token-file", token.toString(), "--max-tail-timeout-ms", "300")) {
      String chat = s.url() + "/chat";
      String tok = token.toString();
      Pls.Run first = client.run("", "feed", chat, "--create", "--token-file", tok, "{\"n\":1}");
      assertEquals(0, first.status(), first.stderr());
      assertEquals(1, seq(first.stdout().strip()));
      assertTrue(Files.exists(pools.resolve("chat.plasmite")));

      Pls.Run many =
          client.run("{\"n\":2}\n{\"n\":3}\n", "feed", chat, "--token-file", tok, "--tag", "t");
      assertEquals(0, many.status(), many.stderr());
      assertEquals(List.of(2L, 3L), List.of(seq(many.lines().get(0)), seq(many.lines().get(1))));

      try (Pls.Live follow =
          client.start("follow", chat, "--token-file", tok, "--tail", "2", "--jsonl")) {
        assertEquals(2, seq(follow.stdout.next()));
        assertEquals(3, seq(follow.stdout.next()));
        // Each feed is a new JVM, slower than the server's 300 ms stream deadline: the follower
        // reconnects between messages, and must print each exactly once, in order.
        for (int n = 4; n <= 6; n++) {
          Pls.Run one = client.run("", "feed", chat, "--token-file", tok, "{\"n\":" + n + "}");
          assertEquals(0, one.status(), one.stderr());
          String line = follow.stdout.next();
          assertEquals(n, seq(line));
          assertEquals(
              n, ((Number) ((Map<?, ?>) Json.parseObject(line).get("data")).get("n")).intValue());
        }
      }

      Pls.Run duplex = client.run("{\"from\":\"dx\"}\n", "duplex", chat, "--token-file", tok);
      assertEquals(0, duplex.status(), duplex.stderr());
      assertTrue(duplex.stdout().contains("\"from\":\"dx\""), duplex.stdout());

      Pls.Run noToken = client.run("", "follow", chat, "--tail", "1", "--one");
      assertEquals(6, noToken.status(), noToken.stderr());
      assertEquals("Permission", noToken.error().get("kind"));

      Pls.Run missing = client.run("", "feed", s.url() + "/nope", "--token-file", tok, "{}");
      assertEquals(3, missing.status());
      assertTrue(String.valueOf(missing.error().get("hint")).contains("--create"));
    }
  }

  @Test
  void aFollowOverTheServersTailLimitExitsBusy() throws Exception {
    Pls server = new Pls(dir.resolve("pools"));
    Pls client = new Pls(dir.resolve("client-side"));
    try (Server s = serve(server, "--max-tail-concurrency", "1")) {
      String url = s.url() + "/busy";
      Pls.Run fed = client.run("", "feed", url, "--create", "{\"n\":1}");
      assertEquals(0, fed.status(), fed.stderr());
      try (Pls.Live holder = client.start("follow", url, "--tail", "1", "--jsonl")) {
        // The first line proves the holder's stream is open and holds the only permit.
        assertEquals(1, seq(holder.stdout.next()));
        Pls.Run second = client.run("", "follow", url, "--tail", "1", "--one");
        assertEquals(5, second.status(), second.stderr());
        assertEquals("Busy", second.error().get("kind"));
      }
    }
  }

  @Test
  void urlShapesAndRemoteOptionsAreChecked() throws Exception {
    Pls pls = new Pls(dir);
    Pls.Run api = pls.run("", "feed", "http://127.0.0.1:9/v0/pools/x", "{}");
    assertEquals(2, api.status());
    Pls.Run localWithToken = pls.run("", "feed", "x", "--token", "t", "--create", "{}");
    assertEquals(2, localWithToken.status());
    assertTrue(String.valueOf(localWithToken.error().get("message")).contains("remote pools"));
    Pls.Run nobody = pls.run("", "feed", "http://127.0.0.1:1/x", "{}");
    assertEquals(8, nobody.status(), nobody.stderr());
    assertEquals("Io", nobody.error().get("kind"));
  }

  @Test
  void serveInitFilesWorkWithTls() throws Exception {
    Pls pls = new Pls(dir.resolve("pools"));
    Path out = dir.resolve("serve");
    Pls.Run init = pls.run("", "serve", "init", "--output-dir", out.toString());
    assertEquals(0, init.status(), init.stderr());
    Map<String, Object> report = Json.parseObject(init.stdout().strip());
    assertTrue(String.valueOf(report.get("tls_fingerprint")).startsWith("SHA256:"));
    assertTrue(String.valueOf(report.get("server_commands")).contains("--tls-cert"));
    for (String f : List.of("token", "cert.pem", "key.pem")) {
      assertEquals(
          "rw-------",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve(f))),
          f);
    }
    String token = Files.readString(out.resolve("token")).strip();
    assertEquals(64, token.length());
    assertTrue(!init.stdout().contains(token), "the token must not be printed");

    Pls.Run again = pls.run("", "serve", "init", "--output-dir", out.toString());
    assertEquals(4, again.status());
    Pls.Run forced = pls.run("", "serve", "init", "--output-dir", out.toString(), "--force");
    assertEquals(0, forced.status(), forced.stderr());
    assertNotEquals(token, Files.readString(out.resolve("token")).strip());

    String[] tls = {
      "--token-file", out.resolve("token").toString(),
      "--tls-cert", out.resolve("cert.pem").toString(),
      "--tls-key", out.resolve("key.pem").toString()
    };
    Pls.Run check = pls.run("", concat(new String[] {"serve", "check"}, tls));
    assertEquals(0, check.status(), check.stderr());
    Map<String, Object> checked = Json.parseObject(check.stdout().strip());
    assertEquals("files", checked.get("tls"));
    assertEquals("bearer", checked.get("auth"));

    try (Server s = serve(pls, tls)) {
      assertTrue(s.url().startsWith("https://127.0.0.1:"));
      Pls.Run fed =
          pls.run(
              "",
              "feed",
              s.url() + "/demo",
              "--create",
              "--token-file",
              out.resolve("token").toString(),
              "--tls-ca",
              out.resolve("cert.pem").toString(),
              "{\"hello\":\"world\"}");
      assertEquals(0, fed.status(), fed.stderr());
      Pls.Run untrusted =
          pls.run(
              "", "feed", s.url() + "/demo", "--token-file", out.resolve("token").toString(), "{}");
      assertEquals(8, untrusted.status(), untrusted.stderr());
    }
  }

  @Test
  void serveCheckRefusesUnsafeConfigurations() throws Exception {
    Pls pls = new Pls(dir);
    Pls.Run open = pls.run("", "serve", "check", "--bind", "0.0.0.0:9700");
    assertEquals(2, open.status());
    assertTrue(String.valueOf(open.error().get("message")).contains("non-loopback"));
    Pls.Run writes =
        pls.run("", "serve", "check", "--bind", "0.0.0.0:9700", "--allow-non-loopback");
    assertEquals(2, writes.status());
    Pls.Run readOnly =
        pls.run(
            "",
            "serve",
            "check",
            "--bind",
            "0.0.0.0:9700",
            "--allow-non-loopback",
            "--access",
            "read-only");
    assertEquals(0, readOnly.status(), readOnly.stderr());
    assertEquals(false, Json.parseObject(readOnly.stdout().strip()).get("loopback"));
  }

  @Test
  void sigtermStopsTheServerGracefully() throws Exception {
    Pls pls = new Pls(dir.resolve("pools"));
    // Files rather than pipes: what a process writes just before it exits is all kept.
    Path out = dir.resolve("out");
    Path err = dir.resolve("err");
    Process p =
        new ProcessBuilder(pls.command("serve", "--bind", "127.0.0.1:0"))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    try {
      long deadline = System.nanoTime() + Pls.DEADLINE.toNanos();
      while (Files.size(out) == 0 && p.isAlive() && System.nanoTime() < deadline) {
        java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
      }
      assertTrue(Files.readString(out).contains("\"listening\""), Files.readString(err));
      p.destroy();
      assertTrue(p.waitFor(Pls.DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
      assertEquals(143, p.exitValue());
      assertTrue(Files.readString(err).contains("plasmite serve: stopped"), Files.readString(err));
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void mcpOverStdio() throws Exception {
    Pls pls = new Pls(dir);
    pls.run("", "pool", "create", "notes");
    String session =
        String.join(
            "\n",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"0\"}}}",
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"plasmite_feed\",\"arguments\":{\"pool\":\"notes\",\"data\":{\"x\":1}}}}",
            "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"plasmite_read\",\"arguments\":{\"pool\":\"notes\"}}}",
            "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\"}",
            "");
    Pls.Run run = pls.run(session, "mcp");
    assertEquals(0, run.status(), run.stderr());
    List<String> replies = run.lines();
    assertEquals(4, replies.size(), run.stdout());
    assertEquals(
        "2025-11-25",
        ((Map<?, ?>) Json.parseObject(replies.get(0)).get("result")).get("protocolVersion"));
    assertTrue(replies.get(1).contains("\"seq\":1"), replies.get(1));
    assertTrue(replies.get(2).contains("\\\"x\\\":1"), replies.get(2));
    assertEquals("{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{}}", replies.get(3));
    Pls.Run local = pls.run("", "fetch", "notes", "1");
    assertTrue(local.stdout().contains("\"x\":1"));
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
