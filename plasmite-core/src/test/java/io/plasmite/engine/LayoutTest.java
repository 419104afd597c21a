package io.plasmite.engine;

import static io.plasmite.engine.EngineFixtures.allZero;
import static io.plasmite.engine.EngineFixtures.ascii;
import static io.plasmite.engine.EngineFixtures.dataForFrame;
import static io.plasmite.engine.EngineFixtures.readLe;
import static io.plasmite.engine.EngineFixtures.readPrefixLe;
import static io.plasmite.engine.EngineFixtures.slice;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plasmite.Durability;
import io.plasmite.ErrorKind;
import io.plasmite.LocalClient;
import io.plasmite.Message;
import io.plasmite.PlasmiteException;
import io.plasmite.Pool;
import io.plasmite.PoolInfo;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import io.plasmite.Tail;
import io.plasmite.TailOptions;
import io.plasmite.ValidationReport;
import io.plasmite.format.IndexDescriptor;
import io.plasmite.lite3.Lite3Encoder;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Byte-level placement checks of the writer ({@code pool-format-v3.md} §2–§5) on small pools whose
 * geometry makes every position predictable, plus reads across each kind of wrap.
 */
@Timeout(60)
class LayoutTest {
  /** A fixed timestamp: 2026-01-01T00:00:00.123456789Z. */
  private static final long TS = 1_767_225_600_123_456_789L;

  /** Every message of the wrap scenarios occupies exactly this many ring bytes. */
  private static final int F = 512;

  @TempDir Path dir;

  private LocalClient client() {
    return new LocalClient().withPoolDir(dir);
  }

  // ---------------------------------------------------------------- (a) fresh header

  @ParameterizedTest(name = "size {0}, index {1}")
  @CsvSource({
    // size, requested index (-1 default), capacity, ring_offset, ring_size
    "1048576, -1, 4096, 69632, 978944",
    "65536, -1, 256, 8192, 57344",
    "67108864, -1, 65536, 1052672, 66056192",
    "8192, -1, 32, 4608, 3584",
    "8192, 0, 0, 4096, 4096",
    "8192, 16, 16, 4352, 3840",
  })
  void freshHeaderBytes(long size, long index, long capacity, long ringOffset, long ringSize) {
    PoolOptions options =
        index < 0 ? PoolOptions.ofSize(size) : PoolOptions.ofSize(size).withIndexCapacity(index);
    PoolInfo info = client().create(PoolRef.name("fresh"), options);
    assertEquals(capacity, info.indexCapacity());
    assertEquals(ringOffset, info.ringOffset());
    assertEquals(ringSize, info.ringSize());
    assertTrue(info.isEmpty());

    Path path = dir.resolve("fresh.plasmite");
    assertEquals(size, path.toFile().length());
    int prefix = (int) Math.min(size, ringOffset + 4096);
    ByteBuffer b = readPrefixLe(path, prefix);
    assertArrayEquals(ascii("PLSM"), slice(b, 0, 4), "magic");
    assertEquals(3, b.getInt(4), "version");
    assertEquals(1, b.get(8), "endianness");
    assertTrue(allZero(b, 9, 16), "reserved after endianness");
    assertEquals(size, b.getLong(16), "file_size");
    assertEquals(4096, b.getLong(24), "index_offset");
    assertEquals(capacity, Integer.toUnsignedLong(b.getInt(32)), "index_capacity");
    assertEquals(0, b.getInt(36), "pad");
    assertEquals(ringOffset, b.getLong(40), "ring_offset");
    assertEquals(4096 + 16 * capacity, b.getLong(40), "ring_offset = 4096 + 16 * capacity");
    assertEquals(ringSize, b.getLong(48), "ring_size");
    assertEquals(size, b.getLong(40) + b.getLong(48), "ring ends the file");
    assertEquals(0, b.getLong(56), "flags");
    for (int off = 64; off <= 96; off += 8) {
      assertEquals(0, b.getLong(off), "pointer word at " + off);
    }
    assertTrue(allZero(b, 104, prefix), "reserved header bytes, index and ring start are zero");
  }

