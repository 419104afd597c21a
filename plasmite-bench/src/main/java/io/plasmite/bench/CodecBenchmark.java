package io.plasmite.bench;

import io.plasmite.lite3.Lite3Decoder;
import io.plasmite.lite3.Lite3Encoder;
import io.plasmite.lite3.Lite3Validator;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * Single-threaded throughput of the Lite3 codec on one message envelope with one tag: JSON text to
 * Lite3 (what {@code append} does), Lite3 to compact JSON (what {@code get}/{@code follow} do), the
 * tags-only read and the strict validator.
 *
 * <p>The encoder and decoder are created once per benchmark thread and reused, as the append and
 * read paths reuse one per thread. Each benchmark returns its result, which JMH hands to a {@link
 * org.openjdk.jmh.infra.Blackhole}, so the JIT cannot drop the work; {@link #validate()} returns
 * nothing but cannot be dropped either, since it may throw.
 *
 * <p>Run with {@code bench/run CodecBenchmark}; see {@code docs/benchmarks.md}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class CodecBenchmark {
  /** Which message: {@code small} (125–135 bytes) or {@code 1k} (1000–1100 bytes). */
  @Param({"small", "1k"})
  public String message;

  private List<String> tags;
  private String json;
  private byte[] utf8;
  private byte[] payload;
  private Lite3Encoder encoder;
  private Lite3Decoder decoder;

  /** Creates the benchmark state; JMH calls this. */
  public CodecBenchmark() {}

  /**
   * Prepares the message, checks its size and that it round-trips, and encodes the payload that the
   * read benchmarks use.
   */
  @Setup(Level.Trial)
  public void setUp() {
    int min;
    int max;
    switch (message) {
      case "small" -> {
        json = Messages.SMALL;
        min = 125;
        max = 135;
      }
      case "1k" -> {
        json = Messages.ONE_KB;
        min = 1000;
        max = 1100;
      }
      default -> throw new IllegalArgumentException("unknown message: " + message);
    }
    utf8 = json.getBytes(StandardCharsets.UTF_8);
    if (utf8.length < min || utf8.length > max) {
      throw new IllegalStateException(
          message + " message is " + utf8.length + " UTF-8 bytes, expected " + min + "–" + max);
    }
    tags = List.of("orders");
    encoder = new Lite3Encoder();
    decoder = new Lite3Decoder();
    payload = encoder.envelope(tags, json);

    // Sanity: both encode paths agree, the payload is valid and decodes back to the same data.
    if (!Arrays.equals(payload, encoder.envelope(tags, utf8, 0, utf8.length))) {
      throw new IllegalStateException("String and UTF-8 encodings differ");
    }
    Lite3Validator.validateEnvelope(payload);
    byte[] again =
        encoder.envelope(tags, decoder.data(payload, 0, payload.length, false).toString());
    if (!Arrays.equals(payload, again)) {
      throw new IllegalStateException("decode/encode round trip differs");
    }
    if (!tags.equals(decoder.tags(payload, 0, payload.length))) {
      throw new IllegalStateException("tags do not round-trip");
    }
  }

  /**
   * JSON text held as a {@link String} to a Lite3 envelope with one tag.
   *
   * @return the payload
   */
  @Benchmark
  public byte[] encodeString() {
    return encoder.envelope(tags, json);
  }

  /**
   * UTF-8 JSON bytes to a Lite3 envelope with one tag (the path for input read from a file or
   * socket).
   *
   * @return the payload
   */
  @Benchmark
  public byte[] encodeBytes() {
    return encoder.envelope(tags, utf8, 0, utf8.length);
  }

  /**
   * Lite3 envelope to its data as a compact JSON {@link String}.
   *
   * @return the JSON text
   */
  @Benchmark
  public String decodeString() {
    return decoder.data(payload, 0, payload.length, false).toString();
  }

  /**
   * Lite3 envelope to its data as a fresh array of compact JSON UTF-8 bytes.
   *
   * @return the JSON bytes
   */
  @Benchmark
  public byte[] decodeBytes() {
    return decoder.data(payload, 0, payload.length, false).toByteArray();
  }

  /**
   * Lite3 envelope to compact JSON in the decoder's reusable buffer, without copying it out: the
   * cost of the tree walk and printing alone, as when the writer streams to an output.
   *
   * @return the JSON length in bytes
   */
  @Benchmark
  public int decodeInPlace() {
    return decoder.data(payload, 0, payload.length, false).length();
  }

  /**
   * Reads only the tags of a Lite3 envelope.
   *
   * @return the tags
   */
  @Benchmark
  public List<String> tagsOnly() {
    return decoder.tags(payload, 0, payload.length);
  }

  /**
   * Strict validation of a Lite3 envelope, as done on untrusted bytes. It returns nothing; the JIT
   * cannot drop it because it may throw.
   */
  @Benchmark
  public void validate() {
    Lite3Validator.validateEnvelope(payload);
  }
}
