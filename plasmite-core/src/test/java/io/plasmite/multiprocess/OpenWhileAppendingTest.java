package io.plasmite.multiprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plasmite.LocalClient;
import io.plasmite.Message;
import io.plasmite.PlasmiteException;
import io.plasmite.Pool;
import io.plasmite.PoolInfo;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import io.plasmite.testing.ChildJvm;
import io.plasmite.testing.Payloads;
import io.plasmite.testing.WriterChild;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readers open a pool and read its header while another process appends: the header they see must
 * always pass the open-time checks ({@code pool-format-v3.md} §2) and make sense ({@code oldest <=
 * newest}). The pool is sized so that every message evicts the previous one, so each append takes
 * the pool through "empty" and back — the transition whose intermediate header states are the
 * hardest to publish consistently.
 */
class OpenWhileAppendingTest {
  private static final long SEED = 0x0BE11L;
  private static final int OPENS = 10_000;

  @TempDir Path dir;

  @Test
  void openAndInfoNeverSeeAnInconsistentHeaderWhileAnotherProcessAppends() {
    Path path = dir.resolve("busy.plasmite");
    // A 5,600-byte ring and messages of 3.1 to 3.9 KB: each append drops everything before it.
    new LocalClient()
        .create(PoolRef.path(path), PoolOptions.ofSize(4096 + 5600).withIndexCapacity(0));
    LocalClient client = new LocalClient();
    List<String> failures = new ArrayList<>();
    int opens = 0;
    long acked = 0;
    try (Pool held = client.openReadOnly(PoolRef.path(path));
        ChildJvm writer =
            ChildJvm.start(
                dir,
                "big-writer",
                WriterChild.class,
                List.of(
                    "pool=" + path,
                    "w=" + Payloads.BIG_WRITERS,
                    "count=-1",
                    "seed=" + SEED,
                    "durability=fast",
                    "go=true"))) {
      writer.expectLine("ready", Duration.ofSeconds(30));
      writer.send("go");
      // Wait for the first acknowledgement, so that the loop below overlaps the appends.
      assertTrue(writer.nextLine(Duration.ofSeconds(30)).startsWith("a "), writer.diagnostics());
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (opens < OPENS && System.nanoTime() < deadline) {
        String line;
        while ((line = writer.pollLine(System.nanoTime())) != null) {
          assertTrue(line.startsWith("a "), () -> "writer printed " + writer.diagnostics());
          acked++;
        }
        opens++;
        try (Pool pool = client.openReadOnly(PoolRef.path(path))) {
          PoolInfo info = pool.info();
          if (!info.isEmpty() && info.oldestSeq() > info.newestSeq()) {
            failures.add("fresh open: info " + info.oldestSeq() + ".." + info.newestSeq());
          }
        } catch (PlasmiteException e) {
          failures.add("open: " + e);
        }
        PoolInfo info = held.info();
        if (info.messageCount() < 0) {
          failures.add("open handle: info " + info.oldestSeq() + ".." + info.newestSeq());
        }
      }
      writer.kill();
      try (Pool pool = client.open(PoolRef.path(path))) {
        assertTrue(pool.validate().ok(), "validate after the run");
        PoolInfo info = pool.info();
        assertEquals(1, info.messageCount(), "every message evicts the one before");
        Message last = pool.getMessage(info.newestSeq());
        Payloads.check(last, SEED);
      }
    }
    String summary =
        failures.size() + " inconsistent headers in " + opens + " opens, " + acked + " appends";
    System.out.println(summary);
    List<String> first = failures.subList(0, Math.min(5, failures.size()));
    assertTrue(failures.isEmpty(), () -> summary + "; first: " + first);
  }
}
