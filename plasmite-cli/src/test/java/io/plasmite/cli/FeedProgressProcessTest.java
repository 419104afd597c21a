package io.plasmite.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pls feed --file} of a large file with stderr on a terminal and stdout on a file: a
 * progress line on stderr, cleared at the end, and every receipt on stdout. The terminal is a real
 * pseudo-terminal from {@code script(1)} (util-linux), around a separate {@code pls} process.
 */
class FeedProgressProcessTest {
  private static final int LINES = 100_000;

  @TempDir Path dir;

  private static String quoted(String arg) {
    return "'" + arg.replace("'", "'\\''") + "'";
  }

  @Test
  void aLargeFileShowsProgressOnATerminalAndClearsIt() throws Exception {
    Pls pls = new Pls(dir.resolve("pools"));
    Pls.Run created = pls.run("", "pool", "create", "big", "--size", "64M");
    assertEquals(0, created.status(), created.stderr());

    // ~10 MB, above the 8 MiB from which feed shows progress.
    Path file = dir.resolve("big.jsonl");
    String pad = "x".repeat(80);
    StringBuilder text = new StringBuilder();
    for (int i = 1; i <= LINES; i++) {
      text.append("{\"i\":").append(i).append(",\"pad\":\"").append(pad).append("\"}\n");
    }
    Files.writeString(file, text);
    assertTrue(Files.size(file) > FeedCommand.Progress.MIN_BYTES, "the file is too small");

    Path receipts = dir.resolve("receipts.jsonl");
    String command =
        pls.command("feed", "big", "--file", file.toString()).stream()
                .map(FeedProgressProcessTest::quoted)
                .collect(Collectors.joining(" "))
            + " > "
            + quoted(receipts.toString());
    // script gives the command a pseudo-terminal for stdin and stderr (stdout is redirected above)
    // and copies what the command writes to it to its own stdout.
    Process script =
        new ProcessBuilder("script", "-q", "-e", "-c", command, "/dev/null")
            .redirectErrorStream(true)
            .start();
    script.getOutputStream().close();
    String screen;
    try (InputStream out = script.getInputStream()) {
      screen = new String(out.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertTrue(script.waitFor(Pls.DEADLINE.toSeconds(), TimeUnit.SECONDS), "script did not end");
    assertEquals(0, script.exitValue(), screen);

    assertTrue(screen.contains("feeding " + file + ": "), screen);
    assertTrue(screen.contains("MB/s)"), screen);
    // The line is drawn over itself and erased when the feed ends.
    assertTrue(screen.endsWith("\r\u001b[K"), screen);

    List<String> lines = Files.readAllLines(receipts);
    assertEquals(LINES, lines.size());
    assertTrue(lines.getLast().contains("\"seq\":" + LINES + ","), lines.getLast());
    assertFalse(lines.getFirst().contains("feeding"), lines.getFirst());
  }
}
