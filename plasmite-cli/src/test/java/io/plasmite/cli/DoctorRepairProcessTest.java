package io.plasmite.cli;

import static io.plasmite.cli.Pls.obj;
import static io.plasmite.cli.Pls.parse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plasmite.Durability;
import io.plasmite.LocalClient;
import io.plasmite.Pool;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import io.plasmite.format.FrameDescriptor;
import io.plasmite.format.PoolHeaderDescriptor;
import io.plasmite.lite3.Lite3Encoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pls doctor --repair} as a separate process on pools damaged byte by byte (positions from
 * the {@code io.plasmite.format} descriptors): plain {@code doctor} reports the damage and changes
 * nothing; {@code --repair} mends what a crash leaves, keeps a backup, and refuses the rest with a
 * Corrupt error and no change.
 */
@SuppressWarnings("unchecked")
class DoctorRepairProcessTest {
  private static final int FRAME = 512;

  @TempDir Path dir;

  /** Data whose message frame is exactly {@link #FRAME} bytes (no tags). */
  private static String data(int i) {
    for (int n = 0; ; n++) {
      String json = "{\"i\":" + i + ",\"p\":\"" + "x".repeat(n) + "\"}";
      int len = Lite3Encoder.encodeEnvelope(List.of(), json).length;
      if (len == FRAME - FrameDescriptor.HEADER_BYTES - FrameDescriptor.COMMIT_MARKER_BYTES) {
        return json;
      }
    }
  }

  /** A pool whose ring holds {@code slots} frames, with messages 1..{@code messages}. */
  private Path pool(String name, int slots, int messages) {
    Path path = dir.resolve(name + ".plasmite");
    long size = PoolHeaderDescriptor.HEADER_BYTES + 16L * 16 + (long) FRAME * slots;
    try (Pool pool =
        new LocalClient()
            .createAndOpen(PoolRef.path(path), PoolOptions.ofSize(size).withIndexCapacity(16))) {
      for (int i = 1; i <= messages; i++) {
        pool.appendJsonNow(data(i), List.of(), Durability.FAST);
      }
    }
    return path;
  }

  private static long frame(int slot) {
    return PoolHeaderDescriptor.HEADER_BYTES + 16L * 16 + (long) FRAME * slot;
  }

