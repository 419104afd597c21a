package io.plasmite.crash;

import io.plasmite.Durability;
import io.plasmite.LocalClient;
import io.plasmite.Message;
import io.plasmite.PlasmiteException;
import io.plasmite.Pool;
import io.plasmite.PoolInfo;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import io.plasmite.Tail;
import io.plasmite.TailOptions;
import io.plasmite.ValidationReport;
import io.plasmite.engine.HeaderState;
import io.plasmite.engine.PoolFile;
import io.plasmite.format.FrameDescriptor;
import io.plasmite.lite3.Lite3Encoder;
import io.plasmite.testing.ChildJvm;
import io.plasmite.testing.Payloads;
import io.plasmite.testing.WriterChild;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * The kill loop: writer JVMs ({@link WriterChild}) append to one small pool that wraps every few
 * dozen messages, in FLUSH, FAST or mixed durability, singly or in batches, and are killed with
 * SIGKILL at random moments, round after round. Most rounds run one writer; some run two at once,
 * and the second must go on appending after the first is killed (it may have died holding the
 * lock).
 *
 * <p>After each kill: the pool opens for writing (which mends a header torn by the kill) and
 * validates; every message the writers acknowledged (wrote to a side file after its append
 * returned, then printed) that is still within the retained range reads back exactly, by {@code
 * get} and by a tail; a retained message nobody acknowledged is the append in flight at the kill,
 * whole and of the killed writer; a seq, once acknowledged or seen, never changes content;
 * retention drops no more than the ring forces; and an append made right after takes the next seq
 * at once.
 *
 * <p>The kill moment is random: after a random number of acknowledgements plus a random fraction of
 * a millisecond. The ring is full from the first rounds on, so nearly every kill lands while an
 * append overwrites old frames or wraps; the statistics say how many kills hit an append between
 * its first and last store (frame in state Writing, frame committed but not yet published, header
 * torn between two pointer stores).
 *
 * <p>Run by {@code KillLoopTest}: a few dozen kills in the normal suite, a thousand or more in the
 * long form ({@code stress/run kill-loop}). The seed fixes every random choice (pool, writers, kill
 * points); the exact kill instants depend on scheduling, so a failure reproduces statistically, not
 * exactly.
 */
public final class KillLoop {
  /** Writer id of the messages the harness itself appends after each kill. */
  private static final int HARNESS_WRITER = 0;

  /** Writer ids cycle through 1..98, below {@link Payloads#BIG_WRITERS}. */
  private static final int WRITER_IDS = 98;

  private static final Duration STEP_DEADLINE = Duration.ofSeconds(30);

  /**
   * One run on one pool.
   *
   * @param dir where the pool and the children's stderr files go
   * @param seed the run's seed
   * @param kills SIGKILLs to deliver
   * @param poolBytes pool file size
   * @param indexCapacity index slots (0: readers walk from the tail)
   * @param log progress lines
   */
  public record Config(
      Path dir, long seed, int kills, long poolBytes, long indexCapacity, PrintStream log) {}

  /** Counters of a run. */
  public static final class Stats {
    /** SIGKILLs delivered to writers. */
    public int kills;

    /** Zero counters. */
    public Stats() {}

    /** Rounds (one or two writers each). */
    public int rounds;

    /** Kills after which a second writer of the same round went on appending. */
    public int survivorsProceeded;

    /** Kills that found the ring full: the killed writer was overwriting old frames. */
    public int killsWhileOverwriting;

    /** Kills that left the frame at the head in state Writing (mid-frame). */
    public int killsMidFrame;

    /** Kills that left a committed frame whose seq the header did not yet publish. */
    public int killsCommittedUnpublished;

    /** Kills after which opening for writing mended the header (torn between two stores). */
    public int headersMended;

    /** Kills whose in-flight append was published but not acknowledged. */
    public int publishedUnacknowledged;

    /** Acknowledgement lines in a writer's side file that its stdout pipe lost at the kill. */
    public long pipeLinesLost;

    /** Acknowledged appends, by the writers and the harness. */
    public long acknowledged;

    /** Retained messages read back and checked after kills. */
    public long messagesChecked;

