package io.plasmite.cli;

import static io.plasmite.cli.Pls.obj;
import static io.plasmite.cli.Pls.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code follow} through the real program. One pool with a known history is shared by the tests
 * that only read it.
 */
class FollowProcessTest {
  @TempDir static Path shared;
  @TempDir Path dir;

  private static Pls pls;
  private static List<String> times = new ArrayList<>();

  @BeforeAll
  static void history() throws Exception {
    pls = new Pls(shared);
    // Three runs, so the times differ: seq 1-2, seq 3-4, seq 5-6.
    for (int run = 0; run < 3; run++) {
      StringBuilder in = new StringBuilder();
      for (int i = 0; i < 2; i++) {
        int n = run * 2 + i + 1;
        in.append("{\"n\":").append(n).append(",\"k\":\"").append(n % 2 == 0 ? "even" : "odd");
        in.append("\"}\n");
      }
      Pls.Run fed =
          pls.run(in.toString(), "feed", "h", "--create", "--tag", run == 1 ? "mid" : "edge");
      assertEquals(0, fed.status(), fed.stderr());
      times.add((String) parse(fed.lines().get(0)).get("time"));
    }
  }

  private static List<Long> seqs(Pls.Run run) {
    return run.lines().stream().map(l -> (Long) parse(l).get("seq")).toList();
  }

  @Test
  void tailPrintsTheLastMatchesThenTimesOut() throws Exception {
    Pls.Run last2 = pls.run("", "follow", "h", "--tail", "2", "--timeout", "200ms");
    assertEquals(124, last2.status(), last2.stderr());
    assertEquals(List.of(5L, 6L), seqs(last2));

    Pls.Run odd =
        pls.run(
            "", "follow", "h", "-n", "2", "--where", ".data.k == \"odd\"", "--timeout", "100ms");
    assertEquals(List.of(3L, 5L), seqs(odd));

    Pls.Run both =
        pls.run(
            "",
            "follow",
            "h",
            "-n",
            "9",
            "--where",
            ".data.n > 1",
            "--where",
            ".meta.tags | index(\"edge\") != null",
            "--timeout",
            "100ms");
    assertEquals(List.of(2L, 5L, 6L), seqs(both));

    Pls.Run tagged = pls.run("", "follow", "h", "-n", "5", "--tag", "mid", "--timeout", "100ms");
    assertEquals(List.of(3L, 4L), seqs(tagged));

    Pls.Run one = pls.run("", "follow", "h", "--tail", "3", "--one", "--where", ".data.n < 5");
    assertEquals(0, one.status(), one.stderr());
    assertEquals(List.of(4L), seqs(one));

    Pls.Run data = pls.run("", "follow", "h", "-n", "1", "--data-only", "--timeout", "50ms");
    assertEquals("{\"k\":\"even\",\"n\":6}\n", data.stdout());

    Pls.Run pretty =
        pls.run("", "follow", "h", "-n", "1", "--format", "pretty", "--timeout", "50ms");
    assertTrue(
        pretty.stdout().startsWith("{\n  \"data\": {\n    \"k\": \"even\","), pretty.stdout());
    Pls.Run jsonl = pls.run("", "follow", "h", "-n", "1", "--jsonl", "--timeout", "50ms");
    assertEquals(1, jsonl.lines().size());
  }

