package io.plasmite.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plasmite.Durability;
import io.plasmite.LocalClient;
import io.plasmite.Message;
import io.plasmite.Pool;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import io.plasmite.Tail;
import io.plasmite.TailOptions;
import io.plasmite.format.PoolHeaderDescriptor;
import io.plasmite.format.WakeFileDescriptor;
import io.plasmite.testing.WakeWords;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sleeping readers register in a slot of the wake file that their channel owns through a lock, so
 * that what a dead reader left in the sleeper total can be told from live registrations and taken
 * back. The dead reader is played here by counts written into a slot nobody owns, which is exactly
 * what the kernel leaves when an owner dies (its lock goes, its counts stay); the multi-process
 * test {@code WakeFileHoldTest} kills a real one.
 */
class WakeSlotTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void aSleepingReaderRegistersInItsChannelsSlotAndLeavesOnWaking() throws Exception {
    try (Pool pool = new LocalClient().withPoolDir(dir).createAndOpen(PoolRef.name("p"), small())) {
      MemorySegment words = words(pool.path());
      try (Tail tail = pool.tail(TailOptions.newMessages().withIdleTimeout(PATIENCE))) {
        CompletableFuture<Long> got = nextSeqOnceAsleep(tail, words);
        assertEquals(1, slotsTotal(words), "one slot holds the sleeper");

        Message m = pool.appendJsonNow("{\"n\":1}", List.of(), Durability.FAST);

        assertEquals(m.seq(), got.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
        assertEquals(0, WakeFileDescriptor.sleepers(words), "the woken reader left the total");
        assertEquals(0, slotsTotal(words), "the woken reader left its slot");
      }
    }
  }

  @Test
  void openingAChannelTakesBackWhatDeadSleepersLeft() throws Exception {
    Path path = new LocalClient().withPoolDir(dir).create(PoolRef.name("p"), small()).path();
    MemorySegment words = words(path);
    leaveDeadSleepers(words, 7, 2);
    leaveDeadSleepers(words, WakeFileDescriptor.SLOT_COUNT - 1, 1);

    try (Pool pool = new LocalClient().withPoolDir(dir).open(PoolRef.name("p"))) {
      pool.appendJsonNow("{}", List.of(), Durability.FAST);
    }

    assertEquals(0, WakeFileDescriptor.sleepers(words));
    assertEquals(0, slotsTotal(words));
  }

