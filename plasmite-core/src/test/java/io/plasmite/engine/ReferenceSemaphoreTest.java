package io.plasmite.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plasmite.Durability;
import io.plasmite.LocalClient;
import io.plasmite.Pool;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Appends post the named semaphore a follower of the reference tools creates and polls (§8), keep
 * its value near 1, and never create one; readers wait in short sleeps once it exists, since a
 * reference writer posts it instead of waking them.
 */
class ReferenceSemaphoreTest {
  @TempDir Path dir;

  @Test
  void theNameIsPlsmAndTheSha256OfThePath() {
    // A path that does not resolve is hashed as given; the digest was computed independently.
    assertEquals(
        "plsm-77b97f85b3daa19c7944858e5edac451f6803e407d23c26c2e5dd09b58ce08cf",
        ReferenceSemaphore.name(Path.of("/nonexistent/pools/orders.plasmite")));
  }

  @Test
  void theNameFollowsSymbolicLinksToThePool() throws Exception {
    Path real = createPool("real");
    Path link = Files.createSymbolicLink(dir.resolve("link.plasmite"), real);

    assertEquals(ReferenceSemaphore.name(real), ReferenceSemaphore.name(link));
    assertNotEquals(
        ReferenceSemaphore.name(real),
        ReferenceSemaphore.name(Path.of("/nonexistent/pools/orders.plasmite")));
  }

  @Test
  void appendsPostTheSemaphoreOfAReferenceFollower() throws Throwable {
    LocalClient client = new LocalClient().withPoolDir(dir);
    try (Pool pool = client.createAndOpen(PoolRef.name("followed"), PoolOptions.DEFAULTS)) {
      // What a reference follower does when it starts: create the semaphore, value 0.
      try (Semaphore follower = Semaphore.create("/" + ReferenceSemaphore.name(pool.path()))) {
        pool.appendJsonNow("{\"n\":1}", List.of(), Durability.FAST);
        // The first append looks for the semaphore on another thread and posts it once found.
        awaitUpTo30s(() -> follower.value() != 0);
        assertEquals(1, follower.value(), "posted after the first append");

        assertTrue(follower.tryWait(), "the follower takes the post");
        assertEquals(0, follower.value());
        pool.appendJsonNow("{\"n\":2}", List.of(), Durability.FAST);
        assertEquals(1, follower.value(), "posted by the append itself once found");

        for (int i = 0; i < 100; i++) {
          pool.appendJsonNow("{\"n\":3}", List.of(), Durability.FLUSH);
        }
        assertEquals(1, follower.value(), "a hundred appends nobody waited for post it once");
      }
    }
  }

  @Test
  void aLookNeverCreatesASemaphore() throws Throwable {
    Path pool = createPool("unfollowed");
    Path file = Path.of("/dev/shm", "sem." + ReferenceSemaphore.name(pool));
    // Some other pool's semaphore exists, so the look gets as far as opening this pool's.
    try (Semaphore other = Semaphore.create("/" + ReferenceSemaphore.name(dir.resolve("other")))) {
      new ReferenceSemaphore(pool).look();

      assertFalse(Files.exists(file), "a look created " + file);
      assertEquals(0, other.value(), "a look posted another pool's semaphore");
    }
  }

  @Test
  void readersSleepBrieflyOnceTheReferenceToolsHaveASemaphore() throws Throwable {
    Path pool = createPool("mixed");
    WakeChannel channel = WakeChannel.open(pool);
    try {
      assertEquals(100_000_000L, channel.sleepMaxNs(), "no reference semaphore yet");
      // A reference writer makes the semaphore at its first append.
      try (Semaphore writer = Semaphore.create("/" + ReferenceSemaphore.name(pool))) {
        // Looks run at most once a second, on another thread.
        awaitUpTo30s(() -> channel.sleepMaxNs() == 5_000_000L);
        assertEquals(5_000_000L, channel.sleepMaxNs(), "a reference writer does not wake us");
        assertEquals(0, writer.value(), "a reader's look posted the semaphore");
      }
    } finally {
      channel.close();
    }
  }

  private Path createPool(String name) {
    LocalClient client = new LocalClient().withPoolDir(dir);
    client.create(PoolRef.name(name), PoolOptions.DEFAULTS);
    return client.resolve(PoolRef.name(name));
  }

  /** A condition that may call into native code. */
  private interface Condition {
    boolean holds() throws Throwable;
  }

  /** Waits for what another thread brings about; the caller asserts it afterwards. */
  private static void awaitUpTo30s(Condition condition) throws Throwable {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.holds() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(1_000_000);
    }
  }

  /** A POSIX named semaphore, as the reference tools make one; unlinked when closed. */
  private static final class Semaphore implements AutoCloseable {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final int O_CREAT = 0x40;
    private static final int MODE = 0600;
    private static final MethodHandle OPEN =
        downcall(
            "sem_open",
            FunctionDescriptor.of(
                ValueLayout.ADDRESS,
                ValueLayout.ADDRESS,
                ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle GET_VALUE =
        downcall(
            "sem_getvalue",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle TRY_WAIT =
        downcall("sem_trywait", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    private static final MethodHandle CLOSE =
        downcall("sem_close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    private static final MethodHandle UNLINK =
        downcall("sem_unlink", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));

    private final String name;
    private final MemorySegment sem;

    private Semaphore(String name, MemorySegment sem) {
      this.name = name;
      this.sem = sem;
    }

    @SuppressWarnings("restricted")
    private static MethodHandle downcall(
        String symbol, FunctionDescriptor fd, Linker.Option... options) {
      return LINKER.downcallHandle(LINKER.defaultLookup().find(symbol).orElseThrow(), fd, options);
    }

    static Semaphore create(String name) throws Throwable {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment sem =
            (MemorySegment) OPEN.invokeExact(arena.allocateFrom(name), O_CREAT, MODE, 0);
        assertNotEquals(0L, sem.address(), "sem_open " + name);
        return new Semaphore(name, sem);
      }
    }

    int value() throws Throwable {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment out = arena.allocate(ValueLayout.JAVA_INT);
        assertEquals(0, (int) GET_VALUE.invokeExact(sem, out));
        return out.get(ValueLayout.JAVA_INT, 0);
      }
    }

    boolean tryWait() throws Throwable {
      return (int) TRY_WAIT.invokeExact(sem) == 0;
    }

    @Override
    public void close() {
      try (Arena arena = Arena.ofConfined()) {
        int closed = (int) CLOSE.invokeExact(sem);
        int unlinked = (int) UNLINK.invokeExact(arena.allocateFrom(name));
        assertEquals(0, closed + unlinked, "sem_close and sem_unlink " + name);
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable t) {
        throw new IllegalStateException(t);
      }
    }
  }
}
