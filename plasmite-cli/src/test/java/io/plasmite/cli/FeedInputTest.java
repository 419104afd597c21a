package io.plasmite.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Record framing of {@link FeedInput}, in process: each entry is a record or a failure kind. */
class FeedInputTest {
  private static List<String> frame(String input, FeedInput.Mode mode) throws IOException {
    return frame(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), mode, 1024);
  }

  private static List<String> frame(InputStream in, FeedInput.Mode mode, int batch)
      throws IOException {
    FeedInput input = new FeedInput(in, mode);
    List<String> out = new ArrayList<>();
    for (FeedInput.Batch b = input.next(batch); b != null; b = input.next(batch)) {
      for (int i = 0; i < b.count; i++) {
        out.add(b.failKind[i] != null ? "!" + b.failKind[i] + "@" + b.index[i] : b.text(i));
      }
    }
    return out;
  }

  @Test
  void jsonLinesSkipBlankLinesAndStripCarriageReturns() throws IOException {
    assertEquals(
        List.of("{\"a\":1}", "{\"b\":2}", "x"),
        frame("{\"a\":1}\r\n\n  \n{\"b\":2}\nx", FeedInput.Mode.JSONL));
  }

  @Test
  void autoJoinsPrettyRecordsButNotBracketsInStrings() throws IOException {
    assertEquals(
        List.of("{\n \"s\": \"}{[\",\n \"t\": [1,\n 2]\n}", "[1]", "{\"u\":\"\\\"{\"}"),
        frame(
            "{\n \"s\": \"}{[\",\n \"t\": [1,\n 2]\n}\n[1]\n{\"u\":\"\\\"{\"}\n",
            FeedInput.Mode.AUTO));
    assertEquals(
        List.of("{\"a\":1}", "!Parse@2"), frame("{\"a\":1}\n{\"b\":\n", FeedInput.Mode.AUTO));
  }

  @Test
  void autoSniffsSequencesAndEvents() throws IOException {
    FeedInput seq =
        new FeedInput(
            new ByteArrayInputStream(
                "\u001e{\"a\":1}\n\u001e \n\u001e{\"b\":2}".getBytes(StandardCharsets.UTF_8)),
            FeedInput.Mode.AUTO);
    seq.next(10);
    assertEquals(FeedInput.Mode.SEQ, seq.mode());
    assertEquals(
        List.of("{\"a\":1}", "{\"b\":2}"),
        frame("\u001e{\"a\":1}\n\u001e \n\u001e{\"b\":2}", FeedInput.Mode.AUTO));
    assertEquals(
        List.of("{\"x\":1}", "{\n\"y\":2}"),
        frame(
            "\n: hi\nid: 1\ndata: {\"x\":1}\n\nevent: e\ndata: {\ndata: \"y\":2}\n",
            FeedInput.Mode.AUTO));
  }

  @Test
  void oversizeRecordsAreFailuresInTheirPlace() throws IOException {
    String big = "{\"a\":\"" + "x".repeat(FeedInput.MAX_RECORD_BYTES) + "\"}";
    assertEquals(
        List.of("{\"a\":1}", "!Oversize@2", "{\"a\":3}"),
        frame("{\"a\":1}\n" + big + "\n{\"a\":3}\n", FeedInput.Mode.JSONL));
    assertEquals(
        List.of("{\"a\":1}", "!Oversize@2", "{\"a\":3}"),
        frame("\u001e{\"a\":1}\u001e" + big + "\u001e{\"a\":3}", FeedInput.Mode.SEQ));
    assertEquals(
        List.of("!Oversize@1", "{\"a\":3}"),
        frame("data: " + big + "\n\ndata: {\"a\":3}\n\n", FeedInput.Mode.EVENT));
    assertEquals(List.of("!Oversize@1"), frame(big + "\n", FeedInput.Mode.JSON));
  }

  @Test
  void jqValuesMayTouch() throws IOException {
    assertEquals(
        List.of("{\"a\":1}", "[2]", "\"s\"", "3", "true", "{\"b\":\"}\"}"),
        frame("{\"a\":1}[2] \"s\" 3\ntrue{\"b\":\"}\"}", FeedInput.Mode.JQ));
  }

  @Test
  void aSlowSourceShipsWhatItHasInsteadOfWaiting() throws IOException {
    // A source that has one line ready, then (as a live pipe would) nothing "available".
    InputStream slow =
        new InputStream() {
          private final byte[] first = "{\"a\":1}\n".getBytes(StandardCharsets.UTF_8);
          private int pos;

          @Override
          public int read() {
            return pos < first.length ? first[pos++] : -1;
          }

          @Override
          public int read(byte[] b, int off, int len) {
            if (pos >= first.length) {
              throw new AssertionError("read past the ready bytes before shipping the batch");
            }
            int n = Math.min(len, first.length - pos);
            System.arraycopy(first, pos, b, off, n);
            pos += n;
            return n;
          }

          @Override
          public int available() {
            return first.length - pos;
          }
        };
    FeedInput input = new FeedInput(slow, FeedInput.Mode.JSONL);
    FeedInput.Batch batch = input.next(100);
    assertEquals(1, batch.count);
    assertEquals("{\"a\":1}", batch.text(0));
  }
}
