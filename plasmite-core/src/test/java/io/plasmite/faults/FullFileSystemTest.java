package io.plasmite.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plasmite.Durability;
import io.plasmite.ErrorKind;
import io.plasmite.LocalClient;
import io.plasmite.PlasmiteException;
import io.plasmite.Pool;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import io.plasmite.testing.Unprivileged;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pools on a full file system: a 512 KiB tmpfs mounted for the test (root may mount; the test
 * unmounts it). Space is reserved when a pool is created, so a full disk refuses the create, with
 * an Io error naming the path and no file left behind, and never an append to a pool that exists.
 */
class FullFileSystemTest {
  @TempDir static Path work;

  private static Path mount;

  @BeforeAll
  static void mountSmallFileSystem() throws Exception {
    assertTrue(Unprivileged.isRoot(), "this test mounts a tmpfs, which needs root");
    mount = Files.createDirectories(work.resolve("small"));
    run("mount", "-t", "tmpfs", "-o", "size=512k,mode=0755", "tmpfs", mount.toString());
  }

  @AfterAll
  static void unmount() throws Exception {
    if (mount != null) {
      run("umount", mount.toString());
    }
  }

  private static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd) + " hangs");
    assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
  }

  private static List<Path> files() throws IOException {
    try (Stream<Path> s = Files.list(mount)) {
      return s.sorted().toList();
    }
  }

  /** Fills what space is left with one file. */
  private static Path fill() throws IOException {
    Path filler = mount.resolve("filler");
    byte[] block = new byte[4096];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(block);
      }
    } catch (IOException e) {
      assertTrue(String.valueOf(e.getMessage()).contains("No space left"), e.toString());
    }
    return filler;
  }

  @Test
  void aFullDiskRefusesTheCreateAndNotTheAppends() throws IOException {
    LocalClient client = new LocalClient();
    Path big = mount.resolve("big.plasmite");
    PlasmiteException e =
        assertThrows(
            PlasmiteException.class,
            () -> client.create(PoolRef.path(big), PoolOptions.ofSize(1 << 20)));
    assertEquals(ErrorKind.IO, e.kind(), e.toString());
    assertEquals(big.toString(), e.path().orElseThrow());
    assertTrue(e.getMessage().contains("no space left"), e.getMessage());
    assertTrue(e.hint().isPresent(), "no hint");
    assertEquals(List.of(), files(), "a refused create left files behind");

    Path small = mount.resolve("small.plasmite");
    Path filler;
    List<Long> seqs = new ArrayList<>();
    try (Pool pool = client.createAndOpen(PoolRef.path(small), PoolOptions.ofSize(64 * 1024))) {
      filler = fill();
      assertThrows(
          PlasmiteException.class,
          () ->
              client.create(
                  PoolRef.path(mount.resolve("more.plasmite")), PoolOptions.ofSize(8192)));
      assertEquals(List.of(filler, small), files(), "a refused create left files behind");
      // The pool's space was reserved at create: appends go on, the ring wrapping many times.
      for (int i = 0; i < 500; i++) {
        Durability d = i % 50 == 0 ? Durability.FLUSH : Durability.FAST;
        seqs.add(
            pool.appendJsonNow(
                    "{\"i\":" + i + ",\"pad\":\"" + "x".repeat(400) + "\"}", List.of(), d)
                .seq());
      }
    }
    try (Pool pool = client.openReadOnly(PoolRef.path(small))) {
      assertTrue(pool.validate().ok(), pool.validate().toString());
      long last = seqs.get(seqs.size() - 1);
      assertEquals(500, last);
      assertTrue(pool.getMessage(last).dataJson().startsWith("{\"i\":499,"));
    }
    Files.delete(filler);
    Files.delete(small);
  }
}
