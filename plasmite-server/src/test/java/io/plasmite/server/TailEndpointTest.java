package io.plasmite.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.plasmite.Durability;
import io.plasmite.LocalClient;
import io.plasmite.Pool;
import io.plasmite.PoolRef;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three streams: JSON Lines, Lite3 frames and SSE; their filters, limits and errors. */
class TailEndpointTest {
  @TempDir Path dir;
  ServerFixture s;

  @BeforeEach
  void start() {
    s = new ServerFixture(dir, b -> b.maxTailConcurrency(2).maxTailTimeoutMs(20_000));
    s.createPool("p", 1 << 20);
  }

  @AfterEach
  void stop() {
    s.close();
  }

  private List<JsonNode> lines(String body) {
    List<JsonNode> out = new ArrayList<>();
    for (String line : body.split("\n")) {
      if (!line.isEmpty()) {
        try {
          out.add(ServerFixture.JSON.readTree(line));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return out;
  }

  @Test
  void jsonlFromASeqWithMaxAndTags() {
    s.append("p", "{\"i\":1}", "a");
    s.append("p", "{\"i\":2}", "b");
    s.append("p", "{\"i\":3}", "a", "b");
    s.append("p", "{\"i\":4}", "a");
    ServerFixture.Reply all = s.get("/v0/pools/p/tail?since_seq=1&max=4");
    assertEquals(200, all.status());
    assertEquals("application/jsonl", all.header("content-type"));
    List<JsonNode> got = lines(all.body());
    assertEquals(4, got.size());
    for (int i = 0; i < 4; i++) {
      assertEquals(i + 1, got.get(i).path("seq").asLong());
      assertEquals(i + 1, got.get(i).path("data").path("i").asLong());
    }
    List<JsonNode> tagged = lines(s.get("/v0/pools/p/tail?since_seq=1&tag=a&tag=b&max=1").body());
    assertEquals(1, tagged.size());
    assertEquals(3, tagged.getFirst().path("seq").asLong());
    List<JsonNode> two = lines(s.get("/v0/pools/p/tail?since_seq=2&max=2").body());
    assertEquals(List.of(2L, 3L), two.stream().map(n -> n.path("seq").asLong()).toList());
  }

  @Test
  void aStreamEndsAtItsDeadline() {
    s.append("p", "{\"i\":1}");
    ServerFixture.Reply r = s.get("/v0/pools/p/tail?since_seq=1&timeout_ms=200");
    assertEquals(200, r.status());
    assertEquals(1, lines(r.body()).size());
    assertEquals("", s.get("/v0/pools/p/tail?timeout_ms=100").body());
  }

  @Test
  void liveMessagesArriveOnAnOpenStream() throws Exception {
    s.append("p", "{\"live\":0}");
    // Headers come with the first message, so the request runs while messages are appended.
    CompletableFuture<HttpResponse<InputStream>> pending =
        s.http.sendAsync(
            s.request("/v0/pools/p/tail?since_seq=2&timeout_ms=20000").GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
    s.append("p", "{\"live\":1}");
    HttpResponse<InputStream> r = pending.get(20, TimeUnit.SECONDS);
    assertEquals(200, r.statusCode());
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      for (int i = 1; i <= 3; i++) {
        if (i > 1) {
          s.append("p", "{\"live\":" + i + "}");
        }
        JsonNode m = ServerFixture.JSON.readTree(in.readLine());
        assertEquals(i + 1, m.path("seq").asLong());
        assertEquals(i, m.path("data").path("live").asLong());
      }
    }
  }

  @Test
  void gapPolicyErrorEndsWithARetentionGapLine() {
    s.createPool("small", 64 * 1024);
    try (Pool pool = new LocalClient().withPoolDir(dir).open(PoolRef.name("small"))) {
      for (int i = 0; i < 2000; i++) {
        pool.appendJsonNow("{\"pad\":\"" + "x".repeat(100) + "\"}", List.of(), Durability.FAST);
      }
    }
    List<JsonNode> err = lines(s.get("/v0/pools/small/tail?since_seq=1&gap_policy=error").body());
    assertEquals(1, err.size());
    assertEquals("RetentionGap", err.getFirst().path("error").path("kind").asText());
    assertEquals(1, err.getFirst().path("error").path("seq").asLong());

    List<JsonNode> cont =
        lines(s.get("/v0/pools/small/tail?since_seq=1&gap_policy=continue&max=1").body());
    assertTrue(cont.getFirst().path("seq").asLong() > 1);
  }

  @Test
  void lite3FramesCarryTheStoredBytes() throws IOException {
    s.append("p", "{\"i\":1}", "t");
    s.append("p", "{\"i\":2}");
    HttpResponse<InputStream> r = stream("/v0/pools/p/tail_lite3?since_seq=1&max=2");
    assertEquals(
        "application/x-plasmite-lite3-stream", r.headers().firstValue("content-type").get());
    try (DataInputStream in = new DataInputStream(r.body());
        Pool pool = new LocalClient().withPoolDir(dir).openReadOnly(PoolRef.name("p"))) {
      for (long seq = 1; seq <= 2; seq++) {
        assertEquals(seq, in.readLong());
        assertEquals(pool.getMessage(seq).timeNs(), in.readLong());
        byte[] payload = new byte[in.readInt()];
        in.readFully(payload);
        assertArrayEquals(pool.getMessage(seq).lite3(), payload);
      }
      assertEquals(-1, in.read());
    }
  }

  @Test
  void sseEventsHaveIdsAndResumeAfterLastEventId() {
    s.append("p", "{\"i\":1}");
    s.append("p", "{\"i\":2}");
    s.append("p", "{\"i\":3}");
    ServerFixture.Reply r = s.get("/v0/ui/pools/p/events?since_seq=1&max=2");
    assertEquals("text/event-stream", r.header("content-type"));
    String[] events = r.body().split("\n\n");
    assertEquals(3, events.length);
    assertEquals(": open", events[0]);
    assertTrue(events[1].startsWith("id: 1\nevent: message\ndata: {\"data\":{\"i\":1}"), events[0]);
    ServerFixture.Reply resumed =
        s.send(s.request("/v0/ui/pools/p/events?max=1").header("Last-Event-ID", "2").build());
    assertTrue(resumed.body().startsWith(": open\n\nid: 3\n"), resumed.body());
  }

  @Test
  void badParametersAreUsageErrorsBeforeTheStream() {
    for (String q :
        new String[] {
          "since_seq=-1",
          "since_seq=x",
          "max=1.5",
          "timeout_ms=20001",
          "gap_policy=sometimes",
          "since_seq=1&since_seq=2"
        }) {
      ServerFixture.Reply r = s.get("/v0/pools/p/tail?" + q);
      assertEquals(400, r.status(), q);
      assertEquals("Usage", r.errorKind(), q);
    }
    assertEquals(400, s.get("/v0/pools/p/tail_lite3?gap_policy=error").status());
    assertEquals(404, s.get("/v0/pools/missing/tail?timeout_ms=10").status());
  }

  @Test
  void tailsBeyondTheLimitGet423AtOnce() throws IOException {
    s.append("p", "{}");
    // Each open tail has sent its first message, so the server is streaming it and holds its
    // permit until the deadline or the disconnect.
    HttpResponse<InputStream> a = stream("/v0/pools/p/tail?since_seq=1&timeout_ms=20000");
    HttpResponse<InputStream> b = stream("/v0/pools/p/tail_lite3?since_seq=1&timeout_ms=20000");
    try (InputStream ia = a.body();
        InputStream ib = b.body()) {
      assertEquals(200, a.statusCode());
      assertEquals(200, b.statusCode());
      assertTrue(ia.read() >= 0);
      assertTrue(ib.read() >= 0);
      ServerFixture.Reply third = s.get("/v0/pools/p/tail?timeout_ms=0");
      assertEquals(423, third.status());
      assertEquals("Busy", third.errorKind());
      assertEquals(423, s.get("/v0/ui/pools/p/events?timeout_ms=0").status());
      // Ordinary requests are not limited.
      assertEquals(200, s.get("/v0/pools/p/info").status());
    }
  }

  private HttpResponse<InputStream> stream(String path) {
    try {
      return s.http.send(s.request(path).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
