package io.plasmite.engine;

import io.plasmite.format.PoolHeaderDescriptor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;

/**
 * Wakes readers waiting for new messages, across processes, in microseconds and without spinning
 * while idle ({@code pool-format-v3.md} §8).
 *
 * <p>A page of shared memory ({@code /dev/shm/plasmite-<hash of the pool's real path>.wake}, laid
 * out in {@link io.plasmite.format.WakeFileDescriptor}) holds a wake counter, the total of sleeping
 * readers, and one sleeper count per reading channel. The pool file itself is left untouched.
 * Protocol: a reader (1) spins briefly on {@code newest_seq}; (2) registers as a sleeper, in the
 * total first and then in its channel's slot; (3) reads the counter; (4) re-checks {@code
 * newest_seq}; (5) sleeps on the counter with {@code futex} and a bounded timeout, then takes its
 * registration back, slot first. A writer, after publishing {@code newest_seq}, (6) fences, and
 * only if someone sleeps (7) bumps the counter and wakes them. Correctness never depends on a wake:
 * sleeps are bounded, and readers re-check the header. Writers of the reference tools know nothing
 * of this file; they post a named semaphore instead ({@link ReferenceSemaphore}), which writers
 * here post as well, and while it exists readers here sleep at most 5 ms at a time.
 *
 * <p>A reader killed (or whose JVM exits) while asleep never takes its registration back, and
 * writers would then make a wake call per append for as long as the file lives. So each channel
 * that sleeps owns a slot through an {@code fcntl} lock the kernel drops when its process dies, and
 * a channel takes the counts of unowned slots back out of the total ({@link WakeFile#repair}): when
 * it opens, and in its upkeep, at most once a second while in use. The order of step 2 and of the
 * way back means a death between the two updates leaves the total one too high, never too low: a
 * writer may wake needlessly, but never skips a live sleeper.
 *
 * <p>Every open channel holds a shared {@code flock} on its file until it is closed (or its process
 * ends), so that {@link #sweep()} can tell a file in use from one left behind by a pool deleted
 * with {@code rm} or by a killed process: it removes only files nobody holds. A file nobody holds
 * carries no state worth keeping; the next opener makes a new one. A channel closed while one of
 * its readers still sleeps keeps both locks until that reader leaves.
 *
 * <p>A name removed while processes hold its file (by hand, or by systemd's {@code RemoveIPC} when
 * a user's last session ends) leaves them on an orphan while later openers make a new file, and
 * writers and readers on different files would miss each other's wake-ups, falling back to the
 * bounded sleep. So a channel checks at most once a second while in use, on its upkeep thread, that
 * its name still belongs to its file ({@link WakeFile#named}); if not, it opens the file now named
 * and moves to it, waking its readers asleep on the old file so that they sleep on the new one.
 */
public final class WakeChannel implements AutoCloseable {
  /** How long a waiting reader spins on the header before it sleeps, unless told otherwise. */
  public static final long DEFAULT_SPIN_NS = 50_000;

  private static final Path SHM = Path.of("/dev/shm");
  private static final String PREFIX = "plasmite-";
  private static final String SUFFIX = ".wake";

  private static final long SLEEP_MAX_NS = 100_000_000;
  // While the reference tools have a semaphore for the pool, their writers may append without
  // touching the wake file: sleep no longer than their followers poll.
  private static final long SLEEP_MAX_REFERENCE_NS = 5_000_000;
  // How often a channel in use runs its upkeep.
  private static final long UPKEEP_INTERVAL_NS = 1_000_000_000;

  private final Path poolPath;
  private final Path name;
  private final ReferenceSemaphore reference;
  private final AtomicBoolean upkeepRunning = new AtomicBoolean();
  private volatile long nextUpkeepNs;
  // Replaced only under the monitor, by a move to the file the name now belongs to.
  private volatile WakeFile file;
  private boolean closed;

