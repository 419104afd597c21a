package io.plasmite.bench.compare;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The child processes of {@link Compare}, one role per run, talking to the parent by lines on
 * stdin/stdout:
 *
 * <ul>
 *   <li>{@code writer SYSTEM DIR WARMUP_MS MEASURE_MS}: prints {@code ready}, waits for {@code go},
 *       appends the small pre-encoded payload one at a time for the warm-up, then counts appends
 *       for the measurement and prints the count;
 *   <li>{@code latency-writer SYSTEM DIR RATE COUNT WARMUP}: appends {@code COUNT} JSON messages
 *       carrying their send time at a fixed rate, prints {@code done}, waits for a line, appends
 *       one last message (which ends the reader) and exits;
 *   <li>{@code reader SYSTEM DIR COUNT WARMUP}: follows new messages, prints {@code ready}, records
 *       append-to-read latency after the warm-up in an HdrHistogram and prints {@code p50 p99 p99.9
 *       max} in nanoseconds, then waits for the last message;
 *   <li>{@code bytes SYSTEM DIR json|payload MESSAGE COUNT}: appends {@code COUNT} messages (JSON
 *       text or pre-encoded payloads) to a new store and prints the bytes per message;
 *   <li>{@code feed SYSTEM DIR}: appends each line of stdin as JSON text;
 *   <li>{@code fetch SYSTEM DIR}: prints the first message's JSON.
 * </ul>
 */
public final class CompareChild {
  private CompareChild() {}

  /**
   * Runs one role.
   *
   * @param args the role and its arguments
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    String role = args[0];
    String system = args[1];
    Path dir = Path.of(args[2]);
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    switch (role) {
      case "writer" -> writer(system, dir, Long.parseLong(args[3]), Long.parseLong(args[4]), in);
      case "latency-writer" ->
          latencyWriter(
              system,
              dir,
              Integer.parseInt(args[3]),
              Long.parseLong(args[4]),
              Long.parseLong(args[5]),
              in);
      case "reader" -> reader(system, dir, Long.parseLong(args[3]), Long.parseLong(args[4]));
      case "bytes" ->
          bytes(system, dir, args[3].equals("json"), args[4], Integer.parseInt(args[5]));
      case "feed" -> feed(system, dir, in);
      case "fetch" -> {
        try (Store store = Store.open(system, dir, false)) {
          System.out.println(store.firstJson());
        }
      }
      default -> throw new IllegalArgumentException("unknown role: " + role);
    }
  }

  private static void writer(
      String system, Path dir, long warmupMs, long measureMs, BufferedReader in) throws Exception {
    byte[] payload = Fixtures.of("small").payload();
    try (Store store = Store.open(system, dir, false)) {
      System.out.println("ready");
      System.out.flush();
      if (!"go".equals(in.readLine())) {
        throw new IllegalStateException("no go");
      }
      long start = System.nanoTime();
      long measureFrom = start + TimeUnit.MILLISECONDS.toNanos(warmupMs);
      long end = measureFrom + TimeUnit.MILLISECONDS.toNanos(measureMs);
      long counted = 0;
      long now;
      while ((now = System.nanoTime()) < end) {
        // Check the clock once per 64 appends; the overshoot is well under a millisecond.
        for (int i = 0; i < 64; i++) {
          store.appendPayload(payload);
        }
        if (now >= measureFrom) {
          counted += 64;
        }
      }
      System.out.println(counted);
      System.out.flush();
    }
  }

  private static void latencyWriter(
      String system, Path dir, int rate, long count, long warmup, BufferedReader in)
      throws Exception {
    long periodNs = 1_000_000_000L / rate;
    try (Store store = Store.open(system, dir, false)) {
      System.out.println("started");
      System.out.flush();
      long next = System.nanoTime();
      for (long i = 0; i < count; i++) {
        next += periodNs;
        while (System.nanoTime() < next) {
          LockSupport.parkNanos(next - System.nanoTime());
        }
        store.appendJson(
            "{\"i\":" + i + ",\"t\":" + System.nanoTime() + ",\"w\":" + (i < warmup) + "}");
      }
      System.out.println("done");
      System.out.flush();
      in.readLine();
      store.appendJson("{\"i\":-1,\"t\":0,\"w\":true}");
    }
  }

  private static void reader(String system, Path dir, long count, long warmup) throws IOException {
    Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
    try (Store store = Store.open(system, dir, true)) {
      System.out.println("ready");
      System.out.flush();
      for (long seen = 0; seen < count; seen++) {
        String data = store.nextJson();
        long now = System.nanoTime();
        long sent =
            Long.parseLong(data.substring(data.indexOf("\"t\":") + 4, data.indexOf(",\"w\"")));
        if (seen >= warmup) {
          h.recordValue(Math.max(0, now - sent));
        }
      }
      System.out.println(
          h.getValueAtPercentile(50)
              + " "
              + h.getValueAtPercentile(99)
              + " "
              + h.getValueAtPercentile(99.9)
              + " "
              + h.getMaxValue());
      System.out.flush();
      store.nextJson();
    }
  }

  private static void bytes(String system, Path dir, boolean json, String message, int count)
      throws Exception {
    Files.createDirectories(dir);
    Store.create(system, dir);
    Fixtures fixtures = Fixtures.of(message);
    try (Store store = Store.open(system, dir, false)) {
      for (int i = 0; i < count; i++) {
        if (json) {
          store.appendJson(fixtures.json());
        } else {
          store.appendPayload(fixtures.payload());
        }
      }
      System.out.println(store.bytesPerMessage(count));
    }
  }

  private static void feed(String system, Path dir, BufferedReader in) throws Exception {
    try (Store store = Store.open(system, dir, false)) {
      String line;
      while ((line = in.readLine()) != null) {
        if (!line.isEmpty()) {
          store.appendJson(line);
        }
      }
    }
  }
}
