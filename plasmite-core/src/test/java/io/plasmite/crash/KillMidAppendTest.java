package io.plasmite.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plasmite.Durability;
import io.plasmite.ErrorKind;
import io.plasmite.LocalClient;
import io.plasmite.Message;
import io.plasmite.PlasmiteException;
import io.plasmite.Pool;
import io.plasmite.PoolInfo;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import io.plasmite.RepairReport;
import io.plasmite.Tail;
import io.plasmite.TailOptions;
import io.plasmite.ValidationReport;
import io.plasmite.testing.ChildJvm;
import io.plasmite.testing.MidAppendChild;
import io.plasmite.testing.Payloads;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SIGKILL of a writer frozen at each step of an append that drops old frames and wraps ({@link
 * MidAppendChild}): the deterministic counterpart of {@link KillWriterTest}. After the kill the
 * pool validates, every acknowledged retained message reads back, a follower that was waiting sees
 * nothing of the unfinished append, and the next append takes its seq.
 */
class KillMidAppendTest {
  private static final long SEED = 0xDEAD_BEEFL;

  @TempDir Path dir;

  /** Starts the frozen writer, records its acknowledged messages, then kills it. */
  private TreeMap<Long, String> runAndKill(
      Path path, String stage, int drops, int warmup, String name, Runnable beforeKill) {
    TreeMap<Long, String> acked = new TreeMap<>();
    try (ChildJvm child =
        ChildJvm.start(
            dir,
            name,
            MidAppendChild.class,
            List.of(
                "pool=" + path,
                "stage=" + stage,
                "seed=" + SEED,
                "drops=" + drops,
                "warmup=" + warmup))) {
      for (String line : child.expectLine("stage " + stage, Duration.ofSeconds(30))) {
        String[] f = line.split(" ");
        acked.put(
            Long.parseLong(f[1]),
            Payloads.json(SEED, Integer.parseInt(f[2]), Long.parseLong(f[3])));
      }
      beforeKill.run();
      child.kill();
    }
    return acked;
  }

  @ParameterizedTest(name = "stage {0}, index {1}, warmup {2}")
  @CsvSource({
    "drops, 16, 0",
    "wrap, 16, 0",
    "writing, 16, 0",
    "payload, 16, 0",
    "committed, 16, 0",
    "index, 16, 0",
    "complete, 16, 0",
    "drops, 16, 150",
    "wrap, 16, 150",
    "writing, 16, 150",
    "committed, 16, 150",
    "index, 16, 150",
    "drops, 0, 150",
    "writing, 0, 0",
    "writing, 0, 150",
    "committed, 0, 150",
    "complete, 0, 150",
    "torn-drops, 16, 150",
    "torn-drops, 0, 150",
    "torn-tail, 16, 150",
    "torn-tail, 0, 150",
    "torn-head, 16, 150",
    "torn-head, 0, 150",
  })
  void killedMidAppend(String stage, int index, int warmup) throws Exception {
    Path path = dir.resolve("mid.plasmite");
    new LocalClient()
        .create(PoolRef.path(path), PoolOptions.ofSize(16 * 1024).withIndexCapacity(index));
    String where = "stage " + stage + ", index " + index + ", warmup " + warmup + ", seed " + SEED;
    ExecutorService exec = Executors.newSingleThreadExecutor();
    List<Tail> follower = new ArrayList<>();
    List<Future<Message>> followed = new ArrayList<>();
    try (Pool pool = new LocalClient().open(PoolRef.path(path))) {
      try {
        TreeMap<Long, String> acked =
            runAndKill(
                path,
                stage,
                0,
                warmup,
                "mid-" + stage + "-" + index + "-" + warmup,
                () -> {
                  // A follower in this JVM, waiting for new messages while the writer dies.
                  Tail t =
                      pool.tail(TailOptions.newMessages().withIdleTimeout(Duration.ofSeconds(20)));
                  follower.add(t);
                  followed.add(exec.submit(() -> t.hasNext() ? t.next() : null));
                });
        long lastAck = acked.lastKey();
        // The next writer to open the pool mends a header torn by the kill.
        new LocalClient().open(PoolRef.path(path)).close();

        ValidationReport report = pool.validate();
        assertTrue(report.ok(), () -> where + ": validate: " + report.issues());
        PoolInfo info = pool.info();
        // Published but not acknowledged: the kill came after newest_seq was stored.
        long unacked = stage.equals("complete") || stage.equals("torn-head") ? 1 : 0;
        assertEquals(lastAck + unacked, info.newestSeq(), where + ": newest seq");
        List<Long> seqs = new ArrayList<>();
        try (Tail tail = pool.tail(TailOptions.since(1).withIdleTimeout(Duration.ofMillis(300)))) {
          while (tail.hasNext()) {
            Message m = tail.next();
            seqs.add(m.seq());
            checkContent(m, acked, where);
          }
        }
        List<Long> expected = new ArrayList<>();
        for (long s = info.oldestSeq(); s <= info.newestSeq(); s++) {
          expected.add(s);
          checkContent(pool.getMessage(s), acked, where);
        }
        assertEquals(expected, seqs, where + ": tail from 1 after the kill");

        Message next =
            assertTimeoutPreemptively(
                Duration.ofSeconds(10),
                () ->
                    pool.appendJsonNow(
                        Payloads.json(SEED, 0, 0), Payloads.tags(0), Durability.FLUSH),
                where + ": append after the kill");
        assertEquals(info.newestSeq() + 1, next.seq(), where);
        assertEquals(Payloads.json(SEED, 0, 0), pool.getMessage(next.seq()).dataJson(), where);
        ValidationReport after = pool.validate();
        assertTrue(after.ok(), () -> where + ": validate after the next append: " + after.issues());

        // The follower started after the last acknowledged message (after the finished append, in
        // stage complete): the first thing it sees is the append made after the kill.
        Message first = followed.get(0).get(20, TimeUnit.SECONDS);
        assertEquals(next.seq(), first.seq(), where + ": first message the follower saw");
        assertEquals(
            Payloads.json(SEED, 0, 0),
            first.dataJson(),
            where + ": the follower read another message");
      } finally {
        stopFollowers(follower, followed);
      }
    } finally {
      exec.shutdownNow();
    }
  }

