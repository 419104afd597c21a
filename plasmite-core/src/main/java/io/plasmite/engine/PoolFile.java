package io.plasmite.engine;

import static io.plasmite.format.PoolHeaderDescriptor.*;

import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import io.plasmite.format.FrameDescriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One open pool file: its descriptor (for {@code flock}), the whole file mapped into memory, and
 * the geometry checked at open. Appenders lock it; readers only map it.
 *
 * <p>Creation never overwrites: the file is built and preallocated under a temporary name and then
 * hard-linked to its final name, which fails if that name exists. So no reader ever sees a
 * half-initialised pool and a full disk fails at create.
 */
public final class PoolFile implements AutoCloseable {
  private static final int TORN_READ_ATTEMPTS = 1000;

  private final Path path;
  private final boolean writable;
  private final int fd;
  private final Arena arena;
  private final MemorySegment file;
  private final MemorySegment ring;
  private final HeaderState geometry;
  // The identity (device, inode) of the mapped file, to notice the path naming another file.
  private final Object fileKey;

  /** Non-blocking {@code flock} attempts before a blocking one (see {@link #lock}). */
  private static final int LOCK_TRIES_BEFORE_BLOCKING = 64;

  private final ReentrantLock jvmLock = new ReentrantLock();
  private final Checkpoints checkpoints = new Checkpoints();
  private volatile boolean closed;
  private volatile boolean advisedInPlaceWrites;

  private PoolFile(
      Path path, boolean writable, int fd, Arena arena, MemorySegment file, Object fileKey) {
    this.path = path;
    this.fileKey = fileKey;
    this.writable = writable;
    this.fd = fd;
    this.arena = arena;
    this.file = file;
    this.geometry = HeaderState.read(file);
    this.ring = file.asSlice(geometry.ringOffset(), geometry.ringSize());
  }