  private static void patch(Path file, long position, ByteBuffer bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      while (bytes.hasRemaining()) {
        ch.write(bytes, position + bytes.position());
      }
    }
  }

  private static void patchU32(Path file, long position, int value) throws IOException {
    patch(file, position, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, value));
  }

  private static void patchU64(Path file, long position, long value) throws IOException {
    patch(file, position, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value));
  }

  /** A writer killed while overwriting frame 1 of a full ring with frame 4 (§11 item 7). */
  private Path crashedMidOverwrite(String name) throws IOException {
    Path p = pool(name, 3, 3);
    patchU32(p, frame(0) + FrameDescriptor.STATE_OFFSET, FrameDescriptor.STATE_WRITING);
    patchU64(p, frame(0) + FrameDescriptor.SEQ_OFFSET, 4);
    patch(p, frame(0) + FrameDescriptor.HEADER_BYTES + 100, ByteBuffer.allocate(200));
    return p;
  }

  private static byte[] sha256(Path file) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
  }

  private List<Path> backups() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().contains(".bak-")).sorted().toList();
    }
  }

  private static List<Object> codes(Object list) {
    return ((List<Object>) list).stream().map(o -> obj(o).get("code")).toList();
  }

  @Test
  void repairMendsTheHeaderACrashLeftAndKeepsABackup() throws Exception {
    Path p = crashedMidOverwrite("jobs");
    byte[] damaged = sha256(p);
    Pls pls = new Pls(dir);

    Pls.Run doctor = pls.run("", "doctor", "jobs", "--json");
    assertEquals(7, doctor.status(), doctor.stderr());
    Map<String, Object> before = obj(((List<Object>) parse(doctor.stdout()).get("reports")).get(0));
    assertEquals("corrupt", before.get("status"));
    assertEquals(List.of("frame_state"), codes(before.get("issues")));
    assertTrue(before.get("remediation_hints").toString().contains("--repair"), doctor.stdout());
    assertArrayEquals(damaged, sha256(p), "plain doctor modified the pool");

    Pls.Run repaired = pls.run("", "doctor", "jobs", "--repair");
    assertEquals(0, repaired.status(), repaired.stderr());
    Map<String, Object> report =
        obj(((List<Object>) parse(repaired.stdout()).get("reports")).get(0));
    assertEquals("ok", report.get("status"), repaired.stdout());
    assertEquals(0L, report.get("issue_count"));
    assertEquals(3L, report.get("last_good_seq"));
    Map<String, Object> repair = obj(report.get("repair"));
    assertEquals("repaired", repair.get("status"));
    assertEquals(List.of("frame_state"), codes(repair.get("found")));
    assertEquals(
        List.of("overwritten_seqs", "header", "header", "header"), codes(repair.get("changes")));
    Path backup = Path.of((String) repair.get("backup_path"));
    assertEquals(List.of(backup), backups());
    assertTrue(backup.getFileName().toString().startsWith("jobs.plasmite.bak-"), backup.toString());
    assertArrayEquals(damaged, sha256(backup), "the backup holds the damaged bytes");

    Pls.Run healthy = pls.run("", "doctor", "jobs");
    assertEquals(0, healthy.status(), healthy.stderr());
    assertEquals("OK: jobs\n", healthy.stdout());
    Pls.Run fetched = pls.run("", "fetch", "jobs", "2");
    assertEquals(0, fetched.status(), fetched.stderr());
    assertEquals(2L, parse(fetched.stdout()).get("seq"));
    Pls.Run fed = pls.run("", "feed", "jobs", "{\"after\":true}");
    assertEquals(0, fed.status(), fed.stderr());
    assertEquals(4L, parse(fed.stdout()).get("seq"));

    Pls.Run again = pls.run("", "doctor", "jobs", "--repair");
    assertEquals(0, again.status(), again.stderr());
    Map<String, Object> unchanged =
        obj(obj(((List<Object>) parse(again.stdout()).get("reports")).get(0)).get("repair"));
    assertEquals("unchanged", unchanged.get("status"));
    assertNull(unchanged.get("backup_path"));
    assertEquals(List.of(), unchanged.get("changes"));
    assertEquals(1, backups().size());
  }

  @Test
  void damageThatNeedsGuessingIsRefusedAndNothingChanges() throws Exception {
    Path p = pool("mid", 8, 5);
    patchU32(p, frame(2) + FrameDescriptor.STATE_OFFSET, FrameDescriptor.STATE_WRITING);
    byte[] damaged = sha256(p);
    Pls pls = new Pls(dir);

    Pls.Run refused = pls.run("", "doctor", "mid", "--repair");

    assertEquals(7, refused.status(), refused.stderr());
    assertEquals("", refused.stdout());
    Map<String, Object> error = refused.error();
    assertEquals("Corrupt", error.get("kind"));
    assertTrue(
        ((String) error.get("message")).startsWith("cannot repair without guessing: seq 3"),
        refused.stderr());
    assertEquals(3L, error.get("seq"));
    assertEquals(p.toString(), error.get("path"));
    assertTrue(((String) error.get("hint")).contains("not modified"), refused.stderr());
    assertArrayEquals(damaged, sha256(p));
    assertEquals(List.of(), backups());

    Pls.Run missing = pls.run("", "doctor", "ghost", "--repair");
    assertEquals(3, missing.status(), missing.stderr());
    assertEquals("NotFound", missing.error().get("kind"));
  }

  @Test
  void repairAllReportsEveryPoolAndExitsSevenWhenOneIsRefused() throws Exception {
    pool("a-sound", 8, 4);
    Path torn = pool("b-torn", 8, 5);
    patchU32(torn, frame(4) + FrameDescriptor.STATE_OFFSET, FrameDescriptor.STATE_WRITING);
    Path junk = pool("c-junk", 8, 5);
    patch(
        junk,
        frame(2) + FrameDescriptor.HEADER_BYTES,
        ByteBuffer.wrap(new byte[64]).put(0, (byte) 0xEE));
    byte[] junkBefore = sha256(junk);
    Pls pls = new Pls(dir);

    Pls.Run run = pls.run("", "doctor", "--all", "--repair");

    assertEquals(7, run.status(), run.stderr());
    List<Object> reports = (List<Object>) parse(run.stdout()).get("reports");
    assertEquals(
        List.of("unchanged", "repaired", "refused"),
        reports.stream().map(r -> obj(obj(r).get("repair")).get("status")).toList());
    assertEquals(
        List.of("ok", "ok", "corrupt"), reports.stream().map(r -> obj(r).get("status")).toList());
    Map<String, Object> tornRepair = obj(obj(reports.get(1)).get("repair"));
    assertEquals(List.of("torn_seqs", "header", "header"), codes(tornRepair.get("changes")));
    assertEquals(4L, obj(reports.get(1)).get("last_good_seq"));
    Map<String, Object> refusal = obj(obj(obj(reports.get(2)).get("repair")).get("error"));
    assertEquals("Corrupt", refusal.get("kind"));
    assertTrue(((String) refusal.get("message")).contains("(payload)"), run.stdout());
    assertArrayEquals(junkBefore, sha256(junk));
    assertEquals(1, backups().size());
  }

  /** On a terminal the outcome is text: what was found, each change, the backup, the result. */
  @Test
  void repairOnATerminalIsText() throws Exception {
    Path p = crashedMidOverwrite("jobs");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Streams terminal =
        new Streams(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            true,
            true);

    int status =
        Main.run(new String[] {"--dir", dir.toString(), "doctor", "jobs", "--repair"}, terminal);

    assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
    Path backup = backups().get(0);
    assertEquals(
        List.of(
            "jobs: repaired",
            "  found:     frame in state 1, expected committed",
            "  changed:   seq 1 had already been overwritten by an append that did not finish;"
                + " the pool now starts at seq 2",
            "             tail_off 0 -> 512",
            "             tail_next_off 512 -> 1024",
            "             oldest_seq 1 -> 2",
            "  backup:    " + backup,
            "  now:       healthy, messages 2 (seq 2..3)"),
        out.toString(StandardCharsets.UTF_8).lines().toList());
    assertTrue(Files.exists(p));
  }
}
