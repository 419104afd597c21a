package io.plasmite.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plasmite.Durability;
import io.plasmite.ErrorKind;
import io.plasmite.LocalClient;
import io.plasmite.Message;
import io.plasmite.PlasmiteException;
import io.plasmite.Pool;
import io.plasmite.PoolInfo;
import io.plasmite.PoolRef;
import io.plasmite.Tail;
import io.plasmite.TailOptions;
import io.plasmite.ValidationReport;
import io.plasmite.lite3.Lite3Encoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Interop safety, reader side: files laid out byte by byte as the reference writer lays them out
 * ({@link SpecWriter}, from {@code pool-format-v3.md} §5) — wrap markers, implicit wraps of fewer
 * than 64 bytes, tails resting on either — are read correctly through the public API: {@code
 * getMessage}, a tail from seq 1, {@code info} and {@code validate}. Our engine then appends to
 * such a file exactly as the reference writer would go on.
 */
@Timeout(300)
class SpecLayoutReadTest {
  private static final long T0 = 1_600_000_000_000_000_000L;

  @TempDir Path dir;

  private final Map<Long, byte[]> payloads = new HashMap<>();
  private final Map<Long, Long> times = new HashMap<>();

  private LocalClient client() {
    return new LocalClient().withPoolDir(dir);
  }

  /**
   * An envelope whose frame is exactly {@code frameBytes} long (a multiple of 8; the smallest
   * envelope makes a frame of 504).
   */
  private static byte[] envelopeForFrame(long n, int frameBytes) {
    // The envelope is about 430 bytes plus the string: start the search just below that.
    for (int chars = Math.max(0, frameBytes - 600); ; chars++) {
      String json = "{\"n\":" + n + ",\"p\":\"" + "z".repeat(chars) + "\"}";
      byte[] e = Lite3Encoder.encodeEnvelope(List.of(), json);
      if (StrictPoolReader.frameBytes(e.length) == frameBytes) {
        return e;
      }
      if (StrictPoolReader.frameBytes(e.length) > frameBytes) {
        throw new IllegalArgumentException("no envelope for a frame of " + frameBytes);
      }
    }
  }

  /** Appends with the spec writer, stamping seq N with {@code T0 + N - 1}. */
  private void append(SpecWriter spec, byte[] payload) {
    long ts = T0 + payloads.size();
    long seq = spec.append(payload, ts);
    payloads.put(seq, payload);
    times.put(seq, ts);
  }

  /**
   * Writes the crafted bytes to a pool file and reads them back every way the public API allows;
   * returns what the strict reader sees in the same bytes.
   */
  private StrictPoolReader.Pool readBack(String name, SpecWriter spec, String where)
      throws IOException {
    Path path = dir.resolve(name + ".plasmite");
    Files.write(path, spec.bytes());
    StrictPoolReader.Pool layout = StrictPoolReader.read(spec.bytes());
    PoolRef ref = PoolRef.name(name);
    PoolInfo info = client().info(ref);
    assertEquals(layout.oldestSeq(), info.oldestSeq(), where);
    assertEquals(layout.newestSeq(), info.newestSeq(), where);
    if (!info.isEmpty()) {
      assertEquals(times.get(layout.oldestSeq()), info.oldestTimeNs(), where);
      assertEquals(times.get(layout.newestSeq()), info.newestTimeNs(), where);
    }
    try (Pool pool = client().openReadOnly(ref)) {
      for (StrictPoolReader.Frame f : layout.frames()) {
        Message m = pool.getMessage(f.seq());
        assertArrayEquals(payloads.get(f.seq()), m.lite3(), where + ", get " + f.seq());
        assertEquals(times.get(f.seq()), m.timeNs(), where + ", get " + f.seq());
      }
      if (layout.oldestSeq() > 1) {
        PlasmiteException gone =
            assertThrows(PlasmiteException.class, () -> pool.getMessage(layout.oldestSeq() - 1));
        assertEquals(ErrorKind.NOT_FOUND, gone.kind(), where);
      }
      List<Long> tailed = new ArrayList<>();
      try (Tail tail = pool.tail(TailOptions.since(1).withIdleTimeout(Duration.ZERO))) {
        while (tail.hasNext()) {
          Message m = tail.next();
          assertArrayEquals(payloads.get(m.seq()), m.lite3(), where + ", tail " + m.seq());
          tailed.add(m.seq());
        }
      }
      assertEquals(
          layout.frames().stream().map(StrictPoolReader.Frame::seq).toList(), tailed, where);
    }
    ValidationReport report = client().validate(ref);
    assertTrue(report.ok(), () -> where + ": " + report.issues());
    assertArrayEquals(spec.bytes(), Files.readAllBytes(path), where + ": reading changed the file");
    return layout;
  }

  /**
   * Fixed-size frames around a ring whose end leaves {@code endGap} bytes after the last whole
   * frame: 80 or more gives a wrap marker, less an implicit wrap. Every state of a lap is read
   * back, including the tail resting on the marker or the short gap.
   */
  @ParameterizedTest(name = "frame {0}, end gap {1}, index {2}")
  @CsvSource({
    "512, 80, 0",
    "512, 64, 16",
    "512, 56, 0",
    "512, 8, 16",
    "600, 40, 3",
    "1024, 1000, 0",
  })
  void fixedFramesAroundTheRing(int frame, int endGap, int index) throws IOException {
    long ringSize = 5L * frame + endGap;
    long size = 4096 + 16L * index + ringSize;
    SpecWriter spec = SpecWriter.create(ByteBuffer.allocate((int) size), index);
    boolean sawWrapInChain = false;
    boolean sawTailOnWrap = false;
    for (int i = 1; i <= 24; i++) {
      append(spec, envelopeForFrame(i, frame));
      String where = "frame " + frame + ", gap " + endGap + ", after seq " + i;
      StrictPoolReader.Pool layout = readBack("fixed", spec, where);
      if (!layout.wraps().isEmpty()) {
        sawWrapInChain = true;
        sawTailOnWrap |= layout.wraps().get(0) == layout.tail();
      }
    }
    assertTrue(sawWrapInChain, "the chain never crossed the ring end");
    assertTrue(sawTailOnWrap, "the tail never rested on the wrap");
  }

