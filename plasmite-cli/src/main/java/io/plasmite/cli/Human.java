package io.plasmite.cli;

import io.plasmite.json.Rfc3339;
import java.nio.file.Path;
import java.util.List;

/** Formatting helpers for the human (terminal) forms of the CLI's output. */
final class Human {
  private Human() {}

  /**
   * A byte count the way the Rust CLI shows it: {@code 512}, {@code 64K}, {@code 1.5M}, {@code 2G}.
   *
   * @param value bytes
   * @return the text
   */
  static String bytes(long value) {
    final long kib = 1024;
    final long mib = kib * 1024;
    final long gib = mib * 1024;
    if (value < kib) {
      return Long.toString(value);
    }
    long unit = value >= gib ? gib : value >= mib ? mib : kib;
    String suffix = value >= gib ? "G" : value >= mib ? "M" : "K";
    if (value % unit == 0) {
      return value / unit + suffix;
    }
    return String.format(java.util.Locale.ROOT, "%.1f%s", (double) value / unit, suffix);
  }

  /**
   * A time to the second, for receipts and summaries: {@code 2026-02-01T12:00:00Z}.
   *
   * @param timeNs Unix nanoseconds
   * @return the text
   */
  static String seconds(long timeNs) {
    return Rfc3339.format(Math.floorDiv(timeNs, 1_000_000_000L) * 1_000_000_000L);
  }

  /**
   * An age: {@code 5s ago}, {@code 3m ago}, {@code 2h ago}, {@code 4d ago}, {@code 2w ago}.
   *
   * @param ageMs milliseconds, or a negative number for unknown ({@code -})
   * @return the text
   */
  static String age(long ageMs) {
    if (ageMs < 0) {
      return "-";
    }
    long seconds = Math.max(1, ageMs / 1000);
    if (seconds < 60) {
      return seconds + "s ago";
    }
    long minutes = seconds / 60;
    if (minutes < 60) {
      return minutes + "m ago";
    }
    long hours = minutes / 60;
    if (hours < 24) {
      return hours + "h ago";
    }
    long days = hours / 24;
    return days < 7 ? days + "d ago" : days / 7 + "w ago";
  }

  /**
   * A path relative to a base directory when inside it, else the file name.
   *
   * @param path the path
   * @param base the directory, or null
   * @return the text
   */
  static String shortPath(Path path, Path base) {
    if (base != null) {
      Path abs = path.toAbsolutePath().normalize();
      Path b = base.toAbsolutePath().normalize();
      if (abs.startsWith(b) && !abs.equals(b)) {
        return b.relativize(abs).toString();
      }
    }
    Path name = path.getFileName();
    return name == null ? path.toString() : name.toString();
  }

  /**
   * Text with control characters escaped, so that untrusted names cannot drive the terminal.
   *
   * @param text the text
   * @return the literal form
   */
  static String literal(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c)) {
        if (out == null) {
          out = new StringBuilder(text.substring(0, i));
        }
        switch (c) {
          case '\n' -> out.append("\\n");
          case '\t' -> out.append("\\t");
          case '\r' -> out.append("\\r");
          default -> out.append(String.format("\\u{%x}", (int) c));
        }
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }

  /**
   * A table with left-aligned columns two spaces apart.
   *
   * @param headers the header cells
   * @param rows the rows
   * @return the lines, joined by newlines (no trailing newline)
   */
  static String table(List<String> headers, List<List<String>> rows) {
    int[] widths = new int[headers.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = headers.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], literal(row.get(i)).length());
      }
    }
    StringBuilder out = new StringBuilder();
    line(out, headers, widths);
    for (List<String> row : rows) {
      out.append('\n');
      line(out, row, widths);
    }
    return out.toString();
  }

  private static void line(StringBuilder out, List<String> cells, int[] widths) {
    for (int i = 0; i < widths.length; i++) {
      if (i > 0) {
        out.append("  ");
      }
      String cell = literal(cells.get(i));
      out.append(cell);
      if (i < widths.length - 1) {
        out.repeat(' ', widths[i] - cell.length());
      }
    }
  }
}
