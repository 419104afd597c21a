package io.plasmite.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * Load for a running {@code pls serve} on loopback (run by {@code bench/serve}): appends per
 * second, and the fan-out of one message to many idle tails.
 *
 * <p>{@code appends}: several keep-alive connections, each a platform thread writing one {@code
 * POST /v0/pools/POOL/append} and reading its answer in turn on a raw socket (no HTTP client
 * library: the generator shares the two cores with the server and must cost little). A warm-up,
 * then timed runs, each started on every connection at once; per run the appends per second and the
 * latency percentiles (HdrHistogram), and the CPU time the server and this generator used per
 * append (from {@code /proc}: on a shared machine a steadier figure than the rate). At the end the
 * pool's newest seq must equal the number of 200 answers: every acknowledged append is in the pool,
 * and nothing else is.
 *
 * <p>{@code tails}: one message, then {@code N} streams {@code GET /v0/pools/POOL/tail?since_seq=1}
 * (JSON Lines), each read by its own virtual thread; a stream counts as open once that first
 * message reached it. With all of them open and idle, the server's heap ({@code jcmd GC.heap_info},
 * before and after a full collection) and RSS; then rounds of one append each, spaced out (a few
 * unreported warm-up rounds first), timing from just before the POST to the moment each stream has
 * the message.
 *
 * <pre>
 * java -cp benchmarks.jar io.plasmite.bench.ServeBench appends --port=P --token=T --pool=bench \
 *     [--server-pid=PID] [--connections=16] [--warmup=10] [--runs=5] [--seconds=10]
 * java -cp benchmarks.jar io.plasmite.bench.ServeBench tails --port=P --token=T --pool=tails \
 *     --server-pid=PID [--tails=1000] [--warmup-rounds=5] [--rounds=20] [--spacing-ms=250]
 * </pre>
 */
public final class ServeBench {
  /** The appended data: 127 bytes of request body, a typical small event. */
  static final String BODY =
      "{\"data\":{\"kind\":\"order\",\"id\":123456,\"sku\":\"ABC-123-XYZ\",\"qty\":2,"
          + "\"price\":19.99,\"note\":\"a benchmark message of about 130 bytes\"}}";

  private static final Pattern NEWEST = Pattern.compile("\"newest\":(\\d+)");
  private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");

  private final String host = InetAddress.getLoopbackAddress().getHostAddress();
  private final int port;
  private final String token;
  private final String pool;

  private ServeBench(Map<String, String> opts) {
    this.port = Integer.parseInt(required(opts, "port"));
    this.token = required(opts, "token");
    this.pool = required(opts, "pool");
  }

