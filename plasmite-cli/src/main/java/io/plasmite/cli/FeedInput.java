package io.plasmite.cli;

import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The records {@code pls feed} appends, one at a time: the JSON text of each message's {@code
 * data}. Parsing and validating that text ({@code json.md} §1: strict JSON, an object, depth) is
 * the engine's job when the record is appended; this class only splits the input into records.
 *
 * <p>Sources today: the inline {@code DATA} argument (one record), or, when it is absent, standard
 * input as JSON Lines (one value per line; blank lines skipped). A record over 1 MiB is refused
 * with a Usage error, as {@code cli.md} requires for every input mode.
 *
 * <pre>{@code
 * FeedInput input = FeedInput.select(data, streams);
 * for (String record = input.next(); record != null; record = input.next()) {
 *   pool.appendJsonNow(record, tags, durability);
 * }
 * if (input.recordsRead() == 0) throw FeedInput.missingData();
 * }</pre>
 *
 * <p>Extending it to the other input modes of {@code cli.md} ({@code -f/--file}, {@code -i
 * auto|jsonl|json|seq|jq}, {@code -e skip}) means adding a {@link RecordReader} per format and
 * choosing among them in {@link #select}; {@link FeedCommand} only calls {@link #next()}.
 */
final class FeedInput {
  /** The largest record accepted, in bytes of UTF-8 ({@code json.md} §1 rule 7). */
  static final int MAX_RECORD_BYTES = 1 << 20;

  /** Splits one source into records. */
  @FunctionalInterface
  interface RecordReader {
    /**
     * Reads the next record.
     *
     * @return its JSON text, or null at the end of the input
     * @throws IOException if reading fails
     */
    String next() throws IOException;
  }

  private final RecordReader reader;
  private long recordsRead;

  private FeedInput(RecordReader reader) {
    this.reader = reader;
  }

  /**
   * Chooses the source the way {@code pls feed} does: the inline data when given, else standard
   * input when it is not a terminal.
   *
   * @param data the {@code DATA} argument, or null
   * @param streams the process's streams
   * @return the input
   * @throws PlasmiteException Usage {@code missing data input} when there is no data argument and
   *     standard input is a terminal
   */
  static FeedInput select(String data, Streams streams) {
    if (data != null) {
      return inline(data);
    }
    if (streams.inIsTerminal()) {
      throw missingData();
    }
    return jsonLines(streams.in());
  }

  /**
   * One record given on the command line.
   *
   * @param data the JSON text
   * @return the input
   */
  static FeedInput inline(String data) {
    String[] pending = {data};
    return new FeedInput(
        () -> {
          String record = pending[0];
          pending[0] = null;
          if (record != null && utf8Length(record) > MAX_RECORD_BYTES) {
            throw tooLarge();
          }
          return record;
        });
  }

  /**
   * JSON Lines: every line that is not blank is one record. Lines end with {@code \n}; a {@code \r}
   * before it is dropped; the last line needs no terminator.
   *
   * @param in the stream, read to its end (not closed)
   * @return the input
   */
  static FeedInput jsonLines(InputStream in) {
    return new FeedInput(new JsonLinesReader(in));
  }

  /**
   * The next record.
   *
   * @return JSON text, or null when the input is exhausted
   * @throws PlasmiteException Usage for an oversized record or text that is not UTF-8, Io when
   *     reading fails
   */
  String next() {
    String record;
    try {
      record = reader.next();
    } catch (IOException e) {
      throw PlasmiteException.of(ErrorKind.IO, "cannot read the input", e);
    }
    if (record != null) {
      recordsRead++;
    }
    return record;
  }

  /**
   * How many records {@link #next()} has returned.
   *
   * @return the count
   */
  long recordsRead() {
    return recordsRead;
  }

  /**
   * The error for an input without a single record.
   *
   * @return a Usage error, {@code missing data input}
   */
  static PlasmiteException missingData() {
    return PlasmiteException.of(ErrorKind.USAGE, "missing data input")
        .withHint("Provide JSON via DATA, or pipe JSON Lines to stdin.");
  }

  private static PlasmiteException tooLarge() {
    return PlasmiteException.of(
            ErrorKind.USAGE, "input record exceeds the maximum of " + MAX_RECORD_BYTES + " bytes")
        .withHint("Split the data into smaller messages.");
  }

  private static long utf8Length(String s) {
    // Only an upper bound matters for short strings; count exactly only near the limit.
    if ((long) s.length() * 3 <= MAX_RECORD_BYTES) {
      return s.length();
    }
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  /** Reads lines as bytes, refusing a line over the limit before it is all in memory. */
  private static final class JsonLinesReader implements RecordReader {
    private final InputStream in;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean eof;

    JsonLinesReader(InputStream in) {
      this.in = new BufferedInputStream(in);
    }

    @Override
    public String next() throws IOException {
      while (!eof) {
        line.reset();
        boolean tooLong = false;
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
          if (line.size() > MAX_RECORD_BYTES) {
            tooLong = true;
          } else {
            line.write(b);
          }
        }
        if (b == -1) {
          eof = true;
        }
        byte[] bytes = line.toByteArray();
        int end = bytes.length;
        if (end > 0 && bytes[end - 1] == '\r') {
          end--;
        }
        if (tooLong || end > MAX_RECORD_BYTES) {
          throw tooLarge();
        }
        if (!isBlank(bytes, end)) {
          return decode(bytes, end);
        }
      }
      return null;
    }

    private static boolean isBlank(byte[] bytes, int end) {
      for (int i = 0; i < end; i++) {
        byte c = bytes[i];
        if (c != ' ' && c != '\t' && c != '\r') {
          return false;
        }
      }
      return true;
    }

    private static String decode(byte[] bytes, int end) {
      try {
        return StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes, 0, end))
            .toString();
      } catch (CharacterCodingException e) {
        throw PlasmiteException.of(ErrorKind.USAGE, "input is not valid UTF-8", e)
            .withHint("Feed UTF-8 encoded JSON.");
      }
    }
  }
}
