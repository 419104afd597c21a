package io.plasmite.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes compact JSON lines for the CLI's machine-readable output.
 *
 * <p>Escaping follows {@code json.md} §2, like the Rust tools: only {@code "}, {@code \} and
 * control characters are escaped ({@code \n}, {@code \t}, {@code \r}, {@code \b}, {@code \f},
 * others {@code \}{@code u00xx} in lower-case hex); non-ASCII text and {@code /} are written as
 * UTF-8.
 */
final class JsonLines {
  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
          // Otherwise characters beyond U+FFFF come out as two escaped surrogates.
          .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
          .build();

  /** Writes one JSON value with a generator. */
  @FunctionalInterface
  interface Body {
    /**
     * Writes exactly one JSON value.
     *
     * @param json the generator
     * @throws IOException if writing fails
     */
    void write(JsonGenerator json) throws IOException;
  }

  private JsonLines() {}

  /**
   * Prints one value and a newline as UTF-8 bytes, bypassing the stream's character encoding (which
   * follows the locale and could turn non-ASCII text into {@code ?}), and flushes.
   *
   * @param out the destination, left open
   * @param body writes the value
   * @throws IOException if the body fails
   */
  static void print(PrintStream out, Body body) throws IOException {
    out.writeBytes(toBytes(body));
    out.flush();
  }

  /**
   * Renders one value and a newline.
   *
   * @param body writes the value
   * @return the line
   * @throws IOException if the body fails
   */
  static String toLine(Body body) throws IOException {
    return new String(toBytes(body), StandardCharsets.UTF_8);
  }

  private static byte[] toBytes(Body body) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (JsonGenerator json = FACTORY.createGenerator(buffer, JsonEncoding.UTF8)) {
      body.write(json);
    }
    buffer.write('\n');
    return buffer.toByteArray();
  }
}
