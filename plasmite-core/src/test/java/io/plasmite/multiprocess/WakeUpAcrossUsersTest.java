package io.plasmite.multiprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import io.plasmite.testing.Unprivileged;
import io.plasmite.testing.WakeWords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reader running as another user (nobody) follows a pool it may only read, whose wake file this
 * JVM (root) made by appending first: it must be able to sleep on that file, so that appends wake
 * it instead of it polling.
 */
class WakeUpAcrossUsersTest {
  private static final long SEED = 0x05E4L;

  @TempDir Path work;

  @Test
  void aReaderOfAnotherUserSleepsOnTheWakeFileAWriterMade() throws Exception {
    assertTrue(Unprivileged.isRoot(), "this test switches to user nobody, which needs root");
    Unprivileged.chmod(work, "rwxr-xr-x");
    Path path = work.resolve("shared.plasmite");
    try (Pool pool = new LocalClient().createAndOpen(PoolRef.path(path), PoolOptions.DEFAULTS)) {
      Unprivileged.chmod(path, "rw-r--r--");
      pool.appendJsonNow(Payloads.json(SEED, 9, 0), Payloads.tags(9), Durability.FAST);
      Path wakeFile = WakeChannel.fileOf(path);
      assertEquals(
          "rw-rw-rw-",
          PosixFilePermissions.toString(Files.getPosixFilePermissions(wakeFile)),
          "whoever may read the pool may use its wake file");

      try (ChildJvm reader =
          Unprivileged.start(
              work,
              "reader-as-nobody",
              ReaderChild.class,
              List.of("pool=" + path, "since=new", "count=1", "idleMs=60000", "seed=" + SEED))) {
        reader.expectLine("ready", Duration.ofSeconds(60));
        WakeWords.awaitSleepers(
            WakeWords.map(path), 1, "the other user's reader sleeps on the wake file");

        Message m =
            pool.appendJsonNow(Payloads.json(SEED, 1, 0), Payloads.tags(1), Durability.FAST);

        assertEquals("m " + m.seq() + " 1 0 ok", reader.nextLine(Duration.ofSeconds(30)));
        assertEquals("end timedOut=false delivered=1", reader.nextLine(Duration.ofSeconds(30)));
        assertEquals(0, reader.awaitExit(Duration.ofSeconds(30)), reader.diagnostics());
      }
    }
  }
}
