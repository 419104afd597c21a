package io.plasmite.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running a test main class on the test class path, for multi-process and crash tests.
 *
 * <p>Its stdout is read line by line on a daemon thread into a queue, so that the test waits for a
 * line with a deadline instead of sleeping; its stderr goes to a file, shown when a wait fails.
 */
public final class ChildJvm implements AutoCloseable {
  private static final String EOF = "\u0000EOF";

  private final String name;
  private final Process process;
  private final Path stderr;
  private final Writer stdin;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private volatile boolean eof;

  private ChildJvm(String name, Process process, Path stderr) {
    this.name = name;
    this.process = process;
    this.stderr = stderr;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread pump = new Thread(this::pump, "stdout-" + name);
    pump.setDaemon(true);
    pump.start();
  }

  /**
   * Starts {@code main} in a new JVM: the running JVM's {@code java}, the test class path and
   * native access enabled (the engine calls flock and futex through java.lang.foreign).
   *
   * @param logDir where the child's stderr file goes
   * @param name a short name for messages and the stderr file
   * @param main the main class (in test sources)
   * @param args its arguments
   * @return the running child
   */
  public static ChildJvm start(Path logDir, String name, Class<?> main, List<String> args) {
    return start(logDir, name, main, args, true);
  }

  /**
   * Starts {@code main} in a new JVM, as {@link #start(Path, String, Class, List)} does, optionally
   * with the full optimising compiler: a long-running child that races others should run the code
   * as production does, reorderings of the C2 compiler included.
   *
   * @param logDir where the child's stderr file goes
   * @param name a short name for messages and the stderr file
   * @param main the main class (in test sources)
   * @param args its arguments
   * @param quickStart true for a quick start (one GC thread, no C2), false for the JVM's defaults
   * @return the running child
   */
  public static ChildJvm start(
      Path logDir, String name, Class<?> main, List<String> args, boolean quickStart) {
    return start(
        logDir, name, List.of(), System.getProperty("java.class.path"), main, args, quickStart);
  }

  /**
   * Starts {@code main} in a new JVM through a launcher command (e.g. one that drops privileges)
   * and on a class path of its own, with a quick start.
   *
   * @param logDir where the child's stderr goes
   * @param name a label for messages and the stderr file
   * @param launcher the command and arguments that run the {@code java} command, or none
   * @param classPath the child's class path
   * @param main the class with the main method
   * @param args its arguments
   * @return the running child
   */
  public static ChildJvm start(
      Path logDir,
      String name,
      List<String> launcher,
      String classPath,
      Class<?> main,
      List<String> args) {
    return start(logDir, name, launcher, classPath, main, args, true);
  }