  /**
   * The same kills, mended by {@code doctor --repair} before any writer opens the pool again (so
   * the repair, not a writer's recovery, faces the state the kill left; in stage {@code writing}
   * the pool is valid and nothing is changed): the repair is accepted, keeps a backup when it
   * changes anything, and leaves a valid pool in which every retained message is readable with the
   * content that was written, and the next append takes the next seq.
   */
  @ParameterizedTest(name = "stage {0}, index {1}, drops {2}")
  @CsvSource({
    "writing, 16, 0",
    "torn-drops, 16, 0",
    "torn-drops, 0, 0",
    "torn-head, 16, 0",
    "torn-head, 0, 0",
    "ref-writing, 16, 0",
    "ref-committed, 16, 0",
    "ref-committed, 0, 1",
  })
  void killedMidAppendThenRepaired(String stage, int index, int drops) throws Exception {
    Path path = dir.resolve("repair.plasmite");
    LocalClient client = new LocalClient();
    client.create(PoolRef.path(path), PoolOptions.ofSize(16 * 1024).withIndexCapacity(index));
    String where = "stage " + stage + ", index " + index + ", drops " + drops + ", seed " + SEED;
    TreeMap<Long, String> acked =
        runAndKill(
            path, stage, drops, 150, "repair-" + stage + "-" + index + "-" + drops, () -> {});

    RepairReport r = client.repair(PoolRef.path(path));

    assertTrue(r.after().ok(), () -> where + ": " + r);
    assertEquals(r.repaired(), r.backupPath() != null, where);
    assertTrue(client.validate(PoolRef.path(path)).ok(), where);
    try (Pool pool = client.open(PoolRef.path(path))) {
      PoolInfo info = pool.info();
      assertTrue(info.newestSeq() >= acked.lastKey(), where + ": acknowledged seqs lost: " + r);
      for (long s = info.oldestSeq(); s <= info.newestSeq(); s++) {
        checkContent(pool.getMessage(s), acked, where);
      }
      Message next =
          pool.appendJsonNow(Payloads.json(SEED, 0, 0), Payloads.tags(0), Durability.FAST);
      assertEquals(info.newestSeq() + 1, next.seq(), where);
      assertTrue(pool.validate().ok(), where);
    }
  }

  /** Ends waiting followers before the pool closes (a close under a sleeping tail fails). */
  private static void stopFollowers(List<Tail> tails, List<Future<Message>> waits) {
    tails.forEach(Tail::cancel);
    for (Future<Message> f : waits) {
      try {
        f.get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        // ended one way or another; its result was checked above when it mattered
      }
    }
  }

  private static void checkContent(Message m, TreeMap<Long, String> acked, String where) {
    String want = acked.get(m.seq());
    if (want != null) {
      assertEquals(want, m.dataJson(), where + ": seq " + m.seq());
    } else {
      Payloads.Data d = Payloads.check(m, SEED);
      assertEquals(MidAppendChild.CRASH_WRITER, d.w(), where + ": unexpected seq " + m.seq());
    }
  }