  @Test
  void defaultIndexCapacityFollowsTheSpecFormula() {
    assertEquals(4096, IndexDescriptor.defaultCapacity(1L << 20));
    assertEquals(256, IndexDescriptor.defaultCapacity(64L << 10));
    assertEquals(65536, IndexDescriptor.defaultCapacity(64L << 20));
    assertEquals(65536, IndexDescriptor.defaultCapacity(128L << 20));
    assertEquals(65536, IndexDescriptor.defaultCapacity(1L << 40));
    // min(S / 256, 65536, (S - 4096 - 1024) / 16)
    assertEquals(0, IndexDescriptor.defaultCapacity(5120));
    assertEquals(0, IndexDescriptor.defaultCapacity(5000));
    assertEquals(1, IndexDescriptor.defaultCapacity(5136));
    assertEquals(23, IndexDescriptor.defaultCapacity(6000));
  }

  // ---------------------------------------------------------------- (b) one frame

  @ParameterizedTest(name = "index {0}")
  @ValueSource(longs = {0, 16, -1})
  void firstFramesBytesHeaderAndIndex(long index) {
    long size = 1L << 20;
    PoolOptions options =
        index < 0 ? PoolOptions.ofSize(size) : PoolOptions.ofSize(size).withIndexCapacity(index);
    EngineFixtures.Vector golden =
        EngineFixtures.acceptedVectors().stream()
            .filter(v -> v.name().equals("one"))
            .findFirst()
            .orElseThrow();
    Path path = dir.resolve("one.plasmite");
    long f1;
    try (Pool pool = client().createAndOpen(PoolRef.name("one"), options)) {
      Message m = pool.appendJson("{\"a\":1}", List.of("x"), TS, Durability.FLUSH);
      assertEquals(1, m.seq());
      assertEquals(TS, m.timeNs());

      ByteBuffer b = readLe(path);
      long capacity = Integer.toUnsignedLong(b.getInt(32));
      int ring = (int) b.getLong(40);
      int ringSize = (int) b.getLong(48);
      byte[] payload = golden.lite3();
      assertArrayEquals(payload, Lite3Encoder.encodeEnvelope(List.of("x"), "{\"a\":1}"));
      int len = payload.length;
      f1 = EngineFixtures.frameBytes(len);
      assertFrame(b, ring, 1, TS, payload);
      assertTrue(allZero(b, ring + (int) f1, ring + ringSize), "nothing written past the frame");
      assertHeader(b, f1, 0, f1, 1, 1);
      if (capacity > 0) {
        assertIndex(b, capacity, Map.of(1L, 0L));
      }

      Message second =
          pool.appendJson(
              "{\"b\":[1,2],\"a\":\"z\"}", List.of("t1", "t2"), TS + 1, Durability.FAST);
      assertEquals(2, second.seq());
      b = readLe(path);
      byte[] p2 = Lite3Encoder.encodeEnvelope(List.of("t1", "t2"), "{\"a\":\"z\",\"b\":[1,2]}");
      assertFrame(b, ring + (int) f1, 2, TS + 1, p2);
      long f2 = EngineFixtures.frameBytes(p2.length);
      // tail stays on frame 1, so tail_next keeps pointing at frame 2
      assertHeader(b, f1 + f2, 0, f1, 1, 2);
      if (capacity > 0) {
        assertIndex(b, capacity, Map.of(1L, 0L, 2L, f1));
      }
      assertEquals("{\"a\":\"z\",\"b\":[1,2]}", pool.getMessage(2).dataJson());
      assertEquals(golden.dataOut(), pool.getMessage(1).dataJson());
      assertTrue(pool.validate().ok());
    }
  }

  // ---------------------------------------------------------------- (c) wrap marker

  /**
   * Ring of 3·F + 104 bytes: after three frames the head sits 104 bytes before the end, so the
   * fourth frame needs a wrap marker there.
   */
  @ParameterizedTest(name = "index {0}")
  @ValueSource(ints = {0, 16})
  void wrapMarkerAtTheOldHeadAndFrameAtZero(int index) {
    Scenario s = new Scenario("wm" + index, index, 3 * F + 104);
    try (Pool pool = s.create()) {
      s.append(pool, 1);
      s.append(pool, 2);
      s.append(pool, 3);
      s.assertHeader(3 * F, 0, F, 1, 3);
      // a live tail that has read everything before the wrap
      try (Tail live = pool.tail(TailOptions.since(1).withIdleTimeout(Duration.ZERO))) {
        assertEquals(List.of(1L, 2L, 3L), drain(live));

        s.append(pool, 4);
        ByteBuffer b = s.bytes();
        assertWrapMarker(b, s.ring(b) + 3 * F);
        assertFrame(b, s.ring(b), 4, TS + 4, s.payload(4));
        s.assertHeader(F, F, 2 * F, 2, 4);
        s.assertIndex(Map.of(2L, (long) F, 3L, 2L * F, 4L, 0L));

        assertEquals(List.of(4L), drain(live), "the live tail follows the wrap marker to 0");
      }
      s.assertRetained(pool, 2, 4);
      PlasmiteException gone = assertThrows(PlasmiteException.class, () -> pool.getMessage(1));
      assertEquals(ErrorKind.NOT_FOUND, gone.kind());
    }
  }