  @Test
  void aRepairLeavesTheSlotsOfLiveChannelsAlone() throws Exception {
    try (Pool pool = new LocalClient().withPoolDir(dir).createAndOpen(PoolRef.name("p"), small())) {
      MemorySegment words = words(pool.path());
      try (Tail tail = pool.tail(TailOptions.newMessages().withIdleTimeout(PATIENCE))) {
        CompletableFuture<Boolean> got = CompletableFuture.supplyAsync(tail::hasNext);
        WakeWords.awaitSleepers(words, 1, "the reader never slept");
        leaveDeadSleepers(words, 500, 3);

        try (WakeChannel other = WakeChannel.open(pool.path())) {
          assertEquals(0, other.repair(), "its own open already repaired");
        }

        assertEquals(1, WakeFileDescriptor.sleepers(words), "the live sleeper is still counted");
        assertEquals(1, slotsTotal(words));
        pool.appendJsonNow("{}", List.of(), Durability.FAST);
        assertTrue(got.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
      }
    }
  }

  @Test
  void aWriterInUseTakesBackWhatDeadSleepersLeft() throws Exception {
    try (Pool pool = new LocalClient().withPoolDir(dir).createAndOpen(PoolRef.name("p"), small())) {
      pool.appendJsonNow("{}", List.of(), Durability.FAST);
      MemorySegment words = words(pool.path());
      // After the writer's channel opened: only its upkeep, while it appends, can notice them now.
      leaveDeadSleepers(words, 3, 1);

      long deadline = System.nanoTime() + PATIENCE.toNanos();
      while (WakeFileDescriptor.sleepers(words) != 0 && System.nanoTime() < deadline) {
        pool.appendJsonNow("{}", List.of(), Durability.FAST);
      }

      assertEquals(0, WakeFileDescriptor.sleepers(words));
      assertEquals(0, WakeFileDescriptor.slotSleepers(words, 3));
    }
  }

  @Test
  void aChannelClosedUnderASleepingReaderKeepsItsLocksUntilTheReaderLeaves() throws Exception {
    Path path = new LocalClient().withPoolDir(dir).create(PoolRef.name("p"), small()).path();
    MemorySegment header = WakeWords.header(path);
    WakeChannel reading = WakeChannel.open(path);
    MemorySegment words = words(path);
    long newest = PoolHeaderDescriptor.newestSeq(header);
    CompletableFuture<Void> slept =
        CompletableFuture.runAsync(
            () -> reading.await(header, newest, System.nanoTime() + PATIENCE.toNanos(), 0));
    WakeWords.awaitSleepers(words, 1, "the reader never slept");

    reading.close();

    try (WakeChannel other = WakeChannel.open(path)) {
      assertEquals(0, other.repair(), "a closed channel's sleeper was taken for dead");
    }
    assertEquals(1, WakeFileDescriptor.sleepers(words));
    WakeChannel.sweep();
    assertTrue(Files.exists(WakeChannel.fileOf(path)), "the sleeper's file was swept away");

    try (Pool writer = new LocalClient().withPoolDir(dir).open(PoolRef.name("p"))) {
      writer.appendJsonNow("{}", List.of(), Durability.FAST);
      slept.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }
    WakeChannel.sweep();

    assertTrue(
        Files.notExists(WakeChannel.fileOf(path)), "the last sleeper out kept the file held");
  }

  @Test
  void aReaderFindingEverySlotOwnedRegistersInTheTotalOnlyAndStillWakes() throws Exception {
    try (Pool pool = new LocalClient().withPoolDir(dir).createAndOpen(PoolRef.name("p"), small())) {
      MemorySegment words = words(pool.path());
      // Another open file of the wake file owns every slot, as 992 sleeping channels would.
      int owner = NativeIo.open(WakeChannel.fileOf(pool.path()).toString(), NativeIo.O_RDWR);
      assertTrue(owner >= 0, "errno " + NativeIo.errno());
      try {
        for (int i = 0; i < WakeFileDescriptor.SLOT_COUNT; i++) {
          assertEquals(
              0,
              NativeIo.ofdLock(
                  owner,
                  WakeFileDescriptor.slotOffset(i),
                  WakeFileDescriptor.SLOT_BYTES,
                  NativeIo.F_WRLCK));
        }
        try (Tail tail = pool.tail(TailOptions.newMessages().withIdleTimeout(PATIENCE))) {
          CompletableFuture<Long> got = nextSeqOnceAsleep(tail, words);
          assertEquals(0, slotsTotal(words), "no slot was free");

          Message m = pool.appendJsonNow("{\"n\":1}", List.of(), Durability.FAST);

          assertEquals(m.seq(), got.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
          assertEquals(0, WakeFileDescriptor.sleepers(words));
        }
      } finally {
        NativeIo.close(owner);
      }
    }
  }

  /**
   * Waits on another thread for the tail's next message, once that thread sleeps on the wake file.
   *
   * @return its seq when it comes, or -1 if the tail times out
   */
  private static CompletableFuture<Long> nextSeqOnceAsleep(Tail tail, MemorySegment words) {
    CompletableFuture<Long> got =
        CompletableFuture.supplyAsync(() -> tail.hasNext() ? tail.next().seq() : -1L);
    WakeWords.awaitSleepers(words, 1, "the reader never slept");
    return got;
  }

  private static PoolOptions small() {
    return PoolOptions.ofSize(1 << 20);
  }

  /** Maps a pool's wake file, made by a channel opened and closed here if there is none yet. */
  private static MemorySegment words(Path poolPath) throws IOException {
    Path file = WakeChannel.fileOf(poolPath);
    if (Files.notExists(file)) {
      WakeChannel.open(poolPath).close();
    }
    return WakeWords.map(poolPath);
  }

  /** What a reader killed while asleep leaves: counts in a slot nobody locks, and in the total. */
  private static void leaveDeadSleepers(MemorySegment words, int slot, int count) {
    WakeFileDescriptor.addSleepers(words, count);
    WakeFileDescriptor.addSlotSleepers(words, slot, count);
  }

  private static int slotsTotal(MemorySegment words) {
    int sum = 0;
    for (int i = 0; i < WakeFileDescriptor.SLOT_COUNT; i++) {
      sum += WakeFileDescriptor.slotSleepers(words, i);
    }
    return sum;
  }
}
