package io.plasmite.engine;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The POSIX named semaphore of the reference tools ({@code pool-format-v3.md} §8): {@code
 * /plsm-<hex SHA-256 of the pool's canonical path>}. Their writers post it after each append, and
 * their followers poll it every 5 ms. Appends here post it too, so that a reference follower reads
 * within its 5 ms poll instead of its backoff of up to 50 ms; and while it exists, readers here
 * sleep at most 5 ms at a time, since a reference writer does not wake them ({@link WakeChannel}).
 *
 * <p>It never creates a semaphore: a reference follower creates its pool's when it starts, a
 * reference writer at each append. So in a deployment without the reference tools it costs a look
 * at {@code /dev/shm} at most once a second, which the wake channel's upkeep makes on a virtual
 * thread; the SHA-256 of the name (whose provider takes tens of milliseconds to initialise) is
 * computed only once such a semaphore exists. Once found, each append posts it if its value is 0,
 * so that it stays near 1 however many messages nobody waits for. Handles are kept for the life of
 * the JVM, never closed: a {@code sem_close} could race with a post and unmap the semaphore under
 * it.
 */
final class ReferenceSemaphore {
  private static final Path SHM = Path.of("/dev/shm");
  private static final String NAME_PREFIX = "plsm-";
  // glibc keeps a named semaphore "/name" as the file /dev/shm/sem.name.
  private static final String FILE_PREFIX = "sem." + NAME_PREFIX;
  private static final ConcurrentHashMap<String, MemorySegment> OPEN = new ConcurrentHashMap<>();

  private final Path poolPath;
  private volatile MemorySegment sem;
  // Whether an append was made here before the semaphore was found: the look that finds it posts
  // once for them. A channel that only reads never posts.
  private volatile boolean appendedUnposted;

  /**
   * The semaphore of one pool, not looked for yet ({@link #look}).
   *
   * @param poolPath the pool file
   */
  ReferenceSemaphore(Path poolPath) {
    this.poolPath = poolPath;
  }

  /**
   * Called after each append: posts the semaphore if it has been found, or leaves that to the look
   * that finds it. Both sides write their flag before they read the other's, so one of them posts.
   */
  void appended() {
    MemorySegment s = sem;
    if (s == null) {
      // Written once: a volatile write per append would cost a fence.
      if (!appendedUnposted) {
        appendedUnposted = true;
      }
      s = sem;
    }
    if (s != null) {
      post(s);
    }
  }

  /**
   * Whether the reference tools have a semaphore for this pool, as far as the looks so far found.
   *
   * @return true once found
   */
  boolean present() {
    return sem != null;
  }

  /**
   * Looks for the semaphore, unless found already; once found, posts it if appends were made here
   * meanwhile.
   */
  void look() {
    if (sem != null) {
      return;
    }
    try {
      if (!anyReferenceSemaphore()) {
        return;
      }
      MemorySegment s = OPEN.computeIfAbsent("/" + name(poolPath), NativeIo::semOpenExisting);
      if (s == null) {
        return;
      }
      sem = s;
      if (appendedUnposted) {
        post(s);
      }
    } catch (RuntimeException e) {
      // A hint only: no semaphore, no harm.
    }
  }

  private static void post(MemorySegment s) {
    if (NativeIo.semValue(s) == 0) {
      NativeIo.semPost(s);
    }
  }

  /** Whether any semaphore of the reference tools exists on this machine. */
  private static boolean anyReferenceSemaphore() {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(SHM, FILE_PREFIX + "*")) {
      return files.iterator().hasNext();
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * The semaphore's name without its leading slash: {@code plsm-} and the lower-case hex SHA-256 of
   * the pool's canonical path (symbolic links resolved), or of the path as given when it cannot be
   * resolved.
   *
   * @param poolPath the pool file
   * @return the name
   */
  static String name(Path poolPath) {
    String path;
    try {
      path = poolPath.toRealPath().toString();
    } catch (IOException e) {
      path = poolPath.toString();
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(path.getBytes(StandardCharsets.UTF_8));
      return NAME_PREFIX + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK provides SHA-256", e);
    }
  }
}
