package io.plasmite.bench.compare;

import io.plasmite.bench.EngineBenchmark;
import io.plasmite.bench.Messages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Chronicle Queue in the lanes of {@link EngineBenchmark} and {@code FlushBenchmark}, same method
 * names. JSON lanes write the JSON text into a document ({@code Bytes.appendUtf8}: Chronicle stores
 * text as given, it neither checks nor encodes it); pre-encoded lanes copy our Lite3 payload bytes
 * into a document ({@code writeBytes}). Chronicle has no batch append, so a batch is a loop of
 * documents. Reads hand out each document's bytes as a new array (what our tail does); the decoded
 * read turns a JSON-text document into a {@code String}. Get is {@code moveToIndex} plus a read.
 * Durable appends build the queue with {@code SyncMode.SYNC} and call {@code sync()} (msync) after
 * each document. Appends start each iteration in a fresh queue, so files stay bounded.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    jvmArgsAppend = {
      ChronicleQueues.NO_ANALYTICS,
      ChronicleQueues.EXPORT_NIO,
      ChronicleQueues.EXPORT_REF,
      ChronicleQueues.EXPORT_MISC,
      ChronicleQueues.EXPORT_JAVAC,
      ChronicleQueues.OPEN_JAVAC,
      ChronicleQueues.OPEN_LANG,
      ChronicleQueues.OPEN_REFLECT,
      ChronicleQueues.OPEN_IO,
      ChronicleQueues.OPEN_UTIL,
      ChronicleQueues.OPEN_NIO,
      ChronicleQueues.UNSAFE,
      ChronicleQueues.NATIVE
    })
public class ChronicleBenchmark {
  private static final int BATCH = EngineBenchmark.BATCH;
  private static final int RETAINED = 20 * BATCH;

  /** Creates the benchmark; JMH instantiates it. */
  public ChronicleBenchmark() {}

  /** One thread's queues: a fresh one for appends each iteration, two filled ones for reads. */
  @State(Scope.Thread)
  public static class Single {
    /** Which message: {@code small} (~130 bytes of JSON) or {@code 1k}. */
    @Param({"small", "1k"})
    public String message;

    Fixtures fixtures;
    BytesStore<?, ?> payload;
    Path dir;
    SingleChronicleQueue appendQueue;
    ExcerptAppender appender;
    SingleChronicleQueue jsonQueue;
    ExcerptTailer jsonTailer;
    long jsonFirstIndex;
    SingleChronicleQueue rawQueue;
    ExcerptTailer rawTailer;
    long rawFirstIndex;
    int iteration;

    /** Creates the state; JMH calls the setups. */
    public Single() {}

    /**
     * Fills the read queues: {@code RETAINED} JSON-text documents and as many payload documents.
     *
     * @throws IOException if the temporary directory cannot be made
     */
    @Setup(Level.Trial)
    public void setUpTrial() throws IOException {
      fixtures = Fixtures.of(message);
      payload = BytesStore.wrap(fixtures.payload());
      dir = Files.createTempDirectory("chronicle-bench");
      jsonQueue = ChronicleQueues.open(dir.resolve("json"), false);
      rawQueue = ChronicleQueues.open(dir.resolve("raw"), false);
      try (ExcerptAppender json = jsonQueue.createAppender();
          ExcerptAppender raw = rawQueue.createAppender()) {
        for (int i = 0; i < RETAINED; i++) {
          try (DocumentContext dc = json.writingDocument()) {
            dc.wire().bytes().appendUtf8(fixtures.json());
          }
          raw.writeBytes(payload);
        }
      }
      jsonTailer = jsonQueue.createTailer();
      jsonFirstIndex = jsonQueue.firstIndex();
      rawTailer = rawQueue.createTailer();
      rawFirstIndex = rawQueue.firstIndex();
    }

    /** Opens a fresh append queue. */
    @Setup(Level.Iteration)
    public void setUpIteration() {
      appendQueue = ChronicleQueues.open(dir.resolve("append-" + iteration++), false);
      appender = appendQueue.createAppender();
    }

    /**
     * Closes and deletes the iteration's append queue.
     *
     * @throws IOException if a file cannot be deleted
     */
    @TearDown(Level.Iteration)
    public void tearDownIteration() throws IOException {
      appender.close();
      Path queueDir = appendQueue.file().toPath();
      appendQueue.close();
      BenchFiles.deleteTree(queueDir);
    }

    /**
     * Closes the read queues and deletes everything.
     *
     * @throws IOException if a file cannot be deleted
     */
    @TearDown(Level.Trial)
    public void tearDownTrial() throws IOException {
      jsonTailer.close();
      rawTailer.close();
      jsonQueue.close();
      rawQueue.close();
      BenchFiles.deleteTree(dir);
    }
  }

