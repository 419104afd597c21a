package io.plasmite.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plasmite.Durability;
import io.plasmite.LocalClient;
import io.plasmite.Pool;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import io.plasmite.testing.ChildJvm;
import io.plasmite.testing.FaultChild;
import io.plasmite.testing.Unprivileged;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Permission denied on the pool file and on its folder. The operations run in a child JVM as user
 * {@code nobody}: the test JVM runs as root, which permissions do not stop. Each refusal is a
 * Permission error naming the path, and leaves nothing behind.
 */
class PermissionFaultsTest {
  private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(60);

  @TempDir static Path work;

  private static Path pools;

  @BeforeAll
  static void pools() throws IOException {
    assertTrue(Unprivileged.isRoot(), "these tests switch to user nobody, which needs root");
    pools = Files.createDirectories(work.resolve("pools"));
    Unprivileged.chmod(work, "rwxr-xr-x");
    Unprivileged.chmod(pools, "rwxr-xr-x");
  }

  private static Path poolWithOneMessage(String name, String mode) {
    Path p = pools.resolve(name + ".plasmite");
    try (Pool pool = new LocalClient().createAndOpen(PoolRef.path(p), PoolOptions.ofSize(65536))) {
      pool.appendJsonNow("{\"n\":1}", List.of(), Durability.FAST);
    }
    Unprivileged.chmod(p, mode);
    return p;
  }

  /** Runs {@link FaultChild} as nobody; one line per operation. */
  private static List<String> asNobody(String... ops) {
    try (ChildJvm child =
        Unprivileged.start(
            work, "nobody-" + ops[0].replaceAll("\\W", "_"), FaultChild.class, List.of(ops))) {
      List<String> lines = child.drain(CHILD_TIMEOUT);
      assertEquals(0, child.awaitExit(CHILD_TIMEOUT), child.diagnostics());
      assertEquals(ops.length, lines.size(), "output " + lines + child.diagnostics());
      return lines;
    }
  }

  @Test
  void aPoolFileNobodyMayReadIsRefusedAsPermission() {
    Path p = poolWithOneMessage("private", "rw-------");
    assertEquals(
        List.of("error Permission " + p, "error Permission " + p),
        asNobody("read=" + p, "append=" + p));
  }

  @Test
  void aReadOnlyPoolFileReadsButRefusesAppends() throws IOException {
    Path p = poolWithOneMessage("readonly", "rw-r--r--");
    byte[] before = Files.readAllBytes(p);
    assertEquals(
        List.of("ok {\"n\":1}", "error Permission " + p), asNobody("read=" + p, "append=" + p));
    assertEquals(1, new LocalClient().info(PoolRef.path(p)).newestSeq());
    assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(p)), "the refused append wrote");
  }

  @Test
  void creatingInAFolderNobodyMayWriteIsRefusedAsPermission() throws IOException {
    Path locked = Files.createDirectories(pools.resolve("locked"));
    Unprivileged.chmod(locked, "rwxr-xr-x");
    Path p = locked.resolve("new.plasmite");
    Path deeper = locked.resolve("sub").resolve("new.plasmite");
    List<String> lines = asNobody("create=" + p, "create=" + deeper);
    assertEquals("error Permission " + p, lines.get(0));
    assertEquals("error Permission " + deeper.getParent(), lines.get(1));
    try (Stream<Path> left = Files.list(locked)) {
      assertEquals(List.of(), left.toList(), "a refused create left files behind");
    }
  }

  @Test
  void creatingInAWritableFolderWorksForTheSameUser() throws IOException {
    // The control: the refusals above come from the permissions, not from the child's setup.
    Path open = Files.createDirectories(pools.resolve("open"));
    Unprivileged.chmod(open, "rwxrwxrwx");
    Path p = open.resolve("mine.plasmite");
    assertEquals(
        List.of("ok created", "ok seq 1", "ok {\"from\":\"child\"}"),
        asNobody("create=" + p, "append=" + p, "read=" + p));
    assertEquals(Unprivileged.NOBODY, ((Number) Files.getAttribute(p, "unix:uid")).intValue());
  }
}
