package io.plasmite.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bearer tokens, access modes, CORS and the safety rules of the configuration. */
class SecurityTest {
  @TempDir Path dir;

  @Test
  void theTokenIsRequiredExceptForHealthAndTheUi() {
    try (ServerFixture s = new ServerFixture(dir, b -> b.token("s3cret", false))) {
      ServerFixture.Reply missing = s.get("/v0/pools");
      assertEquals(401, missing.status());
      assertEquals("Permission", missing.errorKind());
      assertEquals("missing bearer token", missing.json().path("error").path("message").asText());

      ServerFixture.Reply wrong =
          s.send(s.request("/v0/pools").header("Authorization", "Bearer s3crex").build());
      assertEquals(401, wrong.status());
      assertEquals("invalid bearer token", wrong.json().path("error").path("message").asText());
      assertEquals(
          401, s.send(s.request("/v0/pools").header("Authorization", "s3cret").build()).status());

      ServerFixture.Reply ok =
          s.send(s.request("/v0/pools").header("Authorization", "Bearer s3cret").build());
      assertEquals(200, ok.status());
      assertEquals(200, s.get("/healthz").status());
      assertEquals(200, s.get("/ui").status());
      assertEquals(401, s.get("/v0/pools/x/tail").status());
      assertEquals(401, s.post("/mcp", "{}").status());
    }
  }

  @Test
  void readOnlyRefusesWritesWith403() {
    try (ServerFixture s = new ServerFixture(dir, b -> b.access(AccessMode.READ_ONLY))) {
      ServerFixture.Reply create = s.post("/v0/pools", "{\"pool\":\"p\"}");
      assertEquals(403, create.status());
      assertEquals("Permission", create.errorKind());
      assertTrue(create.json().path("error").path("message").asText().startsWith("forbidden:"));
      assertEquals(403, s.post("/v0/pools/p/append", "{\"data\":{}}").status());
      assertEquals(403, s.delete("/v0/pools/p").status());
      assertEquals(200, s.get("/v0/pools").status());
    }
  }

  @Test
  void writeOnlyRefusesReadsWith403() {
    try (ServerFixture s = new ServerFixture(dir, b -> b.access(AccessMode.WRITE_ONLY))) {
      s.createPool("p", 1 << 20);
      s.append("p", "{}");
      assertEquals(403, s.get("/v0/pools").status());
      assertEquals(403, s.get("/v0/pools/p/info").status());
      assertEquals(403, s.get("/v0/pools/p/messages/1").status());
      assertEquals(403, s.get("/v0/pools/p/tail?timeout_ms=10").status());
      assertEquals(403, s.post("/v0/pools/open", "{\"pool\":\"p\"}").status());
    }
  }

