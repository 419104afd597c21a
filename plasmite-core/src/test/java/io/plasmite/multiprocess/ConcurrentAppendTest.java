package io.plasmite.multiprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.plasmite.GapPolicy;
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
import io.plasmite.testing.ReaderChild;
import io.plasmite.testing.WriterChild;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Three writer JVMs append to one small, wrapping pool at once while two reader JVMs and this JVM
 * tail it from seq 1. Every message carries its writer, the writer's counter and a checksum of a
 * random body ({@link Payloads}), so that each side can tell a torn, overwritten or misattributed
 * payload from a good one.
 */
class ConcurrentAppendTest {
  private static final long SEED = 0x5EED_0001L;
  private static final int WRITERS = 3;
  private static final int PER_WRITER = 3000;
  private static final int TOTAL = WRITERS * PER_WRITER;
  private static final Duration BUDGET = Duration.ofSeconds(50);

  @TempDir Path dir;

  /** What a writer acknowledged for one seq. */
  private record Ack(int w, long n) {}

  /** What a reader delivered. */
  private record Read(long seq, int w, long n, String bad) {}

  /**
   * Runs the scenario on a pool of {@code size} bytes: with the default index, and without one
   * (readers then find frames by walking from the tail).
   */
  @ParameterizedTest(name = "size {0}, index {1}")
  @CsvSource({"98304, -1", "65536, 0"})
  void writersGetDenseUniqueSeqsAndReadersSeeOnlyIntactMessagesInOrder(long size, long index)
      throws Exception {
    Path path = dir.resolve("shared.plasmite");
    // The ring holds a few hundred messages, so 9,000 wrap it dozens of times.
    PoolOptions options =
        index < 0 ? PoolOptions.ofSize(size) : PoolOptions.ofSize(size).withIndexCapacity(index);
    new LocalClient().create(PoolRef.path(path), options);
    long deadline = System.nanoTime() + BUDGET.toNanos();

    List<ChildJvm> children = new ArrayList<>();
    ExecutorService exec = Executors.newSingleThreadExecutor();
    try (Pool pool = new LocalClient().open(PoolRef.path(path))) {
      List<ChildJvm> readers = new ArrayList<>();
      for (int r = 1; r <= 2; r++) {
        ChildJvm c =
            ChildJvm.start(
                dir,
                "reader" + r,
                ReaderChild.class,
                List.of(
                    "pool=" + path, "since=1", "until=" + TOTAL, "idleMs=30000", "seed=" + SEED));
        children.add(c);
        readers.add(c);
      }
      List<ChildJvm> writers = new ArrayList<>();
      String[][] modes = {{"mixed", "1"}, {"fast", "5"}, {"mixed", "3"}};
      for (int w = 1; w <= WRITERS; w++) {
        ChildJvm c =
            ChildJvm.start(
                dir,
                "writer" + w,
                WriterChild.class,
                List.of(
                    "pool=" + path,
                    "w=" + w,
                    "count=" + PER_WRITER,
                    "seed=" + SEED,
                    "durability=" + modes[w - 1][0],
                    "batch=" + modes[w - 1][1],
                    "go=true"));
        children.add(c);
        writers.add(c);
      }
      for (ChildJvm c : children) {
        c.expectLine("ready", remaining(deadline));
      }
      Future<List<Read>> local = exec.submit(() -> tailHere(pool));
      for (ChildJvm w : writers) {
        w.send("go");
      }

      // Acknowledgements: seq -> (writer, counter).
      Map<Long, Ack> acks = new HashMap<>();
      for (int w = 1; w <= WRITERS; w++) {
        ChildJvm c = writers.get(w - 1);
        List<String> lines = c.expectLine("done", remaining(deadline));
        assertEquals(0, c.awaitExit(remaining(deadline)), c.diagnostics());
        long lastSeq = 0;
        long expectN = 0;
        for (String line : lines) {
          String[] f = line.split(" ");
          assertEquals("a", f[0], () -> c.name() + " printed " + line + c.diagnostics());
          long seq = Long.parseLong(f[1]);
          long n = Long.parseLong(f[3]);
          assertEquals(expectN, n, c.name() + " counter");
          assertTrue(seq > lastSeq, c.name() + ": seq " + seq + " after " + lastSeq);
          Ack previous = acks.put(seq, new Ack(w, n));
          if (previous != null) {
            fail("seq " + seq + " acknowledged twice: to " + previous + " and to w" + w + " n" + n);
          }
          lastSeq = seq;
          expectN++;
        }
        assertEquals(PER_WRITER, expectN, c.name() + " acknowledged messages");
      }
      long switches = 0;
      for (long s = 1; s <= TOTAL; s++) {
        assertTrue(acks.containsKey(s), "seq " + s + " was never acknowledged");
        if (s > 1 && acks.get(s).w() != acks.get(s - 1).w()) {
          switches++;
        }
      }

      List<String> report = new ArrayList<>();
      report.add(
          "size " + size + ", index " + index + ": writer switches between seqs " + switches);
      // Not vacuous: the writers really did append at the same time.
      assertTrue(switches > 0, "the writers never interleaved");
      for (ChildJvm r : readers) {
        List<Read> reads = new ArrayList<>();
        String end = null;
        while (end == null) {
          String line = r.nextLine(deadline);
          if (line == null) {
            fail(r.name() + ": output ended without an end line" + r.diagnostics());
          }
          if (line.startsWith("end ")) {
            end = line;
          } else {
            reads.add(parseRead(line, r));
          }
        }
        assertEquals(0, r.awaitExit(remaining(deadline)), r.diagnostics());
        assertTrue(end.startsWith("end timedOut=false"), r.name() + ": " + end);
        report.add(checkReads(r.name(), reads, acks));
      }
      List<Read> mine = local.get(remaining(deadline).toNanos(), TimeUnit.NANOSECONDS);
      report.add(checkReads("test JVM", mine, acks));

      ValidationReport validation = pool.validate();
      assertTrue(validation.ok(), () -> "validate: " + validation.issues());
      PoolInfo info = pool.info();
      assertEquals(TOTAL, info.newestSeq());
      assertTrue(info.messageCount() > 0 && info.messageCount() < TOTAL, info.toString());
      for (long s = info.oldestSeq(); s <= info.newestSeq(); s++) {
        Message m = pool.getMessage(s);
        assertEquals(s, m.seq());
        Payloads.Data d = Payloads.check(m, SEED);
        Ack ack = acks.get(s);
        assertEquals(ack, new Ack(d.w(), d.n()), "seq " + s + " holds another message");
        assertEquals(Payloads.json(SEED, ack.w(), ack.n()), m.dataJson(), "seq " + s);
      }
      report.add("retained at end: " + info.oldestSeq() + ".." + info.newestSeq());
      System.out.println(String.join("\n", report));
    } finally {
      exec.shutdownNow();
      for (ChildJvm c : children) {
        c.close();
      }
    }
  }