  // ---------------------------------------------------------------- (d) implicit wrap

  /**
   * Ring of 3·F + 40 bytes: after three frames only 40 bytes remain, fewer than a frame header, so
   * the fourth frame goes to 0 and nothing is written in the gap.
   */
  @ParameterizedTest(name = "index {0}")
  @ValueSource(ints = {0, 16})
  void implicitWrapLeavesTheShortGapUntouched(int index) {
    Scenario s = new Scenario("iw" + index, index, 3 * F + 40);
    try (Pool pool = s.create()) {
      s.append(pool, 1);
      s.append(pool, 2);
      s.append(pool, 3);
      s.assertHeader(3 * F, 0, F, 1, 3);
      ByteBuffer before = s.bytes();
      byte[] gapBefore = slice(before, s.ring(before) + 3 * F, 40);
      assertTrue(allZero(before, s.ring(before) + 3 * F, s.ring(before) + 3 * F + 40));

      try (Tail live = pool.tail(TailOptions.since(1).withIdleTimeout(Duration.ZERO));
          Tail fromTwo = pool.tail(TailOptions.since(2).withIdleTimeout(Duration.ZERO))) {
        assertEquals(List.of(1L, 2L, 3L), drain(live));
        assertEquals(2L, fromTwo.next().seq(), "started before the wrap");

        s.append(pool, 4);
        ByteBuffer b = s.bytes();
        assertArrayEquals(
            gapBefore, slice(b, s.ring(b) + 3 * F, 40), "no marker written in the short gap");
        assertFrame(b, s.ring(b), 4, TS + 4, s.payload(4));
        s.assertHeader(F, F, 2 * F, 2, 4);
        s.assertIndex(Map.of(2L, (long) F, 3L, 2L * F, 4L, 0L));

        assertEquals(List.of(4L), drain(live), "the live tail crosses the short gap");
        assertEquals(List.of(3L, 4L), drain(fromTwo));
      }
      s.assertRetained(pool, 2, 4);
      try (Tail since3 =
          pool.tail(TailOptions.since(3).withMaxMessages(2).withIdleTimeout(Duration.ZERO))) {
        assertEquals(List.of(3L, 4L), drain(since3));
      }
      // More laps: every position of the three-frame cycle, with validation each time.
      for (int seq = 5; seq <= 12; seq++) {
        s.append(pool, seq);
        s.assertRetained(pool, seq - 2, seq);
      }
    }
  }

  // ---------------------------------------------------------------- (e) tail at rest

  /**
   * After frames 5 and 6 the head meets the tail on the wrap marker (tail_next 0): a valid full
   * state that must open, validate and read, and the next append must drop the marker then frame 4.
   */
  @ParameterizedTest(name = "index {0}")
  @ValueSource(ints = {0, 16})
  void tailRestingOnAWrapMarker(int index) {
    Scenario s = new Scenario("rw" + index, index, 3 * F + 104);
    try (Pool pool = s.create()) {
      for (int seq = 1; seq <= 6; seq++) {
        s.append(pool, seq);
      }
      ByteBuffer b = s.bytes();
      assertWrapMarker(b, s.ring(b) + 3 * F);
      s.assertHeader(3 * F, 3 * F, 0, 4, 6);
    }
    s.assertReopensAndReads(4, 6);
    try (Pool pool = client().open(s.ref())) {
      s.append(pool, 7);
      ByteBuffer b = s.bytes();
      assertWrapMarker(b, s.ring(b) + 3 * F);
      assertFrame(b, s.ring(b), 7, TS + 7, s.payload(7));
      s.assertHeader(F, F, 2 * F, 5, 7);
      s.assertRetained(pool, 5, 7);
    }
  }

