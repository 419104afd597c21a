package io.plasmite.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import io.plasmite.lite3.Lite3Decoder;
import io.plasmite.lite3.Lite3Doc;
import io.plasmite.lite3.Lite3Type;
import io.plasmite.lite3.Lite3Validator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the Lite3 readers: the strict validator, the envelope validator, the
 * decoder (data, tags, whole document) and the {@link Lite3Doc} view, on arbitrary bytes.
 *
 * <p>Rules: every failure is a Corrupt {@link PlasmiteException}; what {@code validate} accepts
 * {@code documentJson} prints, what {@code validateEnvelope} accepts {@code dataJson} and {@code
 * tags} read; printed JSON is at most {@code 8 x input + 64} bytes; the validators and decoder
 * allocate at most {@code 256 x input + 4 MiB} (the fixed part also covers what Jazzer's hooks
 * allocate). Seeds: small golden-vector envelopes ({@code
 * src/test/resources/io/plasmite/fuzz/Lite3FuzzTestInputs}). The normal build replays the seeds and
 * every committed crasher; {@code docs/reliability.md} has the command that fuzzes for a while.
 */
class Lite3FuzzTest {
  @FuzzTest
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void lite3Readers(byte[] b) throws Exception {
    FuzzRules.withinAllocationBound(b.length, 256, 4 << 20, () -> check(b));
  }

  private static void check(byte[] b) {
    boolean strict = corruptOrOk(() -> Lite3Validator.validate(b));
    boolean envelope = corruptOrOk(() -> Lite3Validator.validateEnvelope(b));
    String document = corruptOrValue(() -> Lite3Decoder.documentJson(b));
    String data = corruptOrValue(() -> Lite3Decoder.dataJson(b));
    List<String> tags = corruptOrValue(() -> Lite3Decoder.tags(b));

    if (strict && document == null) {
      throw new AssertionError("validate accepted what documentJson refused: " + FuzzRules.hex(b));
    }
    if (envelope && (!strict || data == null || tags == null)) {
      throw new AssertionError("validateEnvelope accepted what a reader refused: " + hex(b));
    }
    long bound = 8L * b.length + 64;
    for (String printed : new String[] {document, data}) {
      if (printed != null && printed.getBytes(StandardCharsets.UTF_8).length > bound) {
        throw new AssertionError("printed more than " + bound + " bytes from " + hex(b));
      }
    }
    corruptOrOk(() -> walk(Lite3Doc.of(b)));
  }

  private static String hex(byte[] b) {
    return FuzzRules.hex(b);
  }

  private static boolean corruptOrOk(Runnable op) {
    return corruptOrValue(
            () -> {
              op.run();
              return Boolean.TRUE;
            })
        != null;
  }

  private interface Op<T> {
    T get();
  }

  /** The value, or null after a Corrupt error; any other failure escapes. */
  private static <T> T corruptOrValue(Op<T> op) {
    try {
      return op.get();
    } catch (PlasmiteException e) {
      FuzzRules.expectKind(e, ErrorKind.CORRUPT);
      return null;
    }
  }

  /** Visits what the view can reach, a bounded number of values (shared subtrees repeat). */
  private static void walk(Lite3Doc doc) {
    int[] budget = {2000};
    walk(doc, Lite3Doc.ROOT, 0, budget);
    if (doc.type(Lite3Doc.ROOT) == Lite3Type.OBJECT) {
      int data = doc.find(Lite3Doc.ROOT, "data");
      if (data >= 0) {
        walk(doc, data, 1, budget);
      }
    }
  }

  private static void walk(Lite3Doc doc, int value, int depth, int[] budget) {
    if (depth > 40 || --budget[0] < 0) {
      return;
    }
    switch (doc.type(value)) {
      case OBJECT ->
          doc.forEachMember(
              value,
              (key, member) -> {
                if (budget[0] > 0) {
                  doc.find(value, key);
                  walk(doc, member, depth + 1, budget);
                }
              });
      case ARRAY -> {
        int n = doc.size(value);
        if (n > 0) {
          doc.element(value, n - 1);
        }
        doc.forEachElement(value, element -> walk(doc, element, depth + 1, budget));
      }
      case STRING -> doc.string(value);
      case I64 -> doc.i64(value);
      case F64 -> doc.f64(value);
      case BOOL -> doc.bool(value);
      default -> {}
    }
  }
}
