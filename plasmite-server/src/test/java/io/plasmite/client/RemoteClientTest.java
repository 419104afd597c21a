package io.plasmite.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plasmite.Durability;
import io.plasmite.ErrorKind;
import io.plasmite.GapPolicy;
import io.plasmite.LocalClient;
import io.plasmite.Message;
import io.plasmite.PlasmiteException;
import io.plasmite.Pool;
import io.plasmite.PoolInfo;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import io.plasmite.TailOptions;
import io.plasmite.lite3.Lite3Encoder;
import io.plasmite.server.PlasmiteServer;
import io.plasmite.server.ServeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RemoteClient against a real server on loopback, checked against the pool files. */
class RemoteClientTest {
  @TempDir Path dir;

  private PlasmiteServer start(ServeConfig.Builder config) {
    return PlasmiteServer.start(config.bind("127.0.0.1:0").build());
  }

  private Pool local(String name) {
    return new LocalClient().withPoolDir(dir).openReadOnly(PoolRef.name(name));
  }

  @Test
  void poolLifecycle() {
    try (PlasmiteServer server = start(ServeConfig.builder(dir))) {
      RemoteClient client = RemoteClient.builder(server.baseUri()).build();
      PoolInfo created = client.create("a", PoolOptions.ofSize(128 * 1024));
      assertEquals(128 * 1024, created.fileSize());
      assertTrue(created.isEmpty());
      assertEquals(dir.resolve("a.plasmite").toAbsolutePath(), created.path());
      client.create("b", PoolOptions.DEFAULTS);
      PlasmiteException dup =
          assertThrows(PlasmiteException.class, () -> client.create("a", PoolOptions.DEFAULTS));
      assertEquals(ErrorKind.ALREADY_EXISTS, dup.kind());
      assertEquals(2, client.list().size());
      try (RemotePool a = client.open("a")) {
        a.appendJson("{\"x\":1}", List.of(), Durability.FAST);
        PoolInfo info = a.info();
        assertEquals(1, info.newestSeq());
        assertTrue(info.newestTimeNs() > 0);
      }
      client.delete("a");
      assertFalse(Files.exists(dir.resolve("a.plasmite")));
      PlasmiteException gone = assertThrows(PlasmiteException.class, () -> client.open("a"));
      assertEquals(ErrorKind.NOT_FOUND, gone.kind());
      assertThrows(PlasmiteException.class, () -> client.info("x/y"));
    }
  }

  @Test
  void appendsAndReadsMatchTheLocalPool() {
    try (PlasmiteServer server = start(ServeConfig.builder(dir))) {
      RemoteClient client = RemoteClient.builder(server.baseUri()).build();
      client.create("p", PoolOptions.DEFAULTS);
      RemotePool pool = client.open("p");
      Message json =
          pool.appendJson(
              "{\"b\":[1,2.5e300,\"é\"],\"a\":{\"n\":null}}", List.of("t1"), Durability.FLUSH);
      byte[] payload = Lite3Encoder.encodeEnvelope(List.of("t2"), "{\"k\":18446744073709551615}");
      Message lite = pool.appendLite3(payload, Durability.FAST);
      assertEquals(2, lite.seq());
      try (Pool local = local("p")) {
        assertArrayEquals(local.getMessage(1).lite3(), json.lite3());
        assertEquals(local.getMessage(1).timeNs(), json.timeNs());
        assertArrayEquals(payload, local.getMessage(2).lite3());
        assertEquals(local.getMessage(1).toJson(), pool.getMessage(1).toJson());
        assertArrayEquals(local.getMessage(2).lite3(), pool.getLite3(2));
        assertArrayEquals(local.getMessage(2).lite3(), pool.getMessage(2).lite3());
      }
      PlasmiteException bad =
          assertThrows(
              PlasmiteException.class, () -> pool.appendJson("[1]", List.of(), Durability.FAST));
      assertEquals(ErrorKind.USAGE, bad.kind());
      PlasmiteException missing = assertThrows(PlasmiteException.class, () -> pool.getMessage(9));
      assertEquals(ErrorKind.NOT_FOUND, missing.kind());
      assertEquals(9, missing.seq().getAsLong());
    }
  }