  /**
   * After frames 5 and 6 of the implicit-wrap ring the tail rests on the 40-byte gap (tail_next 0):
   * valid, must open, validate and read, and the next append drops the gap then frame 4.
   */
  @ParameterizedTest(name = "index {0}")
  @ValueSource(ints = {0, 16})
  void tailRestingOnTheShortEndGap(int index) {
    Scenario s = new Scenario("rg" + index, index, 3 * F + 40);
    try (Pool pool = s.create()) {
      for (int seq = 1; seq <= 6; seq++) {
        s.append(pool, seq);
      }
      s.assertHeader(3 * F, 3 * F, 0, 4, 6);
    }
    s.assertReopensAndReads(4, 6);
    try (Pool pool = client().open(s.ref())) {
      s.append(pool, 7);
      s.assertHeader(F, F, 2 * F, 5, 7);
      s.assertRetained(pool, 5, 7);
    }
  }

  /** One frame filling the whole ring: head wraps to 0 and equals the tail. */
  @ParameterizedTest(name = "index {0}")
  @ValueSource(ints = {0, 16})
  void frameFillingTheWholeRing(int index) {
    Scenario s = new Scenario("full" + index, index, 2 * F);
    try (Pool pool = s.create()) {
      s.append(pool, 1);
      s.assertHeader(F, 0, F, 1, 1);
      String big = dataForFrame(2, 2 * F);
      Message m = pool.appendJson(big, List.of(), TS + 2, Durability.FAST);
      assertEquals(2, m.seq());
      // frame 1 dropped, the pool emptied, frame 2 at 0 fills the ring; head wraps to 0
      s.assertHeader(0, 0, 0, 2, 2);
      assertEquals(big, pool.getMessage(2).dataJson());
      assertTrue(pool.validate().ok(), () -> pool.validate().issues().toString());
      s.append(pool, 3);
      s.assertHeader(F, 0, F, 3, 3);
      s.assertRetained(pool, 3, 3);
    }
    s.assertReopensAndReads(3, 3);
  }

  /**
   * Rings whose size is not a multiple of 8: the end gap is 107 bytes (a marker) or 45 bytes
   * (implicit); laps of frames keep validating and reading back.
   */
  @ParameterizedTest(name = "ring {0}")
  @ValueSource(ints = {3 * F + 107, 3 * F + 45, 3 * F + 63, 3 * F + 64})
  void ringSizesNotMultipleOfEight(int ringSize) {
    Scenario s = new Scenario("u" + ringSize, 0, ringSize);
    try (Pool pool = s.create()) {
      for (int seq = 1; seq <= 10; seq++) {
        s.append(pool, seq);
        s.assertRetained(pool, Math.max(1, seq - 2), seq);
      }
      ByteBuffer b = s.bytes();
      if (ringSize - 3 * F >= 64) {
        assertWrapMarker(b, s.ring(b) + 3 * F);
      } else {
        assertTrue(allZero(b, s.ring(b) + 3 * F, s.ring(b) + ringSize), "nothing in the gap");
      }
    }
    s.assertReopensAndReads(8, 10);
  }

  // ---------------------------------------------------------------- (f) golden vectors

  @Test
  void goldenPayloadsAppendedAsABatchComeBackByteIdentical() {
    List<EngineFixtures.Vector> vectors = EngineFixtures.acceptedVectors();
    assertTrue(vectors.size() > 300, "expected the full vector set, found " + vectors.size());
    try (Pool pool = client().createAndOpen(PoolRef.name("golden"), PoolOptions.ofSize(8L << 20))) {
      List<byte[]> payloads = vectors.stream().map(EngineFixtures.Vector::lite3).toList();
      List<Message> stored = pool.appendPayloads(payloads, TS, Durability.FAST);
      assertEquals(vectors.size(), stored.size());
      assertEquals(1, pool.info().oldestSeq(), "the pool must be large enough to keep them all");
      for (int i = 0; i < vectors.size(); i++) {
        assertVectorStored(pool, i + 1, vectors.get(i));
      }
      ValidationReport report = pool.validate();
      assertTrue(report.ok(), report.issues()::toString);
      assertEquals(vectors.size(), report.messagesChecked());
      try (Tail tail =
          pool.tail(
              TailOptions.since(1)
                  .withMaxMessages(vectors.size())
                  .withIdleTimeout(Duration.ZERO))) {
        int i = 0;
        while (tail.hasNext()) {
          Message m = tail.next();
          assertArrayEquals(vectors.get(i).lite3(), m.lite3(), vectors.get(i).name());
          i++;
        }
        assertEquals(vectors.size(), i);
      }
    }
  }

