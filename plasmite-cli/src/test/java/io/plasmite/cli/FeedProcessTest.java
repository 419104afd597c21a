package io.plasmite.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plasmite.LocalClient;
import io.plasmite.Message;
import io.plasmite.PlasmiteException;
import io.plasmite.Pool;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pls feed} as a separate process, stdin/stdout/stderr on pipes (so output is JSON), checked
 * through its output, exit status and the pool's contents.
 */
class FeedProcessTest {
  private static final long TIMEOUT_SECONDS = 60;
  private static final Pattern RECEIPT =
      Pattern.compile(
          "\\{\"meta\":\\{\"tags\":\\[.*]},\"seq\":[0-9]+,"
              + "\"time\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,9})?Z\"}");

  @TempDir Path dir;

  private record Run(int status, String stdout, String stderr) {}

  private Run pls(String stdin, String... args) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("io.plasmite.cli.Main");
    command.add("--dir");
    command.add(dir.toString());
    command.addAll(List.of(args));

    Process process = new ProcessBuilder(command).start();
    CompletableFuture<String> stdout = drain(process.getInputStream());
    CompletableFuture<String> stderr = drain(process.getErrorStream());
    try (OutputStream in = process.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    assertTrue(process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), "pls did not finish");
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

  private LocalClient client() {
    return new LocalClient().withPoolDir(dir);
  }

  private void createPool(String name) {
    client().create(PoolRef.name(name), PoolOptions.ofSize(1 << 20));
  }

