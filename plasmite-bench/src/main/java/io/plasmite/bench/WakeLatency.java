package io.plasmite.bench;

import io.plasmite.Durability;
import io.plasmite.LocalClient;
import io.plasmite.Message;
import io.plasmite.Pool;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import io.plasmite.Tail;
import io.plasmite.TailOptions;
import io.plasmite.bench.compare.BenchFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Cross-process append-to-read latency at a fixed rate, with the CPU the idle reader uses.
 *
 * <p>A reader JVM follows the pool and, for each message, records {@code System.nanoTime()} minus
 * the send time carried in the message (the same monotonic clock in both processes on Linux) in an
 * HdrHistogram. The writer (this JVM) appends at a fixed rate after a warm-up, timing its own
 * append calls too: a change that speeds up the reader's wake-up at the writer's expense shows
 * there. Then it stays silent for a while to measure the reader's idle CPU. Several runs; each
 * prints the reader's p50/p99/p99.9/max in microseconds, the idle reader's CPU as a percentage of
 * one core, and the writer's append call p50/p99.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp benchmarks.jar io.plasmite.bench.WakeLatency \
 *     [rate-per-second=2000] [seconds=10] [runs=3] [reader-spin-us=0 (the default spin)]
 * </pre>
 */
public final class WakeLatency {
  private WakeLatency() {}

  /**
   * Runs the harness, or the reader when the first argument is {@code reader}.
   *
   * @param args {@code [rate] [seconds] [runs] [spin-us]} or {@code reader POOL COUNT SPIN-US}
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("reader")) {
      reader(Path.of(args[1]), Long.parseLong(args[2]), Long.parseLong(args[3]));
      return;
    }
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    long spinUs = args.length > 3 ? Long.parseLong(args[3]) : 0;
    Path dir = Files.createTempDirectory("plasmite-wake");
    try {
      for (int run = 1; run <= runs; run++) {
        Path pool = dir.resolve("wake-" + run + ".plasmite");
        new LocalClient().create(PoolRef.path(pool), PoolOptions.ofSize(64L << 20));
        try {
          run(pool, rate, seconds, run, spinUs);
        } finally {
          new LocalClient().delete(PoolRef.path(pool));
        }
      }
    } finally {
      BenchFiles.deleteTree(dir);
    }
  }

  private static void run(Path poolPath, int rate, int seconds, int run, long spinUs)
      throws Exception {
    int warmup = rate * 2;
    long count = warmup + (long) rate * seconds;
    String java = ProcessHandle.current().info().command().orElse("java");
    Process reader =
        new ProcessBuilder(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                WakeLatency.class.getName(),
                "reader",
                poolPath.toString(),
                Long.toString(count),
                Long.toString(spinUs))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(reader.getInputStream(), StandardCharsets.UTF_8));
    if (!"ready".equals(out.readLine())) {
      throw new IllegalStateException("reader did not start");
    }
    long periodNs = 1_000_000_000L / rate;
    Histogram appendNs = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
    try (Pool pool = new LocalClient().open(PoolRef.path(poolPath))) {
      long next = System.nanoTime();
      for (long i = 0; i < count; i++) {
        next += periodNs;
        while (System.nanoTime() < next) {
          LockSupport.parkNanos(next - System.nanoTime());
        }
        long sent = System.nanoTime();
        pool.appendJsonNow(
            "{\"i\":" + i + ",\"t\":" + sent + ",\"w\":" + (i < warmup) + "}",
            List.of(),
            Durability.FAST);
        if (i >= warmup) {
          appendNs.recordValue(System.nanoTime() - sent);
        }
      }
      String histogramLine = out.readLine();
      // Idle: the reader waits for one more message that comes only after the pause.
      long cpuBefore = cpuNs(reader);
      long idleStart = System.nanoTime();
      LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(3));
      long idleCpu = cpuNs(reader) - cpuBefore;
      long idleWall = System.nanoTime() - idleStart;
      pool.appendJsonNow("{\"i\":-1,\"t\":0,\"w\":true}", List.of(), Durability.FAST);
      reader.waitFor(30, TimeUnit.SECONDS);
      System.out.printf(
          "run %d: rate %d/s, reader spin %s, %d messages: %s, idle reader CPU %.2f%% of a core;"
              + " writer's append call p50 %.1f us, p99 %.1f us%n",
          run,
          rate,
          spinUs == 0 ? "default" : spinUs + " us",
          count - warmup,
          histogramLine,
          100.0 * idleCpu / idleWall,
          appendNs.getValueAtPercentile(50) / 1e3,
          appendNs.getValueAtPercentile(99) / 1e3);
    }
  }

  private static long cpuNs(Process p) throws IOException {
    // utime + stime in clock ticks, fields 14 and 15 of /proc/PID/stat (after the comm field).
    String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    return ticks * 10_000_000L; // USER_HZ is 100 on Linux
  }

  private static void reader(Path poolPath, long count, long spinUs) {
    Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
    try (Pool pool = new LocalClient().open(PoolRef.path(poolPath));
        Tail tail =
            pool.tail(
                TailOptions.newMessages()
                    .withIdleTimeout(Duration.ofSeconds(60))
                    .withBusySpin(Duration.ofNanos(spinUs * 1000)))) {
      System.out.println("ready");
      System.out.flush();
      long seen = 0;
      while (seen < count && tail.hasNext()) {
        Message m = tail.next();
        long now = System.nanoTime();
        String data = m.dataJson();
        long sent =
            Long.parseLong(data.substring(data.indexOf("\"t\":") + 4, data.indexOf(",\"w\"")));
        if (data.endsWith("\"w\":false}")) {
          h.recordValue(Math.max(0, now - sent));
        }
        seen++;
      }
      System.out.printf(
          "p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us%n",
          h.getValueAtPercentile(50) / 1e3,
          h.getValueAtPercentile(99) / 1e3,
          h.getValueAtPercentile(99.9) / 1e3,
          h.getMaxValue() / 1e3);
      System.out.flush();
      if (tail.hasNext()) {
        tail.next();
      }
    }
  }
}