  @Test
  void aTailSpansServerDeadlinesWithoutLossOrDuplicates() throws Exception {
    // Every stream ends after 150 ms; the writer pauses longer than that between bursts.
    try (PlasmiteServer server = start(ServeConfig.builder(dir).maxTailTimeoutMs(150))) {
      RemoteClient client = RemoteClient.builder(server.baseUri()).build();
      client.create("p", PoolOptions.DEFAULTS);
      RemotePool pool = client.open("p");
      int bursts = 6;
      int perBurst = 20;
      Thread writer =
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int b = 0; b < bursts; b++) {
                      for (int i = 0; i < perBurst; i++) {
                        pool.appendJson(
                            "{\"n\":" + (b * perBurst + i) + "}", List.of(), Durability.FAST);
                      }
                      LockSupport.parkNanos(Duration.ofMillis(400).toNanos());
                    }
                  });
      List<Long> seqs = new ArrayList<>();
      try (RemoteTail tail =
          pool.tail(TailOptions.since(1).withIdleTimeout(Duration.ofSeconds(20)))) {
        while (seqs.size() < bursts * perBurst && tail.hasNext()) {
          Message m = tail.next();
          seqs.add(m.seq());
          assertEquals(seqs.size() - 1L, m.view().i64(m.view().find(m.dataOffset(), "n")));
        }
      }
      writer.join();
      assertEquals(bursts * perBurst, seqs.size());
      for (int i = 0; i < seqs.size(); i++) {
        assertEquals(i + 1L, seqs.get(i));
      }
    }
  }

  @Test
  void tailOptionsTravel() {
    try (PlasmiteServer server = start(ServeConfig.builder(dir).maxTailTimeoutMs(500))) {
      RemoteClient client = RemoteClient.builder(server.baseUri()).build();
      client.create("p", PoolOptions.DEFAULTS);
      RemotePool pool = client.open("p");
      for (int i = 1; i <= 6; i++) {
        pool.appendJson(
            "{\"i\":" + i + "}", i % 2 == 0 ? List.of("even") : List.of(), Durability.FAST);
      }
      List<Long> even = new ArrayList<>();
      try (RemoteTail tail =
          pool.tail(TailOptions.since(1).withTags(List.of("even")).withMaxMessages(2))) {
        tail.forEachRemaining(m -> even.add(m.seq()));
      }
      assertEquals(List.of(2L, 4L), even);
      try (RemoteTail idle =
          pool.tail(TailOptions.newMessages().withIdleTimeout(Duration.ofMillis(50)))) {
        assertFalse(idle.hasNext());
        assertTrue(idle.timedOut());
        assertEquals(7, idle.nextSeq());
        pool.appendJson("{\"late\":true}", List.of(), Durability.FAST);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!idle.hasNext() && System.nanoTime() < deadline) {
          assertTrue(idle.timedOut());
        }
        assertEquals(7, idle.next().seq());
      }
    }
  }

  @Test
  void aGapWithGapPolicyErrorIsThrown() {
    try (PlasmiteServer server = start(ServeConfig.builder(dir))) {
      RemoteClient client = RemoteClient.builder(server.baseUri()).build();
      client.create("small", PoolOptions.ofSize(64 * 1024));
      try (Pool pool = new LocalClient().withPoolDir(dir).open(PoolRef.name("small"))) {
        for (int i = 0; i < 2000; i++) {
          pool.appendJsonNow("{\"pad\":\"" + "x".repeat(100) + "\"}", List.of(), Durability.FAST);
        }
      }
      try (RemoteTail tail =
          client.open("small").tail(TailOptions.since(1).withGapPolicy(GapPolicy.ERROR))) {
        PlasmiteException e = assertThrows(PlasmiteException.class, tail::hasNext);
        assertEquals(ErrorKind.RETENTION_GAP, e.kind());
        assertEquals(1, e.seq().getAsLong());
      }
    }
  }

  @Test
  void tokensAndTls() throws Exception {
    try (PlasmiteServer server =
        start(ServeConfig.builder(dir).token("s3cret", false).tlsSelfSigned(true))) {
      Path ca = Files.writeString(dir.resolve("ca.pem"), server.tls().certificatePem());
      RemoteClient good =
          RemoteClient.builder(server.baseUri()).token("s3cret").trustCertificates(ca).build();
      assertEquals(List.of(), good.list());
      RemoteClient skip =
          RemoteClient.builder(server.baseUri()).token("s3cret").insecureSkipVerify().build();
      assertEquals(List.of(), skip.list());
      PlasmiteException wrong =
          assertThrows(
              PlasmiteException.class,
              () ->
                  RemoteClient.builder(server.baseUri())
                      .token("nope")
                      .trustCertificates(ca)
                      .build()
                      .list());
      assertEquals(ErrorKind.PERMISSION, wrong.kind());
      PlasmiteException untrusted =
          assertThrows(
              PlasmiteException.class,
              () -> RemoteClient.builder(server.baseUri()).token("s3cret").build().list());
      assertEquals(ErrorKind.IO, untrusted.kind());
    }
  }

  @Test
  void anAbsentServerIsAnIoError() {
    PlasmiteException e =
        assertThrows(
            PlasmiteException.class,
            () -> RemoteClient.builder(java.net.URI.create("http://127.0.0.1:1")).build().list());
    assertEquals(ErrorKind.IO, e.kind());
  }
}
