package io.plasmite.engine;

import io.plasmite.format.PoolHeaderDescriptor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;

/**
 * Wakes readers waiting for new messages, across processes, in microseconds and without spinning
 * while idle ({@code pool-format-v3.md} §8).
 *
 * <p>A small shared-memory file ({@code /dev/shm/plasmite-<hash of the pool's real path>.wake})
 * holds two 32-bit words: a wake counter and a count of sleeping readers. The pool file itself is
 * left untouched. Protocol: a reader (1) spins briefly on {@code newest_seq}; (2) registers as a
 * sleeper; (3) reads the counter; (4) re-checks {@code newest_seq}; (5) sleeps on the counter with
 * {@code futex} and a bounded timeout. A writer, after publishing {@code newest_seq}, (6) fences,
 * and only if someone sleeps (7) bumps the counter and wakes them. Correctness never depends on a
 * wake: sleeps are bounded, and readers re-check the header.
 */
public final class WakeChannel implements AutoCloseable {
  /** How long a waiting reader spins on the header before it sleeps, unless told otherwise. */
  public static final long DEFAULT_SPIN_NS = 50_000;

  private static final long SLEEP_MAX_NS = 100_000_000;
  private static final VarHandle INT =
      ValueLayout.JAVA_INT.withOrder(java.nio.ByteOrder.nativeOrder()).varHandle();

  private final MemorySegment words;

  private WakeChannel(MemorySegment words) {
    this.words = words;
  }

  /**
   * Opens (creating if needed) the wake file of a pool.
   *
   * @param poolPath the pool file
   * @return the channel, or null when shared memory is not available (readers then poll)
   */
  public static WakeChannel open(Path poolPath) {
    Path shm = Path.of("/dev/shm");
    if (!Files.isDirectory(shm)) {
      return null;
    }
    // Unmapped by the garbage collector, never explicitly: a reader may be asleep on the word
    // (inside a native call) when its pool is closed.
    Arena arena = Arena.ofAuto();
    try (FileChannel ch =
        FileChannel.open(
            shm.resolve("plasmite-" + key(poolPath) + ".wake"),
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE)) {
      if (ch.size() < 64) {
        ch.write(java.nio.ByteBuffer.allocate(64), 0);
      }
      return new WakeChannel(ch.map(FileChannel.MapMode.READ_WRITE, 0, 64, arena));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static String key(Path poolPath) {
    String real;
    try {
      real = poolPath.toRealPath().toString();
    } catch (IOException e) {
      real = poolPath.toAbsolutePath().normalize().toString();
    }
    // Two cheap 32-bit hashes, not a cryptographic digest (whose providers take ~20 ms to
    // initialise): two pools sharing a wake file only see each other's wake-ups.
    byte[] bytes = real.getBytes(StandardCharsets.UTF_8);
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    return HexFormat.of().toHexDigits((int) crc.getValue())
        + HexFormat.of().toHexDigits(real.hashCode());
  }

  /** Called by a writer after publishing {@code newest_seq}: steps 6 and 7. */
  public void wakeAll() {
    VarHandle.fullFence();
    if ((int) INT.getVolatile(words, 4L) > 0) {
      INT.getAndAdd(words, 0L, 1);
      NativeIo.futexWakeAll(words);
    }
  }

  /**
   * Waits until {@code newest_seq} of {@code file} differs from {@code seenNewest}, the deadline
   * passes, or a bounded sleep ends (steps 1 to 5). Callers loop.
   *
   * @param file the pool's whole-file segment
   * @param seenNewest the newest seq the caller has seen
   * @param deadlineNs {@link System#nanoTime()} deadline, or {@code Long.MAX_VALUE}
   * @param spinNs how long to spin before sleeping
   */
  public void await(MemorySegment file, long seenNewest, long deadlineNs, long spinNs) {
    long start = System.nanoTime();
    while (System.nanoTime() - start < spinNs && System.nanoTime() - deadlineNs < 0) {
      if (PoolHeaderDescriptor.newestSeq(file) != seenNewest) {
        return;
      }
      Thread.onSpinWait();
    }
    INT.getAndAdd(words, 4L, 1);
    try {
      int counter = (int) INT.getVolatile(words, 0L);
      if (PoolHeaderDescriptor.newestSeq(file) != seenNewest) {
        return;
      }
      long remaining = Math.min(SLEEP_MAX_NS, deadlineNs - System.nanoTime());
      if (remaining > 0) {
        NativeIo.futexWait(words, counter, remaining);
      }
    } finally {
      INT.getAndAdd(words, 4L, -1);
    }
  }

  /**
   * Waits without a wake channel: a short spin, then brief sleeps.
   *
   * @param file the pool's whole-file segment
   * @param seenNewest the newest seq the caller has seen
   * @param deadlineNs {@link System#nanoTime()} deadline
   */
  public static void poll(MemorySegment file, long seenNewest, long deadlineNs) {
    if (PoolHeaderDescriptor.newestSeq(file) == seenNewest) {
      long remaining = deadlineNs - System.nanoTime();
      LockSupport.parkNanos(Math.max(0, Math.min(remaining, 1_000_000)));
    }
  }

  /** Nothing to release eagerly; the mapping goes with the last reference. */
  @Override
  public void close() {
    // The arena is automatic; see open().
  }

  /**
   * Removes a pool's wake file (when the pool itself is deleted).
   *
   * @param poolPath the pool file, before it is deleted
   */
  public static void delete(Path poolPath) {
    try {
      Files.deleteIfExists(Path.of("/dev/shm").resolve("plasmite-" + key(poolPath) + ".wake"));
    } catch (IOException | RuntimeException e) {
      // A leftover wake file is harmless: 64 bytes, reused if the pool is created again.
    }
  }
}
