package io.plasmite.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorPrinterTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  // US-ASCII on purpose: JSON must still come out as UTF-8 bytes.
  private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.US_ASCII);

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static PlasmiteException fullError() {
    return PlasmiteException.of(
            ErrorKind.CORRUPT, "bad frame", new IllegalStateException("checksum mismatch"))
        .withHint("Run `plasmite doctor`.")
        .withPath("/tmp/p.plasmite")
        .withSeq(42)
        .withOffset(4096);
  }

  @Test
  void jsonHasAllKnownFieldsInOrderOnOneLine() {
    int status = new ErrorPrinter(err, false).print(fullError());

    assertEquals(7, status);
    assertEquals(
        "{\"error\":{\"kind\":\"Corrupt\",\"message\":\"bad frame\","
            + "\"hint\":\"Run `plasmite doctor`.\",\"path\":\"/tmp/p.plasmite\","
            + "\"seq\":42,\"offset\":4096,\"causes\":[\"checksum mismatch\"]}}\n",
        printed());
  }

  @Test
  void jsonLeavesAbsentFieldsOut() {
    new ErrorPrinter(err, false).print(PlasmiteException.of(ErrorKind.NOT_FOUND, "no such pool"));

    assertEquals("{\"error\":{\"kind\":\"NotFound\",\"message\":\"no such pool\"}}\n", printed());
  }

  @Test
  void jsonEscapesQuotesBackslashesAndControlCharactersOnly() throws IOException {
    String message = "a \"q\" \\ /x\n\t\r\b\f\u0001\u001f é ✓ 😀";
    new ErrorPrinter(err, false).print(PlasmiteException.of(ErrorKind.USAGE, message));

    String line = printed();
    assertEquals(1, line.lines().count(), line);
    assertTrue(
        line.contains("\"message\":\"a \\\"q\\\" \\\\ /x\\n\\t\\r\\b\\f\\u0001\\u001f é ✓ 😀\""),
        line);
    @SuppressWarnings("unchecked")
    Map<String, Object> error = (Map<String, Object>) Json.parseObject(line).get("error");
    assertEquals(message, error.get("message"));
  }

  @Test
  void humanTextHasOneLabelledLinePerField() {
    int status = new ErrorPrinter(err, true).print(fullError());

    assertEquals(7, status);
    assertEquals(
        List.of(
            "error: bad frame",
            "hint: Run `plasmite doctor`.",
            "path: /tmp/p.plasmite",
            "seq: 42",
            "offset: 4096",
            "caused by: checksum mismatch"),
        printed().lines().toList());
  }

  @Test
  void unexpectedFailuresBecomeInternal() {
    PlasmiteException error =
        ErrorPrinter.asPlasmiteException(new IllegalArgumentException("boom"));

    assertEquals(ErrorKind.INTERNAL, error.kind());
    assertEquals(1, new ErrorPrinter(err, false).print(error));
    assertTrue(error.getMessage().contains("boom"), error.getMessage());
  }

  @Test
  void theExitStatusIsTheKindsStatusOfJsonMd() {
    // json.md §3; RetentionGap (9) has no CLI path of its own (follow continues over gaps with a
    // notice), so this is where its status is checked.
    Map<ErrorKind, Integer> expected = new EnumMap<>(ErrorKind.class);
    expected.put(ErrorKind.INTERNAL, 1);
    expected.put(ErrorKind.USAGE, 2);
    expected.put(ErrorKind.NOT_FOUND, 3);
    expected.put(ErrorKind.ALREADY_EXISTS, 4);
    expected.put(ErrorKind.BUSY, 5);
    expected.put(ErrorKind.PERMISSION, 6);
    expected.put(ErrorKind.CORRUPT, 7);
    expected.put(ErrorKind.IO, 8);
    expected.put(ErrorKind.RETENTION_GAP, 9);
    assertEquals(EnumSet.allOf(ErrorKind.class), expected.keySet());
    for (Map.Entry<ErrorKind, Integer> e : expected.entrySet()) {
      int status = new ErrorPrinter(err, false).print(PlasmiteException.of(e.getKey(), "x"));
      assertEquals(e.getValue(), status, e.getKey().wireName());
    }
  }

  @Test
  void plasmiteExceptionsPassThrough() {
    PlasmiteException original = PlasmiteException.of(ErrorKind.BUSY, "locked");

    assertSame(original, ErrorPrinter.asPlasmiteException(original));
  }
}
