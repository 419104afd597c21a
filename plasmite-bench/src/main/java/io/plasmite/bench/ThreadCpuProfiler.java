package io.plasmite.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler that measures the CPU time of the benchmark threads, for figures that hold on a
 * shared machine: {@code bench/run CodecBenchmark -prof io.plasmite.bench.ThreadCpuProfiler}.
 *
 * <p>It adds two secondary results per iteration:
 *
 * <ul>
 *   <li>{@code cpu.ops} — operations per second of benchmark-thread CPU time. For single-threaded,
 *       CPU-bound code this is what the throughput would be if the thread had a core to itself; it
 *       stays close to it while other processes take turns on the cores (they still share caches
 *       and memory bandwidth, so it is not entirely immune).
 *   <li>{@code cpu.share} — benchmark-thread CPU time over wall time: about 1.0 per thread when the
 *       thread ran undisturbed, lower when it waited for a core. An iteration below about 0.95 per
 *       thread was disturbed and its wall-clock score understates the code.
 * </ul>
 *
 * <p>The benchmark threads are the JVM's threads whose name contains {@code jmh-worker}.
 */
public final class ThreadCpuProfiler implements InternalProfiler {
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final Map<Long, Long> cpuBefore = new HashMap<>();
  private long wallBefore;

  /** Creates the profiler; JMH calls this. */
  public ThreadCpuProfiler() {
    if (!threads.isThreadCpuTimeSupported()) {
      throw new UnsupportedOperationException("this JVM cannot measure thread CPU time");
    }
    if (!threads.isThreadCpuTimeEnabled()) {
      threads.setThreadCpuTimeEnabled(true);
    }
  }

  @Override
  public String getDescription() {
    return "CPU time of the benchmark threads: ops per CPU-second and share of a core";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    cpuBefore.clear();
    for (long id : workerIds()) {
      cpuBefore.put(id, threads.getThreadCpuTime(id));
    }
    wallBefore = System.nanoTime();
  }

  @Override
  public Collection<? extends Result> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    long wall = System.nanoTime() - wallBefore;
    long cpu = 0;
    for (long id : workerIds()) {
      long now = threads.getThreadCpuTime(id);
      if (now >= 0) {
        // A worker started during the iteration counts from zero.
        cpu += now - cpuBefore.getOrDefault(id, 0L);
      }
    }
    List<Result> out = new ArrayList<>(2);
    if (cpu > 0 && wall > 0) {
      long ops = result.getMetadata().getAllOps();
      out.add(new ScalarResult("cpu.ops", ops * 1e9 / cpu, "ops/cpu-s", AggregationPolicy.AVG));
      out.add(new ScalarResult("cpu.share", (double) cpu / wall, "cores", AggregationPolicy.AVG));
    }
    return out;
  }

  private List<Long> workerIds() {
    List<Long> ids = new ArrayList<>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().contains("jmh-worker")) {
        ids.add(info.getThreadId());
      }
    }
    return ids;
  }
}