  @Test
  void sinceSelectsByTime() throws Exception {
    Pls.Run all = pls.run("", "follow", "h", "--since", "1h", "--timeout", "200ms");
    assertEquals(124, all.status());
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), seqs(all));

    Pls.Run fromMiddle = pls.run("", "follow", "h", "--since", times.get(1), "--timeout", "200ms");
    assertEquals(List.of(3L, 4L, 5L, 6L), seqs(fromMiddle));

    Pls.Run future = pls.run("", "follow", "h", "--since", "2999-01-01T00:00:00Z");
    assertEquals(0, future.status());
    assertEquals("", future.stdout());

    assertEquals(2, pls.run("", "follow", "h", "--since", "yesterday").status());
    assertEquals(2, pls.run("", "follow", "h", "--since", "5m", "--tail", "2").status());
  }

  @Test
  void replayPrintsTheWindowAndExits() throws Exception {
    Pls.Run replay = pls.run("", "follow", "h", "--tail", "3", "--replay", "0");
    assertEquals(0, replay.status(), replay.stderr());
    assertEquals(List.of(4L, 5L, 6L), seqs(replay));
    Pls.Run since = pls.run("", "follow", "h", "--since", times.get(2), "--replay", "100");
    assertEquals(List.of(5L, 6L), seqs(since));
    assertEquals(2, pls.run("", "follow", "h", "--replay", "1").status());
    assertEquals(2, pls.run("", "follow", "h", "-n", "1", "--replay", "-1").status());
  }

  @Test
  void badFiltersAndMissingPoolsAreErrors() throws Exception {
    Pls.Run nonBoolean = pls.run("", "follow", "h", "-n", "1", "--where", ".data.n");
    assertEquals(2, nonBoolean.status());
    assertEquals("filter expression must yield booleans", nonBoolean.error().get("message"));
    Pls.Run broken = pls.run("", "follow", "h", "--where", ".data.n ==");
    assertEquals(2, broken.status());
    assertEquals("invalid filter expression", broken.error().get("message"));
    Pls.Run missing = pls.run("", "follow", "nope", "--timeout", "1s");
    assertEquals(3, missing.status());
    assertTrue(((String) missing.error().get("hint")).contains("--create"));
    assertEquals(2, pls.run("", "follow", "h", "--format", "xml").status());
    assertEquals(2, pls.run("", "follow", "h", "--timeout", "soon").status());
  }

  @Test
  void aClosedStdoutEndsFollowQuietly() throws Exception {
    // The real thing: `pls follow … | head -1`, and the follower's own status.
    StringBuilder line = new StringBuilder();
    for (String word : pls.command("follow", "h", "--tail", "1")) {
      line.append('\'').append(word.replace("'", "'\\''")).append("' ");
    }
    line.append("| head -1; exit ${PIPESTATUS[0]}");
    Process shell = new ProcessBuilder("bash", "-c", line.toString()).start();
    var out = Pls.drain(shell.getInputStream());
    var err = Pls.drain(shell.getErrorStream());
    assertTrue(shell.waitFor(Pls.DEADLINE.toSeconds(), TimeUnit.SECONDS), "follow did not end");
    assertEquals(0, shell.exitValue(), err.get());
    assertEquals(6L, parse(out.get()).get("seq"));
    assertEquals("", err.get());
  }

  @Test
  void interruptEndsFollowPromptly() throws Exception {
    // SIGINT at its default action, as a shell leaves it for a command run at a terminal: a test
    // run from a background job (`mvn verify &`) inherits it ignored and would pass that on to
    // the program, which then rightly ignores the interrupt too. (env execs: same pid.)
    List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT"));
    command.addAll(pls.command("follow", "h", "--tail", "1"));
    try (Pls.Live follow = new Pls.Live(new ProcessBuilder(command).start())) {
      follow.stdout.next();
      long pid = follow.process.pid();
      new ProcessBuilder("kill", "-INT", Long.toString(pid)).start().waitFor();
      assertTrue(follow.process.waitFor(10, TimeUnit.SECONDS));
      assertEquals(130, follow.process.exitValue());
    }
  }

  @Test
  void dropsAreReportedAfterAnOverwrite() throws Exception {
    Pls p = new Pls(dir);
    assertEquals(
        0,
        p.run("{\"ready\":true}\n", "feed", "small", "--create", "--create-size", "64K").status());
    try (Pls.Live follow = p.start("follow", "small", "--tail", "1", "--format", "jsonl")) {
      assertEquals(1L, parse(follow.stdout.next()).get("seq"));
      // The follower blocks on a full pipe while the writer laps the small ring many times.
      StringBuilder in = new StringBuilder();
      String pad = "x".repeat(600);
      for (int i = 0; i < 1500; i++) {
        in.append("{\"i\":").append(i).append(",\"pad\":\"").append(pad).append("\"}\n");
      }
      assertEquals(0, p.run(in.toString(), "feed", "small").status());
      long previous = 1;
      long last = 1;
      while (last < 1501) {
        last = (Long) parse(follow.stdout.next()).get("seq");
        assertTrue(last > previous, last + " after " + previous);
        previous = last;
      }
      follow.process.destroy();
      follow.waitFor();
      List<String> errors = follow.stderr.rest();
      assertTrue(!errors.isEmpty(), "no drop notice");
      Map<String, Object> notice = obj(parse(errors.get(0)).get("notice"));
      assertEquals("drop", notice.get("kind"));
      assertEquals("follow", notice.get("cmd"));
      assertEquals("small", notice.get("pool"));
      Map<String, Object> details = obj(notice.get("details"));
      long lastSeen = (Long) details.get("last_seen_seq");
      long nextSeen = (Long) details.get("next_seen_seq");
      assertEquals(nextSeen - lastSeen - 1, details.get("dropped_count"));
      assertTrue((Long) details.get("dropped_count") > 0);
      assertEquals("dropped " + details.get("dropped_count") + " messages", notice.get("message"));
    }
  }

  @Test
  void concurrentFeedsReachOneFollowerOnceEachInSeqOrder() throws Exception {
    Pls p = new Pls(dir);
    assertEquals(
        0, p.run("{\"ready\":true}\n", "feed", "busy", "--create", "--create-size", "8M").status());
    try (Pls.Live follow = p.start("follow", "busy", "--tail", "1")) {
      assertEquals(1L, parse(follow.stdout.next()).get("seq"));
      int writers = 3;
      int each = 400;
      List<Pls.Live> feeds = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        Pls.Live feed = p.start("feed", "busy", "--tag", "w" + w);
        feeds.add(feed);
      }
      for (int w = 0; w < writers; w++) {
        StringBuilder in = new StringBuilder();
        for (int i = 0; i < each; i++) {
          in.append("{\"w\":").append(w).append(",\"i\":").append(i).append("}\n");
        }
        feeds.get(w).write(in.toString());
        feeds.get(w).closeStdin();
      }
      for (Pls.Live feed : feeds) {
        assertEquals(0, feed.waitFor());
        feed.close();
      }
      Set<String> seen = new HashSet<>();
      int[] nextI = new int[writers];
      long expected = 2;
      for (int k = 0; k < writers * each; k++) {
        Map<String, Object> m = parse(follow.stdout.next(Duration.ofSeconds(30)));
        assertEquals(expected++, m.get("seq"));
        Map<String, Object> data = obj(m.get("data"));
        int w = ((Long) data.get("w")).intValue();
        int i = ((Long) data.get("i")).intValue();
        assertTrue(seen.add(w + ":" + i), "twice: " + w + ":" + i);
        assertEquals(nextI[w]++, i, "writer " + w + " out of order");
        assertEquals(List.of("w" + w), obj(m.get("meta")).get("tags"));
      }
      assertEquals(writers * each, seen.size());
    }
  }
}
