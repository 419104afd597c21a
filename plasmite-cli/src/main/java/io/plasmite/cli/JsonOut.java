package io.plasmite.cli;

import io.plasmite.json.CanonicalJsonWriter;
import java.io.PrintStream;
import java.util.function.Consumer;

/**
 * Prints canonical JSON ({@code json.md} §2) on the CLI's streams, as UTF-8 bytes whatever the
 * locale: compact, pretty, or pretty with ANSI colours.
 *
 * <p>{@link #emit} is the adaptive form the Rust tools use for non-streaming output ({@code --json}
 * results, PoolInfo): pretty on a terminal (coloured when {@code --color} allows), compact
 * otherwise.
 */
final class JsonOut {
  private JsonOut() {}

  /**
   * Renders one value.
   *
   * @param pretty indented output
   * @param body writes exactly one value
   * @return the writer holding it
   */
  static CanonicalJsonWriter render(boolean pretty, Consumer<CanonicalJsonWriter> body) {
    CanonicalJsonWriter json = new CanonicalJsonWriter(pretty);
    body.accept(json);
    return json;
  }

  /**
   * Prints one value and a newline, then flushes.
   *
   * @param out the stream
   * @param json the rendered value
   * @param color wrap tokens in ANSI colours (meant for pretty output)
   */
  static void print(PrintStream out, CanonicalJsonWriter json, boolean color) {
    byte[] bytes = json.toByteArray();
    if (color) {
      bytes = Colors.json(bytes);
    }
    out.write(bytes, 0, bytes.length);
    out.write('\n');
    out.flush();
  }

  /**
   * Prints a result value the adaptive way: pretty (and coloured per {@code --color}) when stdout
   * is a terminal or colour is forced, compact JSON otherwise.
   *
   * @param pls the run
   * @param body writes exactly one value
   */
  static void emit(PlsCommand pls, Consumer<CanonicalJsonWriter> body) {
    Streams streams = pls.streams();
    boolean color = pls.color().useColor(streams.outIsTerminal());
    boolean pretty = streams.outIsTerminal() || color;
    print(streams.out(), render(pretty, body), color && pretty);
  }
}
