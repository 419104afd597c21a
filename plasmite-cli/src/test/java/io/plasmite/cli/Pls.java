package io.plasmite.cli;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs the CLI as a separate JVM (the test class path, {@code io.plasmite.cli.Main}) against one
 * pool directory, with stdin, stdout and stderr on pipes: so output is the JSON form.
 *
 * <pre>{@code
 * Pls pls = new Pls(tempDir);
 * Pls.Run run = pls.run("", "pool", "create", "jobs");
 * Pls.Live follow = pls.start("follow", "jobs", "--tail", "1");
 * String line = follow.stdout.next(Duration.ofSeconds(30));
 * }</pre>
 */
final class Pls {
  /** Deadline for any single process or line. */
  static final Duration DEADLINE = Duration.ofSeconds(60);

  private final Path dir;

  Pls(Path dir) {
    this.dir = dir;
  }

  /** What a finished run left behind. */
  record Run(int status, String stdout, String stderr) {
    List<String> lines() {
      return stdout.lines().toList();
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> error() {
      try {
        Map<String, Object> line = Json.parseObject(stderr.lines().reduce((a, b) -> b).orElse(""));
        assertNotNull(line.get("error"), stderr);
        return (Map<String, Object>) line.get("error");
      } catch (IOException e) {
        throw new AssertionError("stderr is not a JSON error line: " + stderr, e);
      }
    }
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  List<String> command(String... args) {
    List<String> command = new ArrayList<>();
    command.add(java());
    // The launcher's start-up flags: these tests spawn many short JVMs.
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Xshare:auto");
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("io.plasmite.cli.Main");
    command.add("--dir");
    command.add(dir.toString());
    command.addAll(List.of(args));
    return command;
  }

  /**
   * Runs to completion with {@code stdin} as standard input.
   *
   * @param stdin the input (closed after writing)
   * @param args the arguments after {@code --dir DIR}
   * @return the outcome
   */
  Run run(String stdin, String... args) throws Exception {
    return run(stdin.getBytes(StandardCharsets.UTF_8), args);
  }

  Run run(byte[] stdin, String... args) throws Exception {
    Process process = new ProcessBuilder(command(args)).start();
    CompletableFuture<String> out = drain(process.getInputStream());
    CompletableFuture<String> err = drain(process.getErrorStream());
    try (OutputStream in = process.getOutputStream()) {
      in.write(stdin);
    } catch (IOException e) {
      // The program exited without reading all of it; its status tells.
    }
    if (!process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("pls " + String.join(" ", args) + " did not finish");
    }
    return new Run(
        process.exitValue(),
        out.get(DEADLINE.toSeconds(), TimeUnit.SECONDS),
        err.get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
  }

  /** A running process whose output is read line by line. */
  static final class Live implements AutoCloseable {
    final Process process;
    final Lines stdout;
    final Lines stderr;

    Live(Process process) {
      this.process = process;
      // Lines are taken from stdout only as the test asks for them, so a program that writes
      // faster than the test reads blocks on a full pipe (as it would behind a slow consumer).
      this.stdout = new Lines(process.getInputStream(), 1);
      this.stderr = new Lines(process.getErrorStream(), Integer.MAX_VALUE);
    }

    void write(String text) throws IOException {
      OutputStream in = process.getOutputStream();
      in.write(text.getBytes(StandardCharsets.UTF_8));
      in.flush();
    }

    void closeStdin() throws IOException {
      process.getOutputStream().close();
    }

    int waitFor() throws InterruptedException {
      assertTrue(process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "did not exit in time");
      return process.exitValue();
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  /**
   * Starts the program and returns at once.
   *
   * @param args the arguments after {@code --dir DIR}
   * @return the running process
   */
  Live start(String... args) throws IOException {
    return new Live(new ProcessBuilder(command(args)).start());
  }

  /** Lines of a stream, read on a virtual thread as they come. */
  static final class Lines {
    private static final String EOF = new String("<eof>");
    private final BlockingQueue<String> queue;
    private final InputStream stream;

    Lines(InputStream in, int capacity) {
      this.stream = in;
      this.queue = new LinkedBlockingQueue<>(capacity);
      Thread.startVirtualThread(
          () -> {
            try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
              for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                queue.put(line);
              }
            } catch (IOException e) {
              // closed by the test
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            } finally {
              try {
                queue.put(EOF);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          });
    }

    /** The next line, or null at the end of the stream; fails after {@code timeout}. */
    String next(Duration timeout) throws InterruptedException {
      String line = queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (line == null) {
        fail("no line within " + timeout);
      }
      if (line == EOF) {
        queue.offer(EOF);
        return null;
      }
      return line;
    }

    String next() throws InterruptedException {
      return next(DEADLINE);
    }

    /** Every line until the end of the stream. */
    List<String> rest() throws InterruptedException {
      List<String> out = new ArrayList<>();
      for (String line = next(); line != null; line = next()) {
        out.add(line);
      }
      return out;
    }

    void closeStream() {
      try {
        stream.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        Thread::startVirtualThread);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> obj(Object o) {
    return (Map<String, Object>) o;
  }

  static Map<String, Object> parse(String line) {
    try {
      return Json.parseObject(line);
    } catch (IOException e) {
      throw new AssertionError("not a JSON object: " + line, e);
    }
  }
}
