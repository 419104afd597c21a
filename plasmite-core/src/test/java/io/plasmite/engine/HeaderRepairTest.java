package io.plasmite.engine;

import static io.plasmite.engine.EngineFixtures.patchU64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plasmite.Durability;
import io.plasmite.LocalClient;
import io.plasmite.Pool;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import io.plasmite.ValidationReport;
import io.plasmite.format.PoolHeaderDescriptor;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The writer's O(1) header check ({@link HeaderRepair}) against {@code tail_next_off} words a
 * writer killed between the {@code tail_off} and {@code tail_next_off} stores leaves behind: the
 * word of the previous tail, which may be 0 (a previous tail at a wrap marker, or a frame ending at
 * the ring's end). Opening for writing must mend what the validator rejects and leave alone what it
 * accepts.
 */
class HeaderRepairTest {
  /** Frame size of every message: the ring holds exactly {@link #SLOTS} of them. */
  private static final int FRAME = 512;

  private static final int SLOTS = 8;

  @TempDir Path dir;

  /** A closed pool holding messages 1..{@code messages} in 512-byte frames of an 8-slot ring. */
  private Path pool(int messages) {
    Path path = dir.resolve("p.plasmite");
    long size = PoolHeaderDescriptor.HEADER_BYTES + (long) FRAME * SLOTS;
    try (Pool pool =
        new LocalClient()
            .createAndOpen(PoolRef.path(path), PoolOptions.ofSize(size).withIndexCapacity(0))) {
      for (int i = 1; i <= messages; i++) {
        pool.appendJsonNow(EngineFixtures.dataForFrame(i, FRAME), List.of(), Durability.FAST);
      }
    }
    return path;
  }

  private static long tailNext(Path path) {
    ByteBuffer h = EngineFixtures.readPrefixLe(path, PoolHeaderDescriptor.RESERVED_OFFSET);
    return h.getLong(PoolHeaderDescriptor.TAIL_NEXT_OFFSET);
  }

  /**
   * @param messages messages appended; 5 leaves the tail at offset 0, 15 at the last slot (whose
   *     frame ends at the ring's end, so its next is 0)
   * @param stale the word written over {@code tail_next_off}
   * @param expected what it must hold after a writable open
   */
  @ParameterizedTest(name = "{0} messages, tail_next {1} -> {2}")
  @CsvSource({
    // The stale 0 of a previous tail at a wrap marker; the validator wants 512.
    "5, 0, 512",
    // A stale word past the tail frame (two frames dropped at once).
    "5, 1024, 512",
    // The last slot's frame ends at the ring's end: 0 is right, and must stay.
    "15, 0, 0",
    // ... and a stale word there is mended to 0.
    "15, 512, 0",
  })
  void writableOpenLeavesTheWordTheValidatorExpects(int messages, long stale, long expected) {
    Path path = pool(messages);
    patchU64(path, PoolHeaderDescriptor.TAIL_NEXT_OFFSET, stale);
    try (Pool pool = new LocalClient().open(PoolRef.path(path))) {
      assertEquals(expected, tailNext(path));
      ValidationReport report = pool.validate();
      assertTrue(report.ok(), report.issues().toString());
      long next = pool.appendJsonNow("{}", List.of(), Durability.FAST).seq();
      assertEquals(messages + 1, next);
      assertTrue(pool.validate().ok(), pool.validate().issues().toString());
    }
  }
}
