package io.plasmite;

import io.plasmite.engine.PoolFile;
import io.plasmite.engine.PoolRepairer;
import io.plasmite.engine.PoolValidator;
import io.plasmite.engine.WakeChannel;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Entry point of the local API: pools as files in a directory, {@code ~/.plasmite/pools} unless
 * told otherwise.
 *
 * <pre>{@code
 * LocalClient client = new LocalClient().withPoolDir(Path.of("/var/lib/app/pools"));
 * client.create(PoolRef.name("events"), PoolOptions.ofSize(64L << 20));
 * try (Pool pool = client.open(PoolRef.name("events"))) {
 *   pool.appendJsonNow("{\"kind\":\"start\"}", List.of("lifecycle"), Durability.FAST);
 * }
 * }</pre>
 */
public final class LocalClient {
  private final Path poolDir;

  /** A client on the default pool directory, {@code $HOME/.plasmite/pools}. */
  public LocalClient() {
    this(defaultPoolDir());
  }

  private LocalClient(Path poolDir) {
    this.poolDir = poolDir;
  }

  /**
   * The default pool directory.
   *
   * @return {@code $HOME/.plasmite/pools}
   */
  public static Path defaultPoolDir() {
    return Path.of(System.getProperty("user.home"), ".plasmite", "pools");
  }

  /**
   * A client on another pool directory.
   *
   * @param dir the directory (created on demand)
   * @return the new client
   */
  public LocalClient withPoolDir(Path dir) {
    return new LocalClient(dir);
  }

  /**
   * The pool directory.
   *
   * @return the path
   */
  public Path poolDir() {
    return poolDir;
  }

  /**
   * The file a reference names.
   *
   * @param ref the pool
   * @return its path
   */
  public Path resolve(PoolRef ref) {
    return ref.resolve(poolDir);
  }

  /**
   * Creates a pool; an existing file is never touched.
   *
   * @param ref the pool
   * @param options size and index
   * @return the new pool's info
   * @throws PlasmiteException AlreadyExists, Usage, Permission or Io
   */
  public PoolInfo create(PoolRef ref, PoolOptions options) {
    try (Pool pool = createAndOpen(ref, options)) {
      return pool.info();
    }
  }

  /**
   * Creates a pool and keeps it open. Creating and deleting pools also sweeps away the wake files
   * in {@code /dev/shm} that no process holds ({@link WakeChannel#sweep()}), such as those of pools
   * removed with {@code rm}.
   *
   * @param ref the pool
   * @param options size and index
   * @return the open pool
   */
  public Pool createAndOpen(PoolRef ref, PoolOptions options) {
    Path path = resolve(ref);
    Pool pool =
        new Pool(PoolFile.create(path, options.sizeBytes(), options.resolvedIndexCapacity()));
    WakeChannel.sweep();
    return pool;
  }

  /**
   * Opens a pool for reading and appending; when the file is read-only to us, for reading only
   * ({@link Pool#writable()} tells).
   *
   * @param ref the pool
   * @return the open pool
   * @throws PlasmiteException NotFound, Permission, Corrupt, Usage or Io
   */
  public Pool open(PoolRef ref) {
    Path path = resolve(ref);
    try {
      return new Pool(PoolFile.open(path, true));
    } catch (PlasmiteException e) {
      if (e.kind() != ErrorKind.PERMISSION) {
        throw e;
      }
      return new Pool(PoolFile.open(path, false));
    }
  }

  /**
   * Opens a pool for reading only.
   *
   * @param ref the pool
   * @return the open pool
   */
  public Pool openReadOnly(PoolRef ref) {
    return new Pool(PoolFile.open(resolve(ref), false));
  }

  /**
   * A pool's geometry and bounds.
   *
   * @param ref the pool
   * @return the info
   */
  public PoolInfo info(PoolRef ref) {
    try (Pool pool = openReadOnly(ref)) {
      return pool.info();
    }
  }

  /**
   * Every pool file in the pool directory, sorted by name. Unreadable pools are skipped; use {@link
   * #info} on one to see why.
   *
   * @return the infos
   */
  public List<PoolInfo> list() {
    List<PoolInfo> out = new ArrayList<>();
    for (Path p : poolFiles()) {
      try {
        out.add(info(PoolRef.path(p)));
      } catch (PlasmiteException e) {
        // skipped: the listing shows readable pools
      }
    }
    return out;
  }

  /**
   * Paths of the pool files in the pool directory, sorted by name.
   *
   * @return the paths; empty if the directory does not exist
   */
  public List<Path> poolFiles() {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(poolDir, "*" + PoolRef.EXTENSION)) {
      for (Path p : dir) {
        if (Files.isRegularFile(p) && !p.getFileName().toString().startsWith(".")) {
          out.add(p);
        }
      }
    } catch (NoSuchFileException e) {
      return out;
    } catch (IOException e) {
      throw PlasmiteException.of(ErrorKind.IO, "cannot list the pool directory", e)
          .withPath(poolDir);
    }
    out.sort(Comparator.comparing(p -> p.getFileName().toString()));
    return out;
  }

  /**
   * Deletes a pool file, and its wake file unless a process still has the pool open (it goes with a
   * later sweep).
   *
   * @param ref the pool
   * @throws PlasmiteException NotFound, Permission or Io
   */
  public void delete(PoolRef ref) {
    Path path = resolve(ref);
    try {
      Files.delete(path);
      WakeChannel.sweep();
    } catch (NoSuchFileException e) {
      throw PlasmiteException.of(ErrorKind.NOT_FOUND, "pool not found: " + path).withPath(path);
    } catch (AccessDeniedException e) {
      throw PlasmiteException.of(ErrorKind.PERMISSION, "cannot delete the pool: permission denied")
          .withPath(path);
    } catch (IOException e) {
      throw PlasmiteException.of(ErrorKind.IO, "cannot delete the pool", e).withPath(path);
    }
  }

  /**
   * Validates a pool ({@code doctor}) under its writer lock when the file is writable to us. Unlike
   * {@link #open}, this never mends the header a crashed writer left behind: the report shows the
   * file as it is, and the file is never modified.
   *
   * @param ref the pool
   * @return the report
   * @throws PlasmiteException NotFound, Permission, Usage, Io, or Corrupt when the header is too
   *     damaged to open the file
   */
  public ValidationReport validate(PoolRef ref) {
    Path path = resolve(ref);
    PoolFile file;
    try {
      file = PoolFile.open(path, true);
    } catch (PlasmiteException e) {
      if (e.kind() != ErrorKind.PERMISSION) {
        throw e;
      }
      file = PoolFile.open(path, false);
    }
    try (PoolFile open = file) {
      return PoolValidator.validateLocked(open);
    }
  }

  /**
   * Mends the damage a crash can leave in a pool — header pointers that disagree with the frame
   * chain, a torn last message, index slots naming the wrong frame — under the pool's writer lock,
   * after copying the file to a backup beside it ({@code NAME.plasmite.bak-<UTC time>}). Anything
   * that cannot be mended without guessing is refused and the file is left untouched. See {@link
   * io.plasmite.engine.PoolRepairer}.
   *
   * @param ref the pool
   * @return what was found and changed, and where the backup is
   * @throws PlasmiteException Corrupt when the damage cannot be mended (nothing is modified then);
   *     NotFound, Permission, Usage or Io
   */
  public RepairReport repair(PoolRef ref) {
    return PoolRepairer.repair(resolve(ref));
  }
}