  /**
   * Random sizes, read back after each of the first 40 appends and every fifth after that; then the
   * engine takes over the same file.
   */
  @ParameterizedTest(name = "size {0}, index {1}, seed {2}")
  @CsvSource({"16384, 0, 11", "16384, 16, 12", "12345, 5, 13", "65536, 256, 14"})
  void randomReferenceLayoutsReadBackAndContinue(long size, long index, long seed)
      throws IOException {
    SpecWriter spec = SpecWriter.create(ByteBuffer.allocate((int) size), index);
    long ringSize = size - 4096 - 16 * index;
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int i = 1; i <= 150; i++) {
      int frame =
          (int)
              (rnd.nextInt(100) < 85
                  ? rnd.nextInt(63, 81) * 8
                  : rnd.nextLong(63, ringSize / 8 / 3) * 8);
      append(spec, envelopeForFrame(i, frame));
      if (i <= 40 || i % 5 == 0) {
        readBack("random", spec, "seed " + seed + ", after seq " + i);
      }
    }
    // Our engine opens the reference-made file and goes on: the file stays what the reference
    // writer would have made of it.
    try (Pool pool = client().open(PoolRef.name("random"))) {
      for (int i = 151; i <= 250; i++) {
        int frame = rnd.nextInt(63, 100) * 8;
        byte[] payload = envelopeForFrame(i, frame);
        long ts = T0 + i - 1;
        long seq = pool.appendPayloads(List.of(payload), ts, Durability.FAST).get(0).seq();
        assertEquals(spec.append(payload, ts), seq);
        assertArrayEquals(
            spec.bytes(),
            Files.readAllBytes(dir.resolve("random.plasmite")),
            "seed " + seed + ": after the engine appended seq " + seq);
      }
    }
  }

  /**
   * A follower of ours reads a pool while the independent writer appends to the mapped file in the
   * reference's order (it posts no wake-up of ours, so the follower finds the messages by itself):
   * every message it delivers is whole and carries the payload written under its seq, in seq order,
   * and it reaches the last one. Messages overwritten before it got to them are skipped.
   */
  @Test
  void followerReadsTheReferenceWriterLive() throws Exception {
    Path path = dir.resolve("live.plasmite");
    int count = 600;
    List<byte[]> written = new ArrayList<>();
    SplittableRandom rnd = new SplittableRandom(21);
    for (int i = 1; i <= count; i++) {
      written.add(envelopeForFrame(i, rnd.nextInt(63, 120) * 8));
    }
    try (FileChannel ch =
        FileChannel.open(
            path,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE)) {
      SpecWriter spec = SpecWriter.create(ch.map(FileChannel.MapMode.READ_WRITE, 0, 16384), 16);
      ExecutorService exec = Executors.newSingleThreadExecutor();
      try (Pool pool = client().openReadOnly(PoolRef.name("live"));
          Tail tail =
              pool.tail(
                  TailOptions.since(1)
                      .withIdleTimeout(Duration.ofSeconds(30))
                      .withBusySpin(Duration.ofMillis(50)))) {
        AtomicLong seen = new AtomicLong();
        Future<List<Long>> follower =
            exec.submit(
                () -> {
                  List<Long> seqs = new ArrayList<>();
                  while (seqs.isEmpty() || seqs.get(seqs.size() - 1) < count) {
                    if (!tail.hasNext()) {
                      break;
                    }
                    Message m = tail.next();
                    assertArrayEquals(written.get((int) m.seq() - 1), m.lite3(), "seq " + m.seq());
                    seqs.add(m.seq());
                    seen.set(m.seq());
                  }
                  return seqs;
                });
        for (int i = 0; i < count; i++) {
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
          while (seen.get() < i - 8 && !follower.isDone()) {
            assertTrue(System.nanoTime() < deadline, "the follower stopped at " + seen.get());
            Thread.onSpinWait();
          }
          spec.append(written.get(i), T0 + i);
        }
        List<Long> seqs = follower.get(60, TimeUnit.SECONDS);
        assertEquals(count, seqs.get(seqs.size() - 1), "the follower reached the last message");
        for (int i = 1; i < seqs.size(); i++) {
          assertTrue(seqs.get(i) > seqs.get(i - 1), "seq order: " + seqs);
        }
        System.out.printf("live follower: %d of %d messages delivered%n", seqs.size(), count);
      } finally {
        exec.shutdownNow();
      }
    }
  }

  /** A ring too small for two frames: each append drops the previous one, wrap or not. */
  @Test
  void ringOfOneFrame() throws IOException {
    SpecWriter spec = SpecWriter.create(ByteBuffer.allocate(4096 + 1000), 0);
    for (int i = 1; i <= 6; i++) {
      append(spec, envelopeForFrame(i, i % 2 == 0 ? 640 : 512));
      StrictPoolReader.Pool layout = readBack("one", spec, "after seq " + i);
      assertEquals(i, layout.oldestSeq(), "only the newest message fits");
    }
  }
}
