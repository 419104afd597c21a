package io.plasmite.bench;

import io.plasmite.Durability;
import io.plasmite.LocalClient;
import io.plasmite.Pool;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Durable appends: every append msyncs before it returns ({@link Durability#FLUSH}); 1 and 8 writer
 * threads share one pool, so concurrent flushes can share an msync (group commit). Scores are
 * messages per second, summed over threads.
 *
 * <p>{@code ring=fresh} appends to a new pool; {@code ring=written} to one whose ring has been
 * written through once and synced, the state of a pool in use. Their rates differ (see
 * docs/benchmarks.md, "Eighth session: FLUSH appends wrote back 2 MiB folios").
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class FlushBenchmark {
  /** Creates the benchmark; JMH instantiates it. */
  public FlushBenchmark() {}

  /** The shared pool. */
  @State(Scope.Benchmark)
  public static class SharedPool {
    Path dir;
    Pool pool;

    /** {@code fresh} or {@code written}: see the class comment. */
    @Param({"fresh", "written"})
    public String ring;

    /** Creates the state; JMH calls {@link #setUp()}. */
    public SharedPool() {}

    /**
     * Creates the pool.
     *
     * @throws IOException if the temporary directory cannot be made
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
      dir = Files.createTempDirectory("plasmite-bench-flush");
      pool =
          new LocalClient()
              .withPoolDir(dir)
              .createAndOpen(PoolRef.name("flush"), PoolOptions.ofSize(RING_BYTES));
      if (ring.equals("written")) {
        // Durable batches of 1 KB messages until twice the pool's bytes went in: every page of
        // the ring written, and synced by the batches' msyncs.
        List<Pool.BatchEntry> batch =
            Collections.nCopies(1000, new Pool.BatchEntry(Messages.ONE_KB, TAGS));
        for (long written = 0; written < 2 * RING_BYTES; written += 1000L * 1024) {
          pool.append(batch, Durability.FLUSH);
        }
      }
    }

    /**
     * Closes and deletes the pool.
     *
     * @throws IOException if a file cannot be deleted
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      pool.close();
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static final List<String> TAGS = List.of("bench");
  private static final long RING_BYTES = 64L << 20;

  /**
   * One durable append, one writer.
   *
   * @param s the pool
   * @return the seq
   */
  @Benchmark
  @Threads(1)
  public long flush1Writer(SharedPool s) {
    return s.pool.appendJsonNow(Messages.SMALL, TAGS, Durability.FLUSH).seq();
  }

  /**
   * One durable append per call, eight writer threads.
   *
   * @param s the pool
   * @return the seq
   */
  @Benchmark
  @Threads(8)
  public long flush8Writers(SharedPool s) {
    return s.pool.appendJsonNow(Messages.SMALL, TAGS, Durability.FLUSH).seq();
  }
}
