package io.plasmite.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.plasmite.Durability;
import io.plasmite.LocalClient;
import io.plasmite.Pool;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A handle that appends tells the kernel its page faults are not a sequential read ({@code
 * MADV_RANDOM}, shown as {@code rr} among a mapping's {@code VmFlags} in {@code /proc/self/smaps}),
 * so that the ring is not cached in large folios that a FLUSH would write back whole. A handle that
 * only reads keeps read-ahead.
 */
class InPlaceWriteAdviceTest {
  @TempDir Path dir;

  @Test
  void theFirstAppendAdvisesRandomAccessAndReadsDoNot() throws IOException {
    LocalClient client = new LocalClient().withPoolDir(dir);
    PoolRef ref = PoolRef.name("advice");
    try (Pool pool = client.createAndOpen(ref, PoolOptions.ofSize(1 << 20))) {
      long inode = ProcSmaps.inode(pool.path());
      assertEquals(List.of(false), randomAdvice(inode), "opened, nothing appended yet");
      long seq = pool.appendJsonNow("{\"i\":1}", List.of(), Durability.FAST).seq();
      assertEquals(List.of(true), randomAdvice(inode), "after the first append");
      try (Pool reader = client.open(ref)) {
        reader.getMessage(seq);
        List<Boolean> both = randomAdvice(inode);
        assertEquals(2, both.size(), "two mappings of the pool");
        assertEquals(1, both.stream().filter(b -> b).count(), "only the appender's is advised");
      }
    }
  }

  /** For each of this process's mappings of the file with {@code inode}: has it the rr flag. */
  private static List<Boolean> randomAdvice(long inode) throws IOException {
    List<Boolean> out = new ArrayList<>();
    for (List<String> mapping : ProcSmaps.mappingsOf(inode)) {
      for (String line : mapping) {
        if (line.startsWith("VmFlags:")) {
          out.add(List.of(line.substring("VmFlags:".length()).trim().split("\\s+")).contains("rr"));
        }
      }
    }
    return out;
  }
}
