package io.plasmite.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code io.plasmite.cli.Main} as a separate process, with stdin, stdout and stderr connected
 * to pipes (so neither output stream is a terminal), and checks its output and exit status.
 */
class CliProcessTest {
  private static final long TIMEOUT_SECONDS = 60;

  /** What a finished run left behind. */
  private record Run(int status, String stdout, String stderr) {}

  private static Run pls(String... args)
      throws IOException, InterruptedException, ExecutionException, TimeoutException {
    // The JVM running this test is the JDK the build selected, so the child uses the same one.
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("io.plasmite.cli.Main");
    command.addAll(List.of(args));

    Process process = new ProcessBuilder(command).start();
    process.getOutputStream().close();
    // Both pipes are drained concurrently so that neither can fill up and stall the child.
    CompletableFuture<String> stdout = drain(process.getInputStream());
    CompletableFuture<String> stderr = drain(process.getErrorStream());
    if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new TimeoutException("pls " + String.join(" ", args) + " did not finish");
    }
    return new Run(
        process.exitValue(),
        stdout.get(TIMEOUT_SECONDS, TimeUnit.SECONDS),
        stderr.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
  }

  private static CompletableFuture<String> drain(InputStream in) {
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

  private static String expectedVersion() {
    String version = System.getProperty("plasmite.expected.version");
    assertNotNull(version, "surefire sets plasmite.expected.version");
    return version;
  }

  @Test
  void versionPipedPrintsOneJsonLineAndExitsZero() throws Exception {
    Run run = pls("version");

    assertEquals(0, run.status(), run.stderr());
    assertEquals(
        "{\"name\":\"plasmite\",\"version\":\"" + expectedVersion() + "\"}\n", run.stdout());
    assertEquals("", run.stderr());
  }

  @Test
  void globalOptionsBeforeTheVerbAreAccepted() throws Exception {
    Run run = pls("--dir", "/nonexistent/pools", "--color", "never", "version");

    assertEquals(0, run.status(), run.stderr());
    assertEquals(expectedVersion(), Json.parseObject(run.stdout()).get("version"));
  }

  @Test
  void unknownVerbExitsTwoWithAJsonUsageErrorOnStderr() throws Exception {
    Run run = pls("frobnicate");

    assertEquals(2, run.status());
    assertEquals("", run.stdout());
    assertTrue(run.stderr().endsWith("\n"), run.stderr());
    assertEquals(1, run.stderr().lines().count(), run.stderr());
    Map<String, Object> error = errorObject(run.stderr());
    assertEquals("Usage", error.get("kind"));
    assertEquals("unrecognized subcommand 'frobnicate'", error.get("message"));
    assertTrue(((String) error.get("hint")).contains("--help"), error.toString());
  }

  @Test
  void badGlobalOptionValueIsAUsageError() throws Exception {
    Run run = pls("--color", "sometimes", "version");

    assertEquals(2, run.status());
    assertEquals("", run.stdout());
    assertEquals("Usage", errorObject(run.stderr()).get("kind"));
  }

  @Test
  void missingVerbIsAUsageError() throws Exception {
    Run run = pls();

    assertEquals(2, run.status());
    Map<String, Object> error = errorObject(run.stderr());
    assertEquals("Usage", error.get("kind"));
    assertEquals("missing command", error.get("message"));
  }

  @Test
  void helpExitsZeroAndListsTheVerbs() throws Exception {
    Run run = pls("--help");

    assertEquals(0, run.status(), run.stderr());
    assertTrue(run.stdout().contains("Usage: plasmite"), run.stdout());
    assertTrue(run.stdout().contains("version"), run.stdout());
    assertTrue(run.stdout().contains("--dir"), run.stdout());
    assertEquals("", run.stderr());
  }

  @Test
  void verbHelpExitsZero() throws Exception {
    Run run = pls("version", "--help");

    assertEquals(0, run.status(), run.stderr());
    assertTrue(run.stdout().contains("Usage: plasmite version"), run.stdout());
  }

  @Test
  void versionFlagPrintsTheHumanVersion() throws Exception {
    Run run = pls("--version");

    assertEquals(0, run.status(), run.stderr());
    assertEquals("plasmite " + expectedVersion() + "\n", run.stdout());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> errorObject(String stderr) throws IOException {
    Map<String, Object> line = Json.parseObject(stderr);
    assertEquals(1, line.size(), stderr);
    assertNotNull(line.get("error"), stderr);
    return (Map<String, Object>) line.get("error");
  }
}
