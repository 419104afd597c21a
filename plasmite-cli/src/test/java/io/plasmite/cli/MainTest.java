package io.plasmite.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Runs the CLI in-process, pretending stdout and stderr are terminals where needed. */
class MainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(boolean terminals, String... args) {
    Streams streams =
        new Streams(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            terminals,
            terminals);
    return Main.run(args, streams);
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void versionOnATerminalIsHumanText() {
    assertEquals(0, run(true, "version"));
    assertEquals("plasmite " + BuildVersion.current() + "\n", stdout());
  }

  @Test
  void usageErrorOnATerminalIsHumanText() {
    assertEquals(2, run(true, "frobnicate"));
    assertEquals(
        "error: unrecognized subcommand 'frobnicate'\nhint: Try `plasmite --help`.\n", stderr());
    assertEquals("", stdout());
  }

  @Test
  void misspelledVerbGetsASuggestion() {
    assertEquals(2, run(true, "verison"));
    assertTrue(stderr().contains("hint: Did you mean 'version'?"), stderr());
  }

  @Test
  void unknownOptionOfAVerbNamesThatVerbsHelp() {
    assertEquals(2, run(true, "version", "--bogus"));
    assertEquals(
        "error: unexpected argument '--bogus' found\nhint: Try `plasmite version --help`.\n",
        stderr());
  }

  @Test
  void extraArgumentOfAVerbIsAUsageError() {
    assertEquals(2, run(false, "version", "extra"));
    assertTrue(stderr().startsWith("{\"error\":{\"kind\":\"Usage\""), stderr());
  }

  @Test
  void globalOptionsAreNotAcceptedAfterTheVerb() {
    assertEquals(2, run(false, "version", "--dir", "/tmp"));
  }

  @Test
  void atFilesAreNotExpanded() {
    assertEquals(2, run(false, "@/etc/hostname"));
    assertTrue(stderr().contains("unrecognized subcommand '@/etc/hostname'"), stderr());
  }

  @Test
  void helpSubcommandPrintsVerbHelp() {
    assertEquals(0, run(false, "help", "version"));
    assertTrue(stdout().contains("Usage: plasmite version"), stdout());
  }
}
