package io.plasmite.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.plasmite.Durability;
import io.plasmite.LocalClient;
import io.plasmite.Message;
import io.plasmite.Pool;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import io.plasmite.lite3.Lite3Encoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Interop safety, writer side ({@code pool-format-v3.md} §5): files our engine writes under random
 * append sequences — single and batch appends, small to ring-sized messages, with and without an
 * index, wrapping many times — read cleanly under {@link StrictPoolReader} after every append, hold
 * exactly the messages appended, and are byte for byte the file {@link SpecWriter} (the reference
 * writer's decisions, written from the spec) lays out for the same messages and timestamps.
 *
 * <p>Longer runs: {@code -Dplasmite.interop.appends=N} (default 250 appends per file).
 */
@Timeout(300)
class EngineFilesStrictTest {
  private static final int APPENDS = Integer.getInteger("plasmite.interop.appends", 250);
  private static final long T0 = 1_700_000_000_000_000_000L;

  @TempDir Path dir;

  /**
   * A random envelope: mostly small, sometimes a quarter of the ring, rarely as large as the ring
   * allows, so that drops of many frames, wrap markers and short end gaps all occur.
   */
  private static byte[] envelope(SplittableRandom rnd, long n, long maxPayload) {
    int roll = rnd.nextInt(100);
    long chars =
        roll < 80
            ? rnd.nextInt(0, 240)
            : roll < 96 ? rnd.nextLong(0, Math.max(1, maxPayload / 4)) : maxPayload;
    List<String> tags = rnd.nextInt(4) == 0 ? List.of("t" + rnd.nextInt(3)) : List.of();
    while (true) {
      byte[] e =
          Lite3Encoder.encodeEnvelope(
              tags, "{\"n\":" + n + ",\"p\":\"" + "y".repeat((int) chars) + "\"}");
      if (e.length <= maxPayload) {
        return e;
      }
      chars -= Math.max(1, e.length - maxPayload);
    }
  }

  @ParameterizedTest(name = "size {0}, index {1}, seed {2}")
  @CsvSource({
    "16384, 0, 1",
    "16384, 16, 2",
    "16384, -1, 3",
    "65536, -1, 4",
    "65536, 0, 5",
    "12345, 3, 6",
    "9000, 1, 7",
    "262144, 64, 8",
  })
  void engineFilesAreStrictlyValidAndLaidOutAsTheSpecSays(long size, long index, long seed)
      throws IOException {
    Path path = dir.resolve("strict.plasmite");
    PoolOptions options = PoolOptions.ofSize(size);
    if (index >= 0) {
      options = options.withIndexCapacity(index);
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    Map<Long, byte[]> payloads = new HashMap<>();
    Map<Long, Long> times = new HashMap<>();
    long appendedBytes = 0;
    long markers = 0;
    long gaps = 0;
    try (Pool pool = new LocalClient().createAndOpen(PoolRef.path(path), options)) {
      long capacity = pool.info().indexCapacity();
      long ringSize = pool.info().ringSize();
      long maxPayload = Math.min(ringSize - 72, 256L << 20);
      while (StrictPoolReader.frameBytes(maxPayload) > ringSize) {
        maxPayload--; // an unaligned ring: the largest frame must still fit
      }
      SpecWriter spec = SpecWriter.create(ByteBuffer.allocate((int) size), capacity);
      long next = 1;
      for (int op = 0; op < APPENDS; op++) {
        long ts = T0 + 1000L * op;
        List<byte[]> batch = new ArrayList<>();
        int count = rnd.nextInt(10) == 0 ? rnd.nextInt(2, 9) : 1;
        for (int i = 0; i < count; i++) {
          batch.add(envelope(rnd, next + i, maxPayload));
        }
        if (count == 1 && rnd.nextBoolean()) {
          Message m = pool.appendLite3(batch.get(0), Durability.FAST);
          // appendLite3 stamps the current time: the spec writer is given the same
          ts = m.timeNs();
        } else {
          pool.appendPayloads(batch, ts, Durability.FAST);
        }
        for (byte[] p : batch) {
          long seq = spec.append(p, ts);
          assertEquals(next, seq);
          payloads.put(seq, p);
          times.put(seq, ts);
          appendedBytes += StrictPoolReader.frameBytes(p.length);
          next++;
        }
        byte[] file = Files.readAllBytes(path);
        String where = "seed " + seed + ", after append call " + op + " (seq " + (next - 1) + ")";
        StrictPoolReader.Pool read;
        try {
          read = StrictPoolReader.read(file);
        } catch (StrictPoolReader.Violation v) {
          throw new AssertionError(where + ": " + v.getMessage(), v);
        }
        assertEquals(next - 1, read.newestSeq(), where);
        for (StrictPoolReader.Frame f : read.frames()) {
          assertArrayEquals(payloads.get(f.seq()), f.payload(), where + ", seq " + f.seq());
          assertEquals(times.get(f.seq()), f.timestampNs(), where + ", seq " + f.seq());
        }
        if (!read.wraps().isEmpty()) {
          long w = read.wraps().get(read.wraps().size() - 1);
          if (read.ringSize() - w < StrictPoolReader.FRAME_HEADER_BYTES) {
            gaps++;
          } else {
            markers++;
          }
        }
        assertSameBytes(spec, file, where);
      }
      assertTrue(appendedBytes > 10 * ringSize, "wrapped fewer than 10 times");
      assertTrue(markers > 0, "no wrap marker was ever retained");
      System.out.printf(
          "strict: size %d, index %d, seed %d: %d messages, %.1f laps; retained wraps seen: %d"
              + " markers, %d short gaps%n",
          size, capacity, seed, next - 1, (double) appendedBytes / ringSize, markers, gaps);
    }
  }

  private static void assertSameBytes(SpecWriter spec, byte[] file, String where) {
    byte[] expected = spec.bytes();
    for (int i = 0; i < file.length; i++) {
      if (file[i] != expected[i]) {
        fail(
            where
                + ": the engine's file differs from the spec writer's at byte "
                + i
                + " ("
                + file[i]
                + " != "
                + expected[i]
                + ")");
      }
    }
  }
}
