package io.plasmite.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A wake file's name removed while pools hold the file (by hand, or by systemd's {@code RemoveIPC}
 * at a user's logout) leaves the holders on an orphan, while later openers make a new file. Each
 * channel finds that out within about a second of use and moves to the new file, so that writers
 * and readers meet again instead of the readers falling back to their bounded 100 ms sleeps.
 */
class WakeFileRemovedTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void aReaderAsleepOnAnOrphanMovesToTheFileNowNamed() throws Exception {
    LocalClient client = new LocalClient().withPoolDir(dir);
    try (Pool pool = client.createAndOpen(PoolRef.name("p"), small());
        Tail tail = pool.tail(TailOptions.newMessages().withIdleTimeout(PATIENCE))) {
      Path name = WakeChannel.fileOf(pool.path());
      CompletableFuture<Long> got =
          CompletableFuture.supplyAsync(() -> tail.hasNext() ? tail.next().seq() : -1L);
      WakeWords.awaitSleepers(WakeWords.map(pool.path()), 1, "the reader never slept");

      Files.delete(name);
      // A later opener makes a new file under the name.
      WakeChannel later = WakeChannel.open(pool.path());
      try {
        assertTrue(Files.exists(name), "no new file");
        MemorySegment fresh = WakeWords.map(pool.path());

        WakeWords.awaitSleepers(fresh, 1, "the reader stayed asleep on the orphan");

        try (Pool writer = client.open(PoolRef.name("p"))) {
          Message m = writer.appendJsonNow("{\"n\":1}", List.of(), Durability.FAST);

          assertEquals(m.seq(), got.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
        }
      } finally {
        later.close();
      }
    }
  }

  @Test
  void aWriterOnAnOrphanMovesToTheFileNowNamed() throws Exception {
    LocalClient client = new LocalClient().withPoolDir(dir);
    try (Pool writer = client.createAndOpen(PoolRef.name("p"), small())) {
      writer.appendJsonNow("{\"n\":0}", List.of(), Durability.FAST);
      Files.delete(WakeChannel.fileOf(writer.path()));

      try (Pool reader = client.open(PoolRef.name("p"));
          Tail tail = reader.tail(TailOptions.newMessages().withIdleTimeout(PATIENCE))) {
        AtomicLong lastRead = new AtomicLong(-1);
        CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> readAll(tail, lastRead));
        MemorySegment fresh = awaitFreshFile(writer.path());
        int counter = WakeFileDescriptor.wakeCounter(fresh);

        // One message per round, each once the reader sleeps again: only the writer's own check
        // can make one of them wake the reader through the new file.
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        long seq = 0;
        while (WakeFileDescriptor.wakeCounter(fresh) == counter && System.nanoTime() < deadline) {
          WakeWords.awaitSleepers(fresh, 1, "the reader did not sleep on the new file");
          seq = writer.appendJsonNow("{}", List.of(), Durability.FAST).seq();
        }

        assertNotEquals(counter, WakeFileDescriptor.wakeCounter(fresh), "never woke the reader");
        while (lastRead.get() != seq && System.nanoTime() < deadline) {
          LockSupport.parkNanos(1_000_000);
        }
        assertEquals(seq, lastRead.get(), "the reader missed a message");
        tail.cancel();
        reading.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aFileLeftWakesItsSleepersAndPutsNoMoreToSleep() throws Exception {
    Path path = new LocalClient().withPoolDir(dir).create(PoolRef.name("p"), small()).path();
    // Far longer than the patience below: a reader woken by nothing else fails the test.
    long longSleepNs = 10 * PATIENCE.toNanos();
    WakeFile file = WakeFile.open(path, WakeChannel.fileOf(path));
    // Daemon threads of its own: a reader left asleep when this fails must not hold up the
    // shared pool the other tests wait on, nor the JVM's exit.
    ExecutorService readers =
        Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().factory());
    try {
      MemorySegment header = WakeWords.header(path);
      long newest = PoolHeaderDescriptor.newestSeq(header);
      MemorySegment words = WakeWords.map(path);
      CompletableFuture<Boolean> asleep =
          CompletableFuture.supplyAsync(
              () -> file.sleep(header, newest, Long.MAX_VALUE, longSleepNs), readers);
      WakeWords.awaitSleepers(words, 1, "the reader never slept");

      // What a channel does once it has moved to the file now named.
      file.leave();

      assertTrue(asleep.get(PATIENCE.toSeconds(), TimeUnit.SECONDS), "the reader was not woken");
      // A reader that took the file just before the move must not sleep on it either.
      CompletableFuture<Boolean> late =
          CompletableFuture.supplyAsync(
              () -> file.sleep(header, newest, Long.MAX_VALUE, longSleepNs), readers);
      assertTrue(late.get(PATIENCE.toSeconds(), TimeUnit.SECONDS), "a late reader slept");
      assertEquals(0, WakeFileDescriptor.sleepers(words));
    } finally {
      readers.shutdown();
      file.close();
    }
  }

  private static PoolOptions small() {
    return PoolOptions.ofSize(1 << 20);
  }

  /** Maps the wake file made under the removed name, once the reader's channel has made it. */
  private static MemorySegment awaitFreshFile(Path poolPath) throws Exception {
    Path name = WakeChannel.fileOf(poolPath);
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (Files.notExists(name) && System.nanoTime() < deadline) {
      LockSupport.parkNanos(1_000_000);
    }
    return WakeWords.map(poolPath);
  }

  /** Reads until the tail is cancelled or idle, noting the seq of each message read. */
  private static void readAll(Tail tail, AtomicLong lastRead) {
    while (tail.hasNext()) {
      lastRead.set(tail.next().seq());
    }
  }
}