  @Test
  void corsAnswersOnlyTheExactOriginsGiven() {
    String allowed = "https://app.example.com";
    try (ServerFixture s = new ServerFixture(dir, b -> b.corsOrigin(allowed))) {
      ServerFixture.Reply preflight =
          s.send(
              s.request("/v0/pools")
                  .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                  .header("Origin", allowed)
                  .header("Access-Control-Request-Method", "POST")
                  .header("Access-Control-Request-Headers", "authorization, content-type")
                  .build());
      assertEquals(204, preflight.status());
      assertEquals(allowed, preflight.header("access-control-allow-origin"));
      assertEquals("GET, POST, OPTIONS", preflight.header("access-control-allow-methods"));
      assertTrue(preflight.header("access-control-allow-headers").contains("authorization"));

      ServerFixture.Reply get = s.send(s.request("/v0/pools").header("Origin", allowed).build());
      assertEquals(200, get.status());
      assertEquals(allowed, get.header("access-control-allow-origin"));

      ServerFixture.Reply other =
          s.send(
              s.request("/v0/pools")
                  .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                  .header("Origin", "https://app.example.com.evil.test")
                  .header("Access-Control-Request-Method", "POST")
                  .build());
      assertEquals(403, other.status());
      assertNull(other.header("access-control-allow-origin"));
      // A page elsewhere cannot write through a browser either, preflight or not.
      ServerFixture.Reply simplePost =
          s.send(
              s.request("/v0/pools")
                  .header("Origin", "http://evil.test")
                  .header("Content-Type", "text/plain")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"pool\":\"x\"}"))
                  .build());
      assertEquals(403, simplePost.status());
      assertTrue(simplePost.json().path("error").path("message").asText().startsWith("forbidden:"));
    }
  }

  @Test
  void theServersOwnPagesAreSameOrigin() {
    try (ServerFixture s = new ServerFixture(dir)) {
      String self = "http://127.0.0.1:" + s.server.port();
      ServerFixture.Reply r =
          s.send(
              s.request("/v0/pools")
                  .header("Origin", self)
                  .POST(HttpRequest.BodyPublishers.ofString("{\"pool\":\"x\"}"))
                  .build());
      assertEquals(200, r.status(), r.body());
    }
  }

  @Test
  void safetyRulesAreCheckedWithoutBinding() {
    assertUsage(ServeConfig.builder(dir).bind("0.0.0.0:9700"), "non-loopback bind");
    assertUsage(
        ServeConfig.builder(dir).bind("0.0.0.0:9700").allowNonLoopback(true),
        "non-loopback write requires --token-file");
    assertUsage(
        ServeConfig.builder(dir).bind("0.0.0.0:9700").allowNonLoopback(true).token("t", true),
        "non-loopback write requires TLS");
    ServeConfig.builder(dir)
        .bind("0.0.0.0:9700")
        .allowNonLoopback(true)
        .token("t", true)
        .insecureNoTls(true)
        .build()
        .validate();
    ServeConfig.builder(dir)
        .bind("0.0.0.0:9700")
        .allowNonLoopback(true)
        .access(AccessMode.READ_ONLY)
        .build()
        .validate();
    assertUsage(ServeConfig.builder(dir).tlsFiles(dir.resolve("c"), null), "both --tls-cert");
    assertUsage(
        ServeConfig.builder(dir).tlsFiles(dir.resolve("c"), dir.resolve("k")).tlsSelfSigned(true),
        "cannot be combined");
    assertUsage(ServeConfig.builder(dir).maxBodyBytes(0), "--max-body-bytes");
    assertUsage(ServeConfig.builder(dir).maxTailTimeoutMs(0), "--max-tail-timeout-ms");
    assertUsage(ServeConfig.builder(dir).maxTailConcurrency(0), "--max-tail-concurrency");
    assertUsage(ServeConfig.builder(dir).corsOrigin("https://x.test/path"), "--cors-origin");
    assertThrows(PlasmiteException.class, () -> ServeConfig.builder(dir).bind("nope"));
    assertThrows(PlasmiteException.class, () -> ServeConfig.builder(dir).bind("::1:80"));
    assertEquals("::1", ServeConfig.builder(dir).bind("[::1]:80").build().host());
    assertTrue(ServeConfig.builder(dir).bind("[::1]:80").build().loopback());
  }

  @Test
  void aPortInUseIsAnIoErrorNotAServerWithoutAListener() {
    try (ServerFixture s = new ServerFixture(dir)) {
      ServeConfig taken = ServeConfig.builder(dir).bind("127.0.0.1:" + s.server.port()).build();
      PlasmiteException e =
          assertThrows(PlasmiteException.class, () -> PlasmiteServer.start(taken));
      assertEquals(ErrorKind.IO, e.kind());
      assertTrue(e.getMessage().startsWith("failed to bind 127.0.0.1:"), e.getMessage());
      assertTrue(e.hint().isPresent());
      assertEquals(200, s.get("/healthz").status());
    }
  }

  private static void assertUsage(ServeConfig.Builder config, String messagePart) {
    PlasmiteException e = assertThrows(PlasmiteException.class, () -> config.build().validate());
    assertEquals(ErrorKind.USAGE, e.kind());
    assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    assertTrue(e.hint().isPresent());
  }
}