  private WakeChannel(Path poolPath, Path name, WakeFile file) {
    this.poolPath = poolPath;
    this.name = name;
    this.file = file;
    this.reference = new ReferenceSemaphore(poolPath);
    this.nextUpkeepNs = System.nanoTime();
  }

  /**
   * Opens (creating if needed) the wake file of a pool ({@link WakeFile#open}).
   *
   * @param poolPath the pool file
   * @return the channel, or null when shared memory is not available (readers then poll)
   */
  public static WakeChannel open(Path poolPath) {
    if (!Files.isDirectory(SHM)) {
      return null;
    }
    Path name = fileOf(poolPath);
    WakeFile file = WakeFile.open(poolPath, name);
    return file == null ? null : new WakeChannel(poolPath, name, file);
  }

  /**
   * Where the wake file of a pool lives.
   *
   * @param poolPath the pool file
   * @return its wake file in {@code /dev/shm} (which may not exist yet)
   */
  public static Path fileOf(Path poolPath) {
    String real;
    try {
      real = poolPath.toRealPath().toString();
    } catch (IOException e) {
      real = poolPath.toAbsolutePath().normalize().toString();
    }
    // Two cheap 32-bit hashes, not a cryptographic digest (whose providers take ~20 ms to
    // initialise): two pools sharing a wake file only see each other's wake-ups.
    byte[] bytes = real.getBytes(StandardCharsets.UTF_8);
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    return SHM.resolve(
        PREFIX
            + HexFormat.of().toHexDigits((int) crc.getValue())
            + HexFormat.of().toHexDigits(real.hashCode())
            + SUFFIX);
  }

  /**
   * Called by a writer after publishing {@code newest_seq}: steps 6 and 7, then the reference
   * tools' semaphore for their followers. It does not yield its CPU to the readers it woke, though
   * they mostly wait on this CPU until this thread blocks: they would read sooner, but then spin
   * there for {@link #DEFAULT_SPIN_NS} before sleeping again, holding the writer back that long.
   */
  public void wakeAll() {
    file.wakeAll();
    reference.appended();
    upkeepNowAndThen();
  }

  /**
   * Waits until {@code newest_seq} of {@code file} differs from {@code seenNewest}, the deadline
   * passes, or a bounded sleep ends (steps 1 to 5). Callers loop.
   *
   * @param file the pool's whole-file segment
   * @param seenNewest the newest seq the caller has seen
   * @param deadlineNs {@link System#nanoTime()} deadline, or {@code Long.MAX_VALUE}
   * @param spinNs how long to spin before sleeping
   */
  public void await(MemorySegment file, long seenNewest, long deadlineNs, long spinNs) {
    long start = System.nanoTime();
    while (System.nanoTime() - start < spinNs && System.nanoTime() - deadlineNs < 0) {
      if (PoolHeaderDescriptor.newestSeq(file) != seenNewest) {
        return;
      }
      Thread.onSpinWait();
    }
    if (!this.file.sleep(file, seenNewest, deadlineNs, sleepMaxNs())) {
      poll(file, seenNewest, deadlineNs);
    }
  }

  /**
   * Starts the channel's upkeep on a virtual thread, at most once a second and never twice at once,
   * so that appends and waits never make its system calls themselves: it looks for the reference
   * tools' semaphore until found, follows the wake file's name ({@link #followName}), and takes
   * back what dead sleepers left in the file ({@link WakeFile#repair}).
   */
  private void upkeepNowAndThen() {
    long now = System.nanoTime();
    if (now - nextUpkeepNs >= 0 && upkeepRunning.compareAndSet(false, true)) {
      nextUpkeepNs = now + UPKEEP_INTERVAL_NS;
      Thread.ofVirtual().name("plasmite-wake-upkeep").start(this::upkeep);
    }
  }

  private void upkeep() {
    try {
      reference.look();
      followName();
      file.repair();
    } finally {
      upkeepRunning.set(false);
    }
  }

