package io.plasmite.cli;

import static io.plasmite.cli.Pls.obj;
import static io.plasmite.cli.Pls.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plasmite.LocalClient;
import io.plasmite.Message;
import io.plasmite.PlasmiteException;
import io.plasmite.Pool;
import io.plasmite.PoolRef;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code feed} input modes, error policies and limits, through the real program. */
class FeedModesProcessTest {
  @TempDir Path dir;

  private List<String> stored(String pool) {
    List<String> out = new ArrayList<>();
    try (Pool p = new LocalClient().withPoolDir(dir).open(PoolRef.name(pool))) {
      for (long seq = 1; ; seq++) {
        try {
          Message m = p.getMessage(seq);
          out.add(m.dataJson());
        } catch (PlasmiteException e) {
          return out;
        }
      }
    }
  }

  private Pls.Run feed(String stdin, String... args) throws Exception {
    Pls.Run run = new Pls(dir).run(stdin, args);
    for (String line : run.stdout().lines().toList()) {
      assertTrue(
          line.matches("\\{\"meta\":\\{\"tags\":\\[.*]},\"seq\":\\d+,\"time\":\"[^\"]+\"}"), line);
    }
    return run;
  }

  @Test
  void everyInputModeIsSplitIntoRecords() throws Exception {
    Pls pls = new Pls(dir);
    assertEquals(0, pls.run("", "pool", "create", "p", "--size", "4M").status());

    Path file = dir.resolve("in.jsonl");
    Files.writeString(file, "{\"m\":\"file\",\"n\":1}\n{\"m\":\"file\",\"n\":2}\n");
    Pls.Run fromFile = feed("", "feed", "p", "-f", file.toString(), "--tag", "f");
    assertEquals(0, fromFile.status(), fromFile.stderr());
    assertEquals(2, fromFile.lines().size());
    assertEquals(List.of("f"), obj(parse(fromFile.lines().get(0)).get("meta")).get("tags"));

    Pls.Run dash = feed("{\"m\":\"dash\"}\n", "feed", "p", "--file", "-");
    assertEquals(0, dash.status(), dash.stderr());

    String pretty =
        "{\n  \"m\": \"pretty\",\n  \"list\": [\n    {\"c\": 2},\n    [3]\n  ]\n}\n{\"m\":\"after\"}\n";
    Pls.Run multi = feed(pretty, "feed", "p");
    assertEquals(0, multi.status(), multi.stderr());
    assertEquals(2, multi.lines().size());

    Pls.Run seq =
        feed("\u001e{\"m\":\"seq\",\"n\":1}\n\u001e{\"m\":\"seq\",\n\"n\":2}\n", "feed", "p");
    assertEquals(0, seq.status(), seq.stderr());
    assertEquals(2, seq.lines().size());

    String sse =
        ": keepalive\nevent: update\nid: 7\ndata: {\"m\":\"sse\",\ndata: \"n\":1}\n\ndata: {\"m\":\"sse\",\"n\":2}\n\n";
    Pls.Run events = feed(sse, "feed", "p");
    assertEquals(0, events.status(), events.stderr());
    assertEquals(2, events.lines().size());

    Pls.Run json = feed("  {\n \"m\": \"json\"\n}\n", "feed", "p", "-i", "json");
    assertEquals(0, json.status(), json.stderr());
    Pls.Run jq =
        feed(
            "{\"m\":\"jq\",\"n\":1}{\"m\":\"jq\",\"n\":2}\n {\"m\":\"jq\",\"n\":3}",
            "feed",
            "p",
            "--in",
            "jq");
    assertEquals(0, jq.status(), jq.stderr());
    assertEquals(3, jq.lines().size());
    Pls.Run jsonl = feed("{\"m\":\"jsonl\"}\n\n{\"m\":\"jsonl\"}\n", "feed", "p", "-i", "jsonl");
    assertEquals(2, jsonl.lines().size());

    assertEquals(
        List.of(
            "{\"m\":\"file\",\"n\":1}",
            "{\"m\":\"file\",\"n\":2}",
            "{\"m\":\"dash\"}",
            "{\"list\":[{\"c\":2},[3]],\"m\":\"pretty\"}",
            "{\"m\":\"after\"}",
            "{\"m\":\"seq\",\"n\":1}",
            "{\"m\":\"seq\",\"n\":2}",
            "{\"m\":\"sse\",\"n\":1}",
            "{\"m\":\"sse\",\"n\":2}",
            "{\"m\":\"json\"}",
            "{\"m\":\"jq\",\"n\":1}",
            "{\"m\":\"jq\",\"n\":2}",
            "{\"m\":\"jq\",\"n\":3}",
            "{\"m\":\"jsonl\"}",
            "{\"m\":\"jsonl\"}"),
        stored("p"));

    // Receipts count up across batches and runs.
    List<Long> seqs = new ArrayList<>();
    for (Pls.Run r : List.of(fromFile, dash, multi, seq, events, json, jq, jsonl)) {
      r.lines().forEach(l -> seqs.add((Long) parse(l).get("seq")));
    }
    for (int i = 0; i < seqs.size(); i++) {
      assertEquals(i + 1L, seqs.get(i));
    }
  }