  private static ChildJvm start(
      Path logDir,
      String name,
      List<String> launcher,
      String classPath,
      Class<?> main,
      List<String> args,
      boolean quickStart) {
    String java = ProcessHandle.current().info().command().orElseThrow();
    List<String> cmd = new ArrayList<>(launcher);
    cmd.add(java);
    cmd.add("--enable-native-access=ALL-UNNAMED");
    if (quickStart) {
      // Quick start on a small machine: one GC thread, no C2 compiler threads.
      cmd.add("-XX:+UseSerialGC");
      cmd.add("-XX:TieredStopAtLevel=1");
    }
    cmd.add("-Xshare:auto");
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.add(main.getName());
    cmd.addAll(args);
    Path err = logDir.resolve(name + ".stderr.txt");
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectError(ProcessBuilder.Redirect.to(err.toFile()))
              .redirectInput(ProcessBuilder.Redirect.PIPE)
              .start();
      return new ChildJvm(name, p, err);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  private void pump() {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        lines.add(line);
      }
    } catch (IOException e) {
      // The process died mid-line or the stream was closed: treat as end of output.
    } finally {
      lines.add(EOF);
    }
  }

  /**
   * The child's name.
   *
   * @return the name given at start
   */
  public String name() {
    return name;
  }

  /**
   * The process.
   *
   * @return the process
   */
  public Process process() {
    return process;
  }

  /**
   * The next stdout line, waiting at most until the deadline.
   *
   * @param deadlineNanos a {@link System#nanoTime()} deadline
   * @return the line, or null at end of output
   * @throws AssertionError if the deadline passes first
   */
  public String nextLine(long deadlineNanos) {
    if (eof) {
      return null;
    }
    try {
      String line =
          lines.poll(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new AssertionError(name + ": no output line before the deadline" + diagnostics());
      }
      if (line.equals(EOF)) {
        eof = true;
        return null;
      }
      return line;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(name + ": interrupted", e);
    }
  }

  /**
   * The next stdout line, waiting at most {@code timeout}.
   *
   * @param timeout how long to wait
   * @return the line, or null at end of output
   * @throws AssertionError if the timeout passes first
   */
  public String nextLine(Duration timeout) {
    return nextLine(System.nanoTime() + timeout.toNanos());
  }

  /**
   * Waits for a line to arrive, returning {@code null} when none came by the deadline (not an
   * error) — for checking that nothing unexpected is printed during an interval.
   *
   * @param deadlineNanos a {@link System#nanoTime()} deadline
   * @return the line, {@link #END} at end of output, or null if nothing arrived
   */
  public String pollLine(long deadlineNanos) {
    if (eof) {
      return END;
    }
    try {
      String line =
          lines.poll(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line != null && line.equals(EOF)) {
        eof = true;
        return END;
      }
      return line;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(name + ": interrupted", e);
    }
  }

  /** What {@link #pollLine} returns at end of output. */
  public static final String END = EOF;

  /**
   * Reads lines until one equals {@code expected}.
   *
   * @param expected the line to wait for
   * @param timeout how long to wait in all
   * @return the lines read before it
   * @throws AssertionError at end of output or after the timeout
   */
  public List<String> expectLine(String expected, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> before = new ArrayList<>();
    while (true) {
      String line = nextLine(deadline);
      if (line == null) {
        throw new AssertionError(
            name + ": output ended before \"" + expected + "\"" + diagnostics());
      }
      if (line.equals(expected)) {
        return before;
      }
      before.add(line);
    }
  }

  /**
   * Reads every remaining line until the end of output.
   *
   * @param timeout how long to wait in all
   * @return the lines
   */
  public List<String> drain(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> out = new ArrayList<>();
    String line;
    while ((line = nextLine(deadline)) != null) {
      out.add(line);
    }
    return out;
  }

  /**
   * Writes one line to the child's stdin.
   *
   * @param line the text, without newline
   */
  public void send(String line) {
    try {
      stdin.write(line);
      stdin.write('\n');
      stdin.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(name + ": cannot write to stdin", e);
    }
  }

  /**
   * Kills the child with SIGKILL and waits for it. Output it wrote before it died can still be
   * read: the signal goes through {@link ProcessHandle#destroyForcibly()}, because {@link
   * Process#destroyForcibly()} also closes the process's streams, discarding lines still in the
   * pipe (the last acknowledgements of a killed writer, say).
   *
   * @throws AssertionError if it does not die within 30 s
   */
  public void kill() {
    process.toHandle().destroyForcibly();
    awaitExit(Duration.ofSeconds(30));
  }

  /**
   * Waits for the child to exit.
   *
   * @param timeout how long to wait
   * @return its exit status
   * @throws AssertionError if it is still running after the timeout
   */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        throw new AssertionError(name + ": still running after " + timeout + diagnostics());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(name + ": interrupted", e);
    }
  }

  /**
   * The child's stderr so far.
   *
   * @return the text, or a note if it cannot be read
   */
  public String stderr() {
    try {
      return Files.readString(stderr, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(stderr unreadable: " + e + ")";
    }
  }

  /**
   * Text to append to a failure message: exit status and stderr.
   *
   * @return the text
   */
  public String diagnostics() {
    String status = process.isAlive() ? "running" : "exit " + process.exitValue();
    String err = stderr();
    if (err.length() > 4000) {
      err = "..." + err.substring(err.length() - 4000);
    }
    return " [" + name + " " + status + "; stderr: " + err.strip() + "]";
  }

  /** Kills the child if it is still running. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
