package io.plasmite.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Runs the {@link KillLoop} on small wrapping pools, with and without an index. The normal suite
 * delivers a few dozen SIGKILLs per pool; the long form ({@code stress/run kill-loop}) sets {@code
 * plasmite.killLoop.kills} (per pool) and {@code plasmite.killLoop.seed}. Either run appends its
 * figures to {@code target/stress/kill-loop.txt}.
 */
class KillLoopTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "seed offset {0}, {1} bytes, index {2}")
  @CsvSource({"0, 24576, 32", "1, 16384, 0"})
  void everyKillLeavesAValidPoolWithEveryAcknowledgedRetainedMessage(
      long seedOffset, long poolBytes, long index) throws IOException {
    int kills = Integer.getInteger("plasmite.killLoop.kills", 16);
    long seed = Long.getLong("plasmite.killLoop.seed", 7100) + seedOffset;
    long started = System.nanoTime();
    KillLoop.Stats stats =
        KillLoop.run(new KillLoop.Config(dir, seed, kills, poolBytes, index, System.out));
    long seconds = (System.nanoTime() - started) / 1_000_000_000L;
    record(
        String.format(
            "%s kill loop, seed %d, %d-byte pool, index %d, %d s: %s%n",
            Instant.now(), seed, poolBytes, index, seconds, stats));
    assertEquals(kills, stats.kills);
    // The ring wraps within the first rounds: later kills land while frames are overwritten.
    assertTrue(stats.killsWhileOverwriting > kills / 2, stats.toString());
  }

  private static void record(String figures) throws IOException {
    Path out = Path.of("target", "stress", "kill-loop.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(
        out, figures, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