  @Test
  void skipReportsEachBadRecordAndExitsOne() throws Exception {
    Pls pls = new Pls(dir);
    assertEquals(0, pls.run("", "pool", "create", "s", "--size", "4M").status());
    String big = "{\"big\":\"" + "x".repeat(FeedInput.MAX_RECORD_BYTES) + "\"}";
    String input = "{\"ok\":1}\nnot json\n[1,2]\n" + big + "\n{\"ok\":2}\n";
    Pls.Run run = feed(input, "feed", "s", "-e", "skip");
    assertEquals(1, run.status(), run.stderr());
    assertEquals(2, run.lines().size());
    List<Map<String, Object>> notices =
        run.stderr().lines().map(l -> obj(parse(l).get("notice"))).toList();
    assertEquals(4, notices.size(), run.stderr());
    assertEquals(
        List.of("ingest_skip", "ingest_skip", "ingest_skip", "ingest_summary"),
        notices.stream().map(n -> n.get("kind")).toList());
    assertEquals(
        List.of("Parse", "Usage", "Oversize"),
        notices.subList(0, 3).stream().map(n -> obj(n.get("details")).get("error_kind")).toList());
    Map<String, Object> first = obj(notices.get(0).get("details"));
    assertEquals(2L, first.get("index"));
    assertEquals(2L, first.get("line"));
    assertEquals("auto", first.get("mode"));
    assertEquals("not json", first.get("snippet"));
    assertEquals("feed", notices.get(0).get("cmd"));
    assertEquals("s", notices.get(0).get("pool"));
    Map<String, Object> summary = obj(notices.get(3).get("details"));
    assertEquals(5L, summary.get("total"));
    assertEquals(2L, summary.get("ok"));
    assertEquals(3L, summary.get("failed"));
    assertEquals(List.of("{\"ok\":1}", "{\"ok\":2}"), stored("s"));
  }

  @Test
  void stopEndsAtTheFirstBadRecordWithAUsageError() throws Exception {
    Pls pls = new Pls(dir);
    assertEquals(0, pls.run("", "pool", "create", "t").status());

    Pls.Run invalid = feed("{\"a\":1}\n{bad\n", "feed", "t");
    assertEquals(2, invalid.status());
    assertEquals(1, invalid.lines().size());
    assertEquals("invalid json input", invalid.error().get("message"));

    String big = "{\"big\":\"" + "x".repeat(FeedInput.MAX_RECORD_BYTES) + "\"}";
    Pls.Run oversize = feed("{\"a\":2}\n" + big + "\n{\"a\":3}\n", "feed", "t");
    assertEquals(2, oversize.status());
    assertEquals("record exceeds size limit", oversize.error().get("message"));
    assertEquals(1, oversize.lines().size());

    Pls.Run nonObject = feed("", "feed", "t", "[1,2]");
    assertEquals(2, nonObject.status());
    assertTrue(((String) nonObject.error().get("message")).contains("data must be object"));

    Pls.Run notJson = feed("", "feed", "t", "{oops");
    assertEquals(2, notJson.status());
    assertEquals("invalid json", notJson.error().get("message"));

    Pls.Run jqSkip = feed("{}", "feed", "t", "-i", "jq", "-e", "skip");
    assertEquals(2, jqSkip.status());
    assertEquals(2, feed("", "feed", "t", "{}", "-i", "yaml").status());
    assertEquals(2, feed("", "feed", "t", "{}", "--retry-delay", "1s").status());
    assertEquals(2, feed("", "feed", "t", "{}", "--durability", "slow").status());
    assertEquals(2, feed("", "feed", "t", "{}", "-f", "x.json").status());

    assertEquals(List.of("{\"a\":1}", "{\"a\":2}"), stored("t"));

    Pls.Run dirAsFile = feed("", "feed", "t", "-f", dir.toString());
    assertEquals(8, dirAsFile.status(), dirAsFile.stderr());
    Pls.Run noFile = feed("", "feed", "t", "-f", dir.resolve("nope.jsonl").toString());
    assertEquals(3, noFile.status(), noFile.stderr());
  }

  @Test
  void remotePoolRefsOfOtherShapesAreRefused() throws Exception {
    // Each is refused for its shape, before any connection (RemoteProcessTest covers the rest).
    Pls.Run apiShaped = feed("", "feed", "https://h:9700/v0/pools/demo/append", "{}");
    assertEquals(2, apiShaped.status());
    assertTrue(((String) apiShaped.error().get("message")).contains("shorthand"));
    assertEquals(2, feed("", "feed", "ftp://h/demo", "{}").status());
    assertEquals(2, feed("", "follow", "http://h:1/demo?x=1").status());
    assertEquals(2, feed("", "duplex", "https://h:1/a/b").status());
  }

  @Test
  void createMakesThePoolWithTheGivenSize() throws Exception {
    Pls.Run run = feed("{\"a\":1}\n", "feed", "made", "--create", "--create-size", "128K");
    assertEquals(0, run.status(), run.stderr());
    assertEquals(131072L, new LocalClient().withPoolDir(dir).info(PoolRef.name("made")).fileSize());
    Files.writeString(dir.resolve("x"), "", StandardCharsets.UTF_8);
  }
}
