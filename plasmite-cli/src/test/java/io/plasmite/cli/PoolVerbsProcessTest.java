package io.plasmite.cli;

import static io.plasmite.cli.Pls.obj;
import static io.plasmite.cli.Pls.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pool create|info|list|delete}, {@code fetch}, {@code doctor}, help and completion. */
@SuppressWarnings("unchecked")
class PoolVerbsProcessTest {
  @TempDir Path dir;

  @Test
  void poolLifecycleWithJsonOutputAndErrors() throws Exception {
    Pls pls = new Pls(dir);
    Pls.Run created = pls.run("", "pool", "create", "--json", "--size", "64K", "a", "b");
    assertEquals(0, created.status(), created.stderr());
    List<Object> infos = (List<Object>) parse(created.stdout()).get("created");
    assertEquals(2, infos.size());
    Map<String, Object> a = obj(infos.get(0));
    assertEquals("a", a.get("name"));
    assertEquals(65536L, a.get("file_size"));
    assertEquals(Map.of(), a.get("bounds"));
    assertEquals(dir.resolve("a.plasmite").toString(), a.get("path"));
    assertEquals(0L, obj(a.get("metrics")).get("message_count"));

    Pls.Run again = pls.run("", "pool", "create", "a");
    assertEquals(4, again.status());
    assertEquals("AlreadyExists", again.error().get("kind"));

    Pls.Run tooBig =
        pls.run("", "pool", "create", "c", "--size", "64K", "--index-capacity", "4096");
    assertEquals(2, tooBig.status());
    Pls.Run badSize = pls.run("", "pool", "create", "c", "--size", "12X");
    assertEquals(2, badSize.status());
    assertEquals("Usage", badSize.error().get("kind"));

    assertEquals(0, pls.run("", "feed", "a", "{\"x\":1}").status());
    Pls.Run info = pls.run("", "pool", "info", "a", "--json");
    assertEquals(0, info.status(), info.stderr());
    Map<String, Object> pool = parse(info.stdout());
    assertEquals(Map.of("oldest", 1L, "newest", 1L), pool.get("bounds"));
    assertEquals(1L, obj(pool.get("metrics")).get("message_count"));
    assertTrue(info.stdout().indexOf("\"bounds\"") < info.stdout().indexOf("\"file_size\""));
    Pls.Run human = pls.run("", "pool", "info", "a");
    assertTrue(human.stdout().contains("Bounds: oldest=1 newest=1 count=1"), human.stdout());

    Pls.Run missing = pls.run("", "pool", "info", "ghost");
    assertEquals(3, missing.status());
    assertTrue(((String) missing.error().get("hint")).contains("pool create ghost"));

    Files.writeString(dir.resolve("junk.plasmite"), "NOPE");
    Files.writeString(dir.resolve("notes.txt"), "ignored");
    Pls.Run list = pls.run("", "pool", "list", "--json");
    assertEquals(0, list.status(), list.stderr());
    List<Object> pools = (List<Object>) parse(list.stdout()).get("pools");
    assertEquals(List.of("a", "b", "junk"), pools.stream().map(p -> obj(p).get("name")).toList());
    assertEquals(Map.of("oldest", 1L, "newest", 1L), obj(pools.get(0)).get("bounds"));
    Map<String, Object> junkError = obj(obj(obj(pools.get(2)).get("error")).get("error"));
    assertEquals("Corrupt", junkError.get("kind"));

    Pls.Run doctor = pls.run("", "doctor", "--all", "--json");
    assertEquals(7, doctor.status(), doctor.stderr());
    List<Object> reports = (List<Object>) parse(doctor.stdout()).get("reports");
    assertEquals(3, reports.size());
    assertEquals(
        List.of("ok", "ok", "corrupt"), reports.stream().map(r -> obj(r).get("status")).toList());
    Pls.Run healthy = pls.run("", "doctor", "a");
    assertEquals(0, healthy.status(), healthy.stderr());
    assertEquals("OK: a\n", healthy.stdout());
    assertEquals(2, pls.run("", "doctor").status());
    assertEquals(7, pls.run("", "doctor", "junk").status());

    Pls.Run deleted = pls.run("", "pool", "delete", "--json", "b", "ghost", "junk");
    assertEquals(3, deleted.status(), deleted.stderr());
    Map<String, Object> result = parse(deleted.stdout());
    assertEquals(
        List.of("b", "junk"),
        ((List<Object>) result.get("deleted")).stream().map(d -> obj(d).get("pool")).toList());
    Map<String, Object> failed = obj(((List<Object>) result.get("failed")).get(0));
    assertEquals("ghost", failed.get("pool"));
    assertEquals("NotFound", obj(failed.get("error")).get("kind"));
    assertFalse(Files.exists(dir.resolve("b.plasmite")));
  }

