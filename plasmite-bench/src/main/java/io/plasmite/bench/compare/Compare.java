package io.plasmite.bench.compare;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.plasmite.LocalClient;
import io.plasmite.Pool;
import io.plasmite.PoolRef;
import io.plasmite.bench.Messages;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every side-by-side lane for ours, Chronicle Queue and the raw floor in one go and writes a
 * Markdown table and a JSON file with each lane's median, spread (min–max over iterations or runs)
 * and the ratios ours/Chronicle and ours/floor, with the project's targets marked met or missed.
 *
 * <p>In-JVM lanes run under JMH ({@code EngineBenchmark}, {@code FlushBenchmark} for ours, {@link
 * ChronicleBenchmark}, {@link FloorBenchmark}); multi-process writers, cross-process latency, bytes
 * per message and the CLI lanes run in child JVMs ({@link CompareChild}), each system's runs
 * interleaved so that drift in the machine's load hits all three alike.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp benchmarks.jar io.plasmite.bench.compare.Compare \
 *     [--quick | --smoke] [--out DIR] [--pls PATH] [--lanes jmh,writers,latency,bytes,cli]
 * </pre>
 *
 * {@code bench/run --compare [--quick]} builds and runs it. {@code --smoke} runs a few lanes for a
 * moment each (meaningless figures): the test suite's check that the harness still works.
 */
public final class Compare {
  private static final List<String> SYSTEMS = List.of("ours", "chronicle", "floor");
  private static final Set<String> ALL_LANES = Set.of("jmh", "writers", "latency", "bytes", "cli");

  private final boolean quick;
  private final boolean smoke;
  private final Path out;
  private final Path pls;
  private final Set<String> lanes;
  private final Path work;
  private final Map<String, Lane> results = new LinkedHashMap<>();
  private final PrintStream log = System.out;
  private final long startNs = System.nanoTime();

  private Compare(boolean quick, boolean smoke, Path out, Path pls, Set<String> lanes)
      throws IOException {
    this.quick = quick || smoke;
    this.smoke = smoke;
    this.out = out;
    this.pls = pls;
    this.lanes = lanes;
    this.work = Files.createTempDirectory("plasmite-compare");
  }

