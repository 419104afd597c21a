package io.plasmite.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.plasmite.Durability;
import io.plasmite.ErrorKind;
import io.plasmite.LocalClient;
import io.plasmite.PlasmiteException;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared pool handles: reused while the file stays, opened anew when it is replaced. */
class OpenPoolsTest {
  @TempDir Path dir;

  private final PoolRef ref = PoolRef.name("p");

  private LocalClient client() {
    return new LocalClient().withPoolDir(dir);
  }

  private static long append(OpenPools.Lease lease) {
    return lease.pool().appendJsonNow("{\"x\":1}", List.of(), Durability.FAST).seq();
  }

  @Test
  void requestsShareOneHandlePerFileAndMode() {
    LocalClient client = client();
    client.create(ref, PoolOptions.ofSize(1 << 20));
    OpenPools pools = new OpenPools(client);
    try (OpenPools.Lease a = pools.forWrite(ref);
        OpenPools.Lease b = pools.forWrite(ref);
        OpenPools.Lease r = pools.forRead(ref)) {
      assertSame(a.pool(), b.pool());
      assertNotSame(a.pool(), r.pool());
      assertEquals(1, append(a));
      assertEquals(2, append(b));
      assertEquals(2, r.pool().getMessage(2).seq());
    }
    try (OpenPools.Lease again = pools.forWrite(ref)) {
      assertEquals(3, append(again));
    } finally {
      pools.close();
    }
  }

  @Test
  void aPoolReplacedBehindTheServerIsOpenedAnew() {
    LocalClient client = client();
    client.create(ref, PoolOptions.ofSize(1 << 20));
    OpenPools pools = new OpenPools(client);
    try (OpenPools.Lease old = pools.forWrite(ref)) {
      assertEquals(1, append(old));
      assertEquals(2, append(old));
      // Another process deletes the pool and makes a new one under the same name.
      client.delete(ref);
      client.create(ref, PoolOptions.ofSize(1 << 20));
      try (OpenPools.Lease fresh = pools.forWrite(ref)) {
        assertNotSame(old.pool(), fresh.pool());
        assertEquals(1, append(fresh));
      }
      // The old handle stays usable by whoever holds it until they let it go.
      assertEquals(3, append(old));
    }
    assertEquals(1, client.info(ref).newestSeq());
    pools.close();
  }

  @Test
  void aDeletedPoolIsNotFoundAndItsHandleIsDropped() {
    LocalClient client = client();
    client.create(ref, PoolOptions.ofSize(1 << 20));
    OpenPools pools = new OpenPools(client);
    try (OpenPools.Lease lease = pools.forWrite(ref)) {
      append(lease);
    }
    client.delete(ref);
    pools.forget(ref);
    PlasmiteException e = assertThrows(PlasmiteException.class, () -> pools.forWrite(ref));
    assertEquals(ErrorKind.NOT_FOUND, e.kind());
    e = assertThrows(PlasmiteException.class, () -> pools.forRead(ref));
    assertEquals(ErrorKind.NOT_FOUND, e.kind());
    client.create(ref, PoolOptions.ofSize(1 << 20));
    try (OpenPools.Lease lease = pools.forWrite(ref)) {
      assertEquals(1, append(lease));
    }
    pools.close();
  }
}
