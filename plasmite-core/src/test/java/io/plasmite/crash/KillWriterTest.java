package io.plasmite.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.plasmite.Durability;
import io.plasmite.LocalClient;
import io.plasmite.Message;
import io.plasmite.Pool;
import io.plasmite.PoolInfo;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import io.plasmite.Tail;
import io.plasmite.TailOptions;
import io.plasmite.ValidationReport;
import io.plasmite.testing.ChildJvm;
import io.plasmite.testing.Payloads;
import io.plasmite.testing.WriterChild;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer JVM appends in a loop to a small wrapping pool and is killed with SIGKILL at a random
 * moment, twenty times on the same pool. After each kill the pool must validate, hold every
 * acknowledged message that is still retained, intact, never reuse a seq, and take the next append
 * at once.
 *
 * <p>The writer prints a message's seq only after the append call returned. Most rounds append with
 * FLUSH; every fourth uses FAST, which the contract also says survives a process crash (the pages
 * are in the page cache; only a power loss can lose them). Some rounds append in batches.
 */
class KillWriterTest {
  private static final long SEED = 0xC0FFEEL;
  private static final int ROUNDS = 20;

  /** Writer id of the messages this JVM appends between rounds. */
  private static final int TEST_WRITER = 0;

  @TempDir Path dir;

  private record Ack(int w, long n) {}

  @Test
  void sigkilledWriterLeavesAValidPoolWithEveryAcknowledgedMessage() {
    Path path = dir.resolve("crash.plasmite");
    // ~20 KiB ring: a few dozen messages, so every round overwrites old frames and wraps.
    new LocalClient()
        .create(PoolRef.path(path), PoolOptions.ofSize(24 * 1024).withIndexCapacity(32));
    SplittableRandom random = new SplittableRandom(SEED);
    Map<Long, Ack> acked = new TreeMap<>();
    long lastAck = 0;
    List<String> log = new ArrayList<>();
    for (int round = 1; round <= ROUNDS; round++) {
      String durability = round % 4 == 0 ? "fast" : "flush";
      int batch = round % 3 == 0 ? 4 : 1;
      int killAfter = random.nextInt(6) == 0 ? 0 : random.nextInt(1, 250);
      String where =
          "seed "
              + SEED
              + ", round "
              + round
              + " ("
              + durability
              + ", batch "
              + batch
              + ", killed after "
              + killAfter
              + " acks)";
      List<String> lines = new ArrayList<>();
      try (ChildJvm child =
          ChildJvm.start(
              dir,
              "writer-r" + round,
              WriterChild.class,
              List.of(
                  "pool=" + path,
                  "w=" + round,
                  "count=-1",
                  "seed=" + SEED,
                  "durability=" + durability,
                  "batch=" + batch))) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        child.expectLine("ready", Duration.ofSeconds(30));
        while (lines.size() < killAfter) {
          String line = child.nextLine(deadline);
          if (line == null) {
            fail(where + ": writer ended" + child.diagnostics());
          }
          lines.add(line);
        }
        child.kill();
        // Lines already in the pipe were printed after their append returned: acknowledged too.
        lines.addAll(child.drain(Duration.ofSeconds(10)));
      }
      for (String line : lines) {
        String[] f = line.split(" ");
        assertEquals("a", f[0], where + ": writer printed " + line);
        long seq = Long.parseLong(f[1]);
        assertTrue(seq > lastAck, where + ": seq " + seq + " acknowledged after " + lastAck);
        acked.put(seq, new Ack(Integer.parseInt(f[2]), Long.parseLong(f[3])));
        lastAck = seq;
      }

      try (Pool pool = new LocalClient().open(PoolRef.path(path))) {
        ValidationReport report = pool.validate();
        assertTrue(report.ok(), () -> where + ": validate: " + report.issues());
        PoolInfo info = pool.info();
        assertTrue(
            info.newestSeq() >= lastAck,
            where + ": newest seq " + info.newestSeq() + " below acknowledged " + lastAck);
        // At most the one append call in flight at the kill is there without an acknowledgement.
        assertTrue(
            info.newestSeq() <= lastAck + batch,
            where + ": newest seq " + info.newestSeq() + ", last acknowledged " + lastAck);
        assertTrue(!info.isEmpty(), where + ": pool is empty");
        for (long s = info.oldestSeq(); s <= info.newestSeq(); s++) {
          Message m = pool.getMessage(s);
          assertEquals(s, m.seq(), where);
          Ack ack = acked.get(s);
          if (ack != null) {
            assertEquals(Payloads.json(SEED, ack.w(), ack.n()), m.dataJson(), where + ": seq " + s);
            assertEquals(Payloads.tags(ack.w()), m.tags(), where + ": seq " + s);
          } else {
            // The append in flight at the kill: it committed, so it must be whole.
            Payloads.check(m, SEED);
          }
        }
        List<Long> tailed = new ArrayList<>();
        try (Tail tail =
            pool.tail(
                TailOptions.since(info.oldestSeq())
                    .withMaxMessages(info.messageCount())
                    .withIdleTimeout(Duration.ofSeconds(5)))) {
          tail.forEachRemaining(m -> tailed.add(m.seq()));
        }
        assertEquals(info.messageCount(), tailed.size(), where + ": tail after the kill");
        assertEquals(info.newestSeq(), tailed.get(tailed.size() - 1), where);

        long n = round;
        Message next =
            assertTimeoutPreemptively(
                Duration.ofSeconds(10),
                () ->
                    pool.appendJsonNow(
                        Payloads.json(SEED, TEST_WRITER, n),
                        Payloads.tags(TEST_WRITER),
                        Durability.FLUSH),
                where + ": append after the kill");
        assertEquals(info.newestSeq() + 1, next.seq(), where + ": seq of the next append");
        acked.put(next.seq(), new Ack(TEST_WRITER, n));
        lastAck = next.seq();
        assertTrue(pool.validate().ok(), where + ": validate after the next append");
        log.add(
            where
                + ": "
                + lines.size()
                + " acked, newest "
                + info.newestSeq()
                + ", retained "
                + info.oldestSeq()
                + ".."
                + info.newestSeq());
      }
    }
    System.out.println(String.join("\n", log));
  }
}