  /** Tails from seq 1 in this JVM, checking each message as the child readers do. */
  private static List<Read> tailHere(Pool pool) {
    List<Read> reads = new ArrayList<>();
    try (Tail tail =
        pool.tail(
            TailOptions.since(1)
                .withGapPolicy(GapPolicy.CONTINUE)
                .withIdleTimeout(Duration.ofSeconds(30)))) {
      while (tail.hasNext()) {
        Message m = tail.next();
        try {
          Payloads.Data d = Payloads.check(m, SEED);
          reads.add(new Read(m.seq(), d.w(), d.n(), null));
        } catch (IllegalStateException e) {
          reads.add(new Read(m.seq(), -1, -1, e.getMessage()));
        }
        if (m.seq() >= TOTAL) {
          break;
        }
      }
    }
    return reads;
  }

  private static Read parseRead(String line, ChildJvm r) {
    String[] f = line.split(" ", 4);
    if (!f[0].equals("m") || f.length < 3) {
      fail(r.name() + " printed " + line + r.diagnostics());
    }
    long seq = Long.parseLong(f[1]);
    if (f[2].equals("bad")) {
      return new Read(seq, -1, -1, f.length > 3 ? f[3] : "?");
    }
    return new Read(seq, Integer.parseInt(f[2]), Long.parseLong(f[3].split(" ")[0]), null);
  }

  /**
   * Checks one reader's deliveries: no bad payload, seqs strictly increasing and ending at the last
   * seq, each seq holding the message its writer was acknowledged for, each writer's counters
   * increasing. Gaps (overwritten before read) are allowed and counted.
   */
  private static String checkReads(String who, List<Read> reads, Map<Long, Ack> acks) {
    List<String> bad = new ArrayList<>();
    for (Read r : reads) {
      if (r.bad() != null) {
        bad.add(r.bad());
      }
    }
    assertTrue(bad.isEmpty(), () -> who + " returned damaged messages: " + bad);
    long prev = 0;
    long gaps = 0;
    long lost = 0;
    long[] lastN = new long[WRITERS + 1];
    Arrays.fill(lastN, -1);
    for (Read r : reads) {
      assertTrue(r.seq() > prev, who + ": seq " + r.seq() + " delivered after " + prev);
      if (r.seq() != prev + 1) {
        gaps++;
        lost += r.seq() - prev - 1;
      }
      Ack ack = acks.get(r.seq());
      assertEquals(ack, new Ack(r.w(), r.n()), who + ": seq " + r.seq() + " is another message");
      assertTrue(
          r.n() > lastN[r.w()],
          who + ": w" + r.w() + " counter " + r.n() + " after " + lastN[r.w()]);
      lastN[r.w()] = r.n();
      prev = r.seq();
    }
    assertEquals(TOTAL, prev, who + ": last seq delivered");
    return who
        + ": delivered "
        + reads.size()
        + ", gaps "
        + gaps
        + " ("
        + lost
        + " messages overwritten before read)";
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }
}
