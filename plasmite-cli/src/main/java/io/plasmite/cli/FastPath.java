package io.plasmite.cli;

import java.nio.file.Path;

/**
 * Runs the simplest, most frequent command lines without picocli, whose classes (compiled for Java
 * 5, so the JVM's ahead-of-time cache cannot keep them) and reflective model cost more start-up
 * time than the command itself: {@code [--dir D] [--color C] fetch POOL SEQ [--json]} and {@code
 * [--dir D] [--color C] version}. Anything else (another verb, another option, a value that looks
 * like an option, help) goes through the full parser, so behaviour is the same either way.
 */
final class FastPath {
  private FastPath() {}

  /**
   * Runs the command line when it is one of the simple shapes.
   *
   * @param args the command line
   * @param streams the process's streams
   * @return the exit status, or -1 when the full parser must handle it
   */
  static int tryRun(String[] args, Streams streams) {
    Path dir = null;
    ColorMode color = ColorMode.AUTO;
    int i = 0;
    while (i + 1 < args.length && (args[i].equals("--dir") || args[i].equals("--color"))) {
      String value = args[i + 1];
      if (value.isEmpty() || value.startsWith("-")) {
        return -1;
      }
      if (args[i].equals("--dir")) {
        if (dir != null) {
          return -1;
        }
        dir = Path.of(value);
      } else {
        color =
            switch (value) {
              case "auto" -> ColorMode.AUTO;
              case "always" -> ColorMode.ALWAYS;
              case "never" -> ColorMode.NEVER;
              default -> null;
            };
        if (color == null) {
          return -1;
        }
      }
      i += 2;
    }
    int rest = args.length - i;
    if (rest < 1) {
      return -1;
    }
    String verb = args[i];
    PlsCommand pls = new PlsCommand(streams, dir, color);
    ErrorPrinter errors = new ErrorPrinter(streams.err(), streams.errIsTerminal());
    try {
      if (verb.equals("fetch") && (rest == 3 || (rest == 4 && args[i + 3].equals("--json")))) {
        String pool = args[i + 1];
        String seq = args[i + 2];
        if (pool.startsWith("-") || seq.isEmpty() || !Character.isDigit(seq.charAt(0))) {
          return -1;
        }
        return FetchCommand.fetch(pls, pool, seq, rest == 4);
      }
      if (verb.equals("version") && rest == 1) {
        return VersionCommand.print(streams);
      }
    } catch (RuntimeException e) {
      return errors.print(ErrorPrinter.asPlasmiteException(e));
    }
    return -1;
  }
}
