package io.plasmite.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tells whether a standard stream is an interactive terminal.
 *
 * <p>Output adapts to its destination: human text on a terminal, JSON when piped. The JDK has no
 * per-stream test: {@code System.console()} is non-null only when stdin <em>and</em> stdout are
 * both terminals, and says nothing about stderr. So on Linux the file descriptor's target under
 * {@code /proc/self/fd} decides (a terminal is a {@code /dev/pts/N} or {@code /dev/tty*} device),
 * which also keeps {@code echo ... | pls feed ...} on a terminal printing human text, as the Rust
 * CLI does. Elsewhere the console test is the fallback for every stream.
 */
final class Terminal {
  private static final Path PROC_FD = Path.of("/proc/self/fd");

  private Terminal() {}

  /**
   * Whether a standard stream of this process is a terminal.
   *
   * @param fd 0, 1 or 2
   * @return true for an interactive terminal
   */
  static boolean isTerminal(int fd) {
    if (Files.isDirectory(PROC_FD)) {
      try {
        return isTerminalDevice(Files.readSymbolicLink(PROC_FD.resolve(Integer.toString(fd))));
      } catch (IOException | UnsupportedOperationException e) {
        // A closed descriptor has no link: certainly not a terminal.
        return false;
      }
    }
    var console = System.console();
    return console != null && console.isTerminal();
  }

  /**
   * Whether a device path names a terminal.
   *
   * @param target what a {@code /proc/self/fd/N} link points to
   * @return true for pseudo-terminals, virtual consoles and serial lines
   */
  static boolean isTerminalDevice(Path target) {
    String name = target.toString();
    return name.startsWith("/dev/pts/")
        || name.startsWith("/dev/tty")
        || name.equals("/dev/console");
  }
}