  /**
   * Runs one of the two measurements.
   *
   * @param args {@code appends|tails --name=value...}
   * @throws Exception on failure (a refused request, a count that does not match)
   */
  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      throw new IllegalArgumentException("usage: ServeBench appends|tails --port=P ...");
    }
    Map<String, String> opts = new HashMap<>();
    for (String a : Arrays.copyOfRange(args, 1, args.length)) {
      int eq = a.indexOf('=');
      if (!a.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException("expected --name=value: " + a);
      }
      opts.put(a.substring(2, eq), a.substring(eq + 1));
    }
    ServeBench bench = new ServeBench(opts);
    switch (args[0]) {
      case "appends" ->
          bench.appends(
              Long.parseLong(opts.getOrDefault("server-pid", "-1")),
              intOpt(opts, "connections", 16),
              intOpt(opts, "warmup", 10),
              intOpt(opts, "runs", 5),
              intOpt(opts, "seconds", 10));
      case "tails" ->
          bench.tails(
              Long.parseLong(required(opts, "server-pid")),
              intOpt(opts, "tails", 1000),
              intOpt(opts, "warmup-rounds", 5),
              intOpt(opts, "rounds", 20),
              intOpt(opts, "spacing-ms", 250));
      default -> throw new IllegalArgumentException("unknown mode: " + args[0]);
    }
  }

  // ---------------------------------------------------------------- appends

  private void appends(long serverPid, int connections, int warmupSeconds, int runs, int seconds)
      throws Exception {
    byte[] request = post("/v0/pools/" + pool + "/append", BODY);
    int phases = 1 + runs;
    long[] phaseNs = new long[phases];
    long[][] ok = new long[connections][phases];
    Histogram[][] latency = new Histogram[connections][phases];
    CyclicBarrier start = new CyclicBarrier(connections + 1);
    CyclicBarrier end = new CyclicBarrier(connections + 1);
    long[] deadline = new long[1];
    List<Thread> threads = new ArrayList<>();
    AtomicInteger failures = new AtomicInteger();
    for (int c = 0; c < connections; c++) {
      int conn = c;
      threads.add(
          Thread.ofPlatform()
              .name("append-" + c)
              .start(
                  () -> {
                    try (Connection http = new Connection(host, port)) {
                      for (int p = 0; p < phases; p++) {
                        Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
                        latency[conn][p] = h;
                        start.await();
                        long until = deadline[0];
                        long n = 0;
                        for (long t0 = System.nanoTime(); t0 - until < 0; t0 = System.nanoTime()) {
                          http.write(request);
                          int status = http.readResponse(null);
                          h.recordValue(System.nanoTime() - t0);
                          if (status != 200) {
                            failures.incrementAndGet();
                            throw new IOException("append answered " + status);
                          }
                          n++;
                        }
                        ok[conn][p] = n;
                        end.await();
                      }
                    } catch (Exception e) {
                      failures.incrementAndGet();
                      e.printStackTrace();
                      start.reset();
                      end.reset();
                    }
                  }));
    }
    System.out.printf(
        Locale.ROOT,
        "appends: %d connections, body %d bytes, warm-up %d s, %d runs x %d s%n",
        connections,
        BODY.length(),
        warmupSeconds,
        runs,
        seconds);
    double[] rates = new double[runs];
    for (int p = 0; p < phases; p++) {
      int len = p == 0 ? warmupSeconds : seconds;
      deadline[0] = System.nanoTime() + TimeUnit.SECONDS.toNanos(len);
      long cpu0 = cpuNs(serverPid);
      long ownCpu0 = cpuNs(ProcessHandle.current().pid());
      long t0 = System.nanoTime();
      start.await();
      end.await();
      phaseNs[p] = System.nanoTime() - t0;
      long serverCpu = cpuNs(serverPid) - cpu0;
      long ownCpu = cpuNs(ProcessHandle.current().pid()) - ownCpu0;
      long n = 0;
      Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
      for (int c = 0; c < connections; c++) {
        n += ok[c][p];
        h.add(latency[c][p]);
      }
      double rate = n / (phaseNs[p] / 1e9);
      if (p > 0) {
        rates[p - 1] = rate;
      }
      System.out.printf(
          Locale.ROOT,
          "  %-8s %7.0f appends/s (%d in %.2f s); CPU per append: server %.1f us, load %.1f us;"
              + " latency us p50 %d p99 %d p99.9 %d max %d%n",
          p == 0 ? "warm-up" : "run " + p,
          rate,
          n,
          phaseNs[p] / 1e9,
          serverPid < 0 ? Double.NaN : serverCpu / 1e3 / n,
          ownCpu / 1e3 / n,
          h.getValueAtPercentile(50) / 1000,
          h.getValueAtPercentile(99) / 1000,
          h.getValueAtPercentile(99.9) / 1000,
          h.getMaxValue() / 1000);
    }
    for (Thread t : threads) {
      t.join();
    }
    if (failures.get() != 0) {
      throw new IllegalStateException(failures.get() + " connection(s) failed");
    }
    long acked = 0;
    for (long[] perConn : ok) {
      for (long n : perConn) {
        acked += n;
      }
    }
    double[] sorted = rates.clone();
    Arrays.sort(sorted);
    System.out.printf(
        Locale.ROOT,
        "appends/s: median %.0f  min %.0f  max %.0f  (spread %.1f%% of the median)%n",
        median(sorted),
        sorted[0],
        sorted[sorted.length - 1],
        100 * (sorted[sorted.length - 1] - sorted[0]) / median(sorted));
    long newest = newestSeq();
    System.out.printf(
        Locale.ROOT, "check: %d appends acknowledged, pool's newest seq %d%n", acked, newest);
    if (newest != acked) {
      throw new IllegalStateException(
          "the pool holds " + newest + " messages but " + acked + " appends were acknowledged");
    }
  }

  private long newestSeq() throws IOException {
    try (Connection http = new Connection(host, port)) {
      http.write(get("/v0/pools/" + pool + "/info"));
      StringBuilder body = new StringBuilder();
      int status = http.readResponse(body);
      Matcher m = NEWEST.matcher(body);
      if (status != 200 || !m.find()) {
        throw new IOException("pool info answered " + status + ": " + body);
      }
      return Long.parseLong(m.group(1));
    }
  }

  // ---------------------------------------------------------------- tails

  private void tails(long serverPid, int count, int warmupRounds, int measuredRounds, int spacingMs)
      throws Exception {
    int rounds = warmupRounds + measuredRounds;
    byte[] append = post("/v0/pools/" + pool + "/append", BODY);
    try (Connection writer = new Connection(host, port)) {
      writer.write(append);
      if (writer.readResponse(null) != 200) {
        throw new IOException("the first append failed");
      }
      // arrivals[r][t]: when tail t had the message of round r (seq r + 2).
      long[][] arrivals = new long[rounds][count];
      CountDownLatch open = new CountDownLatch(count);
      CountDownLatch[] roundDone = new CountDownLatch[rounds];
      for (int r = 0; r < rounds; r++) {
        roundDone[r] = new CountDownLatch(count);
      }
      byte[] tailRequest = get("/v0/pools/" + pool + "/tail?since_seq=1");
      List<Connection> streams = new ArrayList<>();
      AtomicInteger broken = new AtomicInteger();
      AtomicBoolean closing = new AtomicBoolean();
      long openStart = System.nanoTime();
      for (int t = 0; t < count; t++) {
        Connection c = new Connection(host, port);
        streams.add(c);
        int tail = t;
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    c.write(tailRequest);
                    c.readStream(
                        line -> {
                          long now = System.nanoTime();
                          Matcher m = SEQ.matcher(line);
                          if (!m.find()) {
                            throw new IllegalStateException("not a message: " + line);
                          }
                          long seq = Long.parseLong(m.group(1));
                          if (seq == 1) {
                            open.countDown();
                          } else if (seq - 2 < rounds) {
                            arrivals[(int) (seq - 2)][tail] = now;
                            roundDone[(int) (seq - 2)].countDown();
                          }
                        });
                  } catch (IOException | RuntimeException e) {
                    if (!closing.get() && broken.incrementAndGet() == 1) {
                      e.printStackTrace();
                    }
                  }
                });
      }
      if (!open.await(120, TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            (count - open.getCount()) + " of " + count + " tails opened, " + broken + " failed");
      }
      System.out.printf(
          Locale.ROOT,
          "tails: %d streams open and idle after %.1f s%n",
          count,
          (System.nanoTime() - openStart) / 1e9);
      Thread.sleep(2000); // let the opening's garbage and threads settle before looking at memory
      serverMemory(serverPid);
      long[] last = new long[measuredRounds];
      Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
      for (int r = 0; r < rounds; r++) {
        Thread.sleep(spacingMs);
        long t0 = System.nanoTime();
        writer.write(append);
        if (writer.readResponse(null) != 200) {
          throw new IOException("append of round " + (r + 1) + " failed");
        }
        if (!roundDone[r].await(60, TimeUnit.SECONDS)) {
          throw new IllegalStateException(
              "round " + (r + 1) + ": " + roundDone[r].getCount() + " tails never got it");
        }
        Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        for (long at : arrivals[r]) {
          h.recordValue(at - t0);
        }
        if (r >= warmupRounds) {
          all.add(h);
          last[r - warmupRounds] = h.getMaxValue();
        }
        System.out.printf(
            Locale.ROOT,
            "  %-9s to the last of %d tails %6.1f ms  (p50 %5.1f ms, p99 %5.1f ms)%n",
            r < warmupRounds ? "warm-up:" : "round " + (r - warmupRounds + 1) + ":",
            count,
            h.getMaxValue() / 1e6,
            h.getValueAtPercentile(50) / 1e6,
            h.getValueAtPercentile(99) / 1e6);
      }
      long[] sorted = last.clone();
      Arrays.sort(sorted);
      System.out.printf(
          Locale.ROOT,
          "fan-out to the last tail: median %.1f ms, worst %.1f ms over %d rounds;"
              + " per tail p50 %.1f ms, p99 %.1f ms%n",
          sorted[sorted.length / 2] / 1e6,
          sorted[sorted.length - 1] / 1e6,
          measuredRounds,
          all.getValueAtPercentile(50) / 1e6,
          all.getValueAtPercentile(99) / 1e6);
      serverMemory(serverPid);
      if (broken.get() != 0) {
        throw new IllegalStateException(broken + " tails failed");
      }
      closing.set(true);
      for (Connection c : streams) {
        c.close();
      }
    }
  }

  /** The CPU time (user and system) a process used so far, from /proc; 0 when unknown. */
  private static long cpuNs(long pid) throws IOException {
    if (pid < 0) {
      return 0;
    }
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    // After the command name in parentheses: state is field 3, utime 14 and stime 15.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    return ticks * 10_000_000L; // USER_HZ is 100 on Linux
  }

  /** The server's heap (used, then live after a full GC, and committed), RSS and threads. */
  private static void serverMemory(long pid) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    String before = run(jcmd.toString(), Long.toString(pid), "GC.heap_info");
    run(jcmd.toString(), Long.toString(pid), "GC.run");
    String after = run(jcmd.toString(), Long.toString(pid), "GC.heap_info");
    String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
    System.out.printf(
        Locale.ROOT,
        "  server heap: %s used, %s after a full GC (committed %s, max -Xmx); RSS %s; threads %s%n",
        heapUsed(before),
        heapUsed(after),
        heapCommitted(after),
        procField(status, "VmRSS"),
        procField(status, "Threads"));
  }

  private static String heapUsed(String heapInfo) {
    Matcher m =
        Pattern.compile("total (?:reserved )?\\d+K, (?:committed \\d+K, )?used (\\d+)K")
            .matcher(heapInfo);
    return m.find() ? (Long.parseLong(m.group(1)) / 1024) + " MiB" : "?";
  }

  private static String heapCommitted(String heapInfo) {
    Matcher m = Pattern.compile("committed (\\d+)K").matcher(heapInfo);
    if (m.find()) {
      return (Long.parseLong(m.group(1)) / 1024) + " MiB";
    }
    m = Pattern.compile("total (\\d+)K").matcher(heapInfo);
    return m.find() ? (Long.parseLong(m.group(1)) / 1024) + " MiB" : "?";
  }

  private static String procField(String status, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + ":\\s+(.*)$").matcher(status);
    return m.find() ? m.group(1).trim() : "?";
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }

  // ---------------------------------------------------------------- HTTP/1.1 on a raw socket

  private byte[] post(String path, String body) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    byte[] h =
        request("POST", path, "Content-Type: application/json\r\nContent-Length: " + b.length);
    byte[] out = Arrays.copyOf(h, h.length + b.length);
    System.arraycopy(b, 0, out, h.length, b.length);
    return out;
  }

  private byte[] get(String path) {
    return request("GET", path, null);
  }

  /** A request's head: line, host, token and the extra header lines, up to the blank line. */
  private byte[] request(String method, String path, String extraHeaders) {
    String head =
        method
            + " "
            + path
            + " HTTP/1.1\r\nHost: "
            + host
            + ":"
            + port
            + "\r\nAuthorization: Bearer "
            + token
            + "\r\n"
            + (extraHeaders == null ? "" : extraHeaders + "\r\n")
            + "\r\n";
    return head.getBytes(StandardCharsets.US_ASCII);
  }

  /** A line of a JSON Lines stream. */
  private interface LineSink {
    void line(String line);
  }

  /** One keep-alive connection: requests out, responses (sized or chunked) in. */
  private static final class Connection implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final byte[] buf = new byte[16 * 1024];
    private int pos;
    private int limit;

    Connection(String host, int port) throws IOException {
      socket = new Socket(host, port);
      socket.setTcpNoDelay(true);
      out = socket.getOutputStream();
      in = socket.getInputStream();
    }

    void write(byte[] request) throws IOException {
      out.write(request);
    }

    /** Reads one response with a Content-Length; its status, and its body into {@code body}. */
    int readResponse(StringBuilder body) throws IOException {
      String statusLine = readLine();
      int status = Integer.parseInt(statusLine.substring(9, 12));
      long length = -1;
      for (String h = readLine(); !h.isEmpty(); h = readLine()) {
        if (h.regionMatches(true, 0, "content-length:", 0, 15)) {
          length = Long.parseLong(h.substring(15).trim());
        }
      }
      if (length < 0) {
        throw new IOException("expected a Content-Length in the response: " + statusLine);
      }
      for (long left = length; left > 0; ) {
        fill();
        int n = (int) Math.min(left, limit - pos);
        if (body != null) {
          body.append(new String(buf, pos, n, StandardCharsets.UTF_8));
        }
        pos += n;
        left -= n;
      }
      return status;
    }

    /** Reads a chunked 200 response line by line until it ends or the socket closes. */
    void readStream(LineSink sink) throws IOException {
      String statusLine = readLine();
      if (!statusLine.startsWith("HTTP/1.1 200")) {
        throw new IOException("tail answered " + statusLine);
      }
      while (!readLine().isEmpty()) {
        // headers: the stream is chunked (Transfer-Encoding: chunked)
      }
      StringBuilder line = new StringBuilder();
      while (true) {
        int size = Integer.parseInt(readLine().trim(), 16);
        if (size == 0) {
          return;
        }
        for (int left = size; left > 0; ) {
          fill();
          int n = Math.min(left, limit - pos);
          for (int i = 0; i < n; i++) {
            byte b = buf[pos + i];
            if (b == '\n') {
              sink.line(line.toString());
              line.setLength(0);
            } else {
              line.append((char) (b & 0xff));
            }
          }
          pos += n;
          left -= n;
        }
        readLine(); // the CRLF after the chunk
      }
    }

    private String readLine() throws IOException {
      StringBuilder sb = new StringBuilder();
      while (true) {
        fill();
        byte b = buf[pos++];
        if (b == '\n') {
          int n = sb.length();
          return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
        }
        sb.append((char) (b & 0xff));
      }
    }

    private void fill() throws IOException {
      if (pos < limit) {
        return;
      }
      int n = in.read(buf);
      if (n < 0) {
        throw new IOException("the server closed the connection");
      }
      pos = 0;
      limit = n;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  // ---------------------------------------------------------------- options

  private static String required(Map<String, String> opts, String name) {
    String v = opts.get(name);
    if (v == null) {
      throw new IllegalArgumentException("missing --" + name + "=...");
    }
    return v;
  }

  private static int intOpt(Map<String, String> opts, String name, int dflt) {
    String v = opts.get(name);
    return v == null ? dflt : Integer.parseInt(v);
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
