package io.plasmite.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plasmite.Durability;
import io.plasmite.LocalClient;
import io.plasmite.Message;
import io.plasmite.Pool;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import io.plasmite.testing.ChildJvm;
import io.plasmite.testing.LockHolderChild;
import io.plasmite.testing.WriterChild;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process holding the writer lock ({@code flock}) is killed with SIGKILL: the kernel releases the
 * lock, so the next writer — already waiting, or arriving later — appends without hanging.
 */
class KillLockHolderTest {
  @TempDir Path dir;

  @Test
  void waitingWriterProceedsWhenTheLockHolderIsKilled() throws Exception {
    Path path = dir.resolve("locked.plasmite");
    ExecutorService exec = Executors.newSingleThreadExecutor();
    try (Pool pool =
            new LocalClient().createAndOpen(PoolRef.path(path), PoolOptions.ofSize(64 * 1024));
        ChildJvm holder =
            ChildJvm.start(dir, "holder", LockHolderChild.class, List.of("pool=" + path))) {
      pool.appendJsonNow("{\"before\":true}", List.of(), Durability.FLUSH);
      holder.expectLine("locked", Duration.ofSeconds(30));

      Future<Message> waiting =
          exec.submit(() -> pool.appendJsonNow("{\"after\":1}", List.of(), Durability.FLUSH));
      // The lock really excludes: while the child lives, the append cannot finish.
      assertThrows(TimeoutException.class, () -> waiting.get(300, TimeUnit.MILLISECONDS));
      assertFalse(waiting.isDone());

      holder.kill();
      Message m = waiting.get(10, TimeUnit.SECONDS);
      assertEquals(2, m.seq());
      Message again =
          assertTimeoutPreemptively(
              Duration.ofSeconds(10),
              () -> pool.appendJsonNow("{\"after\":2}", List.of(), Durability.FAST));
      assertEquals(3, again.seq());
      assertTrue(pool.validate().ok());
      assertEquals("{\"after\":1}", pool.getMessage(2).dataJson());
    } finally {
      exec.shutdownNow();
    }
  }

  @Test
  void laterWriterProcessAppendsAfterTheLockHolderIsKilled() {
    Path path = dir.resolve("locked2.plasmite");
    new LocalClient().create(PoolRef.path(path), PoolOptions.ofSize(64 * 1024));
    try (ChildJvm holder =
        ChildJvm.start(dir, "holder2", LockHolderChild.class, List.of("pool=" + path))) {
      holder.expectLine("locked", Duration.ofSeconds(30));
      holder.kill();
    }
    // Another process, started after the death, takes the lock at once.
    try (ChildJvm writer =
        ChildJvm.start(
            dir,
            "writer-after",
            WriterChild.class,
            List.of("pool=" + path, "w=1", "count=5", "durability=flush"))) {
      List<String> acks = writer.expectLine("done", Duration.ofSeconds(30));
      assertEquals(0, writer.awaitExit(Duration.ofSeconds(30)), writer.diagnostics());
      assertEquals(List.of("ready", "a 1 1 0", "a 2 1 1", "a 3 1 2", "a 4 1 3", "a 5 1 4"), acks);
    }
    try (Pool pool = new LocalClient().open(PoolRef.path(path))) {
      Message m =
          assertTimeoutPreemptively(
              Duration.ofSeconds(10),
              () -> pool.appendJsonNow("{\"x\":1}", List.of(), Durability.FLUSH));
      assertEquals(6, m.seq());
      assertTrue(pool.validate().ok());
    }
  }
}