  @Test
  void fetchPrintsTheEnvelopeAndReportsMissingMessages() throws Exception {
    Pls pls = new Pls(dir);
    assertEquals(0, pls.run("", "pool", "create", "jobs").status());
    assertEquals(0, pls.run("", "feed", "jobs", "{\"b\":2,\"a\":\"é\"}", "--tag", "t").status());

    Pls.Run fetched = pls.run("", "fetch", "jobs", "1");
    assertEquals(0, fetched.status(), fetched.stderr());
    assertTrue(
        fetched
            .stdout()
            .matches(
                "\\{\"data\":\\{\"a\":\"é\",\"b\":2},\"meta\":\\{\"tags\":\\[\"t\"]},"
                    + "\"seq\":1,\"time\":\"[0-9T:.Z-]+\"}\n"),
        fetched.stdout());
    // The full parser gives the same answer as the start-up fast path.
    Pls.Run slow = pls.run("", "--color", "never", "fetch", "--json", "jobs", "1");
    assertEquals(fetched.stdout(), slow.stdout());

    Pls.Run missing = pls.run("", "fetch", "jobs", "7");
    assertEquals(3, missing.status());
    assertEquals(7L, missing.error().get("seq"));
    assertEquals(3, pls.run("", "fetch", "nopool", "1").status());
    assertEquals(2, pls.run("", "fetch", "jobs", "x").status());
    assertEquals(2, pls.run("", "fetch", "jobs").status());
    assertEquals(2, pls.run("", "fetch", "http://127.0.0.1:9700/jobs", "1").status());
  }

  @Test
  void everyVerbHasHelpAndUnknownOptionsAreUsageErrors() throws Exception {
    Pls pls = new Pls(dir);
    List<List<String>> verbs =
        List.of(
            List.of("pool"),
            List.of("pool", "create"),
            List.of("pool", "info"),
            List.of("pool", "list"),
            List.of("pool", "delete"),
            List.of("feed"),
            List.of("fetch"),
            List.of("follow"),
            List.of("duplex"),
            List.of("tap"),
            List.of("doctor"),
            List.of("version"),
            List.of("completion"));
    for (List<String> verb : verbs) {
      String[] args =
          java.util.stream.Stream.concat(verb.stream(), java.util.stream.Stream.of("--help"))
              .toArray(String[]::new);
      Pls.Run help = pls.run("", args);
      assertEquals(0, help.status(), verb + ": " + help.stderr());
      assertTrue(
          help.stdout().contains("Usage: plasmite " + String.join(" ", verb)), help.stdout());
    }
    Pls.Run bogus = pls.run("", "follow", "x", "--bogus");
    assertEquals(2, bogus.status());
    assertTrue(((String) bogus.error().get("hint")).contains("plasmite follow --help"));
    Pls.Run top = pls.run("", "--help");
    for (String verb : List.of("pool", "feed", "fetch", "follow", "duplex", "tap", "doctor")) {
      assertTrue(top.stdout().contains(verb), verb);
    }
  }

  @Test
  void completionScriptsCoverTheVerbs() throws Exception {
    Pls pls = new Pls(dir);
    for (String shell : List.of("bash", "zsh", "fish")) {
      Pls.Run run = pls.run("", "completion", shell);
      assertEquals(0, run.status(), run.stderr());
      for (String word : List.of("follow", "feed", "where", "tail", "pls", "repair")) {
        assertTrue(run.stdout().contains(word), shell + " lacks " + word);
      }
      Path script = dir.resolve("completion." + shell);
      Files.writeString(script, run.stdout(), StandardCharsets.UTF_8);
      String checker =
          switch (shell) {
            case "bash" -> "bash";
            case "zsh" -> "zsh";
            default -> "fish";
          };
      if (onPath(checker)) {
        Process syntax =
            new ProcessBuilder(checker, "-n", script.toString()).redirectErrorStream(true).start();
        String out = new String(syntax.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, syntax.waitFor(), shell + " syntax: " + out);
      }
    }
    assertEquals(2, pls.run("", "completion", "tcsh").status());
  }

  private static boolean onPath(String program) {
    for (String part : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(part, program))) {
        return true;
      }
    }
    return false;
  }
}
