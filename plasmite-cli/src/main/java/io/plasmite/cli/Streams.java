package io.plasmite.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Objects;

/**
 * The standard output and error streams of one CLI run, and whether each is a terminal.
 *
 * <p>Commands print through this record instead of {@link System#out} (and read {@link #in()}
 * instead of {@link System#in}) so that the choice between human text (terminal) and JSON (pipe or
 * file) is made once, and so that tests can run commands in-process.
 *
 * @param out where results go
 * @param err where errors and notices go
 * @param outIsTerminal whether {@code out} is an interactive terminal
 * @param errIsTerminal whether {@code err} is an interactive terminal
 * @param in standard input, read by verbs such as {@code feed}
 * @param inIsTerminal whether {@code in} is an interactive terminal (then it is not read as data)
 */
public record Streams(
    PrintStream out,
    PrintStream err,
    boolean outIsTerminal,
    boolean errIsTerminal,
    InputStream in,
    boolean inIsTerminal) {

  /**
   * Checks that all streams are present.
   *
   * @param out where results go
   * @param err where errors and notices go
   * @param outIsTerminal whether {@code out} is an interactive terminal
   * @param errIsTerminal whether {@code err} is an interactive terminal
   * @param in standard input
   * @param inIsTerminal whether {@code in} is an interactive terminal
   */
  public Streams {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(err, "err");
    Objects.requireNonNull(in, "in");
  }

  /**
   * Output streams with an empty, non-terminal standard input: for embedding and tests that feed no
   * data through stdin.
   *
   * @param out where results go
   * @param err where errors and notices go
   * @param outIsTerminal whether {@code out} is an interactive terminal
   * @param errIsTerminal whether {@code err} is an interactive terminal
   */
  public Streams(PrintStream out, PrintStream err, boolean outIsTerminal, boolean errIsTerminal) {
    this(out, err, outIsTerminal, errIsTerminal, InputStream.nullInputStream(), false);
  }

  /**
   * The streams of this process.
   *
   * <p>Human text uses the terminal's encoding ({@code stdout.encoding}, as {@link System#out}
   * does); JSON writers put UTF-8 bytes on the underlying stream whatever that encoding is.
   *
   * @return {@link System#out}, {@link System#err} and {@link System#in}, with terminal detection
   *     applied
   */
  public static Streams system() {
    return new Streams(
        System.out,
        System.err,
        Terminal.isTerminal(1),
        Terminal.isTerminal(2),
        System.in,
        Terminal.isTerminal(0));
  }
}
