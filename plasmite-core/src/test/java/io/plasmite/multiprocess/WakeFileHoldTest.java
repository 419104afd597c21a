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
import io.plasmite.testing.ChildJvm;
import io.plasmite.testing.Payloads;
import io.plasmite.testing.ReaderChild;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reader in another JVM holds its pool's wake file: a sweep here leaves the file alone while the
 * reader lives, wake-ups still reach it, and once it is killed (the kernel drops its lock) the next
 * sweep removes the file.
 */
class WakeFileHoldTest {
  private static final long SEED = 0x5EE9L;

  @TempDir Path dir;

  @Test
  void aReaderInAnotherJvmHoldsTheWakeFileUntilItIsKilled() {
    Path path = dir.resolve("held.plasmite");
    new LocalClient().create(PoolRef.path(path), PoolOptions.DEFAULTS);
    Path wakeFile = WakeChannel.fileOf(path);
    try (ChildJvm reader =
        ChildJvm.start(
            dir,
            "holder",
            ReaderChild.class,
            List.of("pool=" + path, "since=new", "count=2", "idleMs=60000", "seed=" + SEED))) {
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
}
