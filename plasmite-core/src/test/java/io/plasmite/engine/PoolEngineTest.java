package io.plasmite.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plasmite.Durability;
import io.plasmite.ErrorKind;
import io.plasmite.LocalClient;
import io.plasmite.Message;
import io.plasmite.PlasmiteException;
import io.plasmite.Pool;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import io.plasmite.Tail;
import io.plasmite.TailOptions;
import io.plasmite.ValidationReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PoolEngineTest {
  @TempDir Path dir;

  private LocalClient client() {
    return new LocalClient().withPoolDir(dir);
  }

  @Test
  void appendGetAndTailRoundTrip() {
    try (Pool pool = client().createAndOpen(PoolRef.name("p"), PoolOptions.DEFAULTS)) {
      Message m = pool.appendJsonNow("{\"b\":2,\"a\":1}", List.of("t1", "t2"), Durability.FAST);
      assertEquals(1, m.seq());
      Message back = pool.getMessage(1);
      assertEquals("{\"a\":1,\"b\":2}", back.dataJson());
      assertEquals(List.of("t1", "t2"), back.tags());
      assertEquals(m.timeNs(), back.timeNs());
      pool.appendJsonNow("{\"x\":true}", List.of(), Durability.FLUSH);
      try (Tail tail = pool.tail(TailOptions.since(1).withIdleTimeout(Duration.ZERO))) {
        List<Long> seqs = tail.stream().map(Message::seq).toList();
        assertEquals(List.of(1L, 2L), seqs);
      }
      assertTrue(pool.validate().ok());
    }
  }

  @Test
  void missingSeqIsNotFoundWithTheSeq() {
    try (Pool pool = client().createAndOpen(PoolRef.name("p"), PoolOptions.DEFAULTS)) {
      PlasmiteException e = assertThrows(PlasmiteException.class, () -> pool.getMessage(5));
      assertEquals(ErrorKind.NOT_FOUND, e.kind());
      assertEquals(5, e.seq().orElseThrow());
    }
  }

  /**
   * Long random append sequences into small pools that wrap many times: after every append the pool
   * validates and holds exactly a suffix of what was written, in order.
   */
  @ParameterizedTest(name = "size {0}, index {1}, seed {2}")
  @CsvSource({
    "8192, 0, 1",
    "8192, 16, 2",
    "12288, 0, 3",
    "20000, 64, 4",
    "65536, -1, 5",
    "9000, 0, 6",
  })
  void randomAppendsWrapAndReadBack(long size, long index, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    PoolOptions options =
        index < 0 ? PoolOptions.ofSize(size) : PoolOptions.ofSize(size).withIndexCapacity(index);
    Deque<String> model = new ArrayDeque<>();
    try (Pool pool = client().createAndOpen(PoolRef.name("r" + seed), options)) {
      for (int i = 1; i <= 3000; i++) {
        int pad = random.nextInt(0, random.nextInt(10) == 0 ? 2500 : 200);
        String data = "{\"i\":" + i + ",\"p\":\"" + "x".repeat(pad) + "\"}";
        Message m = pool.appendJsonNow(data, List.of("t"), Durability.FAST);
        assertEquals(i, m.seq());
        model.addLast(data);
        var info = pool.info();
        while (model.size() > info.messageCount()) {
          model.removeFirst();
        }
        assertEquals(i, info.newestSeq());
        if (i % 97 == 0 || i < 40) {
          ValidationReport report = pool.validate();
          assertTrue(
              report.ok(), () -> "seed " + seed + " after " + m.seq() + ": " + report.issues());
          List<String> read = new ArrayList<>();
          try (Tail tail =
              pool.tail(TailOptions.since(info.oldestSeq()).withMaxMessages(info.messageCount()))) {
            tail.forEachRemaining(x -> read.add(x.dataJson()));
          }
          List<String> expected = model.stream().map(PoolEngineTest::canonical).toList();
          assertEquals(expected, read, "seed " + seed + " after " + i);
          long probe = info.oldestSeq() + random.nextLong(info.messageCount());
          assertEquals(probe, pool.getMessage(probe).seq());
        }
      }
    }
  }

  private static String canonical(String data) {
    // {"i":N,"p":"..."} is already canonical (keys sorted, no escapes).
    return data;
  }

  @Test
  void payloadLargerThanTheRingIsRefusedAndNothingIsWritten() {
    try (Pool pool =
        client()
            .createAndOpen(PoolRef.name("small"), PoolOptions.ofSize(8192).withIndexCapacity(0))) {
      pool.appendJsonNow("{\"a\":1}", List.of(), Durability.FAST);
      String big = "{\"p\":\"" + "y".repeat(9000) + "\"}";
      PlasmiteException e =
          assertThrows(
              PlasmiteException.class, () -> pool.appendJsonNow(big, List.of(), Durability.FAST));
      assertEquals(ErrorKind.USAGE, e.kind());
      assertEquals(1, pool.info().newestSeq());
      assertTrue(pool.validate().ok());
    }
  }

  @Test
  void batchIsAllOrNothing() {
    try (Pool pool = client().createAndOpen(PoolRef.name("b"), PoolOptions.DEFAULTS)) {
      List<Pool.BatchEntry> bad =
          List.of(
              new Pool.BatchEntry("{\"a\":1}", List.of()),
              new Pool.BatchEntry("[1]", List.of()),
              new Pool.BatchEntry("{\"a\":3}", List.of()));
      assertThrows(PlasmiteException.class, () -> pool.append(bad, Durability.FLUSH));
      assertTrue(pool.info().isEmpty());
      List<Message> ok =
          pool.append(
              List.of(
                  new Pool.BatchEntry("{\"a\":1}", List.of()),
                  new Pool.BatchEntry("{\"a\":2}", List.of("x"))),
              Durability.FLUSH);
      assertEquals(List.of(1L, 2L), ok.stream().map(Message::seq).toList());
      assertEquals("{\"a\":2}", pool.getMessage(2).dataJson());
    }
  }

  @Test
  void existingFileIsNeverOverwritten() {
    client().create(PoolRef.name("once"), PoolOptions.DEFAULTS);
    PlasmiteException e =
        assertThrows(
            PlasmiteException.class,
            () -> client().create(PoolRef.name("once"), PoolOptions.DEFAULTS));
    assertEquals(ErrorKind.ALREADY_EXISTS, e.kind());
    assertTrue(e.path().isPresent());
  }
}