  /**
   * A crash of a writer that follows the reference order ({@code pool-format-v3.md} §11 item 7):
   * frames are overwritten before the header moves its tail past them. Readers must read past that
   * state safely: no hang, no wrong or damaged message, only NotFound for what is gone; a tail from
   * seq 1 delivers every retained message that {@code getMessage} can still read; and when only the
   * tail frame was overwritten ({@code drops} 1), every later message is readable (its successor is
   * intact and {@code tail_next_off} names it). With 0, the crashed append dropped at least two
   * frames, so several are damaged. Appends after the kill are reported, not asserted.
   */
  @ParameterizedTest(name = "stage {0}, index {1}, drops {2}")
  @CsvSource({
    "ref-writing, 16, 0",
    "ref-committed, 16, 0",
    "ref-writing, 0, 0",
    "ref-committed, 0, 0",
    "ref-writing, 16, 1",
    "ref-committed, 16, 1",
    "ref-writing, 0, 1",
    "ref-committed, 0, 1",
  })
  void killedMidAppendInTheReferenceOrder(String stage, int index, int drops) {
    Path path = dir.resolve("ref.plasmite");
    new LocalClient()
        .create(PoolRef.path(path), PoolOptions.ofSize(16 * 1024).withIndexCapacity(index));
    String where =
        "stage "
            + stage
            + ", index "
            + index
            + ", drops "
            + (drops == 0 ? ">= 2" : drops)
            + ", seed "
            + SEED;
    TreeMap<Long, String> acked =
        runAndKill(path, stage, drops, 0, "ref-" + stage + "-" + index + "-" + drops, () -> {});
    try (Pool pool = new LocalClient().open(PoolRef.path(path))) {
      PoolInfo info = pool.info();
      List<String> notes = new ArrayList<>();
      ValidationReport report = assertTimeoutPreemptively(Duration.ofSeconds(10), pool::validate);
      notes.add("validate: " + report.issues());
      List<Long> readable = new ArrayList<>();
      for (long s = info.oldestSeq(); s <= info.newestSeq(); s++) {
        long seq = s;
        try {
          Message m = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> pool.getMessage(seq));
          assertEquals(acked.get(seq), m.dataJson(), where + ": seq " + seq);
          readable.add(seq);
        } catch (PlasmiteException e) {
          assertEquals(ErrorKind.NOT_FOUND, e.kind(), where + ": get " + seq + ": " + e);
        }
      }
      notes.add("retained " + info.oldestSeq() + ".." + info.newestSeq());
      notes.add("readable by get: " + readable);
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long[] cpuWallMs = new long[2];
      List<Long> tailed =
          assertTimeoutPreemptively(
              Duration.ofSeconds(20),
              () -> {
                long cpu0 = threads.getCurrentThreadCpuTime();
                long wall0 = System.nanoTime();
                List<Long> out = new ArrayList<>();
                try (Tail tail =
                    pool.tail(TailOptions.since(1).withIdleTimeout(Duration.ofMillis(500)))) {
                  while (tail.hasNext()) {
                    Message m = tail.next();
                    assertEquals(acked.get(m.seq()), m.dataJson(), where + ": tail seq " + m.seq());
                    out.add(m.seq());
                  }
                }
                cpuWallMs[0] = (threads.getCurrentThreadCpuTime() - cpu0) / 1_000_000;
                cpuWallMs[1] = (System.nanoTime() - wall0) / 1_000_000;
                return out;
              },
              where + ": tail from 1");
      notes.add("delivered by a tail from 1: " + tailed);
      notes.add("that tail used " + cpuWallMs[0] + " ms CPU in " + cpuWallMs[1] + " ms");
      for (int i = 1; i < tailed.size(); i++) {
        assertTrue(tailed.get(i) > tailed.get(i - 1), where + ": tail order " + tailed);
      }
      // Go on appending until the damaged frames must be dropped: report what happens.
      String appended = "appends after the kill: ";
      long n = 0;
      try {
        while (n < 200) {
          long k = n;
          Message m =
              assertTimeoutPreemptively(
                  Duration.ofSeconds(10),
                  () ->
                      pool.appendJsonNow(
                          Payloads.json(SEED, 0, k), Payloads.tags(0), Durability.FAST));
          n++;
          if (n == 1) {
            appended += "first got seq " + m.seq() + " (validate " + pool.validate().issues() + ")";
          }
        }
        appended +=
            "; all 200 ok, then validate "
                + pool.validate().issues()
                + ", retained "
                + pool.info().oldestSeq()
                + ".."
                + pool.info().newestSeq();
      } catch (PlasmiteException e) {
        appended += "; append #" + (n + 1) + " failed: " + e;
      }
      notes.add(appended);
      System.out.println(where + ": " + String.join("; ", notes));
      // Opening for writing mended the header around the damaged frames: the pool validates
      // and every message it says it retains is readable.
      assertTrue(report.ok(), where + ": validate after the open; " + notes);
      List<Long> all = new ArrayList<>();
      for (long s = info.oldestSeq(); s <= info.newestSeq(); s++) {
        all.add(s);
      }
      assertEquals(all, readable, where + ": retained messages after the open; " + notes);
      // Reading past the damaged frame: what get can read, a tail delivers too.
      assertEquals(
          readable, tailed, where + ": a tail from 1 skips intact retained messages; " + notes);
    }
  }
}