  @Test
  void goldenPayloadsAppendedOneByOneComeBackByteIdentical() {
    List<EngineFixtures.Vector> vectors = EngineFixtures.acceptedVectors();
    try (Pool pool =
        client().createAndOpen(PoolRef.name("golden1"), PoolOptions.ofSize(8L << 20))) {
      for (int i = 0; i < vectors.size(); i++) {
        Message m = pool.appendLite3(vectors.get(i).lite3(), Durability.FAST);
        assertEquals(i + 1, m.seq());
      }
      for (int i = 0; i < vectors.size(); i++) {
        assertVectorStored(pool, i + 1, vectors.get(i));
      }
      assertTrue(pool.validate().ok());
    }
  }

  private static void assertVectorStored(Pool pool, long seq, EngineFixtures.Vector v) {
    assertArrayEquals(v.lite3(), pool.getLite3(seq), v.name());
    Message m = pool.getMessage(seq);
    assertEquals(v.dataOut(), m.dataJson(), v.name());
    assertEquals(v.tags(), m.tags(), v.name());
  }

  // ---------------------------------------------------------------- helpers

  /** A pool with index {@code index} and a ring of exactly {@code ringSize} bytes. */
  private final class Scenario {
    final String name;
    final int index;
    final int ringSize;
    final Map<Integer, String> data = new HashMap<>();

    Scenario(String name, int index, int ringSize) {
      this.name = name;
      this.index = index;
      this.ringSize = ringSize;
    }

    PoolRef ref() {
      return PoolRef.name(name);
    }

    Path path() {
      return dir.resolve(name + ".plasmite");
    }

    Pool create() {
      long size = 4096L + 16L * index + ringSize;
      Pool pool = client().createAndOpen(ref(), PoolOptions.ofSize(size).withIndexCapacity(index));
      assertEquals(ringSize, pool.info().ringSize());
      return pool;
    }

    String data(int seq) {
      return data.computeIfAbsent(seq, k -> dataForFrame(k, F));
    }

    byte[] payload(int seq) {
      return Lite3Encoder.encodeEnvelope(List.of(), data(seq));
    }

    void append(Pool pool, int seq) {
      Message m = pool.appendJson(data(seq), List.of(), TS + seq, Durability.FAST);
      assertEquals(seq, m.seq());
      assertEquals(F, EngineFixtures.frameBytes(m.lite3().length));
    }

    ByteBuffer bytes() {
      return readLe(path());
    }

    int ring(ByteBuffer b) {
      return (int) b.getLong(40);
    }

    void assertHeader(long head, long tail, long tailNext, long oldest, long newest) {
      LayoutTest.assertHeader(bytes(), head, tail, tailNext, oldest, newest);
    }

    void assertIndex(Map<Long, Long> slots) {
      if (index > 0) {
        ByteBuffer b = bytes();
        for (Map.Entry<Long, Long> e : slots.entrySet()) {
          int slot = 4096 + (int) (e.getKey() % index) * 16;
          assertEquals(e.getKey(), b.getLong(slot), "index slot seq for " + e.getKey());
          assertEquals(e.getValue(), b.getLong(slot + 8), "index slot offset for " + e.getKey());
        }
      }
    }

    /** get, tails from several starts and validate agree that exactly oldest..newest remain. */
    void assertRetained(Pool pool, long oldest, long newest) {
      PoolInfo info = pool.info();
      assertEquals(oldest, info.oldestSeq(), "oldest");
      assertEquals(newest, info.newestSeq(), "newest");
      for (long seq = oldest; seq <= newest; seq++) {
        Message m = pool.getMessage(seq);
        assertEquals(seq, m.seq());
        assertEquals(data((int) seq), m.dataJson());
        assertEquals(TS + seq, m.timeNs());
      }
      for (long since = 1; since <= newest; since++) {
        List<Long> expected = new ArrayList<>();
        for (long seq = Math.max(since, oldest); seq <= newest; seq++) {
          expected.add(seq);
        }
        try (Tail tail = pool.tail(TailOptions.since(since).withIdleTimeout(Duration.ZERO))) {
          assertEquals(expected, drain(tail), "tail since " + since);
        }
      }
      ValidationReport report = pool.validate();
      assertTrue(report.ok(), () -> name + ": " + report.issues());
      assertEquals(newest - oldest + 1, report.messagesChecked());
    }

