package io.plasmite.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plasmite.Durability;
import io.plasmite.LocalClient;
import io.plasmite.Pool;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A FLUSH append returns only after the pages it wrote reached the file: the kernel then counts
 * none of the pool's mapped pages as dirty ({@code /proc/self/smaps}), while a FAST append leaves
 * its pages dirty.
 */
class FlushSyncTest {
  @TempDir Path dir;

  @Test
  void flushLeavesNoDirtyPageWhereFastLeavesSome() throws IOException {
    LocalClient client = new LocalClient().withPoolDir(dir);
    PoolRef ref = PoolRef.name("durable");
    try (Pool pool = client.createAndOpen(ref, PoolOptions.ofSize(1 << 20))) {
      long inode = ProcSmaps.inode(pool.path());
      pool.appendJsonNow("{\"i\":1,\"mode\":\"fast\"}", List.of(), Durability.FAST);
      assertTrue(dirtyKb(inode) > 0, "a FAST append leaves the pages it wrote dirty");
      pool.append(
          List.of(
              new Pool.BatchEntry("{\"i\":2,\"mode\":\"flush\"}", List.of("x")),
              new Pool.BatchEntry("{\"i\":3,\"mode\":\"flush\"}", List.of("x"))),
          Durability.FLUSH);
      assertEquals(0, dirtyKb(inode), "pages a FLUSH batch wrote (frames, index slots, header)");
      pool.appendJsonNow("{\"i\":4,\"mode\":\"fast\"}", List.of(), Durability.FAST);
      assertTrue(dirtyKb(inode) > 0, "a FAST append leaves the pages it wrote dirty");
      pool.appendJsonNow("{\"i\":5,\"mode\":\"flush\"}", List.of(), Durability.FLUSH);
      assertEquals(0, dirtyKb(inode), "pages a FLUSH append wrote (frame, index slot, header)");
    }
  }

  /** Dirty kB of this process's mappings of the file with {@code inode}. */
  private static long dirtyKb(long inode) throws IOException {
    long kb = 0;
    for (List<String> mapping : ProcSmaps.mappingsOf(inode)) {
      for (String line : mapping) {
        if (line.startsWith("Shared_Dirty:") || line.startsWith("Private_Dirty:")) {
          kb += Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    }
    return kb;
  }
}
