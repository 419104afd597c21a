package io.plasmite.concurrency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plasmite.LocalClient;
import io.plasmite.Pool;
import io.plasmite.PoolInfo;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import io.plasmite.ValidationReport;
import io.plasmite.testing.ChildJvm;
import io.plasmite.testing.RaceReader;
import io.plasmite.testing.RaceReaderChild;
import io.plasmite.testing.WriterChild;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Overwrite races: one writer JVM appends as fast as it can (FAST, single and batched) to a small
 * pool, so that every append overwrites the oldest frames, while two reader threads in this JVM and
 * two reader JVMs tail it and {@code get} seqs near the oldest — exactly the frames being
 * overwritten — and anywhere else in the retained range. Every message delivered is checked: its
 * payload carries a checksum of its body, and with a single writer on a new pool seq {@code s} must
 * hold that writer's message {@code s - 1} ({@link RaceReader}). Not one wrong payload is allowed.
 *
 * <p>The normal suite reads a few hundred thousand messages per pool; the long form ({@code
 * stress/run overwrite-race}) sets {@code plasmite.race.reads} to millions. Either run appends its
 * figures to {@code target/stress/overwrite-race.txt}.
 */
class OverwriteRaceTest {
  private static final long SEED = 0x0BAD_F00DL;
  private static final int WRITER = 7;

  @TempDir Path dir;

  @ParameterizedTest(name = "{0} bytes, index {1}")
  @CsvSource({"65536, -1", "32768, 0"})
  void readersRacingTheOverwritingWriterGetOnlyWholeMessagesOfTheRightSeq(long size, long index)
      throws Exception {
    long reads = Long.getLong("plasmite.race.reads", 400_000);
    Duration guard = Duration.ofSeconds(Long.getLong("plasmite.race.seconds", 150));
    long deadline = System.nanoTime() + guard.toNanos();
    Path path = dir.resolve("race.plasmite");
    PoolOptions options =
        index < 0 ? PoolOptions.ofSize(size) : PoolOptions.ofSize(size).withIndexCapacity(index);
    new LocalClient().create(PoolRef.path(path), options);
    String where = size + " bytes, index " + index + ", seed " + SEED;

    long started = System.nanoTime();
    RaceReader.Counts total = new RaceReader.Counts();
    List<ChildJvm> children = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try (ChildJvm writer =
        ChildJvm.start(
            dir,
            "race-writer",
            WriterChild.class,
            List.of(
                "pool=" + path,
                "w=" + WRITER,
                "count=-1",
                "seed=" + SEED,
                "durability=fast",
                "batch=4",
                "ack=false"),
            false)) {
      writer.expectLine("ready", Duration.ofSeconds(30));
      for (String mode : List.of("tail", "get")) {
        children.add(
            ChildJvm.start(
                dir,
                "race-reader-" + mode,
                RaceReaderChild.class,
                List.of(
                    "pool=" + path,
                    "mode=" + mode,
                    "seed=" + SEED,
                    "w=" + WRITER,
                    "reads=" + reads / 4,
                    "seconds=" + guard.toSeconds(),
                    "random=" + (SEED + mode.length())),
                false));
      }
      List<Future<RaceReader.Counts>> inJvm = new ArrayList<>();
      for (RaceReader.Mode mode : RaceReader.Mode.values()) {
        RaceReader r = new RaceReader(path, mode, SEED, WRITER, SEED ^ mode.ordinal(), deadline);
        inJvm.add(threads.submit(() -> r.run(reads / 4)));
      }
      for (Future<RaceReader.Counts> f : inJvm) {
        total.add(f.get(guard.toSeconds() + 30, TimeUnit.SECONDS));
      }
      for (ChildJvm c : children) {
        String line;
        while ((line = c.nextLine(deadline + Duration.ofSeconds(30).toNanos())) != null) {
          if (line.startsWith("counts ")) {
            total.add(RaceReader.Counts.parse(line.substring("counts ".length())));
          } else {
            assertTrue(line.startsWith("bad "), c.name() + " printed " + line);
          }
        }
      }
      assertTrue(writer.process().isAlive(), "the writer stopped early" + writer.diagnostics());
      writer.kill();
    } finally {
      children.forEach(ChildJvm::close);
      threads.shutdownNow();
    }
    long seconds = Math.max(1, (System.nanoTime() - started) / 1_000_000_000L);

    try (Pool pool = new LocalClient().open(PoolRef.path(path))) {
      ValidationReport report = pool.validate();
      assertTrue(report.ok(), () -> where + ": validate after the race: " + report.issues());
      PoolInfo info = pool.info();
      String figures =
          String.format(
              "%s overwrite race, %s: %d s, %d messages appended (ring holds ~%d), %s%n",
              Instant.now(), where, seconds, info.newestSeq(), info.messageCount(), total.line());
      System.out.print(figures);
      record(figures);
      assertEquals(0, total.bad, where + ": first wrong payload: " + total.firstBad);
      assertTrue(total.reads >= reads, where + ": readers stopped short: " + total.line());
      // The readers raced an overwriting writer: the ring was refilled many times over.
      assertTrue(info.newestSeq() > 20 * info.messageCount(), figures);
    }
  }

  private static void record(String figures) throws IOException {
    Path out = Path.of("target", "stress", "overwrite-race.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(
        out, figures, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
