package io.plasmite.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.plasmite.engine.WakeChannel;
import io.plasmite.format.PoolHeaderDescriptor;
import io.plasmite.format.WakeFileDescriptor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * A pool's wake file seen from a test: its words, the pool header its sleepers re-check, and a wait
 * for readers to fall asleep.
 */
public final class WakeWords {
  private WakeWords() {}

  /**
   * Maps the wake file of a pool, which an open channel has already made full size.
   *
   * @param poolPath the pool file
   * @return its wake file's words, mapped until the segment is unreachable
   * @throws IOException if the file cannot be opened
   */
  public static MemorySegment map(Path poolPath) throws IOException {
    try (FileChannel ch =
        FileChannel.open(
            WakeChannel.fileOf(poolPath), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      return ch.map(
          FileChannel.MapMode.READ_WRITE, 0, WakeFileDescriptor.FILE_BYTES, Arena.ofAuto());
    }
  }

  /**
   * Maps a pool's header read-only, as a sleep on its wake file takes it (to re-check {@code
   * newest_seq}).
   *
   * @param poolPath the pool file
   * @return its header, mapped until the segment is unreachable
   * @throws IOException if the pool cannot be opened
   */
  public static MemorySegment header(Path poolPath) throws IOException {
    try (FileChannel ch = FileChannel.open(poolPath, StandardOpenOption.READ)) {
      return ch.map(
          FileChannel.MapMode.READ_ONLY, 0, PoolHeaderDescriptor.HEADER_BYTES, Arena.ofAuto());
    }
  }

  /**
   * Waits until the sleeper total reaches a value: readers spin briefly before they register.
   *
   * @param words from {@link #map}
   * @param expected the total to wait for
   * @param failure the assertion message if it is not reached within 30 s
   */
  public static void awaitSleepers(MemorySegment words, int expected, String failure) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (WakeFileDescriptor.sleepers(words) != expected && System.nanoTime() < deadline) {
      LockSupport.parkNanos(1_000_000);
    }
    assertEquals(expected, WakeFileDescriptor.sleepers(words), failure);
  }
}