  /**
   * Runs the comparison.
   *
   * @param args {@code [--quick | --smoke] [--out DIR] [--pls PATH] [--lanes a,b,...]}
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    boolean quick = false;
    boolean smoke = false;
    Path out = Path.of("bench/results");
    Path pls = null;
    Set<String> lanes = ALL_LANES;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--smoke" -> smoke = true;
        case "--out" -> out = Path.of(args[++i]);
        case "--pls" -> pls = Path.of(args[++i]);
        case "--lanes" -> lanes = Set.of(args[++i].split(","));
        default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
      }
    }
    if (!ALL_LANES.containsAll(lanes)) {
      throw new IllegalArgumentException("lanes are some of " + ALL_LANES + ", not " + lanes);
    }
    new Compare(quick, smoke, out, pls, lanes).run();
  }

  private void run() throws Exception {
    String startLoad = loadAverage();
    Files.createDirectories(out);
    try {
      if (lanes.contains("jmh")) {
        jmhLanes();
      }
      if (lanes.contains("writers")) {
        writerLanes();
      }
      if (lanes.contains("latency")) {
        latencyLanes();
      }
      if (lanes.contains("bytes")) {
        bytesLanes();
      }
      if (lanes.contains("cli")) {
        if (pls == null) {
          progress("no --pls given, CLI lanes skipped%n");
        } else {
          cliLanes();
        }
      }
    } finally {
      BenchFiles.deleteTree(work);
    }
    judgeTargets();
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNs);
    String stem =
        LocalDate.now(ZoneOffset.UTC) + "-compare" + (smoke ? "-smoke" : quick ? "-quick" : "");
    String markdown = markdown(startLoad, loadAverage(), seconds);
    Files.writeString(out.resolve(stem + ".md"), markdown);
    writeJson(out.resolve(stem + ".json"), startLoad, seconds);
    log.println();
    log.print(markdown);
    log.println("compare: wrote " + out.resolve(stem + ".md") + " and " + stem + ".json");
  }

  private void progress(String format, Object... args) {
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNs);
    log.printf("compare [%3d s]: %s", seconds, String.format(Locale.ROOT, format, args));
    log.flush();
  }

  // ---- JMH lanes ----------------------------------------------------------------------------

  private static final Map<String, String> JMH_TITLES = new LinkedHashMap<>();
  private static final Set<String> SMOKE_JMH = Set.of("appendPreEncodedBatch");

  static {
    JMH_TITLES.put("appendJsonOneAtATime", "append one at a time, JSON text in");
    JMH_TITLES.put("appendPreEncodedOneAtATime", "append one at a time, pre-encoded bytes");
    JMH_TITLES.put("appendJsonBatch", "append batches of 1,000, JSON text in");
    JMH_TITLES.put("appendPreEncodedBatch", "append batches of 1,000, pre-encoded bytes");
    JMH_TITLES.put("tailRaw", "in-process read, raw bytes");
    JMH_TITLES.put("tailDecode", "in-process read, JSON decoded");
    JMH_TITLES.put("get", "get / seek by seq");
    JMH_TITLES.put("flush1Writer", "durable append, 1 writer thread");
    JMH_TITLES.put("flush8Writers", "durable append, 8 writer threads");
  }

  private void jmhLanes() throws Exception {
    Map<String, String> classes = new LinkedHashMap<>();
    classes.put("io.plasmite.bench.EngineBenchmark", "ours");
    classes.put("io.plasmite.bench.FlushBenchmark", "ours");
    classes.put("io.plasmite.bench.compare.ChronicleBenchmark", "chronicle");
    classes.put("io.plasmite.bench.compare.FloorBenchmark", "floor");
    for (String method : JMH_TITLES.keySet()) {
      if (smoke && !SMOKE_JMH.contains(method)) {
        continue;
      }
      for (String message : quick ? List.of("small") : List.of("small", "1k")) {
        boolean durable = method.startsWith("flush");
        if (durable && !message.equals("small")) {
          continue;
        }
        String id = durable ? method : method + "/" + message;
        Lane lane =
            results.computeIfAbsent(
                id,
                k ->
                    new Lane(
                        k,
                        JMH_TITLES.get(method) + (durable ? " (~130 B)" : ", " + size(message)),
                        "msg/s",
                        true));
        for (Map.Entry<String, String> c : classes.entrySet()) {
          boolean flushClass = c.getKey().endsWith("FlushBenchmark");
          boolean engineClass = c.getKey().endsWith("EngineBenchmark");
          if ((durable && engineClass) || (!durable && flushClass)) {
            continue;
          }
          String include = "^" + c.getKey().replace(".", "\\.") + "\\." + method + "$";
          progress("JMH %s %s %s%n", c.getValue(), method, durable ? "" : message);
          // Ours syncs into a ring written through once, as the floor syncs into a file written
          // at set-up (FlushBenchmark's ring=written).
          String ring = flushClass ? "written" : null;
          for (double score : jmh(include, durable ? null : message, ring, c.getValue(), id)) {
            lane.add(c.getValue(), score);
          }
        }
      }
    }
  }

  private List<Double> jmh(String include, String message, String ring, String system, String id)
      throws Exception {
    ChainedOptionsBuilder options =
        new OptionsBuilder()
            .include(include)
            .shouldFailOnError(true)
            .output(work.resolve("jmh-" + system + "-" + id.replace('/', '-') + ".log").toString());
    if (message != null) {
      options.param("message", message);
    }
    if (ring != null) {
      options.param("ring", ring);
    }
    if (smoke) {
      options
          .forks(1)
          .warmupIterations(0)
          .measurementIterations(1)
          .measurementTime(TimeValue.milliseconds(200));
    } else if (quick) {
      options
          .forks(1)
          .warmupIterations(1)
          .warmupTime(TimeValue.seconds(2))
          .measurementIterations(2)
          .measurementTime(TimeValue.seconds(1));
    } else {
      options
          .forks(3)
          .warmupIterations(2)
          .warmupTime(TimeValue.seconds(2))
          .measurementIterations(5)
          .measurementTime(TimeValue.seconds(1));
    }
    Collection<RunResult> runs = new Runner(options.build()).run();
    List<Double> scores = new ArrayList<>();
    for (RunResult run : runs) {
      for (BenchmarkResult fork : run.getBenchmarkResults()) {
        for (IterationResult iteration : fork.getIterationResults()) {
          scores.add(iteration.getPrimaryResult().getScore());
        }
      }
    }
    if (scores.isEmpty()) {
      throw new IllegalStateException("JMH gave no result for " + include);
    }
    return scores;
  }

  private static String size(String message) {
    return message.equals("small") ? "~130 B" : "~1 KB";
  }

  // ---- writer processes ---------------------------------------------------------------------

  private void writerLanes() throws Exception {
    int runs = quick ? 1 : 3;
    // Four JVMs on two cores compile their append paths while they contend: after a 1 s warm-up
    // ours ran at half its steady rate in quick runs (2 processes 422-451k/s, 3 s: 825-892k/s).
    long warmupMs = smoke ? 100 : 3000;
    long measureMs = smoke ? 300 : quick ? 1500 : 5000;
    for (int writers : smoke ? new int[] {2} : new int[] {1, 2, 4}) {
      Lane lane =
          results.computeIfAbsent(
              "writers-" + writers,
              k ->
                  new Lane(
                      k,
                      writers
                          + " writer process"
                          + (writers == 1 ? "" : "es")
                          + " on one pool/queue, pre-encoded ~130 B one at a time (sum)",
                      "msg/s",
                      true));
      for (int run = 0; run < runs; run++) {
        for (String system : SYSTEMS) {
          progress("%d writer processes, %s, run %d%n", writers, system, run + 1);
          lane.add(system, writers(system, writers, warmupMs, measureMs));
        }
      }
    }
  }

  private double writers(String system, int count, long warmupMs, long measureMs) throws Exception {
    Path dir = Files.createDirectories(work.resolve("writers-" + system));
    Store.create(system, dir);
    List<Child> children = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        // One at a time, so the first one creates Chronicle's queue before the others open it.
        Child c =
            child(
                system,
                "writer",
                system,
                dir.toString(),
                Long.toString(warmupMs),
                Long.toString(measureMs));
        children.add(c);
        c.expect("ready");
      }
      for (Child c : children) {
        c.send("go");
      }
      long total = 0;
      for (Child c : children) {
        total += Long.parseLong(c.line());
      }
      for (Child c : children) {
        c.await();
      }
      return total * 1000.0 / measureMs;
    } finally {
      for (Child c : children) {
        c.kill();
      }
      BenchFiles.deleteTree(dir);
    }
  }

  // ---- cross-process latency ----------------------------------------------------------------

  private void latencyLanes() throws Exception {
    int runs = quick ? 1 : 3;
    int rate = 2000;
    double seconds = smoke ? 0.2 : quick ? 2 : 10;
    long idleMs = smoke ? 200 : quick ? 2000 : 3000;
    for (int run = 0; run < runs; run++) {
      for (String system : List.of("ours", "ours-spin", "chronicle", "floor")) {
        if (smoke && system.equals("ours-spin")) {
          continue;
        }
        progress("latency at %d msg/s, %s, run %d%n", rate, system, run + 1);
        latency(system, rate, seconds, idleMs);
      }
    }
  }

  private void latency(String system, int rate, double seconds, long idleMs) throws Exception {
    long warmup = smoke ? 100 : rate * 2L;
    long count = warmup + (long) (rate * seconds);
    Path dir = Files.createDirectories(work.resolve("latency-" + system));
    Store.create(system, dir);
    Child reader = null;
    Child writer = null;
    try {
      reader =
          child(
              system,
              "reader",
              system,
              dir.toString(),
              Long.toString(count),
              Long.toString(warmup));
      reader.expect("ready");
      writer =
          child(
              system,
              "latency-writer",
              system,
              dir.toString(),
              Integer.toString(rate),
              Long.toString(count),
              Long.toString(warmup));
      writer.expect("started");
      long busyCpu0 = reader.cpuNs();
      long busyWall0 = System.nanoTime();
      writer.expect("done");
      double busyShare = (reader.cpuNs() - busyCpu0) * 100.0 / (System.nanoTime() - busyWall0);
      String[] h = reader.line().split(" ");
      long idleCpu0 = reader.cpuNs();
      long idleWall0 = System.nanoTime();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(idleMs));
      double idleShare = (reader.cpuNs() - idleCpu0) * 100.0 / (System.nanoTime() - idleWall0);
      writer.send("stop");
      writer.await();
      reader.await();
      boolean spin = system.equals("ours-spin");
      String key = spin ? "ours" : system;
      String suffix = spin ? "-spin" : "";
      String note = spin ? " — ours spinning 10 ms after each message" : "";
      String[] names = {"p50", "p99", "p99.9", "max"};
      for (int i = 0; i < names.length; i++) {
        String name = names[i];
        results
            .computeIfAbsent(
                "latency-" + name + suffix,
                k ->
                    new Lane(
                        k,
                        "cross-process latency " + name + " at " + rate + " msg/s" + note,
                        "µs",
                        false))
            .add(key, Long.parseLong(h[i]) / 1e3);
      }
      results
          .computeIfAbsent(
              "latency-idle-cpu" + suffix,
              k -> new Lane(k, "CPU of the idle reader" + note, "% of a core", false))
          .add(key, idleShare);
      results
          .computeIfAbsent(
              "latency-busy-cpu" + suffix,
              k ->
                  new Lane(k, "CPU of the reader while messages flow" + note, "% of a core", false))
          .add(key, busyShare);
    } finally {
      if (writer != null) {
        writer.kill();
      }
      if (reader != null) {
        reader.kill();
      }
      BenchFiles.deleteTree(dir);
    }
  }

  // ---- bytes per message --------------------------------------------------------------------

  private void bytesLanes() throws Exception {
    int count = smoke ? 1000 : 10_000;
    for (String input : List.of("json", "payload")) {
      for (String message : smoke ? List.of("small") : List.of("small", "1k")) {
        Lane lane =
            results.computeIfAbsent(
                "bytes/" + input + "/" + message,
                k ->
                    new Lane(
                        k,
                        "bytes used per message, "
                            + (input.equals("json") ? "JSON text in, " : "pre-encoded, ")
                            + size(message),
                        "B/msg",
                        false));
        for (String system : SYSTEMS) {
          progress("bytes per message, %s, %s, %s%n", system, input, message);
          Path dir = work.resolve("bytes-" + system + "-" + input + "-" + message);
          try {
            Child c =
                child(
                    system,
                    "bytes",
                    system,
                    dir.toString(),
                    input,
                    message,
                    Integer.toString(count));
            lane.add(system, Double.parseDouble(c.line()));
            c.await();
          } finally {
            BenchFiles.deleteTree(dir);
          }
        }
      }
    }
  }

  // ---- CLI ----------------------------------------------------------------------------------

  private void cliLanes() throws Exception {
    int lines = quick ? 100_000 : 1_000_000;
    int feedRuns = quick ? 1 : 3;
    int fetchRuns = quick ? 3 : 20;
    Path input = work.resolve("feed.jsonl");
    try (Writer w = Files.newBufferedWriter(input)) {
      for (int i = 0; i < lines; i++) {
        w.write(Messages.SMALL);
        w.write('\n');
      }
    }
    // The launcher rebuilds when its build is stale; do that outside the timings.
    run(List.of(pls.toString(), "version"), null);
    Lane feed =
        results.computeIfAbsent(
            "cli-feed",
            k ->
                new Lane(
                    k,
                    "CLI feed of " + lines + " JSON lines (~130 B), JVM start included",
                    "msg/s",
                    true));
    Lane fetch =
        results.computeIfAbsent(
            "cli-fetch",
            k ->
                new Lane(k, "CLI fetch of the oldest message: process start to exit", "ms", false));
    for (String system : SYSTEMS) {
      Path dir = Files.createDirectories(work.resolve("cli-" + system));
      try {
        for (int run = 0; run < feedRuns; run++) {
          progress("CLI feed, %s, run %d%n", system, run + 1);
          BenchFiles.deleteTree(dir);
          Files.createDirectories(dir);
          Store.create(system, dir);
          long ns = run(feedCommand(system, dir), input);
          feed.add(system, lines * 1e9 / ns);
        }
        progress("CLI fetch, %s%n", system);
        List<String> command = fetchCommand(system, dir);
        int warmups = quick ? 1 : 2;
        for (int run = 0; run < warmups + fetchRuns; run++) {
          long ns = run(command, null);
          if (run >= warmups) {
            fetch.add(system, ns / 1e6);
          }
        }
      } finally {
        BenchFiles.deleteTree(dir);
      }
    }
  }

  private List<String> feedCommand(String system, Path dir) {
    if (system.equals("ours")) {
      return List.of(
          pls.toString(),
          "--dir",
          dir.toString(),
          "feed",
          dir.resolve(Store.POOL_FILE).toString(),
          "--file",
          "-");
    }
    return childCommand(system, "feed", system, dir.toString());
  }

  private List<String> fetchCommand(String system, Path dir) {
    if (system.equals("ours")) {
      // The oldest message still in the ring (a full run's feed wraps it), as the others fetch
      // their first one.
      Path pool = dir.resolve(Store.POOL_FILE);
      long oldestSeq;
      try (Pool p = new LocalClient().open(PoolRef.path(pool))) {
        oldestSeq = p.info().oldestSeq();
      }
      return List.of(
          pls.toString(),
          "--dir",
          dir.toString(),
          "fetch",
          pool.toString(),
          Long.toString(oldestSeq));
    }
    return childCommand(system, "fetch", system, dir.toString());
  }

  /** Runs a command to its end, stdout discarded, and returns its wall time. */
  private static long run(List<String> command, Path stdin) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    if (stdin != null) {
      pb.redirectInput(stdin.toFile());
    }
    long start = System.nanoTime();
    Process p = pb.start();
    int status = p.waitFor();
    long ns = System.nanoTime() - start;
    if (status != 0) {
      throw new IllegalStateException("exit status " + status + ": " + command);
    }
    return ns;
  }

  // ---- child JVMs ---------------------------------------------------------------------------

  private static List<String> childCommand(String system, String... args) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    if (system.equals("chronicle")) {
      command.addAll(ChronicleQueues.JVM_FLAGS);
    } else if (system.startsWith("ours")) {
      // The standard opt-in for plasmite-core's java.lang.foreign calls (it runs without it, with
      // a warning); the same flag every benchmark of ours runs with.
      command.add("--enable-native-access=ALL-UNNAMED");
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(CompareChild.class.getName());
    command.addAll(List.of(args));
    return command;
  }

  private static Child child(String system, String... args) throws IOException {
    return new Child(
        new ProcessBuilder(childCommand(system, args))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start());
  }

  /** A child JVM and its line protocol. */
  private static final class Child {
    private final Process process;
    private final BufferedReader stdout;
    private final Writer stdin;

    Child(Process process) {
      this.process = process;
      InputStream in = process.getInputStream();
      this.stdout = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      this.stdin =
          new BufferedWriter(
              new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    }

    String line() throws IOException {
      String line = stdout.readLine();
      if (line == null) {
        throw new IllegalStateException("child " + process.pid() + " ended early");
      }
      return line;
    }

    void expect(String expected) throws IOException {
      String line = line();
      if (!line.equals(expected)) {
        throw new IllegalStateException("child said " + line + ", not " + expected);
      }
    }

    void send(String line) throws IOException {
      stdin.write(line);
      stdin.write('\n');
      stdin.flush();
    }

    void await() throws InterruptedException {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("child " + process.pid() + " did not exit");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException("child " + process.pid() + " failed");
      }
    }

    void kill() {
      process.destroyForcibly();
    }

    /** The process's user + system CPU time, from /proc (clock ticks of 10 ms). */
    long cpuNs() throws IOException {
      String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      return ticks * 10_000_000L;
    }
  }

  // ---- targets and output -------------------------------------------------------------------

  private void judgeTargets() {
    for (String id : List.of("appendPreEncodedBatch/small", "appendPreEncodedBatch/1k")) {
      ratioTarget(id, 0.5, "≥ 0.5× Chronicle");
    }
    ratioTarget("writers-2", 1.0, "≥ 1.0× Chronicle");
    ratioTarget("writers-4", 1.0, "≥ 1.0× Chronicle");
    ratioTarget("flush8Writers", 10.0, "≥ 10× Chronicle");
    Lane p99 = results.get("latency-p99");
    Lane idle = results.get("latency-idle-cpu");
    if (p99 != null && idle != null && p99.has("ours") && idle.has("ours")) {
      p99.target = "ours ≤ 100 µs with the idle reader < 5 % of a core";
      p99.met = p99.median("ours") <= 100 && idle.median("ours") < 5;
      idle.target = "ours < 5 %";
      idle.met = idle.median("ours") < 5;
    }
  }

  private void ratioTarget(String id, double min, String text) {
    Lane lane = results.get(id);
    if (lane != null) {
      lane.target = text;
      double r = lane.ratio("chronicle");
      lane.met = Double.isNaN(r) ? null : r >= min;
    }
  }

  private String markdown(String startLoad, String endLoad, long seconds) throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# Side by side: ours, Chronicle Queue, raw floor\n\n");
    for (Map.Entry<String, String> e : machine(startLoad, endLoad, seconds).entrySet()) {
      md.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
    }
    md.append(
        "\nEach cell: median (min–max) over JMH iterations of all forks, or over harness runs."
            + " Ratios are of medians, ours first; for µs, ms, B/msg and % lower is better.\n\n");
    md.append(
        "| lane | unit | ours | Chronicle | floor | ours/Chronicle | ours/floor | target |\n");
    md.append("|---|---|---|---|---|---|---|---|\n");
    for (Lane lane : results.values()) {
      md.append("| ").append(lane.title).append(" | ").append(lane.unit);
      for (String system : SYSTEMS) {
        md.append(" | ").append(cell(lane, system));
      }
      md.append(" | ").append(ratio(lane.ratio("chronicle")));
      md.append(" | ").append(ratio(lane.ratio("floor")));
      md.append(" | ");
      if (lane.target != null) {
        md.append(lane.target)
            .append(": ")
            .append(lane.met == null ? "n/a" : lane.met ? "**met**" : "**missed**");
      }
      md.append(" |\n");
    }
    return md.toString();
  }

  private static String cell(Lane lane, String system) {
    if (!lane.has(system)) {
      return "–";
    }
    String median = number(lane.median(system));
    if (lane.samples.get(system).size() == 1) {
      return median;
    }
    return median + " (" + number(lane.min(system)) + "–" + number(lane.max(system)) + ")";
  }

  private static String ratio(double r) {
    return Double.isNaN(r) ? "–" : String.format(Locale.ROOT, "%.2f", r);
  }

  /** Three significant digits, thousands separated. */
  private static String number(double v) {
    if (v == 0) {
      return "0";
    }
    double magnitude = Math.pow(10, Math.floor(Math.log10(Math.abs(v))) - 2);
    double rounded = Math.round(v / magnitude) * magnitude;
    if (Math.abs(rounded) >= 100) {
      return String.format(Locale.ROOT, "%,.0f", rounded);
    }
    return String.format(Locale.ROOT, Math.abs(rounded) >= 10 ? "%.1f" : "%.2f", rounded);
  }

  private Map<String, String> machine(String startLoad, String endLoad, long seconds)
      throws IOException {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("date", ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_INSTANT));
    m.put(
        "machine",
        Runtime.getRuntime().availableProcessors()
            + " cores, "
            + cpuModel()
            + ", "
            + System.getProperty("os.name")
            + " "
            + System.getProperty("os.version"));
    m.put(
        "JDK",
        System.getProperty("java.vm.vendor")
            + " "
            + System.getProperty("java.runtime.version")
            + " ("
            + System.getProperty("java.vm.name")
            + ")");
    m.put(
        "Chronicle Queue",
        chronicleVersion()
            + " (chronicle-analytics excluded, -Dchronicle.analytics.disable=true); its JVMs only: "
            + String.join(
                " ", ChronicleQueues.JVM_FLAGS.subList(1, ChronicleQueues.JVM_FLAGS.size())));
    m.put(
        "mode",
        smoke
            ? "smoke (a moment per lane: the figures mean nothing)"
            : quick
                ? "quick (JMH: 1 fork, 1×2 s warm-up, 2×1 s measured, small messages; harness: 1 run each)"
                : "full (JMH: 3 forks, 2×2 s warm-up, 5×1 s measured; harness: 3 runs each)");
    m.put(
        "messages",
        "small: "
            + Messages.SMALL.getBytes(StandardCharsets.UTF_8).length
            + " B of JSON, "
            + Fixtures.of("small").payload().length
            + " B as our Lite3 envelope (the pre-encoded bytes); 1k: "
            + Messages.ONE_KB.getBytes(StandardCharsets.UTF_8).length
            + " B of JSON, "
            + Fixtures.of("1k").payload().length
            + " B as Lite3");
    m.put("load average (1, 5, 15 min) at start / end", startLoad + " / " + endLoad);
    m.put("duration", seconds + " s");
    return m;
  }

  private void writeJson(Path file, String startLoad, long seconds) throws IOException {
    try (Writer w = Files.newBufferedWriter(file);
        JsonGenerator g = new JsonFactory().createGenerator(w).useDefaultPrettyPrinter()) {
      g.writeStartObject();
      for (Map.Entry<String, String> e : machine(startLoad, loadAverage(), seconds).entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeArrayFieldStart("lanes");
      for (Lane lane : results.values()) {
        g.writeStartObject();
        g.writeStringField("id", lane.id);
        g.writeStringField("title", lane.title);
        g.writeStringField("unit", lane.unit);
        g.writeBooleanField("higherIsBetter", lane.higherIsBetter);
        g.writeObjectFieldStart("systems");
        for (String system : SYSTEMS) {
          if (!lane.has(system)) {
            continue;
          }
          g.writeObjectFieldStart(system);
          g.writeNumberField("median", lane.median(system));
          g.writeNumberField("min", lane.min(system));
          g.writeNumberField("max", lane.max(system));
          g.writeArrayFieldStart("samples");
          for (double v : lane.samples.get(system)) {
            g.writeNumber(v);
          }
          g.writeEndArray();
          g.writeEndObject();
        }
        g.writeEndObject();
        writeRatio(g, "oursOverChronicle", lane.ratio("chronicle"));
        writeRatio(g, "oursOverFloor", lane.ratio("floor"));
        if (lane.target != null) {
          g.writeStringField("target", lane.target);
          if (lane.met == null) {
            g.writeNullField("met");
          } else {
            g.writeBooleanField("met", lane.met);
          }
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
  }

  private static void writeRatio(JsonGenerator g, String name, double r) throws IOException {
    if (Double.isNaN(r)) {
      g.writeNullField(name);
    } else {
      g.writeNumberField(name, r);
    }
  }

  private static String cpuModel() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
      if (line.startsWith("model name")) {
        return line.substring(line.indexOf(':') + 1).trim();
      }
    }
    return "unknown CPU";
  }

  private static String loadAverage() throws IOException {
    String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return f[0] + " " + f[1] + " " + f[2];
  }

  private static String chronicleVersion() throws IOException {
    Properties p = new Properties();
    try (InputStream in = Compare.class.getResourceAsStream("compare.properties")) {
      if (in == null) {
        return "unknown";
      }
      p.load(in);
    }
    return p.getProperty("chronicle.version", "unknown");
  }
}
