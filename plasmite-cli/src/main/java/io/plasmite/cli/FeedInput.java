package io.plasmite.cli;

import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Splits a {@code feed} input stream into records, without holding the stream in memory: the JSON
 * text of each message's {@code data}, in batches ({@link Batch}). Validating the JSON ({@code
 * json.md} §1) is the encoder's job; this class only finds where records begin and end, and reports
 * records it cannot frame (over 1 MiB, or cut off by the end of the input) as failures in their
 * place, so that they are reported in input order.
 *
 * <p>Input modes ({@code cli.md}, "Input modes for feed"):
 *
 * <ul>
 *   <li>{@code auto}: sniffs the first 8 KiB / 8 lines: a {@code 0x1E} byte means {@code seq}; a
 *       first non-blank line starting {@code data:}, {@code event:}, {@code id:} or {@code :} means
 *       Server-Sent Events; anything else is JSON Lines where a line that starts with {@code {} or
 *       {@code [} and leaves brackets open continues on the next lines (pretty-printed records).
 *   <li>{@code jsonl}: one record per non-blank line.
 *   <li>{@code json}: the whole input is one record.
 *   <li>{@code seq}: RFC 7464 JSON text sequences, records separated by {@code 0x1E}.
 *   <li>{@code jq}: concatenated JSON values, separated by whitespace or nothing.
 * </ul>
 *
 * <p>Reading pauses: when a batch holds records and the source has no more bytes ready (a pipe fed
 * slowly, a terminal), {@link #next} returns the batch instead of blocking, so records are appended
 * as they come.
 */
final class FeedInput {
  /** The largest record accepted, in bytes ({@code json.md} §1 rule 7). */
  static final int MAX_RECORD_BYTES = 1 << 20;

  /** Input excerpts in notices are cut to this many bytes. */
  static final int SNIPPET_BYTES = 200;

  private static final int SNIFF_BYTES = 8 * 1024;
  private static final int SNIFF_LINES = 8;
  private static final int READ_CHUNK = 256 * 1024;
  private static final long BATCH_AGE_NS = 5_000_000;

  /** How the input is split. */
  enum Mode {
    /** Detect from the first bytes. */
    AUTO,
    /** One record per line. */
    JSONL,
    /** The whole input is one record. */
    JSON,
    /** RFC 7464. */
    SEQ,
    /** Concatenated values. */
    JQ,
    /** Server-Sent Events (reached through auto only). */
    EVENT;

    /**
     * The name on the command line and in notices.
     *
     * @return e.g. {@code jsonl}
     */
    String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code -i}.
     *
     * @param text the value
     * @return the mode
     * @throws PlasmiteException Usage for an unknown mode
     */
    static Mode parse(String text) {
      return switch (text) {
        case "auto" -> AUTO;
        case "jsonl" -> JSONL;
        case "json" -> JSON;
        case "seq" -> SEQ;
        case "jq" -> JQ;
        default ->
            throw PlasmiteException.of(
                    ErrorKind.USAGE,
                    "invalid value '" + text + "' for '--in': use auto, jsonl, json, seq or jq")
                .withHint("Try `plasmite feed --help`.");
      };
    }
  }

  /**
   * Records framed from the input, in order: each entry is either a record (bytes in {@link #data})
   * or a framing failure ({@link #failKind} set). {@link #payload} and {@link #error} are filled by
   * the encoder.
   */
  static final class Batch {
    byte[] data = new byte[64 * 1024];
    int size;
    int count;
    int[] off = new int[256];
    int[] len = new int[256];
    long[] line = new long[256];
    long[] index = new long[256];
    String[] failKind = new String[256];
    String[] failMessage = new String[256];
    String[] snippet = new String[256];
    byte[][] payload;
    PlasmiteException[] error;
    Mode mode;
    long startedNs;

    private void grow() {
      int n = off.length * 2;
      off = Arrays.copyOf(off, n);
      len = Arrays.copyOf(len, n);
      line = Arrays.copyOf(line, n);
      index = Arrays.copyOf(index, n);
      failKind = Arrays.copyOf(failKind, n);
      failMessage = Arrays.copyOf(failMessage, n);
      snippet = Arrays.copyOf(snippet, n);
    }

    void add(byte[] src, int from, int n, long lineNo, long idx) {
      if (count == off.length) {
        grow();
      }
      if (size + n > data.length) {
        data = Arrays.copyOf(data, Math.max(data.length * 2, size + n));
      }
      System.arraycopy(src, from, data, size, n);
      off[count] = size;
      len[count] = n;
      line[count] = lineNo;
      index[count] = idx;
      failKind[count] = null;
      size += n;
      count++;
    }

    void fail(String kind, String message, String excerpt, long lineNo, long idx) {
      if (count == off.length) {
        grow();
      }
      off[count] = size;
      len[count] = 0;
      line[count] = lineNo;
      index[count] = idx;
      failKind[count] = kind;
      failMessage[count] = message;
      snippet[count] = excerpt;
      count++;
    }

    /**
     * The UTF-8 text of a record.
     *
     * @param i the entry
     * @return the text
     */
    String text(int i) {
      return new String(data, off[i], len[i], StandardCharsets.UTF_8);
    }
  }

  private final InputStream in;
  private Mode mode;
  // Auto detection looks at the start of the input once; AUTO afterwards means JSON Lines with
  // multi-line records.
  private boolean sniffed;
  private byte[] buf = new byte[READ_CHUNK];
  private int start;
  private int pos;
  private int end;
  private boolean eof;
  private boolean finished;
  private long lineNo;
  private long index;

  // Scanner state for bracket matching (auto multi-line, jq values).
  private int depth;
  private boolean inString;
  private boolean escaped;
  // Auto mode: a pretty-printed record being gathered across lines.
  private Accumulator acc;
  private boolean accumulating;
  private long accLine;
  private boolean resync;
  // A record longer than the limit is being skipped.
  private boolean discarding;
  // SSE event being gathered.
  private Accumulator event;
  private boolean eventHasData;
  private boolean eventSkipping;
  private long eventLine;

  FeedInput(InputStream in, Mode mode) {
    this.in = in;
    this.mode = mode;
  }

  /**
   * The mode in use: the requested one, or the one auto detection chose (after the first batch).
   *
   * @return the mode
   */
  Mode mode() {
    return mode;
  }

  /**
   * Records framed so far, failures included.
   *
   * @return the count
   */
  long records() {
    return index;
  }

  /**
   * Frames the next batch.
   *
   * @param maxRecords the most entries in one batch
   * @return a batch with at least one entry, or null at the end of the input
   * @throws IOException if reading fails
   */
  Batch next(int maxRecords) throws IOException {
    if (finished) {
      return null;
    }
    if (mode == Mode.AUTO && !sniffed) {
      sniffed = true;
      mode = sniff();
    }
    Batch batch = new Batch();
    batch.mode = mode;
    batch.startedNs = System.nanoTime();
    while (batch.count < maxRecords && batch.size < MAX_RECORD_BYTES) {
      boolean progressed = frame(batch, maxRecords);
      if (batch.count >= maxRecords || batch.size >= MAX_RECORD_BYTES) {
        break;
      }
      if (progressed) {
        continue;
      }
      // The buffer holds no complete record.
      if (eof) {
        finish(batch);
        finished = true;
        break;
      }
      if (batch.count > 0
          && (nothingReady() || System.nanoTime() - batch.startedNs > BATCH_AGE_NS)) {
        break;
      }
      refill();
    }
    return batch.count == 0 && finished ? null : batch.count == 0 ? next(maxRecords) : batch;
  }

  private boolean nothingReady() {
    try {
      return in.available() <= 0;
    } catch (IOException e) {
      return true;
    }
  }

  /** Reads more input after the unconsumed bytes; sets {@link #eof} when there is none. */
  private void refill() throws IOException {
    if (start > 0) {
      System.arraycopy(buf, start, buf, 0, end - start);
      pos -= start;
      end -= start;
      start = 0;
    }
    if (end == buf.length) {
      buf = Arrays.copyOf(buf, buf.length * 2);
    }
    int n = in.read(buf, end, buf.length - end);
    if (n < 0) {
      eof = true;
    } else {
      end += n;
    }
  }

  private Mode sniff() throws IOException {
    // Enough to decide: a 0x1E, or the first non-blank line complete (a live pipe may hold no
    // more for a long time), within 8 KiB / 8 lines.
    while (!eof && end < SNIFF_BYTES && countNewlines() < SNIFF_LINES && !decidable()) {
      refill();
    }
    int limit = Math.min(end, SNIFF_BYTES);
    for (int i = 0; i < limit; i++) {
      if (buf[i] == 0x1E) {
        return Mode.SEQ;
      }
    }
    int i = 0;
    while (i < limit) {
      int lineEnd = i;
      while (lineEnd < limit && buf[lineEnd] != '\n') {
        lineEnd++;
      }
      int a = i;
      while (a < lineEnd && isSpace(buf[a])) {
        a++;
      }
      if (a < lineEnd) {
        return startsWith(a, lineEnd, "data:")
                || startsWith(a, lineEnd, "event:")
                || startsWith(a, lineEnd, "id:")
                || buf[a] == ':'
            ? Mode.EVENT
            : Mode.AUTO;
      }
      i = lineEnd + 1;
    }
    return Mode.AUTO;
  }

  private boolean decidable() {
    boolean content = false;
    for (int i = 0; i < end; i++) {
      byte b = buf[i];
      if (b == 0x1E) {
        return true;
      }
      if (b == '\n' && content) {
        return true;
      }
      if (!isSpace(b)) {
        content = true;
      }
    }
    return false;
  }

  private int countNewlines() {
    int n = 0;
    for (int i = 0; i < end; i++) {
      if (buf[i] == '\n') {
        n++;
      }
    }
    return n;
  }

  private boolean startsWith(int from, int to, String prefix) {
    if (to - from < prefix.length()) {
      return false;
    }
    for (int k = 0; k < prefix.length(); k++) {
      if (buf[from + k] != prefix.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t' || b == '\r' || b == '\n';
  }

  /**
   * Frames as much as the buffer allows.
   *
   * @return whether anything was consumed
   */
  private boolean frame(Batch batch, int maxRecords) {
    return switch (mode) {
      case AUTO, JSONL, EVENT -> frameLines(batch, maxRecords);
      case SEQ -> frameSeq(batch, maxRecords);
      case JQ -> frameJq(batch, maxRecords);
      case JSON -> frameJson(batch);
    };
  }

  /** At the end of the input: the last unterminated record, or the whole input for json. */
  private void finish(Batch batch) {
    switch (mode) {
      case AUTO, JSONL, EVENT -> {
        if (start < end) {
          lineNo++;
          handleLine(batch, start, end);
          start = pos = end;
        }
        if (mode == Mode.EVENT) {
          flushEvent(batch);
        } else if (accumulating) {
          accumulating = false;
          batch.fail(
              "Parse", "invalid json input", snippet(acc.bytes, 0, acc.size), accLine, ++index);
        }
      }
      case SEQ -> {
        if (!discarding) {
          seqRecord(batch, start, end);
        }
        start = pos = end;
      }
      case JQ -> {
        int a = skipSpace(start, end);
        if (a < end) {
          if (end - a > MAX_RECORD_BYTES) {
            batch.fail("Oversize", "record exceeds size limit", snippet(buf, a, end), 0, ++index);
          } else {
            batch.add(buf, a, end - a, 0, ++index);
          }
        }
        start = pos = end;
      }
      case JSON -> {
        if (discarding) {
          start = pos = end;
          return;
        }
        int a = skipSpace(start, end);
        if (a < end) {
          if (end - a > MAX_RECORD_BYTES) {
            batch.fail("Oversize", "record exceeds size limit", snippet(buf, a, end), 0, ++index);
          } else {
            batch.add(buf, a, end - a, 0, ++index);
          }
        }
        start = pos = end;
      }
    }
  }

  // ---- lines: jsonl, auto (multi-line), event ----

  private boolean frameLines(Batch batch, int maxRecords) {
    boolean progressed = false;
    while (batch.count < maxRecords) {
      int nl = pos;
      while (nl < end && buf[nl] != '\n') {
        nl++;
      }
      if (nl == end) {
        pos = end;
        if (end - start > MAX_RECORD_BYTES + 2) {
          // A line over the limit: report it once, then drop its bytes as they come.
          if (!discarding) {
            discarding = true;
            lineNo++;
            oversizeLine(batch);
          }
          start = pos = end;
          progressed = true;
        }
        return progressed;
      }
      if (discarding) {
        discarding = false;
      } else {
        lineNo++;
        handleLine(batch, start, nl);
      }
      start = pos = nl + 1;
      progressed = true;
    }
    return progressed;
  }

  private void oversizeLine(Batch batch) {
    String excerpt = snippet(buf, start, Math.min(end, start + SNIPPET_BYTES));
    if (mode == Mode.EVENT) {
      if (!eventSkipping) {
        eventSkipping = true;
        batch.fail("Oversize", "record exceeds size limit", excerpt, lineNo, ++index);
      }
      return;
    }
    if (accumulating) {
      accumulating = false;
      resync = true;
      batch.fail(
          "Oversize",
          "record exceeds size limit",
          snippet(acc.bytes, 0, acc.size),
          accLine,
          ++index);
      return;
    }
    batch.fail("Oversize", "record exceeds size limit", excerpt, lineNo, ++index);
  }

  private void handleLine(Batch batch, int from, int to) {
    if (to > from && buf[to - 1] == '\r') {
      to--;
    }
    switch (mode) {
      case JSONL -> {
        if (isBlank(from, to)) {
          return;
        }
        index++;
        if (to - from > MAX_RECORD_BYTES) {
          batch.fail(
              "Oversize", "record exceeds size limit", snippet(buf, from, to), lineNo, index);
        } else {
          batch.add(buf, from, to - from, lineNo, index);
        }
      }
      case EVENT -> eventLine(batch, from, to);
      default -> autoLine(batch, from, to);
    }
  }

  private void autoLine(Batch batch, int from, int to) {
    if (accumulating) {
      acc.add((byte) '\n');
      acc.add(buf, from, to - from);
      scan(buf, from, to);
      if (acc.size > MAX_RECORD_BYTES) {
        accumulating = false;
        resync = true;
        batch.fail(
            "Oversize",
            "record exceeds size limit",
            snippet(acc.bytes, 0, acc.size),
            accLine,
            ++index);
        return;
      }
      if (depth <= 0 && !inString) {
        accumulating = false;
        batch.add(acc.bytes, 0, acc.size, accLine, ++index);
      }
      return;
    }
    if (isBlank(from, to)) {
      return;
    }
    int a = skipSpace(from, to);
    boolean opens = buf[a] == '{' || buf[a] == '[';
    if (resync) {
      if (!opens || a != from) {
        return;
      }
      resync = false;
    }
    if (to - from > MAX_RECORD_BYTES) {
      batch.fail("Oversize", "record exceeds size limit", snippet(buf, from, to), lineNo, ++index);
      return;
    }
    if (opens) {
      depth = 0;
      inString = false;
      escaped = false;
      scan(buf, a, to);
      if (depth > 0 || inString) {
        if (acc == null) {
          acc = new Accumulator();
        }
        acc.size = 0;
        acc.add(buf, from, to - from);
        accumulating = true;
        accLine = lineNo;
        return;
      }
    }
    batch.add(buf, from, to - from, lineNo, ++index);
  }

  /** Updates the bracket depth over JSON text, skipping brackets inside strings. */
  private void scan(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      byte c = b[i];
      if (inString) {
        if (escaped) {
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        depth--;
      }
    }
  }

  private void eventLine(Batch batch, int from, int to) {
    if (from == to) {
      if (eventSkipping) {
        eventSkipping = false;
        eventHasData = false;
        if (event != null) {
          event.size = 0;
        }
        return;
      }
      flushEvent(batch);
      return;
    }
    if (buf[from] == ':' || eventSkipping) {
      return;
    }
    if (startsWith(from, to, "data:")) {
      int a = from + 5;
      if (a < to && buf[a] == ' ') {
        a++;
      }
      if (event == null) {
        event = new Accumulator();
      }
      if (eventHasData) {
        event.add((byte) '\n');
      } else {
        eventLine = lineNo;
      }
      event.add(buf, a, to - a);
      eventHasData = true;
      if (event.size > MAX_RECORD_BYTES) {
        batch.fail(
            "Oversize",
            "record exceeds size limit",
            snippet(event.bytes, 0, event.size),
            lineNo,
            ++index);
        event.size = 0;
        eventHasData = false;
        eventSkipping = true;
      }
    }
    // event:, id:, retry: and unknown fields carry nothing for the pool.
  }

  private void flushEvent(Batch batch) {
    if (!eventHasData) {
      return;
    }
    eventHasData = false;
    int a = 0;
    while (a < event.size && isSpace(event.bytes[a])) {
      a++;
    }
    if (a < event.size) {
      batch.add(event.bytes, 0, event.size, eventLine, ++index);
    }
    event.size = 0;
  }

  // ---- json: one record ----

  private boolean frameJson(Batch batch) {
    if (end - start <= MAX_RECORD_BYTES + 64) {
      return false;
    }
    if (!discarding) {
      discarding = true;
      batch.fail(
          "Oversize",
          "record exceeds size limit",
          snippet(buf, start, start + SNIPPET_BYTES),
          0,
          ++index);
    }
    start = pos = end;
    return true;
  }

  // ---- seq ----

  private boolean frameSeq(Batch batch, int maxRecords) {
    boolean progressed = false;
    while (batch.count < maxRecords) {
      int rs = pos;
      while (rs < end && buf[rs] != 0x1E) {
        rs++;
      }
      if (rs == end) {
        pos = end;
        if (end - start > MAX_RECORD_BYTES + 64) {
          if (!discarding) {
            discarding = true;
            batch.fail(
                "Oversize",
                "record exceeds size limit",
                snippet(buf, start, Math.min(end, start + SNIPPET_BYTES)),
                0,
                ++index);
          }
          start = pos = end;
          progressed = true;
        }
        return progressed;
      }
      if (discarding) {
        discarding = false;
      } else {
        seqRecord(batch, start, rs);
      }
      start = pos = rs + 1;
      progressed = true;
    }
    return progressed;
  }

  private void seqRecord(Batch batch, int from, int to) {
    int a = skipSpace(from, to);
    int b = to;
    while (b > a && isSpace(buf[b - 1])) {
      b--;
    }
    if (a == b) {
      return;
    }
    if (b - a > MAX_RECORD_BYTES) {
      batch.fail("Oversize", "record exceeds size limit", snippet(buf, a, b), 0, ++index);
    } else {
      batch.add(buf, a, b - a, 0, ++index);
    }
  }

  // ---- jq: concatenated values ----

  private boolean frameJq(Batch batch, int maxRecords) {
    boolean progressed = false;
    while (batch.count < maxRecords) {
      if (pos == start) {
        int a = skipSpace(start, end);
        start = pos = a;
        if (a == end) {
          return progressed;
        }
        depth = 0;
        inString = false;
        escaped = false;
      }
      int valueEnd = scanValue();
      if (valueEnd < 0) {
        if (end - start > MAX_RECORD_BYTES) {
          throw PlasmiteException.of(ErrorKind.USAGE, "record exceeds size limit")
              .withHint("Split the data into smaller messages.");
        }
        return progressed;
      }
      if (valueEnd - start > MAX_RECORD_BYTES) {
        throw PlasmiteException.of(ErrorKind.USAGE, "record exceeds size limit")
            .withHint("Split the data into smaller messages.");
      }
      batch.add(buf, start, valueEnd - start, 0, ++index);
      start = pos = valueEnd;
      progressed = true;
    }
    return progressed;
  }

  /** Continues scanning the value at {@link #start}; returns its end, or -1 if it goes on. */
  private int scanValue() {
    byte first = buf[start];
    if (first == '{' || first == '[' || first == '"') {
      for (int i = pos; i < end; i++) {
        byte c = buf[i];
        if (inString) {
          if (escaped) {
            escaped = false;
          } else if (c == '\\') {
            escaped = true;
          } else if (c == '"') {
            inString = false;
            if (depth == 0) {
              return i + 1;
            }
          }
        } else if (c == '"') {
          inString = true;
        } else if (c == '{' || c == '[') {
          depth++;
        } else if (c == '}' || c == ']') {
          depth--;
          if (depth <= 0) {
            return i + 1;
          }
        }
      }
      pos = end;
      return -1;
    }
    if (first == '}' || first == ']' || first == ',' || first == ':') {
      return start + 1;
    }
    for (int i = Math.max(pos, start + 1); i < end; i++) {
      byte c = buf[i];
      if (isSpace(c) || c == '{' || c == '[' || c == '"' || c == '}' || c == ']' || c == ',') {
        return i;
      }
    }
    pos = end;
    return -1;
  }

  // ---- helpers ----

  private boolean isBlank(int from, int to) {
    for (int i = from; i < to; i++) {
      if (!isSpace(buf[i])) {
        return false;
      }
    }
    return true;
  }

  private int skipSpace(int from, int to) {
    int a = from;
    while (a < to && isSpace(buf[a])) {
      a++;
    }
    return a;
  }

  /**
   * An excerpt for a notice: at most {@link #SNIPPET_BYTES} bytes, with {@code ...} when cut.
   *
   * @param b bytes
   * @param from first byte
   * @param to end
   * @return the text
   */
  static String snippet(byte[] b, int from, int to) {
    if (to - from <= SNIPPET_BYTES) {
      return new String(b, from, to - from, StandardCharsets.UTF_8);
    }
    String s = new String(b, from, SNIPPET_BYTES - 3, StandardCharsets.UTF_8);
    if (!s.isEmpty() && s.charAt(s.length() - 1) == '\uFFFD') {
      s = s.substring(0, s.length() - 1);
    }
    return s + "...";
  }

  /** A growable byte buffer. */
  private static final class Accumulator {
    byte[] bytes = new byte[4096];
    int size;

    void add(byte b) {
      if (size == bytes.length) {
        bytes = Arrays.copyOf(bytes, bytes.length * 2);
      }
      bytes[size++] = b;
    }

    void add(byte[] src, int from, int n) {
      if (size + n > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + n));
      }
      System.arraycopy(src, from, bytes, size, n);
      size += n;
    }
  }
}
