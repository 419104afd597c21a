package io.plasmite.bench.compare;

import io.plasmite.bench.EngineBenchmark;
import io.plasmite.bench.Messages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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
 * The raw floor ({@link FloorFile}) in the lanes of {@link EngineBenchmark} and {@code
 * FlushBenchmark}, same method names, in a 64 MiB ring like our pool. JSON lanes copy the text's
 * UTF-8 bytes ({@code String.getBytes} per message, no check, no encoding); pre-encoded lanes copy
 * our Lite3 payload bytes; a batch is a loop. Reads copy each record into a new array; the decoded
 * read makes a {@code String} of a JSON-text record. Get is an in-memory offset table lookup plus a
 * copy (the floor has no index of its own). Durable appends msync the touched pages after each
 * record, in a file whose blocks were written and synced at set-up (our pools are fallocated).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class FloorBenchmark {
  private static final int BATCH = EngineBenchmark.BATCH;
  private static final int RETAINED = 20 * BATCH;
  private static final long RING_BYTES = 64L << 20;
  // The read files hold every retained record without wrapping (20,000 of 1k's 3,480 bytes).
  private static final long READ_FILE_BYTES = 128L << 20;

  /** Creates the benchmark; JMH instantiates it. */
  public FloorBenchmark() {}

  /** One thread's files: one to append to, two filled ones for reads. */
  @State(Scope.Thread)
  public static class Single {
    /** Which message: {@code small} (~130 bytes of JSON) or {@code 1k}. */
    @Param({"small", "1k"})
    public String message;

    Fixtures fixtures;
    Path dir;
    FloorFile appendFile;
    FloorFile jsonFile;
    long[] jsonOffsets;
    FloorFile rawFile;
    long[] rawOffsets;

    /** Creates the state; JMH calls the setups. */
    public Single() {}

    /**
     * Maps the files and fills the read files.
     *
     * @throws IOException if a file cannot be made
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
      fixtures = Fixtures.of(message);
      dir = Files.createTempDirectory("floor-bench");
      appendFile = FloorFile.open(dir.resolve("append"), RING_BYTES);
      jsonFile = FloorFile.open(dir.resolve("json"), READ_FILE_BYTES);
      rawFile = FloorFile.open(dir.resolve("raw"), READ_FILE_BYTES);
      jsonOffsets = new long[RETAINED];
      rawOffsets = new long[RETAINED];
      for (int i = 0; i < RETAINED; i++) {
        jsonOffsets[i] = jsonFile.append(fixtures.jsonUtf8());
        rawOffsets[i] = rawFile.append(fixtures.payload());
      }
    }

    /**
     * Unmaps and deletes the files.
     *
     * @throws IOException if a file cannot be deleted
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      appendFile.close();
      jsonFile.close();
      rawFile.close();
      BenchFiles.deleteTree(dir);
    }
  }

  /**
   * One message from JSON text.
   *
   * @param s state
   * @return the offset
   */
  @Benchmark
  public long appendJsonOneAtATime(Single s) {
    return s.appendFile.append(s.fixtures.json().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * One pre-encoded payload.
   *
   * @param s state
   * @return the offset
   */
  @Benchmark
  public long appendPreEncodedOneAtATime(Single s) {
    return s.appendFile.append(s.fixtures.payload());
  }

  /**
   * {@code BATCH} messages from JSON text.
   *
   * @param s state
   * @return the last offset
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long appendJsonBatch(Single s) {
    String json = s.fixtures.json();
    long last = 0;
    for (int i = 0; i < BATCH; i++) {
      last = s.appendFile.append(json.getBytes(StandardCharsets.UTF_8));
    }
    return last;
  }

  /**
   * {@code BATCH} pre-encoded payloads.
   *
   * @param s state
   * @return the last offset
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long appendPreEncodedBatch(Single s) {
    byte[] payload = s.fixtures.payload();
    long last = 0;
    for (int i = 0; i < BATCH; i++) {
      last = s.appendFile.append(payload);
    }
    return last;
  }

  /**
   * One payload record by number.
   *
   * @param s state
   * @return the payload length
   */
  @Benchmark
  public int get(Single s) {
    long offset = s.rawOffsets[ThreadLocalRandom.current().nextInt(RETAINED)];
    return s.rawFile.read(offset, s.rawFile.lengthAt(offset)).length;
  }

  /**
   * Reads {@code BATCH} payload records from a random start, each into a new array.
   *
   * @param s state
   * @param bh sink
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void tailRaw(Single s, Blackhole bh) {
    long offset = s.rawOffsets[ThreadLocalRandom.current().nextInt(RETAINED - BATCH)];
    for (int i = 0; i < BATCH; i++) {
      int length = s.rawFile.lengthAt(offset);
      bh.consume(s.rawFile.read(offset, length));
      offset += FloorFile.recordBytes(length);
    }
  }

  /**
   * Reads {@code BATCH} JSON-text records from a random start, each into a {@code String}.
   *
   * @param s state
   * @param bh sink
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void tailDecode(Single s, Blackhole bh) {
    long offset = s.jsonOffsets[ThreadLocalRandom.current().nextInt(RETAINED - BATCH)];
    for (int i = 0; i < BATCH; i++) {
      int length = s.jsonFile.lengthAt(offset);
      bh.consume(new String(s.jsonFile.read(offset, length), StandardCharsets.UTF_8));
      offset += FloorFile.recordBytes(length);
    }
  }

  /** The file durable writers share. */
  @State(Scope.Benchmark)
  public static class Durable {
    Path dir;
    FloorFile file;

    /** Creates the state; JMH calls the setups. */
    public Durable() {}

    /**
     * Maps the file.
     *
     * @throws IOException if it cannot be made
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
      dir = Files.createTempDirectory("floor-bench-sync");
      file = FloorFile.open(dir.resolve("sync"), RING_BYTES, true);
    }

    /**
     * Unmaps and deletes the file.
     *
     * @throws IOException if it cannot be deleted
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      file.close();
      BenchFiles.deleteTree(dir);
    }
  }

  /**
   * One msynced append, one writer.
   *
   * @param d the file
   * @return the JSON length
   */
  @Benchmark
  @Threads(1)
  public int flush1Writer(Durable d) {
    byte[] json = Messages.SMALL.getBytes(StandardCharsets.UTF_8);
    d.file.appendDurably(json);
    return json.length;
  }

  /**
   * One msynced append per call, eight writer threads.
   *
   * @param d the file
   * @return the JSON length
   */
  @Benchmark
  @Threads(8)
  public int flush8Writers(Durable d) {
    byte[] json = Messages.SMALL.getBytes(StandardCharsets.UTF_8);
    d.file.appendDurably(json);
    return json.length;
  }
}
