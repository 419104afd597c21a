package io.plasmite.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import io.plasmite.json.JsonTape;
import io.plasmite.lite3.Lite3Decoder;
import io.plasmite.lite3.Lite3Encoder;
import io.plasmite.lite3.Lite3Validator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of JSON ingest: arbitrary bytes as the JSON text of a message's data
 * ({@link JsonTape}, {@link Lite3Encoder#encodeEnvelope(List, byte[])}) and of a document ({@link
 * Lite3Encoder#encodeDocument(String)}).
 *
 * <p>Rules: bad input fails only as a Usage {@link PlasmiteException}; what is accepted encodes to
 * a payload the strict validator accepts, at most {@code 64 x input + 1 KiB} long; its canonical
 * JSON encodes to the same canonical JSON again (printing is a fixed point); the encoder allocates
 * at most {@code 64 KiB x input + 16 MiB}: a loose bound, as Jazzer's hooks allocate in the
 * measured thread (a 259-byte input with a long invalid token costs 4.4 MB under Jazzer, 67 KB
 * without), but one that still catches an allocation sized by a number in the input. Seeds: the
 * golden vectors' input texts ({@code
 * src/test/resources/io/plasmite/fuzz/JsonIngestFuzzTestInputs}).
 */
class JsonIngestFuzzTest {
  private static final List<String> TAGS = List.of("fuzz");

  @FuzzTest
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void jsonToLite3(byte[] json) throws Exception {
    FuzzRules.withinAllocationBound(json.length, 64 << 10, 16 << 20, () -> check(json));
  }

  private static void check(byte[] json) {
    JsonTape tape = new JsonTape();
    boolean parsed = usageOrOk(() -> tape.parse(json, 0, json.length, Lite3Encoder.DEPTH_MAX));
    byte[] envelope = usageOrValue(() -> Lite3Encoder.encodeEnvelope(TAGS, json));
    String text = new String(json, StandardCharsets.UTF_8);
    byte[] document = usageOrValue(() -> Lite3Encoder.encodeDocument(text));

    if (envelope != null) {
      if (!parsed) {
        throw new AssertionError("the encoder accepted what the tape refused: " + hex(json));
      }
      checkEncoded(envelope, json.length);
      Lite3Validator.validateEnvelope(envelope);
      String data = Lite3Decoder.dataJson(envelope);
      String again = Lite3Decoder.dataJson(Lite3Encoder.encodeEnvelope(TAGS, data));
      if (!again.equals(data)) {
        throw new AssertionError(
            "canonical data JSON is not a fixed point: " + data + " / " + again);
      }
      if (!Lite3Decoder.tags(envelope).equals(TAGS)) {
        throw new AssertionError("tags changed: " + Lite3Decoder.tags(envelope));
      }
    }
    if (document != null) {
      checkEncoded(document, json.length);
      Lite3Validator.validate(document);
      String printed = Lite3Decoder.documentJson(document);
      String again = Lite3Decoder.documentJson(Lite3Encoder.encodeDocument(printed));
      if (!again.equals(printed)) {
        throw new AssertionError("canonical JSON is not a fixed point: " + printed + " / " + again);
      }
    }
  }

  private static void checkEncoded(byte[] payload, int inputBytes) {
    long bound = 64L * inputBytes + 1024;
    if (payload.length > bound) {
      throw new AssertionError(
          inputBytes + " bytes of JSON encoded to " + payload.length + " bytes of Lite3");
    }
  }

  private static String hex(byte[] b) {
    return FuzzRules.hex(b);
  }

  private static boolean usageOrOk(Runnable op) {
    return usageOrValue(
            () -> {
              op.run();
              return Boolean.TRUE;
            })
        != null;
  }

  private interface Op<T> {
    T get();
  }

  /** The value, or null after a Usage error (bad JSON); any other failure escapes. */
  private static <T> T usageOrValue(Op<T> op) {
    try {
      return op.get();
    } catch (PlasmiteException e) {
      FuzzRules.expectKind(e, ErrorKind.USAGE);
      return null;
    }
  }
}
