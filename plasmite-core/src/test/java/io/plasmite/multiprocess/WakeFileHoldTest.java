package io.plasmite.multiprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plasmite.Durability;
import io.plasmite.LocalClient;
import io.plasmite.Message;
import io.plasmite.Pool;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import io.plasmite.engine.WakeChannel;
import io.plasmite.format.WakeFileDescriptor;
import io.plasmite.testing.ChildJvm;
import io.plasmite.testing.Payloads;
import io.plasmite.testing.ReaderChild;
import io.plasmite.testing.WakeWords;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reader in another JVM holds its pool's wake file: a sweep here leaves the file alone while the
 * reader lives, wake-ups still reach it, and once it is killed (the kernel drops its lock) the next
 * sweep removes the file. A reader killed while asleep leaves its registration in the sleeper
 * total, and whoever uses the file next takes it back.
 */
class WakeFileHoldTest {
  private static final long SEED = 0x5EE9L;

  @TempDir Path dir;

  @Test
  void aReaderInAnotherJvmHoldsTheWakeFileUntilItIsKilled() {
    Path path = dir.resolve("held.plasmite");
    new LocalClient().create(PoolRef.path(path), PoolOptions.DEFAULTS);
    Path wakeFile = WakeChannel.fileOf(path);
    try (ChildJvm reader = startReader("holder", path, 2)) {
      reader.expectLine("ready", Duration.ofSeconds(30));

      WakeChannel.sweep();

      assertTrue(Files.exists(wakeFile), "a sweep removed the wake file a reader holds");
      try (Pool writer = new LocalClient().open(PoolRef.path(path))) {
        Message m =
            writer.appendJsonNow(Payloads.json(SEED, 1, 0), Payloads.tags(1), Durability.FAST);
        assertEquals(
            "m " + m.seq() + " 1 0 ok", reader.nextLine(Duration.ofSeconds(30)), "delivered");
      }

      reader.kill();
    }

    WakeChannel.sweep();

    assertFalse(Files.exists(wakeFile), "the wake file of a killed reader survived a sweep");
  }

  @Test
  void aReaderKilledWhileAsleepIsTakenOutOfTheSleeperTotal() throws Exception {
    Path path = dir.resolve("killed.plasmite");
    try (Pool writer = new LocalClient().createAndOpen(PoolRef.path(path), PoolOptions.DEFAULTS)) {
      // The writer's channel is open before the reader dies: only its upkeep, while it appends, can
      // notice.
      writer.appendJsonNow(Payloads.json(SEED, 1, 0), Payloads.tags(1), Durability.FAST);
      MemorySegment words = WakeWords.map(path);
      try (ChildJvm reader = startReader("sleeper", path, 1)) {
        reader.expectLine("ready", Duration.ofSeconds(30));
        WakeWords.awaitSleepers(words, 1, "the reader never slept");

        reader.kill();
      }
      assertEquals(1, WakeFileDescriptor.sleepers(words), "the killed reader's registration");

      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      int n = 2;
      while (WakeFileDescriptor.sleepers(words) != 0 && System.nanoTime() < deadline) {
        writer.appendJsonNow(Payloads.json(SEED, 1, n), Payloads.tags(1), Durability.FAST);
        n++;
      }

      assertEquals(0, WakeFileDescriptor.sleepers(words), "still counted after " + n + " appends");
    }
  }

  @Test
  void aReaderInAnotherJvmMovesToTheWakeFileMadeAfterItsWasRemoved() throws Exception {
    Path path = dir.resolve("removed.plasmite");
    new LocalClient().create(PoolRef.path(path), PoolOptions.DEFAULTS);
    Path wakeFile = WakeChannel.fileOf(path);
    try (ChildJvm reader = startReader("mover", path, 2)) {
      reader.expectLine("ready", Duration.ofSeconds(30));
      WakeWords.awaitSleepers(WakeWords.map(path), 1, "the reader never slept");

      // As `rm /dev/shm/plasmite-*` or systemd's RemoveIPC would: the reader keeps the orphan.
      Files.delete(wakeFile);
      try (Pool writer = new LocalClient().open(PoolRef.path(path))) {
        // Its first append opens the pool's wake channel, which makes a new file under the name.
        Message first =
            writer.appendJsonNow(Payloads.json(SEED, 1, 0), Payloads.tags(1), Durability.FAST);
        assertEquals("m " + first.seq() + " 1 0 ok", reader.nextLine(Duration.ofSeconds(30)));
        MemorySegment fresh = WakeWords.map(path);

        WakeWords.awaitSleepers(fresh, 1, "the reader stayed asleep on the orphan");

        Message m =
            writer.appendJsonNow(Payloads.json(SEED, 1, 1), Payloads.tags(1), Durability.FAST);
        assertEquals("m " + m.seq() + " 1 1 ok", reader.nextLine(Duration.ofSeconds(30)));
      }
    }
  }

  /** A reader of new messages in another JVM that stops after {@code count} of them. */
  private ChildJvm startReader(String name, Path pool, int count) {
    return ChildJvm.start(
        dir,
        name,
        ReaderChild.class,
        List.of("pool=" + pool, "since=new", "count=" + count, "idleMs=60000", "seed=" + SEED));
  }
}
