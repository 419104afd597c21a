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
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One wake file held open and mapped by a {@link WakeChannel}: its shared lock, its slot, and the
 * sleep and wake steps of the protocol on its words. A channel normally keeps one for its life, and
 * takes a new one only if the file's name comes to belong to another file ({@link #named}).
 */
final class WakeFile {
  /** Each retry follows a sweep that removed the name under an opener: more than one is rare. */
  private static final int OPEN_ATTEMPTS = 8;

  private static final int SLOT_UNCLAIMED = -1;
  private static final int NO_SLOT = -2;

  private final MemorySegment words;
  private final int lockFd;
  private final Object inode;
  private final AtomicBoolean closed = new AtomicBoolean();
  // Users of lockFd: one for the open handle until close(), plus one per reader registered as a
  // sleeper or repair in progress. The last one out closes it, releasing the file's locks.
  private final AtomicInteger holds = new AtomicInteger(1);
  // The slot this file's sleepers register in: claimed at the first sleep.
  private volatile int slot = SLOT_UNCLAIMED;
  // Set once the channel has moved to another file ({@link #leave}): no reader sleeps here again.
  private volatile boolean left;

  private WakeFile(MemorySegment words, int lockFd, Object inode) {
    this.words = words;
    this.lockFd = lockFd;
    this.inode = inode;
  }

  /**
   * Opens (creating if needed) a pool's wake file. Protocol: (1) create the file by name, or open
   * the one there; (2) take a shared lock on it, held until {@link #close()}; (3) if a sweep
   * unlinked the name between 1 and 2, the locked file is an orphan: start again; (4) if this call
   * created it, share it with whoever may read the pool ({@link #shareLike}); (5) map the locked
   * file itself, sizing it by writing only its last byte, so that a concurrent opener never zeroes
   * words in use; (6) take back what dead sleepers left in the total ({@link #repair}).
   *
   * @param poolPath the pool file
   * @param name its wake file's name ({@link WakeChannel#fileOf})
   * @return the open file, or null when it cannot be opened (readers then poll)
   */
  static WakeFile open(Path poolPath, Path name) {
    try {
      for (int attempt = 0; attempt < OPEN_ATTEMPTS; attempt++) {
        boolean created = true;
        int fd =
            NativeIo.open(name.toString(), NativeIo.O_RDWR | NativeIo.O_CREAT | NativeIo.O_EXCL);
        if (fd < 0 && NativeIo.errno() == NativeIo.EEXIST) {
          created = false;
          fd = NativeIo.open(name.toString(), NativeIo.O_RDWR);
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
          // One stat for both: whether the file is still named, and its inode for named().
          Map<String, Object> attributes = Files.readAttributes(locked, "unix:nlink,ino");
          if ((int) attributes.get("nlink") == 0) {
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
            WakeFile file =
                new WakeFile(
                    ch.map(FileChannel.MapMode.READ_WRITE, 0, WakeFileDescriptor.FILE_BYTES, arena),
                    fd,
                    attributes.get("ino"));
            file.repair();
            kept = true;
            return file;
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
   * Whether {@code name} still names this file. It stops doing so when someone removes the name (by
   * hand, or systemd's {@code RemoveIPC} at a user's logout) while processes hold the file: they
   * keep the orphan, and the next opener makes a new file under the name.
   *
   * @param name the name this file was opened by
   * @return false if the name is gone or belongs to another file
   */
  boolean named(Path name) {
    try {
      return inode.equals(Files.getAttribute(name, "unix:ino", LinkOption.NOFOLLOW_LINKS));
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Steps 6 and 7 of the protocol ({@link WakeChannel}): wakes the sleepers, if any. */
  void wakeAll() {
    VarHandle.fullFence();
    if (WakeFileDescriptor.sleepers(words) > 0) {
      WakeFileDescriptor.bumpWakeCounter(words);
      NativeIo.futexWakeAll(words);
    }
  }

  /**
   * Called once the channel has moved to another file: wakes the readers asleep here and keeps
   * those about to sleep here from doing so, so that they all sleep on the new file from then on. A
   * reader registers as a sleeper before it reads the flag (step 4), and this sets the flag before
   * it reads the sleeper total: either the reader sees the flag, or this sees the reader and bumps
   * the counter it sleeps on. Other processes' readers on this file wake for nothing and sleep
   * again.
   */
  void leave() {
    left = true;
    wakeAll();
  }

  /**
   * Steps 2 to 5: registers as a sleeper, re-checks {@code newest_seq} (and that the channel has
   * not left this file) and sleeps on the counter.
   *
   * @param file the pool's whole-file segment
   * @param seenNewest the newest seq the caller has seen
   * @param deadlineNs {@link System#nanoTime()} deadline
   * @param sleepMaxNs the longest sleep
   * @return false, without waiting, if this file is closed (the caller polls instead: nothing would
   *     keep the locks a registration needs to be repaired)
   */
  boolean sleep(MemorySegment file, long seenNewest, long deadlineNs, long sleepMaxNs) {
    if (!hold()) {
      return false;
    }
    try {
      int own = slot();
      WakeFileDescriptor.addSleepers(words, 1);
      if (own >= 0) {
        WakeFileDescriptor.addSlotSleepers(words, own, 1);
      }
      try {
        int counter = WakeFileDescriptor.wakeCounter(words);
        if (PoolHeaderDescriptor.newestSeq(file) != seenNewest || left) {
          return true;
        }
        long remaining = Math.min(sleepMaxNs, deadlineNs - System.nanoTime());
        if (remaining > 0) {
          NativeIo.futexWait(words, counter, remaining);
        }
      } finally {
        if (own >= 0) {
          WakeFileDescriptor.addSlotSleepers(words, own, -1);
        }
        WakeFileDescriptor.addSleepers(words, -1);
      }
      return true;
    } finally {
      release();
    }
  }

  /** This file's slot, claimed on first use; {@link #NO_SLOT} when every slot is owned. */
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
   * Claims the first slot nobody owns, by taking its lock; whatever count a dead owner left in it
   * goes back out of the total first. Called with the monitor held, as {@link #repair} is: both
   * lock ranges through the same descriptor, which never conflicts with itself.
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
   * Releases the open handle's hold, or leaves that to the last reader still asleep on the file
   * (each wakes within its bounded sleep). The mapping stays until it is unreachable.
   */
  void close() {
    if (closed.compareAndSet(false, true)) {
      release();
    }
  }
}
