package io.plasmite.cli.conformance;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code spawn_poke}: one separate CLI process per message, all started before any is waited for,
 * each running {@code feed} against the pool. The step fails if a process cannot start, runs longer
 * than {@link #TIMEOUT_SECONDS}, or exits with a status other than 0.
 *
 * <p>Each process runs {@code CLI --dir WORKDIR feed --tag=T... -- POOL DATA} in the work
 * directory: {@code --tag=T} and {@code --} keep tags and data that start with {@code -} from being
 * read as options, by our CLI and by the Rust one alike.
 */
final class SpawnPoke {
  /** How long the processes may take, together. */
  static final long TIMEOUT_SECONDS = 120;

  private SpawnPoke() {}

  /**
   * One message to feed.
   *
   * @param dataJson the data's JSON text
   * @param tags its tags
   */
  record Poke(String dataJson, List<String> tags) {}

  /**
   * Runs the processes and waits for all of them.
   *
   * @param cli the CLI's program and leading arguments
   * @param workdir the pool directory, and the processes' working directory
   * @param pool the pool argument (a name, or an absolute path)
   * @param pokes the messages, one process each
   * @throws Mismatch if any process failed
   */
  static void run(List<String> cli, Path workdir, String pool, List<Poke> pokes) throws Mismatch {
    List<Process> processes = new ArrayList<>();
    List<CompletableFuture<String>> errors = new ArrayList<>();
    try {
      for (Poke poke : pokes) {
        ProcessBuilder builder = new ProcessBuilder(command(cli, workdir, pool, poke));
        builder.directory(workdir.toFile());
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
        Process process;
        try {
          process = builder.start();
        } catch (IOException e) {
          throw new Mismatch("cannot start the feed process " + cli.getFirst() + ": " + e);
        }
        processes.add(process);
        errors.add(drain(process.getErrorStream()));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
      List<String> failures = new ArrayList<>();
      for (int i = 0; i < processes.size(); i++) {
        Process process = processes.get(i);
        long left = deadline - System.nanoTime();
        if (!process.waitFor(Math.max(0, left), TimeUnit.NANOSECONDS)) {
          throw new Mismatch(
              "feed process " + i + " did not finish within " + TIMEOUT_SECONDS + " seconds");
        }
        if (process.exitValue() != 0) {
          failures.add(
              "process "
                  + i
                  + " exited with status "
                  + process.exitValue()
                  + stderrSummary(errors.get(i)));
        }
      }
      if (!failures.isEmpty()) {
        throw new Mismatch(
            failures.size()
                + " of "
                + processes.size()
                + " feed processes failed: "
                + String.join("; ", failures));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Mismatch("interrupted while waiting for the feed processes");
    } finally {
      for (Process process : processes) {
        process.destroyForcibly();
      }
    }
  }

  private static List<String> command(List<String> cli, Path workdir, String pool, Poke poke) {
    List<String> command = new ArrayList<>(cli);
    command.add("--dir");
    command.add(workdir.toString());
    command.add("feed");
    for (String tag : poke.tags()) {
      command.add("--tag=" + tag);
    }
    command.add("--");
    command.add(pool);
    command.add(poke.dataJson());
    return command;
  }

  private static File nullDevice() {
    return new File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }

  private static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            return "(stderr unreadable: " + e.getMessage() + ")";
          }
        },
        Thread::startVirtualThread);
  }

  private static String stderrSummary(CompletableFuture<String> stderr)
      throws InterruptedException {
    String text;
    try {
      text = stderr.get(5, TimeUnit.SECONDS).strip();
    } catch (ExecutionException | TimeoutException e) {
      return "";
    }
    return text.isEmpty() ? "" : ": " + Expect.shorten(text.replace('\n', ' '));
  }
}
