package io.plasmite.bench;

import io.plasmite.Durability;
import io.plasmite.LocalClient;
import io.plasmite.Message;
import io.plasmite.Pool;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import io.plasmite.Tail;
import io.plasmite.TailOptions;
import io.plasmite.lite3.Lite3Encoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The engine's lanes, single thread, in a 64 MiB pool on the local disk (FAST durability): one
 * append at a time from JSON text (encode included, lock taken and released per message) and from
 * pre-encoded bytes, JSON batches, pre-encoded batches, get by seq, and an in-process tail that
 * hands out each message's bytes or decodes each one to JSON. Scores are messages per second. The
 * side-by-side suite ({@code io.plasmite.bench.compare}) runs these lanes as "ours" beside the
 * same-named lanes of Chronicle Queue and of a raw floor.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class EngineBenchmark {
  /** Messages per batch in the batch lanes. */
  public static final int BATCH = 1000;

  /** Which message: {@code small} (~130 bytes of JSON) or {@code 1k}. */
  @Param({"small", "1k"})
  public String message;

  private Path dir;
  private Pool pool;
  private String json;
  private List<String> tags;
  private List<Pool.BatchEntry> jsonBatch;
  private List<byte[]> payloadBatch;
  private List<byte[]> onePayload;
  private long newest;
  private long oldest;

  /** Creates a benchmark state; JMH calls {@link #setUp()}. */
  public EngineBenchmark() {}

  /**
   * Creates the pool and fills it once so that gets and tails have history.
   *
   * @throws IOException if the temporary directory cannot be made
   */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("plasmite-bench");
    pool =
        new LocalClient()
            .withPoolDir(dir)
            .createAndOpen(
                PoolRef.name("bench"),
                // An index that covers every retained message (4 MiB): the default 65,536 slots
                // cover only the newest ~half of ~130-byte messages in 64 MiB; older gets walk
                // from an in-memory checkpoint instead (at most 255 frames).
                PoolOptions.ofSize(64L << 20).withIndexCapacity(1 << 18));
    json = message.equals("small") ? Messages.SMALL : Messages.ONE_KB;
    tags = List.of("bench");
    jsonBatch = new ArrayList<>();
    payloadBatch = new ArrayList<>();
    byte[] payload = Lite3Encoder.encodeEnvelope(tags, json);
    onePayload = List.of(payload);
    for (int i = 0; i < BATCH; i++) {
      jsonBatch.add(new Pool.BatchEntry(json, tags));
      payloadBatch.add(payload);
    }
    for (int i = 0; i < 20; i++) {
      pool.appendPayloads(payloadBatch, -1, Durability.FAST);
    }
    newest = pool.info().newestSeq();
    oldest = pool.info().oldestSeq();
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

  /**
   * One message from JSON text: encode, lock, write, publish, unlock.
   *
   * @return the seq, so the work is not dead
   */
  @Benchmark
  public long appendJsonOneAtATime() {
    return pool.appendJsonNow(json, tags, Durability.FAST).seq();
  }

  /**
   * A batch of JSON messages under one lock.
   *
   * @return the number of messages
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int appendJsonBatch() {
    return pool.append(jsonBatch, Durability.FAST).size();
  }

  /**
   * One pre-encoded payload: lock, write, publish, unlock.
   *
   * @return the number of messages
   */
  @Benchmark
  public int appendPreEncodedOneAtATime() {
    return pool.appendPayloads(onePayload, -1, Durability.FAST).size();
  }

  /**
   * A batch of pre-encoded payloads under one lock.
   *
   * @return the number of messages
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int appendPreEncodedBatch() {
    return pool.appendPayloads(payloadBatch, -1, Durability.FAST).size();
  }

  /**
   * One message by seq, among those retained at setup.
   *
   * @return the payload length
   */
  @Benchmark
  public int get() {
    long seq = ThreadLocalRandom.current().nextLong(oldest, newest + 1);
    return pool.getLite3(seq).length;
  }

  /**
   * Reads {@link #BATCH} retained messages with a tail and hands out each one's stored bytes.
   *
   * @param bh sink
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void tailRaw(Blackhole bh) {
    long start = ThreadLocalRandom.current().nextLong(oldest, newest - BATCH);
    try (Tail tail = pool.tail(TailOptions.since(start).withMaxMessages(BATCH))) {
      while (tail.hasNext()) {
        bh.consume(tail.next().lite3());
      }
    }
  }

  /**
   * Reads {@link #BATCH} retained messages with a tail and decodes each one's data to JSON.
   *
   * @param bh sink
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void tailDecode(Blackhole bh) {
    long start = ThreadLocalRandom.current().nextLong(oldest, newest - BATCH);
    try (Tail tail = pool.tail(TailOptions.since(start).withMaxMessages(BATCH))) {
      while (tail.hasNext()) {
        Message m = tail.next();
        bh.consume(m.dataJson());
      }
    }
  }
}
