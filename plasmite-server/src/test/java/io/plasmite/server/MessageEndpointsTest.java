package io.plasmite.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.plasmite.LocalClient;
import io.plasmite.Message;
import io.plasmite.Pool;
import io.plasmite.PoolRef;
import io.plasmite.lite3.Lite3Encoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Appends (JSON and Lite3) and single reads, checked against the pool file itself. */
class MessageEndpointsTest {
  @TempDir Path dir;
  ServerFixture s;

  @BeforeEach
  void start() {
    s = new ServerFixture(dir, b -> b.maxBodyBytes(4096));
    s.createPool("p", 1 << 20);
  }

  @AfterEach
  void stop() {
    s.close();
  }

  private Message stored(long seq) {
    try (Pool pool = new LocalClient().withPoolDir(dir).openReadOnly(PoolRef.name("p"))) {
      return pool.getMessage(seq);
    }
  }

  @Test
  void appendJsonStoresCanonicalDataAndReturnsTheEnvelope() {
    ServerFixture.Reply r =
        s.post(
            "/v0/pools/p/append",
            "{\"data\":{\"b\":1,\"a\":[true,null,1.5],\"b\":2},\"tags\":[\"x\",\"y\"],"
                + "\"durability\":\"flush\"}");
    assertEquals(200, r.status(), r.body());
    JsonNode m = r.json().path("message");
    assertEquals(1, m.path("seq").asLong());
    Message stored = stored(1);
    assertEquals("{\"a\":[true,null,1.5],\"b\":2}", stored.dataJson());
    assertEquals(List.of("x", "y"), stored.tags());
    assertEquals("{\"message\":" + stored.toJson() + "}", r.body());
  }

  @Test
  void appendRefusalsWriteNothing() {
    String[] bodies = {
      "{\"data\":[1]}",
      "{\"data\":\"text\"}",
      "{\"tags\":[\"x\"]}",
      "{\"data\":{},\"tags\":[1]}",
      "{\"data\":{},\"durability\":\"sometimes\"}",
      "{\"data\":{\"x\":1e999}}",
      "{\"data\":{\"x\":NaN}}",
      "not json"
    };
    for (String body : bodies) {
      ServerFixture.Reply r = s.post("/v0/pools/p/append", body);
      assertEquals(400, r.status(), body + " -> " + r.body());
      assertEquals("Usage", r.errorKind(), body);
    }
    assertEquals(
        "data must be object",
        s.post("/v0/pools/p/append", "{\"data\":[1]}")
            .json()
            .path("error")
            .path("message")
            .asText());
    assertTrue(s.get("/v0/pools/p/info").json().path("pool").path("bounds").isEmpty());
    assertEquals(404, s.post("/v0/pools/q/append", "{\"data\":{}}").status());
  }

  @Test
  void bodiesOverTheLimitGet413() {
    String big = "{\"data\":{\"s\":\"" + "x".repeat(5000) + "\"}}";
    ServerFixture.Reply r = s.post("/v0/pools/p/append", big);
    assertEquals(413, r.status());
    assertEquals("Usage", r.errorKind());
    ServerFixture.Reply lite =
        s.postBytes("/v0/pools/p/append_lite3", MessageEndpoints.LITE3, new byte[5000]);
    assertEquals(413, lite.status());
    assertEquals(200, s.post("/v0/pools/p/append", "{\"data\":{\"s\":\"small\"}}").status());
  }

  @Test
  void lite3AppendAndReadBackTheSameBytes() {
    byte[] payload = Lite3Encoder.encodeEnvelope(List.of("t"), "{\"k\":\"v\"}");
    ServerFixture.Reply r =
        s.postBytes("/v0/pools/p/append_lite3?durability=flush", MessageEndpoints.LITE3, payload);
    assertEquals(200, r.status(), r.body());
    assertEquals(1, r.json().path("message").path("seq").asLong());
    assertEquals("v", r.json().path("message").path("data").path("k").asText());

    HttpResponse<byte[]> raw = bytes("/v0/pools/p/messages/1/lite3");
    assertEquals(200, raw.statusCode());
    assertEquals("1", raw.headers().firstValue("plasmite-seq").orElseThrow());
    assertEquals(MessageEndpoints.LITE3, raw.headers().firstValue("content-type").orElseThrow());
    assertArrayEquals(payload, raw.body());

    ServerFixture.Reply json = s.get("/v0/pools/p/messages/1");
    assertEquals(200, json.status());
    assertEquals(stored(1).toJson(), json.json().path("message").toString());
  }

  @Test
  void lite3Refusals() {
    assertEquals(
        400, s.postBytes("/v0/pools/p/append_lite3", MessageEndpoints.LITE3, new byte[0]).status());
    ServerFixture.Reply garbage =
        s.postBytes("/v0/pools/p/append_lite3", MessageEndpoints.LITE3, new byte[] {1, 2, 3, 4});
    assertEquals(400, garbage.status());
    assertEquals("Usage", garbage.errorKind());
    byte[] ok = Lite3Encoder.encodeEnvelope(List.of(), "{}");
    assertEquals(400, s.postBytes("/v0/pools/p/append_lite3", "text/plain", ok).status());
    assertEquals(200, s.postBytes("/v0/pools/p/append_lite3", null, ok).status());
  }

  @Test
  void missingMessagesAreNotFoundWithTheirSeq() {
    s.append("p", "{}");
    ServerFixture.Reply r = s.get("/v0/pools/p/messages/7");
    assertEquals(404, r.status());
    assertEquals("NotFound", r.errorKind());
    assertEquals(7, r.json().path("error").path("seq").asLong());
    assertEquals(404, bytes("/v0/pools/p/messages/7/lite3").statusCode());
  }

  private HttpResponse<byte[]> bytes(String path) {
    try {
      return s.http.send(s.request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