    @Override
    public String toString() {
      return kills
          + " kills in "
          + rounds
          + " rounds; "
          + acknowledged
          + " acknowledged appends; "
          + messagesChecked
          + " retained messages checked; kills while overwriting "
          + killsWhileOverwriting
          + ", mid-frame "
          + killsMidFrame
          + ", committed-unpublished "
          + killsCommittedUnpublished
          + ", header mended "
          + headersMended
          + ", published-unacknowledged "
          + publishedUnacknowledged
          + ", survivor proceeded "
          + survivorsProceeded
          + "; ack lines lost by the stdout pipe "
          + pipeLinesLost;
    }
  }

  /** What the harness knows a seq holds: who wrote it, and whether the writer acknowledged it. */
  private record Known(long seed, int w, long n, boolean acked) {
    String json() {
      return Payloads.json(seed, w, n);
    }
  }

  /** A writer JVM started ahead of its round (JVM start-up is the slow part of a round). */
  private record Spawn(ChildJvm child, long seed, int w, String durability, int batch, Path acks) {}

  private final Config config;
  private final Path pool;
  private final SplittableRandom random;
  private final Stats stats = new Stats();
  private final TreeMap<Long, Known> known = new TreeMap<>();
  private final Deque<Spawn> spares = new ArrayDeque<>();
  private final ExecutorService timer = Executors.newSingleThreadExecutor();
  private int spawned;
  private long harnessN;
  private long maxFrameBytes;

  private KillLoop(Config config) {
    this.config = config;
    this.pool = config.dir().resolve("kill-loop-" + config.seed() + ".plasmite");
    this.random = new SplittableRandom(config.seed());
  }

  /**
   * Runs the loop until {@code kills} SIGKILLs were delivered and checked.
   *
   * @param config the run
   * @return the counters
   * @throws AssertionError naming the seed and round at the first violation
   */
  public static Stats run(Config config) {
    KillLoop loop = new KillLoop(config);
    try {
      return loop.loop();
    } finally {
      loop.spares.forEach(s -> s.child().close());
      loop.timer.shutdownNow();
    }
  }

  private Stats loop() {
    new LocalClient()
        .create(
            PoolRef.path(pool),
            PoolOptions.ofSize(config.poolBytes()).withIndexCapacity(config.indexCapacity()));
    config
        .log()
        .printf(
            "kill loop: seed %d, %d kills, pool %d bytes, index %d (%s)%n",
            config.seed(), config.kills(), config.poolBytes(), config.indexCapacity(), pool);
    while (stats.kills < config.kills()) {
      stats.rounds++;
      int writers = config.kills() - stats.kills >= 2 && random.nextInt(4) == 0 ? 2 : 1;
      round(writers);
      if (stats.rounds % 50 == 0) {
        config.log().printf("  round %d: %s%n", stats.rounds, stats);
      }
    }
    config.log().printf("kill loop done, seed %d: %s%n", config.seed(), stats);
    return stats;
  }

  private Spawn spawn() {
    int w = 1 + spawned % WRITER_IDS;
    long seed = config.seed() + 1 + spawned / WRITER_IDS;
    spawned++;
    int pick = random.nextInt(20);
    String durability = pick < 10 ? "flush" : pick < 17 ? "fast" : "mixed";
    int batch = random.nextInt(4) == 0 ? 1 + random.nextInt(2, 6) : 1;
    Path acks = config.dir().resolve("kill-loop-acks-" + spawned + ".txt");
    ChildJvm child =
        ChildJvm.start(
            config.dir(),
            "kill-loop-writer-" + spawned,
            WriterChild.class,
            List.of(
                "pool=" + pool,
                "w=" + w,
                "count=-1",
                "seed=" + seed,
                "durability=" + durability,
                "batch=" + batch,
                "acks=" + acks,
                "go=true"));
    return new Spawn(child, seed, w, durability, batch, acks);
  }

  private Spawn takeSpare() {
    Spawn s = spares.isEmpty() ? spawn() : spares.poll();
    s.child().expectLine("ready", STEP_DEADLINE);
    return s;
  }