  private List<Message> messages(String name) {
    try (Pool pool = client().open(PoolRef.name(name))) {
      List<Message> out = new ArrayList<>();
      for (long seq = 1; ; seq++) {
        try {
          Message m = pool.getMessage(seq);
          m.dataJson();
          m.tags();
          out.add(m);
        } catch (PlasmiteException e) {
          return out;
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> error(String stderr) throws IOException {
    assertEquals(1, stderr.lines().count(), stderr);
    Map<String, Object> line = Json.parseObject(stderr);
    assertNotNull(line.get("error"), stderr);
    return (Map<String, Object>) line.get("error");
  }

  @Test
  void inlineDataIsAppendedAndItsReceiptPrinted() throws Exception {
    createPool("jobs");

    Run run = pls("", "feed", "jobs", "{\"b\":1,\"a\":\"é\"}", "--tag", "x", "--tag", "ü y");

    assertEquals(0, run.status(), run.stderr());
    assertEquals("", run.stderr());
    String line = run.stdout().strip();
    assertEquals(1, run.stdout().lines().count(), run.stdout());
    assertTrue(RECEIPT.matcher(line).matches(), line);
    Map<String, Object> receipt = Json.parseObject(line);
    assertEquals(Map.of("tags", List.of("x", "ü y")), receipt.get("meta"));
    assertEquals(1L, receipt.get("seq"));

    List<Message> stored = messages("jobs");
    assertEquals(1, stored.size());
    assertEquals("{\"a\":\"é\",\"b\":1}", stored.get(0).dataJson());
    assertEquals(List.of("x", "ü y"), stored.get(0).tags());
    // The receipt's time is the stored message's.
    assertTrue(stored.get(0).toJson().endsWith(line.substring(line.indexOf(",\"seq\""))), line);
  }

  @Test
  void stdinJsonLinesAreAppendedInOrderWithTheTags() throws Exception {
    createPool("lines");

    Run run = pls("{\"n\":1}\n\n   \n{\"n\":2}\r\n{\"n\":3}", "feed", "lines", "--tag", "t");

    assertEquals(0, run.status(), run.stderr());
    assertEquals("", run.stderr());
    List<String> receipts = run.stdout().lines().toList();
    assertEquals(3, receipts.size(), run.stdout());
    for (int i = 0; i < 3; i++) {
      assertTrue(RECEIPT.matcher(receipts.get(i)).matches(), receipts.get(i));
      Map<String, Object> receipt = Json.parseObject(receipts.get(i));
      assertEquals(i + 1L, receipt.get("seq"));
      assertEquals(Map.of("tags", List.of("t")), receipt.get("meta"));
    }
    List<Message> stored = messages("lines");
    assertEquals(3, stored.size());
    for (int i = 0; i < 3; i++) {
      assertEquals("{\"n\":" + (i + 1) + "}", stored.get(i).dataJson());
      assertEquals(List.of("t"), stored.get(i).tags());
    }
  }

  @Test
  void dataThatIsNotAnObjectIsAUsageErrorAndNothingIsWritten() throws Exception {
    createPool("jobs");

    Run run = pls("", "feed", "jobs", "\"just a string\"");

    assertEquals(2, run.status());
    assertEquals("", run.stdout());
    Map<String, Object> error = error(run.stderr());
    assertEquals("Usage", error.get("kind"));
    assertTrue(((String) error.get("message")).contains("data must be object"), run.stderr());
    assertTrue(messages("jobs").isEmpty());
  }

  @Test
  void aBadLineStopsTheFeedAfterTheLinesBeforeIt() throws Exception {
    createPool("lines");

    Run run = pls("{\"n\":1}\n[1,2]\n{\"n\":3}\n", "feed", "lines");

    assertEquals(2, run.status());
    assertEquals(1, run.stdout().lines().count(), run.stdout());
    assertTrue(((String) error(run.stderr()).get("message")).contains("data must be object"));
    assertEquals(1, messages("lines").size());
  }

  @Test
  void emptyStdinIsMissingDataInput() throws Exception {
    createPool("jobs");

    Run run = pls("\n\n", "feed", "jobs");

    assertEquals(2, run.status());
    assertEquals("missing data input", error(run.stderr()).get("message"));
  }

  @Test
  void aMissingPoolIsNotFoundWithAHintToUseCreate() throws Exception {
    Run run = pls("", "feed", "ghost", "{\"a\":1}", "--tag", "t");

    assertEquals(3, run.status());
    assertEquals("", run.stdout());
    Map<String, Object> error = error(run.stderr());
    assertEquals("NotFound", error.get("kind"));
    assertTrue(((String) error.get("hint")).contains("--create"), run.stderr());
    assertTrue(((String) error.get("path")).endsWith("ghost.plasmite"), run.stderr());
    assertFalse(Files.exists(dir.resolve("ghost.plasmite")));
  }

  @Test
  void createMakesAMissingPoolOfTheDefaultSize() throws Exception {
    Run run = pls("", "feed", "fresh", "{\"a\":1}", "--create");

    assertEquals(0, run.status(), run.stderr());
    assertEquals(1L, Json.parseObject(run.stdout()).get("seq"));
    assertEquals(1L << 20, client().info(PoolRef.name("fresh")).fileSize());

    Run again = pls("", "feed", "fresh", "{\"a\":2}", "--create");
    assertEquals(0, again.status(), again.stderr());
    assertEquals(2L, Json.parseObject(again.stdout()).get("seq"));
  }

  @Test
  void createSizeSetsTheSizeAndNeedsCreate() throws Exception {
    Run alone = pls("", "feed", "small", "{}", "--create-size", "64K");
    assertEquals(2, alone.status());
    assertEquals("--create-size requires --create", error(alone.stderr()).get("message"));

    Run run = pls("", "feed", "small", "{}", "--create", "--create-size", "64K");
    assertEquals(0, run.status(), run.stderr());
    assertEquals(65536, client().info(PoolRef.name("small")).fileSize());
  }

  @Test
  void sizesParse() {
    assertEquals(4096, Args.size("4096"));
    assertEquals(64L << 10, Args.size("64K"));
    assertEquals(1L << 20, Args.size("1m"));
    assertEquals(2L << 30, Args.size("2GB"));
    for (String bad : List.of("", "K", "1.5M", "-1", "12X", "99999999999G")) {
      PlasmiteException e = assertThrows(PlasmiteException.class, () -> Args.size(bad), bad);
      assertEquals("Usage", e.kind().wireName());
    }
  }
}
