package io.plasmite.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plasmite.Durability;
import io.plasmite.LocalClient;
import io.plasmite.Message;
import io.plasmite.Pool;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import io.plasmite.Tail;
import io.plasmite.TailOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wake files in {@code /dev/shm} are removed once no open pool holds them, and never while one
 * does: a sweep must not cut a sleeping reader off from its writers.
 */
class WakeFileSweepTest {
  @TempDir Path dir;

  @Test
  void aLeftoverFileNobodyHoldsIsRemoved() throws IOException {
    // What a pool deleted with rm, or an earlier build, leaves behind.
    Path leftover = Path.of("/dev/shm", "plasmite-test-" + UUID.randomUUID() + ".wake");
    Files.write(leftover, new byte[64]);

    WakeChannel.sweep();

    assertFalse(Files.exists(leftover));
  }

  @Test
  void anOpenPoolHoldsItsWakeFileUntilClosed() throws IOException {
    LocalClient client = new LocalClient().withPoolDir(dir);
    Path wakeFile;
    try (Pool pool = client.createAndOpen(PoolRef.name("held"), PoolOptions.DEFAULTS)) {
      wakeFile = WakeChannel.fileOf(pool.path());
      Tail tail = pool.tail(TailOptions.newMessages());
      try {
        assertTrue(Files.exists(wakeFile), "a tail opens the pool's wake file");

        WakeChannel.sweep();

        assertTrue(Files.exists(wakeFile), "a sweep removed a wake file in use");
      } finally {
        tail.close();
      }
      // The tail is closed, the pool is not: the pool still holds the file.
      WakeChannel.sweep();
      assertTrue(Files.exists(wakeFile), "a sweep removed the wake file of an open pool");
    }

    WakeChannel.sweep();

    assertFalse(Files.exists(wakeFile), "the wake file of a closed pool survived a sweep");
  }

  @Test
  void handlesOfOnePoolShareOneWakeFileAcrossASweep() throws Exception {
    LocalClient client = new LocalClient().withPoolDir(dir);
    try (Pool writer = client.createAndOpen(PoolRef.name("shared"), PoolOptions.DEFAULTS);
        Pool reader = client.open(PoolRef.name("shared"))) {
      writer.appendJsonNow("{\"n\":0}", List.of(), Durability.FAST);
      WakeChannel.sweep();
      try (Tail tail =
          reader.tail(TailOptions.newMessages().withIdleTimeout(Duration.ofSeconds(30)))) {
        WakeChannel.sweep();
        Message m = writer.appendJsonNow("{\"n\":1}", List.of(), Durability.FAST);

        assertTrue(tail.hasNext());
        assertEquals(m.seq(), tail.next().seq());
      }
      // Both handles map the one file under the pool's wake-file name.
      long inode = ProcSmaps.inode(WakeChannel.fileOf(writer.path()));
      assertEquals(2, ProcSmaps.mappingsOf(inode).size());
    }
  }

  @Test
  void deletingAPoolRemovesItsWakeFileOnceNobodyHoldsIt() throws IOException {
    LocalClient client = new LocalClient().withPoolDir(dir);
    Path wakeFile;
    try (Pool pool = client.createAndOpen(PoolRef.name("gone"), PoolOptions.DEFAULTS)) {
      pool.appendJsonNow("{}", List.of(), Durability.FAST);
      wakeFile = WakeChannel.fileOf(pool.path());
      assertTrue(Files.exists(wakeFile), "an append opens the pool's wake file");

      client.delete(PoolRef.name("gone"));

      assertTrue(Files.exists(wakeFile), "deleted while a handle still appends to the pool");
    }
    client.create(PoolRef.name("other"), PoolOptions.DEFAULTS);
    assertFalse(Files.exists(wakeFile), "creating a pool sweeps away unheld wake files");

    try (Pool pool = client.open(PoolRef.name("other"))) {
      pool.appendJsonNow("{}", List.of(), Durability.FAST);
      wakeFile = WakeChannel.fileOf(pool.path());
    }
    client.delete(PoolRef.name("other"));
    assertFalse(Files.exists(wakeFile), "deleting a pool nobody has open removes its wake file");
  }
}
