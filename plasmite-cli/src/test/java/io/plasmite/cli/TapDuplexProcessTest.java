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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tap} and {@code duplex} through the real program. */
class TapDuplexProcessTest {
  @TempDir Path dir;

  private List<Message> stored(String pool) {
    List<Message> out = new ArrayList<>();
    try (Pool p = new LocalClient().withPoolDir(dir).open(PoolRef.name(pool))) {
      for (long seq = 1; ; seq++) {
        try {
          Message m = p.getMessage(seq);
          m.tags();
          m.dataJson();
          out.add(m);
        } catch (PlasmiteException e) {
          return out;
        }
      }
    }
  }

  @Test
  void tapRecordsTheLifecycleAndExitsWithTheChildsStatus() throws Exception {
    Pls pls = new Pls(dir);
    Pls.Run run =
        pls.run(
            "",
            "tap",
            "build",
            "--create",
            "--tag",
            "ci",
            "--",
            "sh",
            "-c",
            "echo out1; echo err1 >&2; echo 'out \"2\"'; exit 3");
    assertEquals(3, run.status(), run.stderr());
    assertEquals("out1\nout \"2\"\n", run.stdout());
    assertEquals("err1\n", run.stderr());
    List<Message> messages = stored("build");
    assertEquals(5, messages.size());
    Message start = messages.get(0);
    assertEquals(List.of("lifecycle"), start.tags());
    assertEquals(
        "{\"cmd\":[\"sh\",\"-c\",\"echo out1; echo err1 >&2; echo 'out \\\"2\\\"'; exit 3\"],"
            + "\"kind\":\"start\"}",
        start.dataJson());
    List<String> lines = new ArrayList<>();
    for (Message m : messages.subList(1, 4)) {
      assertEquals(List.of("ci"), m.tags());
      Map<String, Object> data = parse(m.dataJson());
      assertEquals("line", data.get("kind"));
      lines.add(data.get("stream") + ":" + data.get("line"));
    }
    assertTrue(
        lines.containsAll(List.of("stdout:out1", "stderr:err1", "stdout:out \"2\"")),
        lines.toString());
    assertTrue(lines.indexOf("stdout:out1") < lines.indexOf("stdout:out \"2\""));
    Message exit = messages.get(4);
    assertEquals(List.of("lifecycle"), exit.tags());
    Map<String, Object> data = parse(exit.dataJson());
    assertEquals("exit", data.get("kind"));
    assertEquals(3L, data.get("code"));
    assertTrue(data.get("elapsed_ms") instanceof Long);
  }

  @Test
  void tapReportsASignalAndRefusesBadCommandLines() throws Exception {
    Pls pls = new Pls(dir);
    Pls.Run killed =
        pls.run("", "tap", "sig", "--create", "-q", "--", "sh", "-c", "echo hi; kill -TERM $$");
    assertEquals(143, killed.status(), killed.stderr());
    assertEquals("", killed.stdout());
    List<Message> messages = stored("sig");
    Map<String, Object> exit = parse(messages.get(messages.size() - 1).dataJson());
    assertEquals("SIGTERM", exit.get("signal"));

    assertEquals(2, pls.run("", "tap", "sig", "--", "no-such-program-xyz").status());
    assertEquals(2, pls.run("", "tap", "sig").status());
    assertEquals(2, pls.run("", "tap", "sig", "echo").status());
    Pls.Run missing = pls.run("", "tap", "ghost", "--", "true");
    assertEquals(3, missing.status());
  }

  @Test
  void duplexSendsPipedStdinAndFollowsOthers() throws Exception {
    Pls pls = new Pls(dir);
    assertEquals(0, pls.run("{\"from\":\"seed\"}\n", "feed", "chat", "--create").status());
    try (Pls.Live duplex = pls.start("duplex", "chat", "--tail", "1")) {
      assertEquals("seed", obj(parse(duplex.stdout.next()).get("data")).get("from"));
      duplex.write("{\"from\":\"me\",\"msg\":\"hello\"}\n");
      assertEquals("me", obj(parse(duplex.stdout.next()).get("data")).get("from"));
      assertEquals(0, pls.run("", "feed", "chat", "{\"from\":\"bob\",\"msg\":\"hi\"}").status());
      assertEquals("bob", obj(parse(duplex.stdout.next()).get("data")).get("from"));
      duplex.write("{\"from\":\"me\",\"msg\":\"bye\"}\n");
      duplex.closeStdin();
      Map<String, Object> last = parse(duplex.stdout.next());
      assertEquals("bye", obj(last.get("data")).get("msg"));
      assertEquals(0, duplex.waitFor());
    }
    List<Message> messages = stored("chat");
    assertEquals(4, messages.size());
    assertEquals("{\"from\":\"me\",\"msg\":\"bye\"}", messages.get(3).dataJson());

    Pls.Run bad = pls.run("not json\n", "duplex", "chat");
    assertEquals(2, bad.status());
    Pls.Run empty = pls.run("", "duplex", "chat");
    assertEquals(2, empty.status());
    assertEquals("missing data input", empty.error().get("message"));
    Pls.Run timeout = pls.run("", "duplex", "chat", "--timeout", "100ms");
    assertTrue(timeout.status() == 2 || timeout.status() == 124, timeout.stderr());
  }
}
