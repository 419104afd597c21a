package io.plasmite.testing;

import io.plasmite.ErrorKind;
import io.plasmite.GapPolicy;
import io.plasmite.LocalClient;
import io.plasmite.Message;
import io.plasmite.PlasmiteException;
import io.plasmite.Pool;
import io.plasmite.PoolRef;
import io.plasmite.Tail;
import io.plasmite.TailOptions;
import io.plasmite.engine.PoolFile;
import io.plasmite.format.PoolHeaderDescriptor;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * A reader racing a writer that overwrites the ring flat out: it tails, or {@code get}s seqs near
 * the oldest (the frames about to be overwritten) and anywhere in the retained range, and checks
 * every message it is given.
 *
 * <p>The pool must have exactly one writer, {@link WriterChild} with writer id {@code w}, started
 * on a new pool: then seq {@code s} holds that writer's message {@code n = s - 1}, so a check
 * proves not only that the payload is whole (its checksum) but that it is the message of that seq.
 */
public final class RaceReader {
  /** How a reader reads. */
  public enum Mode {
    /** A tail from seq 1, skipping what was overwritten before it got there. */
    TAIL,
    /** {@code get} of seqs near the oldest and anywhere in the retained range. */
    GET
  }

  /** What a reader counted. */
  public static final class Counts {
    /** Messages delivered and checked. */
    public long reads;

    /** Messages delivered that failed their check (must stay 0). */
    public long bad;

    /** The first failure, or null. */
    public String firstBad;

    /** {@code get}s answered NotFound: the seq was overwritten before or while it was read. */
    public long notFound;

    /** NotFound answers for a seq that the header still called retained afterwards. */
    public long notFoundWhileRetained;

    /** Seqs a tail skipped because they were overwritten before it reached them. */
    public long skipped;

    /** Zero counts. */
    public Counts() {}

    /**
     * Adds another reader's counts.
     *
     * @param o the other counts
     */
    public void add(Counts o) {
      reads += o.reads;
      bad += o.bad;
      if (firstBad == null) {
        firstBad = o.firstBad;
      }
      notFound += o.notFound;
      notFoundWhileRetained += o.notFoundWhileRetained;
      skipped += o.skipped;
    }

    /**
     * One line: {@code reads=.. bad=.. notFound=.. notFoundWhileRetained=.. skipped=..}.
     *
     * @return the line
     */
    public String line() {
      return "reads="
          + reads
          + " bad="
          + bad
          + " notFound="
          + notFound
          + " notFoundWhileRetained="
          + notFoundWhileRetained
          + " skipped="
          + skipped;
    }

    /**
     * Parses {@link #line()}.
     *
     * @param line the text
     * @return the counts
     */
    public static Counts parse(String line) {
      Counts c = new Counts();
      for (String field : line.trim().split(" ")) {
        String[] kv = field.split("=");
        long v = Long.parseLong(kv[1]);
        switch (kv[0]) {
          case "reads" -> c.reads = v;
          case "bad" -> c.bad = v;
          case "notFound" -> c.notFound = v;
          case "notFoundWhileRetained" -> c.notFoundWhileRetained = v;
          case "skipped" -> c.skipped = v;
          default -> throw new IllegalArgumentException("unknown count " + kv[0]);
        }
      }
      return c;
    }
  }

  private final Path path;
  private final Mode mode;
  private final long seed;
  private final int w;
  private final long deadlineNanos;
  private final SplittableRandom random;
  private final Counts counts = new Counts();

  /**
   * Creates a reader.
   *
   * @param path the pool
   * @param mode tail or get
   * @param seed the writer's seed
   * @param w the writer's id
   * @param randomSeed for the seqs a GET reader picks
   * @param deadlineNanos a {@link System#nanoTime()} deadline: past it the reader stops (a hang
   *     guard; a reader that stops short of its reads is a failure)
   */
  public RaceReader(Path path, Mode mode, long seed, int w, long randomSeed, long deadlineNanos) {
    this.path = path;
    this.mode = mode;
    this.seed = seed;
    this.w = w;
    this.random = new SplittableRandom(randomSeed);
    this.deadlineNanos = deadlineNanos;
  }

  /**
   * Reads until {@code reads} messages were delivered and checked, or the deadline passes.
   *
   * @param reads messages to read
   * @return the counts
   */
  public Counts run(long reads) {
    try (Pool pool = new LocalClient().openReadOnly(PoolRef.path(path));
        PoolFile file = PoolFile.open(path, false)) {
      if (mode == Mode.TAIL) {
        tail(pool, reads);
      } else {
        get(pool, file.file(), reads);
      }
    }
    return counts;
  }

  private void tail(Pool pool, long reads) {
    long next = 1;
    while (counts.reads < reads && System.nanoTime() < deadlineNanos) {
      try (Tail t =
          pool.tail(
              TailOptions.since(next)
                  .withGapPolicy(GapPolicy.CONTINUE)
                  .withIdleTimeout(Duration.ofMillis(500)))) {
        while (counts.reads < reads && t.hasNext()) {
          Message m = t.next();
          if (m.seq() < next) {
            bad("tail went back from " + next + " to " + m.seq());
          }
          counts.skipped += m.seq() - next;
          next = m.seq() + 1;
          check(m, m.seq());
        }
      }
    }
  }

  private void get(Pool pool, MemorySegment header, long reads) {
    while (counts.reads < reads && System.nanoTime() < deadlineNanos) {
      long newest = PoolHeaderDescriptor.newestSeq(header);
      long oldest = PoolHeaderDescriptor.oldestSeq(header);
      if (oldest == 0 || newest < oldest) {
        Thread.onSpinWait();
        continue;
      }
      long span = newest - oldest + 1;
      long seq =
          random.nextBoolean()
              ? oldest + random.nextLong(Math.min(span, 8))
              : oldest + random.nextLong(span);
      Message m;
      try {
        m = pool.getMessage(seq);
      } catch (PlasmiteException e) {
        if (e.kind() != ErrorKind.NOT_FOUND) {
          bad("get " + seq + ": " + e);
          continue;
        }
        counts.notFound++;
        if (PoolHeaderDescriptor.oldestSeq(header) <= seq) {
          counts.notFoundWhileRetained++;
        }
        continue;
      }
      check(m, seq);
    }
  }

  private void check(Message m, long seq) {
    counts.reads++;
    if (m.seq() != seq) {
      bad("asked for seq " + seq + ", got " + m.seq());
      return;
    }
    try {
      Payloads.Data d = Payloads.check(m, seed);
      if (d.w() != w || d.n() != seq - 1) {
        bad(
            "seq "
                + seq
                + " holds w"
                + d.w()
                + " n"
                + d.n()
                + ", the message of seq "
                + (d.n() + 1));
      }
    } catch (IllegalStateException e) {
      bad(e.getMessage());
    }
  }

  private void bad(String what) {
    counts.bad++;
    if (counts.firstBad == null) {
      counts.firstBad = what;
    }
  }
}
