package io.plasmite.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pool lifecycle endpoints and the answers to requests that match no endpoint. */
class PoolEndpointsTest {
  @TempDir Path dir;
  ServerFixture s;

  @BeforeEach
  void start() {
    s = new ServerFixture(dir);
  }

  @AfterEach
  void stop() {
    s.close();
  }

  @Test
  void healthzAnswersWithTheVersionHeader() {
    ServerFixture.Reply r = s.get("/healthz");
    assertEquals(200, r.status());
    assertEquals("{\"ok\":true}", r.body());
    assertEquals("0", r.header("plasmite-version"));
    assertEquals("application/json", r.header("content-type"));
  }

  @Test
  void createListOpenInfoDelete() {
    ServerFixture.Reply created =
        s.post("/v0/pools", "{\"pool\":\"orders\",\"size_bytes\":262144}");
    assertEquals(200, created.status(), created.body());
    JsonNode pool = created.json().path("pool");
    assertEquals("orders", pool.path("name").asText());
    assertEquals(262144, pool.path("file_size").asLong());
    assertEquals(0, pool.path("bounds").size());
    assertTrue(Files.exists(dir.resolve("orders.plasmite")));

    s.createPool("alpha", 1 << 20);
    s.append("orders", "{\"n\":1}");
    JsonNode listed = s.get("/v0/pools").json().path("pools");
    assertEquals(2, listed.size());
    assertEquals("alpha", listed.get(0).path("name").asText());
    assertEquals("orders", listed.get(1).path("name").asText());
    assertEquals(1, listed.get(1).path("bounds").path("newest").asLong());
    assertEquals(1, listed.get(1).path("metrics").path("message_count").asLong());

    ServerFixture.Reply opened = s.post("/v0/pools/open", "{\"pool\":\"orders\"}");
    assertEquals(200, opened.status());
    assertEquals("orders", opened.json().path("pool").path("name").asText());

    ServerFixture.Reply info = s.get("/v0/pools/orders/info");
    assertEquals(200, info.status());
    assertEquals(1, info.json().path("pool").path("bounds").path("oldest").asLong());
    assertEquals(
        dir.resolve("orders.plasmite").toAbsolutePath().toString(),
        info.json().path("pool").path("path").asText());

    ServerFixture.Reply deleted = s.delete("/v0/pools/orders");
    assertEquals(200, deleted.status());
    assertEquals("{\"ok\":true}", deleted.body());
    assertFalse(Files.exists(dir.resolve("orders.plasmite")));
    assertEquals(404, s.get("/v0/pools/orders/info").status());
  }

  @Test
  void aPoolNamedOpenStaysReachable() {
    s.createPool("open", 1 << 20);
    assertEquals(200, s.get("/v0/pools/open/info").status());
    assertEquals(200, s.delete("/v0/pools/open").status());
  }

  @Test
  void lifecycleErrorsHaveKindsAndStatuses() {
    s.createPool("dup", 1 << 20);
    ServerFixture.Reply again = s.post("/v0/pools", "{\"pool\":\"dup\"}");
    assertEquals(409, again.status());
    assertEquals("AlreadyExists", again.errorKind());

    ServerFixture.Reply missing = s.post("/v0/pools/open", "{\"pool\":\"nope\"}");
    assertEquals(404, missing.status());
    assertEquals("NotFound", missing.errorKind());
    assertEquals(404, s.delete("/v0/pools/nope").status());

    ServerFixture.Reply slash = s.get("/v0/pools/a%2Fb/info");
    assertEquals(400, slash.status());
    assertEquals("Usage", slash.errorKind());
    assertTrue(slash.json().path("error").path("message").asText().contains("path separators"));
    assertEquals(400, s.post("/v0/pools", "{\"pool\":\"../x\"}").status());
    assertEquals(400, s.post("/v0/pools", "{\"pool\":\"..\"}").status());
  }

  @Test
  void malformedBodiesAreUsageErrors() {
    for (String body :
        new String[] {
          "",
          "{",
          "[1]",
          "{\"pool\":1}",
          "{\"size_bytes\":5}",
          "{\"pool\":\"x\"} trailing",
          "{\"pool\":\"x\",\"size_bytes\":-1}"
        }) {
      ServerFixture.Reply r = s.post("/v0/pools", body);
      assertEquals(400, r.status(), body + " -> " + r.body());
      assertEquals("Usage", r.errorKind(), body);
      assertEquals("0", r.header("plasmite-version"));
    }
  }

  @Test
  void unknownRoutesAndWrongMethodsAnswerJson() {
    ServerFixture.Reply unknown = s.get("/v0/nothing/here");
    assertEquals(404, unknown.status());
    assertEquals("NotFound", unknown.errorKind());
    assertEquals("application/json", unknown.header("content-type"));

    ServerFixture.Reply wrong =
        s.send(s.request("/v0/pools").PUT(HttpRequest.BodyPublishers.ofString("{}")).build());
    assertEquals(405, wrong.status());
    assertEquals("Usage", wrong.errorKind());
    assertEquals("GET, POST, OPTIONS", wrong.header("allow"));

    ServerFixture.Reply getOnPost = s.get("/v0/pools/x/append");
    assertEquals(405, getOnPost.status());

    ServerFixture.Reply badSeq = s.get("/v0/pools/x/messages/abc");
    assertEquals(400, badSeq.status());
    assertEquals("Usage", badSeq.errorKind());
  }
}