  /**
   * One message from JSON text.
   *
   * @param s state
   * @return the index, so the work is not dead
   */
  @Benchmark
  public long appendJsonOneAtATime(Single s) {
    try (DocumentContext dc = s.appender.writingDocument()) {
      dc.wire().bytes().appendUtf8(s.fixtures.json());
    }
    return s.appender.lastIndexAppended();
  }

  /**
   * One pre-encoded payload.
   *
   * @param s state
   * @return the index
   */
  @Benchmark
  public long appendPreEncodedOneAtATime(Single s) {
    s.appender.writeBytes(s.payload);
    return s.appender.lastIndexAppended();
  }

  /**
   * {@code BATCH} messages from JSON text, one document each.
   *
   * @param s state
   * @return the last index
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long appendJsonBatch(Single s) {
    String json = s.fixtures.json();
    for (int i = 0; i < BATCH; i++) {
      try (DocumentContext dc = s.appender.writingDocument()) {
        dc.wire().bytes().appendUtf8(json);
      }
    }
    return s.appender.lastIndexAppended();
  }

  /**
   * {@code BATCH} pre-encoded payloads, one document each.
   *
   * @param s state
   * @return the last index
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long appendPreEncodedBatch(Single s) {
    for (int i = 0; i < BATCH; i++) {
      s.appender.writeBytes(s.payload);
    }
    return s.appender.lastIndexAppended();
  }

  /**
   * One payload document by index.
   *
   * @param s state
   * @return the payload length
   */
  @Benchmark
  public int get(Single s) {
    long index = s.rawFirstIndex + ThreadLocalRandom.current().nextInt(RETAINED);
    if (!s.rawTailer.moveToIndex(index)) {
      throw new IllegalStateException("no document at index " + Long.toHexString(index));
    }
    return ChronicleQueues.readNext(s.rawTailer).length;
  }

  /**
   * Reads {@code BATCH} payload documents from a random start, each into a new array.
   *
   * @param s state
   * @param bh sink
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void tailRaw(Single s, Blackhole bh) {
    s.rawTailer.moveToIndex(
        s.rawFirstIndex + ThreadLocalRandom.current().nextInt(RETAINED - BATCH));
    for (int i = 0; i < BATCH; i++) {
      bh.consume(ChronicleQueues.readNext(s.rawTailer));
    }
  }

  /**
   * Reads {@code BATCH} JSON-text documents from a random start, each into a {@code String}.
   *
   * @param s state
   * @param bh sink
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void tailDecode(Single s, Blackhole bh) {
    s.jsonTailer.moveToIndex(
        s.jsonFirstIndex + ThreadLocalRandom.current().nextInt(RETAINED - BATCH));
    for (int i = 0; i < BATCH; i++) {
      bh.consume(new String(ChronicleQueues.readNext(s.jsonTailer), StandardCharsets.UTF_8));
    }
  }

  /** The queue durable writers share. */
  @State(Scope.Benchmark)
  public static class Durable {
    Path dir;
    SingleChronicleQueue queue;

    /** Creates the state; JMH calls the setups. */
    public Durable() {}

    /**
     * Creates the queue, with synchronous msync.
     *
     * @throws IOException if the temporary directory cannot be made
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
      dir = Files.createTempDirectory("chronicle-bench-sync");
      queue = ChronicleQueues.open(dir, true);
    }

    /**
     * Closes and deletes the queue.
     *
     * @throws IOException if a file cannot be deleted
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      queue.close();
      BenchFiles.deleteTree(dir);
    }
  }

  /** One writer thread's appender (Chronicle appenders belong to one thread). */
  @State(Scope.Thread)
  public static class DurableWriter {
    ExcerptAppender appender;

    /** Creates the state; JMH calls the setups. */
    public DurableWriter() {}

    /**
     * Creates this thread's appender.
     *
     * @param queue the shared queue
     */
    @Setup(Level.Trial)
    public void setUp(Durable queue) {
      appender = queue.queue.createAppender();
    }

    /** Closes the appender. */
    @TearDown(Level.Trial)
    public void tearDown() {
      appender.close();
    }

    long appendDurably() {
      try (DocumentContext dc = appender.writingDocument()) {
        dc.wire().bytes().appendUtf8(Messages.SMALL);
      }
      appender.sync();
      return appender.lastIndexAppended();
    }
  }

  /**
   * One synced append, one writer.
   *
   * @param w the writer
   * @return the index
   */
  @Benchmark
  @Threads(1)
  public long flush1Writer(DurableWriter w) {
    return w.appendDurably();
  }

  /**
   * One synced append per call, eight writer threads.
   *
   * @param w the writer
   * @return the index
   */
  @Benchmark
  @Threads(8)
  public long flush8Writers(DurableWriter w) {
    return w.appendDurably();
  }
}
