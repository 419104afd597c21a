package io.plasmite.engine;

import static java.nio.file.attribute.PosixFilePermission.GROUP_READ;
import static java.nio.file.attribute.PosixFilePermission.GROUP_WRITE;
import static java.nio.file.attribute.PosixFilePermission.OTHERS_READ;
import static java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE;
import static java.nio.file.attribute.PosixFilePermission.OWNER_READ;
import static java.nio.file.attribute.PosixFilePermission.OWNER_WRITE;

import io.plasmite.format.PoolHeaderDescriptor;
import io.plasmite.format.WakeFileDescriptor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;

/**
 * Wakes readers waiting for new messages, across processes, in microseconds and without spinning
 * while idle ({@code pool-format-v3.md} §8).
 *
 * <p>A page of shared memory ({@code /dev/shm/plasmite-<hash of the pool's real path>.wake}, laid
 * out in {@link WakeFileDescriptor}) holds a wake counter, the total of sleeping readers, and one
 * sleeper count per reading channel. The pool file itself is left untouched. Protocol: a reader (1)
 * spins briefly on {@code newest_seq}; (2) registers as a sleeper, in the total first and then in
 * its channel's slot; (3) reads the counter; (4) re-checks {@code newest_seq}; (5) sleeps on the
 * counter with {@code futex} and a bounded timeout, then takes its registration back, slot first. A
 * writer, after publishing {@code newest_seq}, (6) fences, and only if someone sleeps (7) bumps the
 * counter and wakes them. Correctness never depends on a wake: sleeps are bounded, and readers
 * re-check the header. Writers of the reference tools know nothing of this file; they post a named
 * semaphore instead ({@link ReferenceSemaphore}), which writers here post as well, and while it
 * exists readers here sleep at most 5 ms at a time.
 *
 * <p>A reader killed (or whose JVM exits) while asleep never takes its registration back, and
 * writers would then make a wake call per append for as long as the file lives. So each channel
 * that sleeps owns a slot through an {@code fcntl} lock the kernel drops when its process dies, and
 * a channel takes the counts of unowned slots back out of the total ({@link #repair}): when it
 * opens, and when a writer's wake call finds nobody to wake (at most once a second). The order of
 * step 2 and of the way back means a death between the two updates leaves the total one too high,
 * never too low: a writer may wake needlessly, but never skips a live sleeper.
 *
 * <p>Every open channel holds a shared {@code flock} on its file until it is closed (or its process
 * ends), so that {@link #sweep()} can tell a file in use from one left behind by a pool deleted
 * with {@code rm} or by a killed process: it removes only files nobody holds. A file nobody holds
 * carries no state worth keeping; the next opener makes a new one. A channel closed while one of
 * its readers still sleeps keeps both locks until that reader leaves.
 */
public final class WakeChannel implements AutoCloseable {
  /** How long a waiting reader spins on the header before it sleeps, unless told otherwise. */
  public static final long DEFAULT_SPIN_NS = 50_000;

  private static final Path SHM = Path.of("/dev/shm");
  private static final String PREFIX = "plasmite-";
  private static final String SUFFIX = ".wake";

  /** Each retry follows a sweep that removed the name under an opener: more than one is rare. */
  private static final int OPEN_ATTEMPTS = 8;

  private static final long SLEEP_MAX_NS = 100_000_000;
  // While the reference tools have a semaphore for the pool, their writers may append without
  // touching the wake file: sleep no longer than their followers poll.
  private static final long SLEEP_MAX_REFERENCE_NS = 5_000_000;
  // A writer whose wake call found nobody looks for dead sleepers at most this often.
  private static final long REPAIR_INTERVAL_NS = 1_000_000_000;
  private static final int SLOT_UNCLAIMED = -1;
  private static final int NO_SLOT = -2;

  private final MemorySegment words;
  private final int lockFd;
  private final ReferenceSemaphore reference;
  private final AtomicBoolean closed = new AtomicBoolean();
  // Users of lockFd: one for the open handle until close(), plus one per reader registered as a
  // sleeper or repair in progress. The last one out closes it, releasing the file's locks.
  private final AtomicInteger holds = new AtomicInteger(1);
  // The slot this channel's sleepers register in: claimed at the first sleep.
  private volatile int slot = SLOT_UNCLAIMED;
  private final AtomicLong nextRepairNs;