  private void round(int writers) {
    List<Spawn> round = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      round.add(takeSpare());
    }
    // The next round's writers boot while this one runs.
    while (spares.size() < writers) {
      spares.add(spawn());
    }
    String where = "seed " + config.seed() + ", round " + stats.rounds;
    Map<Integer, List<String>> lines = new HashMap<>();
    try {
      for (Spawn s : round) {
        lines.put(s.w(), new ArrayList<>());
        s.child().send("go");
      }
      Spawn first = round.get(0);
      killAtRandomMoment(first, lines.get(first.w()), where);
      if (writers == 2) {
        Spawn second = round.get(1);
        List<String> secondLines = lines.get(second.w());
        long before = known.isEmpty() ? 0 : known.lastKey();
        long bound = Math.max(before, maxSeq(lines.get(first.w()))) + first.batch();
        try (Pool p = within(where + ": open beside a live writer", this::open)) {
          ValidationReport report = within(where + ": validate beside a live writer", p::validate);
          check(report.ok(), where + ": validate beside a live writer: " + report.issues());
        }
        awaitAckAbove(second, secondLines, bound, where);
        stats.survivorsProceeded++;
        killAtRandomMoment(second, secondLines, where);
      }
    } finally {
      round.forEach(s -> s.child().close());
    }
    checkAfterKill(round, lines, where);
  }

  /** Waits for a random number of acknowledgements and a random sub-millisecond delay; kills. */
  private void killAtRandomMoment(Spawn s, List<String> lines, String where) {
    int acks = random.nextInt(6) == 0 ? 0 : random.nextInt(1, 300);
    long extraNanos = random.nextLong(0, 1_000_000);
    long deadline = System.nanoTime() + STEP_DEADLINE.toNanos();
    while (lines.size() < acks) {
      String line = s.child().nextLine(deadline);
      if (line == null) {
        throw new AssertionError(where + ": writer w" + s.w() + " ended" + s.child().diagnostics());
      }
      lines.add(line);
    }
    LockSupport.parkNanos(extraNanos);
    s.child().kill();
    stats.kills++;
    lines.addAll(s.child().drain(Duration.ofSeconds(10)));
    // The acknowledgements of record are the writer's side file: the last lines a SIGKILLed
    // child wrote to its stdout pipe can be lost on the way, the file keeps every completed write.
    List<String> recorded = readAcks(s.acks());
    check(
        recorded.size() >= lines.size() && recorded.subList(0, lines.size()).equals(lines),
        where + ": w" + s.w() + " printed acknowledgements its side file lacks");
    stats.pipeLinesLost += recorded.size() - lines.size();
    lines.clear();
    lines.addAll(recorded);
  }

  /** The complete lines of an acknowledgement file (a last line without newline is cut off). */
  private static List<String> readAcks(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      List<String> out = new ArrayList<>(List.of(text.split("\n", -1)));
      out.remove(out.size() - 1);
      return out;
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitAckAbove(Spawn s, List<String> lines, long bound, String where) {
    long deadline = System.nanoTime() + STEP_DEADLINE.toNanos();
    while (maxSeq(lines) <= bound) {
      String line = s.child().nextLine(deadline);
      if (line == null) {
        throw new AssertionError(
            where + ": surviving writer w" + s.w() + " ended" + s.child().diagnostics());
      }
      lines.add(line);
    }
  }

  private static long maxSeq(List<String> lines) {
    long max = 0;
    for (String line : lines) {
      if (line.startsWith("a ")) {
        max = Math.max(max, Long.parseLong(line.split(" ")[1]));
      }
    }
    return max;
  }

  private Pool open() {
    return new LocalClient().open(PoolRef.path(pool));
  }

  private void checkAfterKill(List<Spawn> round, Map<Integer, List<String>> lines, String where) {
    long lastAckBefore = known.isEmpty() ? 0 : known.lastKey();
    long maxAck = lastAckBefore;
    long inFlight = 0;
    Map<Integer, Spawn> byW = new HashMap<>();
    Map<Integer, Long> lastN = new HashMap<>();
    for (Spawn s : round) {
      byW.put(s.w(), s);
      inFlight += s.batch();
      long prevSeq = 0;
      for (String line : lines.get(s.w())) {
        String[] f = line.split(" ");
        check(f[0].equals("a"), where + ": writer w" + s.w() + " printed " + line);
        long seq = Long.parseLong(f[1]);
        long n = Long.parseLong(f[3]);
        check(seq > prevSeq, where + ": w" + s.w() + " acknowledged " + seq + " after " + prevSeq);
        prevSeq = seq;
        Known k = new Known(s.seed(), s.w(), n, true);
        Known before = known.put(seq, k);
        check(
            before == null,
            where + ": seq " + seq + " acknowledged twice: " + before + " and " + k);
        check(seq > lastAckBefore, where + ": seq " + seq + " reused (last " + lastAckBefore + ")");
        maxAck = Math.max(maxAck, seq);
        lastN.put(s.w(), n);
        stats.acknowledged++;
      }
    }
    classifyKillMoment();
    HeaderState beforeOpen = rawHeader();
    try (Pool p = within(where + ": open after the kill", this::open)) {
      if (!beforeOpen.equals(rawHeader())) {
        stats.headersMended++;
      }
      ValidationReport report = within(where + ": validate", p::validate);
      check(report.ok(), where + ": validate: " + report.issues());
      PoolInfo info = p.info();
      if (info.isEmpty()) {
        // Only a writer killed before its first append landed leaves the pool empty.
        check(
            maxAck == 0,
            where + ": pool is empty, yet seqs up to " + maxAck + " were acknowledged");
        appendAfterKill(p, info, where);
        return;
      }
      check(
          info.newestSeq() >= maxAck,
          where + ": newest seq " + info.newestSeq() + " below acknowledged " + maxAck);
      // Only the calls in flight at the kills can be there unacknowledged.
      if (info.newestSeq() > maxAck + inFlight) {
        StringBuilder tail = new StringBuilder();
        for (long s = Math.max(info.oldestSeq(), maxAck - 2); s <= info.newestSeq(); s++) {
          Message m = getWithin(p, s, where);
          Known k = known.get(s);
          tail.append("\n  seq ")
              .append(s)
              .append(k != null && k.acked() ? " acked " : " unacked ");
          tail.append(
              Payloads.parse(m.dataJson()) instanceof Payloads.Data d
                  ? "w" + d.w() + " n" + d.n()
                  : m.dataJson());
        }
        for (Spawn s : round) {
          tail.append("\n  writer w").append(s.w()).append(' ').append(s.durability());
          tail.append(" batch ").append(s.batch()).append(", last acknowledged n ");
          tail.append(lastN.get(s.w()))
              .append(", ")
              .append(lines.get(s.w()).size())
              .append(" lines");
        }
        throw new AssertionError(
            where + ": newest " + info.newestSeq() + ", last acknowledged " + maxAck + tail);
      }
      if (info.oldestSeq() > 1) {
        stats.killsWhileOverwriting += round.size();
      }
      long unacked = 0;
      long retainedBytes = 0;
      for (long s = info.oldestSeq(); s <= info.newestSeq(); s++) {
        Message m = getWithin(p, s, where);
        check(m.seq() == s, where + ": get " + s + " returned seq " + m.seq());
        Known k = known.get(s);
        if (k == null) {
          k = unacknowledged(m, byW, lastN, where);
          known.put(s, k);
          unacked++;
        } else {
          check(
              k.json().equals(m.dataJson()) && Payloads.tags(k.w()).equals(m.tags()),
              where
                  + ": seq "
                  + s
                  + " holds "
                  + m.dataJson()
                  + ", expected w"
                  + k.w()
                  + " n"
                  + k.n());
        }
        long frame = FrameDescriptor.frameBytes(m.lite3().length);
        maxFrameBytes = Math.max(maxFrameBytes, frame);
        retainedBytes += frame;
        stats.messagesChecked++;
      }
      if (unacked > 0) {
        stats.publishedUnacknowledged++;
      }
      checkRetention(info, retainedBytes, where);
      List<Long> tailed = new ArrayList<>();
      within(
          where + ": tail",
          () -> {
            try (Tail t =
                p.tail(
                    TailOptions.since(info.oldestSeq())
                        .withMaxMessages(info.messageCount())
                        .withIdleTimeout(Duration.ofSeconds(5)))) {
              t.forEachRemaining(
                  m -> {
                    check(
                        known.get(m.seq()).json().equals(m.dataJson()),
                        where + ": tail seq " + m.seq());
                    tailed.add(m.seq());
                  });
            }
            return null;
          });
      List<Long> expected = new ArrayList<>();
      for (long s = info.oldestSeq(); s <= info.newestSeq(); s++) {
        expected.add(s);
      }
      check(expected.equals(tailed), where + ": tail delivered " + tailed + ", want " + expected);
      appendAfterKill(p, info, where);
    }
  }

  /** The harness's own append right after the checks takes the next seq at once. */
  private void appendAfterKill(Pool p, PoolInfo info, String where) {
    long n = ++harnessN;
    Message next =
        within(
            where + ": append after the kill",
            () ->
                p.appendJsonNow(
                    Payloads.json(config.seed(), HARNESS_WRITER, n),
                    Payloads.tags(HARNESS_WRITER),
                    Durability.FLUSH));
    check(
        next.seq() == info.newestSeq() + 1,
        where + ": next append got seq " + next.seq() + " after newest " + info.newestSeq());
    known.put(next.seq(), new Known(config.seed(), HARNESS_WRITER, n, true));
    stats.acknowledged++;
  }

  /** A retained message nobody acknowledged: the next message of a writer killed in this round. */
  private Known unacknowledged(
      Message m, Map<Integer, Spawn> byW, Map<Integer, Long> lastN, String where) {
    Payloads.Data d = Payloads.parse(m.dataJson());
    check(d != null, where + ": unacknowledged seq " + m.seq() + " holds " + m.dataJson());
    Spawn s = byW.get(d.w());
    check(s != null, where + ": unacknowledged seq " + m.seq() + " of w" + d.w());
    try {
      Payloads.check(m, s.seed());
    } catch (IllegalStateException e) {
      throw new AssertionError(where + ": " + e.getMessage(), e);
    }
    long after = lastN.getOrDefault(d.w(), -1L);
    check(
        d.n() > after && d.n() <= after + s.batch(),
        where
            + ": unacknowledged seq "
            + m.seq()
            + " is w"
            + d.w()
            + " n"
            + d.n()
            + " after n"
            + after);
    return new Known(s.seed(), d.w(), d.n(), false);
  }

  /**
   * Retention drops no more than the ring forces: the frame before the oldest did not fit beside
   * the retained ones. The last append that dropped it needed a contiguous gap of at most one
   * frame, and a wrap can waste less than one frame at the ring's end, so the retained frames plus
   * that dropped one, plus three of the largest frames, exceed the ring.
   */
  private void checkRetention(PoolInfo info, long retainedBytes, String where) {
    Known dropped = known.get(info.oldestSeq() - 1);
    if (dropped == null) {
      return;
    }
    long droppedBytes =
        FrameDescriptor.frameBytes(
            Lite3Encoder.encodeEnvelope(Payloads.tags(dropped.w()), dropped.json()).length);
    check(
        retainedBytes + droppedBytes + 3 * maxFrameBytes > info.ringSize(),
        where
            + ": retained "
            + info.oldestSeq()
            + ".."
            + info.newestSeq()
            + " use "
            + retainedBytes
            + " bytes of a "
            + info.ringSize()
            + "-byte ring: seq "
            + (info.oldestSeq() - 1)
            + " was dropped without need");
  }

  private Message getWithin(Pool p, long seq, String where) {
    try {
      return within(where + ": get " + seq, () -> p.getMessage(seq));
    } catch (PlasmiteException e) {
      throw new AssertionError(where + ": retained seq " + seq + " unreadable: " + e, e);
    }
  }

  /** Where the killed writer stopped, judged from the raw file before anyone mends it. */
  private void classifyKillMoment() {
    try (PoolFile f = PoolFile.open(pool, false)) {
      HeaderState h = f.header();
      MemorySegment ring = f.ring();
      long off = h.head();
      if (off < 0 || off >= h.ringSize() || h.ringSize() - off < FrameDescriptor.HEADER_BYTES) {
        off = 0;
      }
      if (FrameDescriptor.magic(ring, off) == FrameDescriptor.MAGIC
          && FrameDescriptor.stateAcquire(ring, off) == FrameDescriptor.STATE_WRAP) {
        off = 0;
      }
      if (FrameDescriptor.magic(ring, off) != FrameDescriptor.MAGIC) {
        return;
      }
      int state = FrameDescriptor.stateAcquire(ring, off);
      if (state == FrameDescriptor.STATE_WRITING) {
        stats.killsMidFrame++;
      } else if (state == FrameDescriptor.STATE_COMMITTED
          && FrameDescriptor.seq(ring, off) == h.newestSeq() + 1) {
        stats.killsCommittedUnpublished++;
      }
    }
  }

  private HeaderState rawHeader() {
    try (PoolFile f = PoolFile.open(pool, false)) {
      return f.header();
    }
  }

  /** Runs a step with a deadline: a hang after a kill is a failure, not a stuck build. */
  private <T> T within(String what, Callable<T> step) {
    Future<T> f = timer.submit(step);
    try {
      return f.get(STEP_DEADLINE.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new AssertionError(what + ": no answer within " + STEP_DEADLINE, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(what + ": interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new AssertionError(what + ": " + e.getCause(), e.getCause());
    }
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new AssertionError(message);
    }
  }
}