  /**
   * Moves this channel to the file its name now belongs to, if that is no longer its own. Protocol:
   * (1) check the name, unless the channel is closed; (2) open the file named now (making one if
   * the name is gone); (3) swap it in, unless the channel was closed or moved meanwhile; (4) leave
   * the old file ({@link WakeFile#leave}), waking this channel's readers asleep on it so that they
   * move to the new one at once; (5) release the old file, which its last sleeper out closes.
   */
  private void followName() {
    WakeFile old;
    synchronized (this) {
      if (closed) {
        return;
      }
      old = file;
    }
    if (old.named(name)) {
      return;
    }
    WakeFile named = WakeFile.open(poolPath, name);
    if (named == null) {
      return;
    }
    synchronized (this) {
      if (closed || file != old) {
        named.close();
        return;
      }
      file = named;
    }
    old.leave();
    old.close();
  }

  /**
   * Takes the registrations of dead sleepers back out of the total ({@link WakeFile#repair}).
   *
   * @return how many registrations were taken back
   */
  int repair() {
    return file.repair();
  }

  /**
   * The longest a waiting reader sleeps before it looks at the header again: 100 ms, or 5 ms while
   * the reference tools have a semaphore for the pool (their writers wake only their followers).
   * Called before each sleep, it also starts the upkeep when due.
   */
  long sleepMaxNs() {
    upkeepNowAndThen();
    return reference.present() ? SLEEP_MAX_REFERENCE_NS : SLEEP_MAX_NS;
  }

  /**
   * Waits without a wake channel: a short spin, then brief sleeps.
   *
   * @param file the pool's whole-file segment
   * @param seenNewest the newest seq the caller has seen
   * @param deadlineNs {@link System#nanoTime()} deadline
   */
  public static void poll(MemorySegment file, long seenNewest, long deadlineNs) {
    if (PoolHeaderDescriptor.newestSeq(file) == seenNewest) {
      long remaining = deadlineNs - System.nanoTime();
      LockSupport.parkNanos(Math.max(0, Math.min(remaining, 1_000_000)));
    }
  }

  /**
   * Releases this channel's hold on its file, or leaves that to the last of its readers still
   * asleep (each wakes within its bounded sleep). The mapping stays until it is unreachable.
   */
  @Override
  public void close() {
    WakeFile held;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      held = file;
    }
    held.close();
  }

  /**
   * Removes the wake files that no open channel holds: those of pools deleted by other means than
   * {@code LocalClient.delete}, of pools no process has open, and of killed processes (the kernel
   * drops their locks). Files in use are left alone, as are other users' files. Safe to run at any
   * time, from any number of processes.
   *
   * @return how many files were removed
   */
  public static int sweep() {
    if (!Files.isDirectory(SHM)) {
      return 0;
    }
    int removed = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(SHM, PREFIX + "*" + SUFFIX)) {
      for (Path file : files) {
        if (removeIfUnused(file)) {
          removed++;
        }
      }
    } catch (IOException | RuntimeException e) {
      // Best effort: a file not removed now is removed by a later sweep.
    }
    return removed;
  }

  /**
   * Removes one wake file if nobody holds it. Protocol: (1) open it; (2) try for the exclusive
   * lock, which fails while any channel holds its shared one; (3) check that the name still belongs
   * to the locked file (another sweep may have replaced it meanwhile); (4) unlink while holding the
   * lock: an opener that opened the name before that sees the orphan at its step 3.
   */
  private static boolean removeIfUnused(Path file) {
    int fd = NativeIo.open(file.toString(), NativeIo.O_RDONLY);
    if (fd < 0) {
      return false;
    }
    try {
      if (NativeIo.flock(fd, NativeIo.LOCK_EX | NativeIo.LOCK_NB) != 0) {
        return false;
      }
      Object locked = Files.getAttribute(NativeIo.procPath(fd), "unix:ino");
      Object named = Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS);
      if (!locked.equals(named)) {
        return false;
      }
      Files.delete(file);
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    } finally {
      NativeIo.close(fd);
    }
  }
}