    /** Closes nothing; reopens read-write and read-only and checks both read everything. */
    void assertReopensAndReads(long oldest, long newest) {
      try (Pool rw = client().open(ref())) {
        assertTrue(rw.writable());
        assertRetained(rw, oldest, newest);
      }
      try (Pool ro = client().openReadOnly(ref())) {
        assertFalse(ro.writable());
        assertRetained(ro, oldest, newest);
      }
      assertTrue(client().validate(ref()).ok());
    }
  }

  private static List<Long> drain(Tail tail) {
    List<Long> out = new ArrayList<>();
    while (tail.hasNext()) {
      out.add(tail.next().seq());
    }
    return out;
  }

  private static void assertHeader(
      ByteBuffer b, long head, long tail, long tailNext, long oldest, long newest) {
    String actual =
        "head "
            + b.getLong(64)
            + ", tail "
            + b.getLong(72)
            + ", tail_next "
            + b.getLong(80)
            + ", oldest "
            + b.getLong(88)
            + ", newest "
            + b.getLong(96);
    String expected =
        "head "
            + head
            + ", tail "
            + tail
            + ", tail_next "
            + tailNext
            + ", oldest "
            + oldest
            + ", newest "
            + newest;
    assertEquals(expected, actual);
  }

  private static void assertIndex(ByteBuffer b, long capacity, Map<Long, Long> slots) {
    for (long i = 0; i < capacity; i++) {
      int slot = (int) (4096 + 16 * i);
      long seq = b.getLong(slot);
      if (seq == 0) {
        assertEquals(0, b.getLong(slot + 8), "unused slot " + i);
        continue;
      }
      assertEquals(i, seq % capacity, "slot " + i + " holds seq " + seq);
      assertEquals(slots.get(seq), Long.valueOf(b.getLong(slot + 8)), "slot of seq " + seq);
    }
    for (long seq : slots.keySet()) {
      assertEquals(seq, b.getLong((int) (4096 + 16 * (seq % capacity))), "slot of seq " + seq);
    }
  }

  private static void assertFrame(ByteBuffer b, int at, long seq, long ts, byte[] payload) {
    int len = payload.length;
    assertArrayEquals(ascii("FRM1"), slice(b, at, 4), "frame magic");
    assertEquals(2, b.getInt(at + 4), "state committed");
    assertEquals(0, b.getInt(at + 8), "frame flags");
    assertEquals(64, b.getInt(at + 12), "hlen");
    assertEquals(seq, b.getLong(at + 16), "seq");
    assertEquals(ts, b.getLong(at + 24), "timestamp");
    assertEquals(len, b.getInt(at + 32), "len");
    assertEquals(~len, b.getInt(at + 36), "~len");
    assertEquals(0, b.getInt(at + 40), "crc32c");
    assertTrue(allZero(b, at + 44, at + 64), "frame header tail is zero");
    assertArrayEquals(payload, slice(b, at + 64, len), "payload");
    assertArrayEquals(ascii("PLSMCMIT"), slice(b, at + 64 + len, 8), "commit marker");
  }

  private static void assertWrapMarker(ByteBuffer b, int at) {
    assertArrayEquals(ascii("FRM1"), slice(b, at, 4), "wrap marker magic");
    assertEquals(3, b.getInt(at + 4), "state wrap");
    assertEquals(0, b.getInt(at + 8), "flags");
    assertEquals(64, b.getInt(at + 12), "hlen");
    assertEquals(0, b.getLong(at + 16), "seq");
    assertEquals(0, b.getLong(at + 24), "timestamp");
    assertEquals(0, b.getInt(at + 32), "len");
    assertEquals(-1, b.getInt(at + 36), "~len");
    assertTrue(allZero(b, at + 40, at + 64), "crc and zero tail");
  }
}