  /**
   * Creates a new pool file, refusing to replace an existing one.
   *
   * @param path the final path
   * @param fileSize total size in bytes
   * @param indexCapacity index slots
   * @return the open, writable pool
   * @throws PlasmiteException AlreadyExists, Usage (bad size), Permission, NotFound (no directory)
   *     or Io (e.g. a full disk)
   */
  public static PoolFile create(Path path, long fileSize, long indexCapacity) {
    HeaderState fresh = HeaderState.fresh(fileSize, indexCapacity);
    if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw alreadyExists(path);
    }
    Path dir = path.toAbsolutePath().getParent();
    try {
      Files.createDirectories(dir);
    } catch (AccessDeniedException e) {
      throw PlasmiteException.of(ErrorKind.PERMISSION, "cannot create the pool directory", e)
          .withPath(dir);
    } catch (IOException e) {
      throw PlasmiteException.of(ErrorKind.IO, "cannot create the pool directory", e).withPath(dir);
    }
    Path temp =
        dir.resolve(
            "."
                + path.getFileName()
                + ".creating-"
                + ProcessHandle.current().pid()
                + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    int fd = NativeIo.open(temp.toString(), NativeIo.O_RDWR | NativeIo.O_CREAT | NativeIo.O_EXCL);
    if (fd < 0) {
      throw openError(NativeIo.errno(), "cannot create the pool file", path);
    }
    try {
      int err = NativeIo.fallocate(fd, 0, fileSize);
      if (err != 0) {
        throw PlasmiteException.of(
                ErrorKind.IO,
                err == NativeIo.ENOSPC
                    ? "no space left for a pool of " + fileSize + " bytes"
                    : "cannot reserve " + fileSize + " bytes (errno " + err + ")")
            .withPath(path)
            .withHint(err == NativeIo.ENOSPC ? "free disk space or choose a smaller size" : null);
      }
      try (Arena init = Arena.ofConfined();
          FileChannel ch =
              FileChannel.open(
                  NativeIo.procPath(fd), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        MemorySegment seg = ch.map(FileChannel.MapMode.READ_WRITE, 0, fileSize, init);
        fresh.writeNew(seg);
        seg.force();
      } catch (IOException | UncheckedIOException e) {
        throw PlasmiteException.of(ErrorKind.IO, "cannot initialise the pool file", e)
            .withPath(path);
      }
      try {
        Files.createLink(path, temp);
      } catch (FileAlreadyExistsException e) {
        throw alreadyExists(path);
      } catch (IOException e) {
        throw PlasmiteException.of(ErrorKind.IO, "cannot name the new pool file", e).withPath(path);
      }
      try (FileChannel ch =
          FileChannel.open(
              NativeIo.procPath(fd), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        return map(path, fd, ch, true);
      } catch (IOException e) {
        throw ioError(e, "cannot map the pool file", path);
      }
    } catch (RuntimeException e) {
      NativeIo.close(fd);
      throw e;
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // A leftover temporary file is harmless: it is never opened as a pool.
      }
    }
  }

  /**
   * Opens an existing pool file and checks its header.
   *
   * @param path the pool file
   * @param writable open for appends; when false the file is mapped read-only
   * @return the open pool
   * @throws PlasmiteException NotFound, Permission, Corrupt, Usage (unknown version) or Io
   */
  public static PoolFile open(Path path, boolean writable) {
    return open(path, writable, true);
  }

  /**
   * Opens an existing pool file for writing with only its geometry checked: the pointer words may
   * be in any state a crash leaves ({@link PoolRepairer} judges them).
   *
   * @param path the pool file
   * @return the open, writable pool
   * @throws PlasmiteException NotFound, Permission, Corrupt (geometry), Usage or Io
   */
  static PoolFile openForRepair(Path path) {
    return open(path, true, false);
  }

  private static PoolFile open(Path path, boolean writable, boolean checkPointers) {
    if (!writable) {
      // Readers need no lock, hence no descriptor of our own and no native call.
      try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
        checkHeader(path, ch, checkPointers);
        return map(path, -1, ch, false);
      } catch (IOException e) {
        throw ioError(e, "cannot open the pool file", path);
      }
    }
    int fd = NativeIo.open(path.toString(), NativeIo.O_RDWR);
    if (fd < 0) {
      throw openError(NativeIo.errno(), "cannot open the pool file", path);
    }
    try (FileChannel ch =
        FileChannel.open(
            NativeIo.procPath(fd), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      checkHeader(path, ch, checkPointers);
      return map(path, fd, ch, true);
    } catch (IOException | RuntimeException e) {
      NativeIo.close(fd);
      throw e instanceof IOException io
          ? ioError(io, "cannot open the pool file", path)
          : (RuntimeException) e;
    }
  }

  private static PlasmiteException ioError(IOException e, String what, Path path) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return openError(2, what, path);
    }
    if (e instanceof AccessDeniedException) {
      return openError(13, what, path);
    }
    return PlasmiteException.of(ErrorKind.IO, what, e).withPath(path);
  }

  private static void checkHeader(Path path, FileChannel ch, boolean checkPointers)
      throws IOException {
    long size = ch.size();
    if (size < HEADER_BYTES) {
      throw corrupt(path, "file of " + size + " bytes is shorter than the 4096-byte header");
    }
    ByteBuffer b = readHeader(ch);
    // No appender ever rewrites these fields: a bad one is damage, reported without retrying.
    long ringSize = HeaderChecks.checkGeometry(path, b, size);
    if (!checkPointers) {
      return;
    }
    for (int attempt = 1; ; attempt++) {
      try {
        HeaderChecks.checkPointers(path, b, ringSize);
        return;
      } catch (PlasmiteException e) {
        // An appender in another process may be between two pointer stores: look again
        // before calling the file corrupt.
        if (e.kind() != ErrorKind.CORRUPT || attempt == TORN_READ_ATTEMPTS) {
          throw e;
        }
        Thread.yield();
        b = readHeader(ch);
      }
    }
  }

  private static ByteBuffer readHeader(FileChannel ch) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(RESERVED_OFFSET).order(ByteOrder.LITTLE_ENDIAN);
    while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
      // keep reading: a read may return fewer bytes than asked
    }
    return b;
  }

  private static PoolFile map(Path path, int fd, FileChannel ch, boolean writable)
      throws IOException {
    Arena arena = Arena.ofShared();
    try {
      MemorySegment seg =
          ch.map(
              writable ? FileChannel.MapMode.READ_WRITE : FileChannel.MapMode.READ_ONLY,
              0,
              ch.size(),
              arena);
      // Read by path: the channel cannot tell; a replacement in between is caught by checkFile.
      Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
      return new PoolFile(path, writable, fd, arena, seg, key);
    } catch (IOException | RuntimeException e) {
      arena.close();
      throw e;
    }
  }

  /**
   * The path the pool was opened by.
   *
   * @return the path
   */
  public Path path() {
    return path;
  }

  /**
   * Whether appends are allowed.
   *
   * @return true if mapped read-write
   */
  public boolean writable() {
    return writable;
  }

  /**
   * The whole file.
   *
   * @return the mapped segment
   */
  public MemorySegment file() {
    return file;
  }

  /**
   * Tells the kernel, once per handle and before its first append, that this handle's page faults
   * are not a sequential read ({@code madvise(MADV_RANDOM)}): each brings in one page. A writer
   * goes through the ring in order, and without the advice the kernel reads ahead into ever larger
   * folios (2 MiB ones on this project's Linux 6.18 and ext4). A folio is written back whole, so
   * the msync of a FLUSH append of a few hundred bytes then wrote megabytes. Pages already cached
   * in large folios stay so. Advice only: if the kernel refuses it, nothing else changes.
   */
  public void adviseInPlaceWrites() {
    if (!advisedInPlaceWrites) {
      advisedInPlaceWrites = true;
      NativeIo.madvise(file, NativeIo.MADV_RANDOM);
    }
  }

  /**
   * The ring of frames.
   *
   * @return a slice of {@link #file()}
   */
  public MemorySegment ring() {
    return ring;
  }

  /**
   * File size, index capacity and ring geometry as checked at open (pointers as of open).
   *
   * @return the header snapshot taken at open
   */
  public HeaderState geometry() {
    return geometry;
  }

  /**
   * The header now.
   *
   * @return a fresh snapshot
   */
  public HeaderState header() {
    return HeaderState.read(file);
  }

  /**
   * The header now, read again while it looks torn by a concurrent appender (a bounded number of
   * times; then the last reading is returned).
   *
   * @return a plausible snapshot, if one could be had
   */
  public HeaderState snapshot() {
    HeaderState h = HeaderState.read(file);
    for (int attempt = 1; attempt < TORN_READ_ATTEMPTS && !h.plausible(); attempt++) {
      Thread.yield();
      h = HeaderState.read(file);
    }
    return h;
  }

  /**
   * Seq-to-offset hints for seqs the on-disk index no longer covers.
   *
   * @return this pool's checkpoints
   */
  Checkpoints checkpoints() {
    return checkpoints;
  }

  /**
   * Takes the writer lock: this JVM's lock, then the file's exclusive {@code flock}.
   *
   * @throws PlasmiteException Io if the lock call fails
   */
  public void lock() {
    if (fd < 0) {
      throw PlasmiteException.of(ErrorKind.PERMISSION, "pool is open read-only").withPath(path);
    }
    jvmLock.lock();
    int r = NativeIo.flock(fd, NativeIo.LOCK_EX | NativeIo.LOCK_NB);
    // Held by another process: writers hold it for microseconds, so a few more tries usually win
    // it without the kernel putting this thread to sleep and waking it again; then block.
    for (int tries = 1;
        r != 0 && NativeIo.errno() == NativeIo.EAGAIN && tries < LOCK_TRIES_BEFORE_BLOCKING;
        tries++) {
      Thread.onSpinWait();
      r = NativeIo.flock(fd, NativeIo.LOCK_EX | NativeIo.LOCK_NB);
    }
    if (r != 0 && NativeIo.errno() == NativeIo.EAGAIN) {
      r = NativeIo.flock(fd, NativeIo.LOCK_EX);
    }
    if (r != 0) {
      int errno = NativeIo.errno();
      jvmLock.unlock();
      throw PlasmiteException.of(ErrorKind.IO, "flock failed with errno " + errno).withPath(path);
    }
  }

  /** Releases the writer lock. */
  public void unlock() {
    NativeIo.flock(fd, NativeIo.LOCK_UN);
    jvmLock.unlock();
  }

  /**
   * Writes the given file ranges to disk, then the header page ({@code msync}; header last, so a
   * header on disk never points at frames that are not).
   *
   * @param ranges (position, length) pairs
   * @throws PlasmiteException Io if the system refuses; the appends are then not durable
   */
  public void sync(long[] ranges) {
    try {
      for (int i = 0; i < ranges.length; i += 2) {
        file.asSlice(ranges[i], ranges[i + 1]).force();
      }
      file.asSlice(0, HEADER_BYTES).force();
    } catch (UncheckedIOException e) {
      throw PlasmiteException.of(ErrorKind.IO, "msync failed; the append is not durable", e)
          .withPath(path);
    }
  }

  /**
   * Checks that the path still names the mapped file, at least as long as the mapping. Another
   * process may delete, replace or truncate the file at any time. Deleted or replaced, the mapping
   * stays readable but is no longer the pool; truncated, touching a mapped page past the new end
   * faults. Long-lived readers call this when idle; {@link #mappingFault} after a fault.
   *
   * @throws PlasmiteException NotFound (deleted), Io (replaced by another file, or cannot be
   *     checked) or Corrupt (shorter than mapped), each with the path
   */
  public void checkFile() {
    PlasmiteException e = fileProblem(null);
    if (e != null) {
      throw e;
    }
  }

  /**
   * What a fault on the mapping means. The JVM reports a touch of a mapped page past the end of the
   * file as an {@link InternalError}; it becomes the error {@link #checkFile} finds.
   *
   * @param fault the error thrown by a mapped access
   * @return the pool error to throw instead
   * @throws InternalError {@code fault} itself if the file is intact (not a mapping fault)
   */
  public PlasmiteException mappingFault(InternalError fault) {
    PlasmiteException e = fileProblem(fault);
    if (e == null) {
      throw fault;
    }
    return e;
  }

  private PlasmiteException fileProblem(Throwable cause) {
    BasicFileAttributes now;
    try {
      now = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return PlasmiteException.of(ErrorKind.NOT_FOUND, "pool file was deleted while open", cause)
          .withPath(path)
          .withHint("create the pool again and reopen it");
    } catch (IOException e) {
      return PlasmiteException.of(ErrorKind.IO, "cannot check the open pool file", e)
          .withPath(path);
    }
    if (!Objects.equals(now.fileKey(), fileKey)) {
      return PlasmiteException.of(
              ErrorKind.IO, "pool file was replaced by another file while open", cause)
          .withPath(path)
          .withHint("reopen the pool");
    }
    if (now.size() < file.byteSize()) {
      return PlasmiteException.of(
              ErrorKind.CORRUPT,
              "pool file shrank from "
                  + file.byteSize()
                  + " to "
                  + now.size()
                  + " bytes while open",
              cause)
          .withPath(path)
          .withHint("something truncated it; restore it from a copy or create the pool again");
    }
    return null;
  }

  /**
   * Largest payload this pool accepts.
   *
   * @return bytes
   */
  public long maxPayloadBytes() {
    return FrameDescriptor.maxPayloadBytes(geometry.ringSize());
  }

  /**
   * Whether {@link #close()} has run.
   *
   * @return true once closed
   */
  public boolean isClosed() {
    return closed;
  }

  /** Unmaps the file and closes the descriptor. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    arena.close();
    if (fd >= 0) {
      NativeIo.close(fd);
    }
  }

  private static PlasmiteException openError(int errno, String what, Path path) {
    return switch (errno) {
      case 2 ->
          PlasmiteException.of(ErrorKind.NOT_FOUND, "pool not found: " + path)
              .withPath(path)
              .withHint("create it first, e.g. `pls pool create NAME`");
      case 13, 1, 30 ->
          PlasmiteException.of(ErrorKind.PERMISSION, what + ": permission denied").withPath(path);
      case 17 -> alreadyExists(path);
      case 20 ->
          PlasmiteException.of(ErrorKind.NOT_FOUND, "a parent of the pool path is not a directory")
              .withPath(path);
      default -> PlasmiteException.of(ErrorKind.IO, what + " (errno " + errno + ")").withPath(path);
    };
  }

  private static PlasmiteException alreadyExists(Path path) {
    return PlasmiteException.of(ErrorKind.ALREADY_EXISTS, "pool already exists: " + path)
        .withPath(path)
        .withHint("choose another name or delete the existing pool first");
  }

  static PlasmiteException corrupt(Path path, String message) {
    return PlasmiteException.of(ErrorKind.CORRUPT, message).withPath(path);
  }
}
