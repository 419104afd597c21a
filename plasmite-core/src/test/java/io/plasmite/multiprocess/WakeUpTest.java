package io.plasmite.multiprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plasmite.Durability;
import io.plasmite.LocalClient;
import io.plasmite.Message;
import io.plasmite.Pool;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import io.plasmite.Tail;
import io.plasmite.TailOptions;
import io.plasmite.testing.ChildJvm;
import io.plasmite.testing.Payloads;
import io.plasmite.testing.ReaderChild;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reader JVM follows new messages while this JVM appends them at intervals: one at a time with
 * the reader idle in between (so it has gone to sleep and must be woken), then in bursts. Every
 * message must arrive, in order, exactly once. No timing is asserted; wake-up latency is printed.
 */
class WakeUpTest {
  private static final long SEED = 0x7A11L;
  private static final int MESSAGES = 200;

  @TempDir Path dir;

  @Test
  void readerInAnotherJvmReceivesEveryNewMessageInOrder() {
    Path path = dir.resolve("wake.plasmite");
    SplittableRandom random = new SplittableRandom(SEED);
    List<Long> latenciesUs = new ArrayList<>();
    try (Pool pool = new LocalClient().createAndOpen(PoolRef.path(path), PoolOptions.DEFAULTS);
        ChildJvm reader =
            ChildJvm.start(
                dir,
                "follower",
                ReaderChild.class,
                List.of(
                    "pool=" + path,
                    "since=new",
                    "count=" + MESSAGES,
                    "idleMs=30000",
                    "seed=" + SEED,
                    "idleCheck=true",
                    "stamp=true"))) {
      // Something older than the tail: it must not be delivered.
      pool.appendJsonNow(Payloads.json(SEED, 9, 0), Payloads.tags(9), Durability.FAST);
      reader.expectLine("ready", Duration.ofSeconds(30));
      long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
      int n = 0;
      // One at a time: append, wait for the echo, then stay quiet for a while, during which the
      // reader must print nothing (it spins briefly, then sleeps until woken).
      while (n < MESSAGES / 2) {
        Durability d = n % 10 == 0 ? Durability.FLUSH : Durability.FAST;
        Message m = pool.appendJsonNow(Payloads.json(SEED, 1, n), Payloads.tags(1), d);
        long appended = System.nanoTime();
        String line = reader.nextLine(deadline);
        assertEquals("m " + m.seq() + " 1 " + n + " ok", stripStamp(line));
        long woke = Long.parseLong(line.substring(line.lastIndexOf('@') + 1));
        latenciesUs.add((woke - appended) / 1000);
        long quietUntil = System.nanoTime() + random.nextLong(100_000, 5_000_000);
        assertNull(reader.pollLine(quietUntil), "reader printed something unexpected");
        n++;
      }
      // Bursts of up to 10 appends back to back.
      while (n < MESSAGES) {
        int burst = Math.min(MESSAGES - n, random.nextInt(1, 11));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < burst; i++) {
          Message m =
              pool.appendJsonNow(Payloads.json(SEED, 1, n), Payloads.tags(1), Durability.FAST);
          expected.add("m " + m.seq() + " 1 " + n + " ok");
          n++;
        }
        for (String line : expected) {
          assertEquals(line, stripStamp(reader.nextLine(deadline)));
        }
        if (n < MESSAGES) {
          long quietUntil = System.nanoTime() + random.nextLong(100_000, 3_000_000);
          assertNull(reader.pollLine(quietUntil), "reader printed something unexpected");
        }
      }
      assertEquals("end timedOut=false delivered=" + MESSAGES, reader.nextLine(deadline));
      // The reader then runs an idle tail with a 300 ms timeout; nothing is appended meanwhile.
      assertEquals("idle timedOut=true got=0", reader.nextLine(deadline));
      assertEquals(0, reader.awaitExit(Duration.ofSeconds(30)), reader.diagnostics());
    }
    System.out.println(
        "slow wake-ups (us): " + latenciesUs.stream().filter(x -> x > 5000).toList());
    Collections.sort(latenciesUs);
    System.out.println(
        "wake-up latency (append returned here to hasNext returned in the reader JVM, us): median "
            + latenciesUs.get(latenciesUs.size() / 2)
            + ", p90 "
            + latenciesUs.get(latenciesUs.size() * 9 / 10)
            + ", max "
            + latenciesUs.get(latenciesUs.size() - 1));
  }

  private static String stripStamp(String line) {
    int at = line == null ? -1 : line.lastIndexOf(" @");
    return at < 0 ? line : line.substring(0, at);
  }

  @Test
  void idleTailTimesOut() {
    try (Pool pool =
        new LocalClient()
            .createAndOpen(PoolRef.path(dir.resolve("idle.plasmite")), PoolOptions.DEFAULTS)) {
      try (Tail tail =
          pool.tail(TailOptions.newMessages().withIdleTimeout(Duration.ofMillis(300)))) {
        assertFalse(tail.hasNext());
        assertTrue(tail.timedOut());
      }
      for (int i = 0; i < 3; i++) {
        pool.appendJsonNow("{\"i\":" + i + "}", List.of(), Durability.FAST);
      }
      try (Tail tail = pool.tail(TailOptions.since(1).withIdleTimeout(Duration.ofMillis(300)))) {
        assertEquals(List.of(1L, 2L, 3L), tail.stream().map(Message::seq).toList());
        assertTrue(tail.timedOut());
      }
      try (Tail tail = pool.tail(TailOptions.since(1).withMaxMessages(2))) {
        assertEquals(2, tail.stream().count());
        assertFalse(tail.timedOut(), "a tail that reached its limit did not time out");
      }
    }
  }

  @Test
  void aFilteredTailTimesOutWhileOtherMessagesKeepComing() throws Exception {
    ExecutorService exec = Executors.newSingleThreadExecutor();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong appended = new AtomicLong();
    try (Pool pool =
        new LocalClient()
            .createAndOpen(PoolRef.path(dir.resolve("filtered.plasmite")), PoolOptions.DEFAULTS)) {
      Future<?> writer =
          exec.submit(
              () -> {
                while (!stop.get()) {
                  pool.appendJsonNow("{\"noise\":true}", List.of("other"), Durability.FAST);
                  appended.incrementAndGet();
                }
              });
      while (appended.get() < 100) {
        Thread.onSpinWait();
      }
      // The idle timeout counts time without a matching message, not without any message.
      try (Tail tail =
          pool.tail(
              TailOptions.since(1)
                  .withTags(List.of("wanted"))
                  .withIdleTimeout(Duration.ofMillis(300)))) {
        long before = appended.get();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertFalse(tail.hasNext()));
        assertTrue(tail.timedOut());
        assertTrue(appended.get() > before, "messages kept coming while the tail waited");
      }
      stop.set(true);
      writer.get(30, TimeUnit.SECONDS);
    } finally {
      stop.set(true);
      exec.shutdownNow();
    }
  }

  @Test
  void cancelEndsAWaitingTail() throws Exception {
    ExecutorService exec = Executors.newSingleThreadExecutor();
    try (Pool pool =
        new LocalClient()
            .createAndOpen(PoolRef.path(dir.resolve("cancel.plasmite")), PoolOptions.DEFAULTS)) {
      Tail tail = pool.tail(TailOptions.newMessages());
      Future<Boolean> waiting = exec.submit(tail::hasNext);
      // Let it wait for a message that never comes; then cancel from this thread.
      assertThrows(TimeoutException.class, () -> waiting.get(200, TimeUnit.MILLISECONDS));
      tail.cancel();
      assertFalse(waiting.get(10, TimeUnit.SECONDS));
      assertFalse(tail.timedOut());
    } finally {
      exec.shutdownNow();
    }
  }

  /**
   * {@link Pool#close()} says tails on the pool end: closing while another thread's tail sleeps
   * waiting for a message must neither throw nor leave that tail blocked.
   */
  @Test
  void closingThePoolEndsAWaitingTail() throws Exception {
    ExecutorService exec = Executors.newSingleThreadExecutor();
    Pool pool =
        new LocalClient()
            .createAndOpen(PoolRef.path(dir.resolve("close.plasmite")), PoolOptions.DEFAULTS);
    Tail tail = pool.tail(TailOptions.newMessages());
    try {
      Future<Boolean> waiting = exec.submit(tail::hasNext);
      assertThrows(TimeoutException.class, () -> waiting.get(200, TimeUnit.MILLISECONDS));
      pool.close();
      assertFalse(waiting.get(10, TimeUnit.SECONDS));
    } finally {
      tail.cancel();
      exec.shutdownNow();
    }
  }
}