  private WakeChannel(MemorySegment words, int lockFd, ReferenceSemaphore reference) {
    this.words = words;
    this.lockFd = lockFd;
    this.reference = reference;
    this.nextRepairNs = new AtomicLong(System.nanoTime() + REPAIR_INTERVAL_NS);
  }

  /**
   * Opens (creating if needed) the wake file of a pool. Protocol: (1) create the file by name, or
   * open the one there; (2) take a shared lock on it, held until {@link #close()}; (3) if a sweep
   * unlinked the name between 1 and 2, the locked file is an orphan: start again; (4) if this call
   * created it, share it with whoever may read the pool ({@link #shareLike}); (5) map the locked
   * file itself, sizing it by writing only its last byte, so that a concurrent opener never zeroes
   * words in use; (6) take back what dead sleepers left in the total ({@link #repair}).
   *
   * @param poolPath the pool file
   * @return the channel, or null when shared memory is not available (readers then poll)
   */
  public static WakeChannel open(Path poolPath) {
    if (!Files.isDirectory(SHM)) {
      return null;
    }
    String name = fileOf(poolPath).toString();
    try {
      for (int attempt = 0; attempt < OPEN_ATTEMPTS; attempt++) {
        boolean created = true;
        int fd = NativeIo.open(name, NativeIo.O_RDWR | NativeIo.O_CREAT | NativeIo.O_EXCL);
        if (fd < 0 && NativeIo.errno() == NativeIo.EEXIST) {
          created = false;
          fd = NativeIo.open(name, NativeIo.O_RDWR);
          if (fd < 0 && NativeIo.errno() == NativeIo.ENOENT) {
            continue;
          }
        }
        if (fd < 0) {
          return null;
        }
        boolean kept = false;
        try {
          if (NativeIo.flock(fd, NativeIo.LOCK_SH) != 0) {
            return null;
          }
          Path locked = NativeIo.procPath(fd);
          if ((int) Files.getAttribute(locked, "unix:nlink") == 0) {
            continue;
          }
          if (created) {
            shareLike(poolPath, locked);
          }
          // Unmapped by the garbage collector, never explicitly: a reader may be asleep on the
          // word (inside a native call) when its pool is closed.
          Arena arena = Arena.ofAuto();
          try (FileChannel ch =
              FileChannel.open(locked, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (ch.size() < WakeFileDescriptor.FILE_BYTES) {
              ch.write(ByteBuffer.allocate(1), WakeFileDescriptor.FILE_BYTES - 1);
            }
            WakeChannel channel =
                new WakeChannel(
                    ch.map(FileChannel.MapMode.READ_WRITE, 0, WakeFileDescriptor.FILE_BYTES, arena),
                    fd,
                    new ReferenceSemaphore(poolPath));
            channel.repair();
            kept = true;
            return channel;
          }
        } finally {
          if (!kept) {
            NativeIo.close(fd);
          }
        }
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Gives a new wake file the pool's group, and read and write to each class of user that may read
   * the pool: a reader must write the file to sleep on it, and whoever may follow a pool may use
   * its wake file. Best effort: a creator outside the pool's group leaves the file to its own group
   * and grants that group nothing; a user who cannot open the file read-write polls instead.
   */
  private static void shareLike(Path poolPath, Path wakeFile) {
    try {
      PosixFileAttributes pool = Files.readAttributes(poolPath, PosixFileAttributes.class);
      PosixFileAttributeView view =
          Files.getFileAttributeView(wakeFile, PosixFileAttributeView.class);
      boolean poolGroup;
      try {
        view.setGroup(pool.group());
        poolGroup = true;
      } catch (IOException e) {
        poolGroup = false;
      }
      Set<PosixFilePermission> mode = EnumSet.of(OWNER_READ, OWNER_WRITE);
      if (poolGroup && pool.permissions().contains(GROUP_READ)) {
        mode.addAll(EnumSet.of(GROUP_READ, GROUP_WRITE));
      }
      if (pool.permissions().contains(OTHERS_READ)) {
        mode.addAll(EnumSet.of(OTHERS_READ, OTHERS_WRITE));
      }
      view.setPermissions(mode);
    } catch (IOException | RuntimeException e) {
      // The file keeps the creator's umask: users beyond it poll instead of sleeping.
    }
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
    VarHandle.fullFence();
    if (WakeFileDescriptor.sleepers(words) > 0) {
      WakeFileDescriptor.bumpWakeCounter(words);
      // Nobody woken: the sleepers may be between steps 2 and 5, or dead.
      if (NativeIo.futexWakeAll(words) == 0) {
        long now = System.nanoTime();
        long next = nextRepairNs.get();
        if (now - next >= 0 && nextRepairNs.compareAndSet(next, now + REPAIR_INTERVAL_NS)) {
          repair();
        }
      }
    }
    reference.appended();
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
    if (!hold()) {
      // Closed: nothing keeps the file's locks, so a registration here could not be repaired.
      poll(file, seenNewest, deadlineNs);
      return;
    }
    try {
      int own = slot();
      WakeFileDescriptor.addSleepers(words, 1);
      if (own >= 0) {
        WakeFileDescriptor.addSlotSleepers(words, own, 1);
      }
      try {
        int counter = WakeFileDescriptor.wakeCounter(words);
        if (PoolHeaderDescriptor.newestSeq(file) != seenNewest) {
          return;
        }
        long remaining = Math.min(sleepMaxNs(), deadlineNs - System.nanoTime());
        if (remaining > 0) {
          NativeIo.futexWait(words, counter, remaining);
        }
      } finally {
        if (own >= 0) {
          WakeFileDescriptor.addSlotSleepers(words, own, -1);
        }
        WakeFileDescriptor.addSleepers(words, -1);
      }
    } finally {
      release();
    }
  }

  /** This channel's slot, claimed on first use; {@link #NO_SLOT} when every slot is owned. */
  private int slot() {
    int s = slot;
    if (s != SLOT_UNCLAIMED) {
      return s;
    }
    synchronized (this) {
      if (slot == SLOT_UNCLAIMED) {
        slot = claimSlot();
      }
      return slot;
    }
  }

  /**
   * Claims the first slot no open channel owns, by taking its lock; whatever count a dead owner
   * left in it goes back out of the total first. Called with the monitor held, as {@link #repair}
   * is: both lock ranges through the same descriptor, which never conflicts with itself.
   */
  private int claimSlot() {
    for (int i = 0; i < WakeFileDescriptor.SLOT_COUNT; i++) {
      if (NativeIo.ofdLock(
              lockFd,
              WakeFileDescriptor.slotOffset(i),
              WakeFileDescriptor.SLOT_BYTES,
              NativeIo.F_WRLCK)
          == 0) {
        takeBack(i);
        return i;
      }
    }
    return NO_SLOT;
  }

  /**
   * Takes the registrations of dead sleepers back out of the total: every slot with a count and no
   * owner is locked, emptied and unlocked again. A live owner's lock makes its slot fail to lock.
   *
   * @return how many registrations were taken back
   */
  synchronized int repair() {
    if (!hold()) {
      return 0;
    }
    try {
      int own = slot;
      int taken = 0;
      for (int i = 0; i < WakeFileDescriptor.SLOT_COUNT; i++) {
        if (i == own || WakeFileDescriptor.slotSleepers(words, i) == 0) {
          continue;
        }
        long at = WakeFileDescriptor.slotOffset(i);
        if (NativeIo.ofdLock(lockFd, at, WakeFileDescriptor.SLOT_BYTES, NativeIo.F_WRLCK) != 0) {
          continue;
        }
        try {
          taken += takeBack(i);
        } finally {
          NativeIo.ofdLock(lockFd, at, WakeFileDescriptor.SLOT_BYTES, NativeIo.F_UNLCK);
        }
      }
      return taken;
    } finally {
      release();
    }
  }

  /** Empties a slot whose lock is held here and removes its count from the total. */
  private int takeBack(int i) {
    int left = WakeFileDescriptor.takeSlotSleepers(words, i);
    if (left != 0) {
      WakeFileDescriptor.addSleepers(words, -left);
    }
    return left;
  }

  /** Adds a user of the descriptor, unless the last one has already closed it. */
  private boolean hold() {
    while (true) {
      int h = holds.get();
      if (h == 0) {
        return false;
      }
      if (holds.compareAndSet(h, h + 1)) {
        return true;
      }
    }
  }

  /** Drops a user of the descriptor; the last one closes it, which releases the file's locks. */
  private void release() {
    if (holds.decrementAndGet() == 0) {
      NativeIo.close(lockFd);
    }
  }

  /**
   * The longest a waiting reader sleeps before it looks at the header again: 100 ms, or 5 ms while
   * the reference tools have a semaphore for the pool (their writers wake only their followers).
   */
  long sleepMaxNs() {
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
    if (closed.compareAndSet(false, true)) {
      release();
    }
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
