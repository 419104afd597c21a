package io.plasmite.cli;

import java.io.ByteArrayOutputStream;

/** ANSI colouring for the CLI's human output: pretty JSON, and labels such as {@code error:}. */
final class Colors {
  static final String RESET = "\u001b[0m";
  static final String RED = "\u001b[31m";
  static final String GREEN = "\u001b[32m";
  static final String YELLOW = "\u001b[33m";
  static final String BLUE = "\u001b[34m";
  static final String CYAN = "\u001b[36m";
  static final String BOLD_BLUE = "\u001b[1;34m";

  private static final byte[] RESET_BYTES =
      RESET.getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private Colors() {}

  /**
   * Wraps text in a colour when enabled.
   *
   * @param text the text
   * @param color the ANSI sequence
   * @param enabled whether to colour
   * @return the text, coloured or not
   */
  static String label(String text, String color, boolean enabled) {
    return enabled ? color + text + RESET : text;
  }

  /**
   * Colours JSON text: keys bold blue, strings green, numbers cyan, {@code true}/{@code
   * false}/{@code null} yellow; punctuation and whitespace as they are.
   *
   * @param json UTF-8 JSON text as the canonical writer produces it
   * @return the coloured text
   */
  static byte[] json(byte[] json) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(json.length + json.length / 2);
    int i = 0;
    int n = json.length;
    while (i < n) {
      byte c = json[i];
      if (c == '"') {
        int end = i + 1;
        while (end < n && json[end] != '"') {
          end += json[end] == '\\' ? 2 : 1;
        }
        end = Math.min(end + 1, n);
        int next = end;
        while (next < n && (json[next] == ' ' || json[next] == '\n')) {
          next++;
        }
        boolean key = next < n && json[next] == ':';
        color(out, key ? BOLD_BLUE : GREEN, json, i, end);
        i = end;
      } else if (c == '-' || (c >= '0' && c <= '9')) {
        int end = i + 1;
        while (end < n && "0123456789.eE+-".indexOf(json[end]) >= 0) {
          end++;
        }
        color(out, CYAN, json, i, end);
        i = end;
      } else if (c == 't' || c == 'f' || c == 'n') {
        int end = i + 1;
        while (end < n && json[end] >= 'a' && json[end] <= 'z') {
          end++;
        }
        color(out, YELLOW, json, i, end);
        i = end;
      } else {
        out.write(c);
        i++;
      }
    }
    return out.toByteArray();
  }

  private static void color(ByteArrayOutputStream out, String color, byte[] b, int from, int to) {
    out.writeBytes(color.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    out.write(b, from, to - from);
    out.writeBytes(RESET_BYTES);
  }
}
