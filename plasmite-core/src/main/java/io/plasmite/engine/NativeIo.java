package io.plasmite.engine;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * The few libc calls Java does not offer, through the Foreign Function &amp; Memory API: {@code
 * open}/{@code close} for a descriptor to lock, {@code flock(2)} (the whole-file BSD lock the other
 * plasmite tools take; Java's {@code FileChannel.lock} is an {@code fcntl} lock that does not
 * exclude it), {@code posix_fallocate(3)} (so a full disk fails at create, not with SIGBUS later),
 * {@code madvise(2)}, the {@code futex(2)} wait/wake pair for cross-process wake-ups, {@code
 * fcntl(2)} byte-range locks owned by an open file description (which tell a live reader's slot of
 * the wake file from a dead one's), and the POSIX named semaphore calls to post the reference
 * tools' wake-up hint. Linux only.
 *
 * <p>Every call returns the C result; a negative result comes with {@link #errno()} captured right
 * after the call on this thread.
 */
final class NativeIo {
  static final int O_RDONLY = 0;
  static final int O_RDWR = 2;
  static final int O_CREAT = 0x40;
  static final int O_EXCL = 0x80;
  static final int O_CLOEXEC = 0x80000;
  static final int LOCK_SH = 1;
  static final int LOCK_EX = 2;
  static final int LOCK_NB = 4;
  static final int LOCK_UN = 8;
  static final int ENOENT = 2;
  static final int EINTR = 4;
  static final int EAGAIN = 11;
  static final int EEXIST = 17;
  static final int ENOSPC = 28;
  static final int ETIMEDOUT = 110;
  static final int MADV_RANDOM = 1;
  static final short F_WRLCK = 1;
  static final short F_UNLCK = 2;
  private static final int F_OFD_SETLK = 37;
  private static final long SYS_FUTEX = 202;
  private static final int FUTEX_WAIT = 0;
  private static final int FUTEX_WAKE = 1;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup LIBC = LINKER.defaultLookup();
  private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO = CALL_STATE.varHandle(PathElement.groupElement("errno"));
  private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
  private static final ThreadLocal<MemorySegment> STATE =
      ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CALL_STATE));
  private static final ThreadLocal<int[]> LAST_ERRNO = ThreadLocal.withInitial(() -> new int[1]);

  private static final StructLayout TIMESPEC =
      MemoryLayout.structLayout(
          ValueLayout.JAVA_LONG.withName("tv_sec"), ValueLayout.JAVA_LONG.withName("tv_nsec"));
  private static final ThreadLocal<MemorySegment> TIMEOUT =
      ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(TIMESPEC));

  /** Linked on first use: linking a downcall costs milliseconds at start-up. */
  private static final class Open {
    static final MethodHandle H =
        handle(
            "open",
            FunctionDescriptor.of(
                ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS,
                ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT),
            Linker.Option.firstVariadicArg(2));
  }

  /** Linked on first use: linking a downcall costs milliseconds at start-up. */
  private static final class Close {
    static final MethodHandle H =
        handle("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
  }

  /** Linked on first use: linking a downcall costs milliseconds at start-up. */
  private static final class Flock {
    static final MethodHandle H =
        handle(
            "flock",
            FunctionDescriptor.of(
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
  }

  /** Linked on first use: linking a downcall costs milliseconds at start-up. */
  private static final class Fcntl {
    static final MethodHandle H =
        handle(
            "fcntl",
            FunctionDescriptor.of(
                ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS),
            Linker.Option.firstVariadicArg(2));
  }

  /** {@code struct flock} of Linux on 64-bit machines. */
  private static final StructLayout FLOCK =
      MemoryLayout.structLayout(
          ValueLayout.JAVA_SHORT.withName("l_type"),
          ValueLayout.JAVA_SHORT.withName("l_whence"),
          MemoryLayout.paddingLayout(4),
          ValueLayout.JAVA_LONG.withName("l_start"),
          ValueLayout.JAVA_LONG.withName("l_len"),
          ValueLayout.JAVA_INT.withName("l_pid"),
          MemoryLayout.paddingLayout(4));

  private static final long L_TYPE = FLOCK.byteOffset(PathElement.groupElement("l_type"));
  private static final long L_START = FLOCK.byteOffset(PathElement.groupElement("l_start"));
  private static final long L_LEN = FLOCK.byteOffset(PathElement.groupElement("l_len"));
  private static final ThreadLocal<MemorySegment> FLOCK_ARG =
      ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(FLOCK));

  /** Linked on first use: linking a downcall costs milliseconds at start-up. */
  private static final class Fallocate {
    static final MethodHandle H =
        handleNoErrno(
            "posix_fallocate",
            FunctionDescriptor.of(
                ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT,
                ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG));
  }

  /** Linked on first use: linking a downcall costs milliseconds at start-up. */
  private static final class Madvise {
    static final MethodHandle H =
        handle(
            "madvise",
            FunctionDescriptor.of(
                ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS,
                ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_INT));
  }

  /** Linked on first use: linking a downcall costs milliseconds at start-up. */
  private static final class Syscall {
    static final MethodHandle H =
        handle(
            "syscall",
            FunctionDescriptor.of(
                ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG,
                ValueLayout.ADDRESS,
                ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS,
                ValueLayout.ADDRESS,
                ValueLayout.JAVA_INT),
            Linker.Option.firstVariadicArg(1));
  }

  /** Linked on first use: linking a downcall costs milliseconds at start-up. */
  private static final class SemOpen {
    static final MethodHandle H =
        handle(
            "sem_open",
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
            Linker.Option.firstVariadicArg(2));
  }

  /** Linked on first use: linking a downcall costs milliseconds at start-up. */
  private static final class SemPost {
    static final MethodHandle H =
        handle("sem_post", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
  }

  /** Linked on first use: linking a downcall costs milliseconds at start-up. */
  private static final class SemGetValue {
    static final MethodHandle H =
        handle(
            "sem_getvalue",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
  }

  private static final ThreadLocal<MemorySegment> SEM_VALUE =
      ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(ValueLayout.JAVA_INT));

  private NativeIo() {}

  @SuppressWarnings("restricted")
  private static MethodHandle handle(String name, FunctionDescriptor fd, Linker.Option... extra) {
    Linker.Option[] options = new Linker.Option[extra.length + 1];
    options[0] = CAPTURE_ERRNO;
    System.arraycopy(extra, 0, options, 1, extra.length);
    MethodHandle h =
        LINKER.downcallHandle(
            LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError(name)), fd, options);
    return h;
  }

  @SuppressWarnings("restricted")
  private static MethodHandle handleNoErrno(String name, FunctionDescriptor fd) {
    return LINKER.downcallHandle(
        LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError(name)), fd);
  }

  /**
   * The errno of this thread's last failed call here.
   *
   * @return errno
   */
  static int errno() {
    return LAST_ERRNO.get()[0];
  }

  private static int saveErrno(MemorySegment state) {
    int e = (int) ERRNO.get(state, 0L);
    LAST_ERRNO.get()[0] = e;
    return e;
  }

  /** Permission bits for files we create; the process umask still applies, as for any tool. */
  static final int CREATE_MODE = 0666;

  static int open(String path, int flags) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = STATE.get();
      int fd =
          (int) Open.H.invokeExact(state, arena.allocateFrom(path), flags | O_CLOEXEC, CREATE_MODE);
      if (fd < 0) {
        saveErrno(state);
      }
      return fd;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * The open file behind a descriptor, as a path: it names the same file whatever happens to the
   * file's own name meanwhile (Linux's {@code /proc/self/fd}).
   */
  static Path procPath(int fd) {
    return Path.of("/proc/self/fd/" + fd);
  }

  static int close(int fd) {
    try {
      MemorySegment state = STATE.get();
      int r = (int) Close.H.invokeExact(state, fd);
      if (r < 0) {
        saveErrno(state);
      }
      return r;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Gives the kernel advice about a mapped range: 0, or -1 with {@link #errno()}. */
  static int madvise(MemorySegment range, int advice) {
    try {
      MemorySegment state = STATE.get();
      int r = (int) Madvise.H.invokeExact(state, range, range.byteSize(), advice);
      if (r < 0) {
        saveErrno(state);
      }
      return r;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** flock(2), retried on EINTR. */
  static int flock(int fd, int operation) {
    try {
      MemorySegment state = STATE.get();
      while (true) {
        int r = (int) Flock.H.invokeExact(state, fd, operation);
        if (r == 0) {
          return 0;
        }
        if (saveErrno(state) != EINTR) {
          return r;
        }
      }
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * Takes or releases, without waiting, an open-file-description lock on a byte range ({@code
   * F_OFD_SETLK}, retried on EINTR). Such a lock belongs to the descriptor's open file, not to the
   * process: two descriptors opened separately conflict even within one process, and the lock goes
   * when the last descriptor of that open file is closed, or its process dies.
   *
   * @param fd a descriptor open for writing
   * @param offset first byte of the range
   * @param length bytes in the range
   * @param type {@link #F_WRLCK} or {@link #F_UNLCK}
   * @return 0, or -1 with {@link #errno()} (EAGAIN or EACCES while another open file holds it)
   */
  static int ofdLock(int fd, long offset, long length, short type) {
    try {
      MemorySegment state = STATE.get();
      MemorySegment lock = FLOCK_ARG.get();
      lock.fill((byte) 0);
      lock.set(ValueLayout.JAVA_SHORT, L_TYPE, type);
      lock.set(ValueLayout.JAVA_LONG, L_START, offset);
      lock.set(ValueLayout.JAVA_LONG, L_LEN, length);
      while (true) {
        int r = (int) Fcntl.H.invokeExact(state, fd, F_OFD_SETLK, lock);
        if (r == 0) {
          return 0;
        }
        if (saveErrno(state) != EINTR) {
          return r;
        }
      }
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** posix_fallocate(3): returns 0 or an errno value (it does not set errno). */
  static int fallocate(int fd, long offset, long length) {
    try {
      while (true) {
        int r = (int) Fallocate.H.invokeExact(fd, offset, length);
        if (r != EINTR) {
          return r;
        }
      }
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * sem_open(3) of an existing POSIX named semaphore (never creating one).
   *
   * @param name its name, with the leading slash
   * @return its handle, or null with {@link #errno()} (ENOENT when there is none)
   */
  static MemorySegment semOpenExisting(String name) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = STATE.get();
      MemorySegment sem = (MemorySegment) SemOpen.H.invokeExact(state, arena.allocateFrom(name), 0);
      if (sem.address() == 0) {
        saveErrno(state);
        return null;
      }
      return sem;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** sem_post(3): 0, or -1 with {@link #errno()}. */
  static int semPost(MemorySegment sem) {
    try {
      MemorySegment state = STATE.get();
      int r = (int) SemPost.H.invokeExact(state, sem);
      if (r < 0) {
        saveErrno(state);
      }
      return r;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** sem_getvalue(3): the semaphore's value, or -1 with {@link #errno()}. */
  static int semValue(MemorySegment sem) {
    try {
      MemorySegment state = STATE.get();
      MemorySegment value = SEM_VALUE.get();
      int r = (int) SemGetValue.H.invokeExact(state, sem, value);
      if (r < 0) {
        saveErrno(state);
        return -1;
      }
      return value.get(ValueLayout.JAVA_INT, 0);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * Sleeps while the 32-bit word at {@code address} equals {@code expected}, up to {@code
   * timeoutNs}. Returns on a wake, a timeout, a signal or a changed word.
   */
  static void futexWait(MemorySegment word, int expected, long timeoutNs) {
    try {
      MemorySegment ts = TIMEOUT.get();
      ts.set(ValueLayout.JAVA_LONG, 0, timeoutNs / 1_000_000_000L);
      ts.set(ValueLayout.JAVA_LONG, 8, timeoutNs % 1_000_000_000L);
      long r =
          (long)
              Syscall.H.invokeExact(
                  STATE.get(), SYS_FUTEX, word, FUTEX_WAIT, expected, ts, MemorySegment.NULL, 0);
      if (r < 0) {
        saveErrno(STATE.get());
      }
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * Wakes every waiter on the 32-bit word at {@code address}.
   *
   * @return how many waiters were woken (0 on an error)
   */
  static int futexWakeAll(MemorySegment word) {
    try {
      long r =
          (long)
              Syscall.H.invokeExact(
                  STATE.get(),
                  SYS_FUTEX,
                  word,
                  FUTEX_WAKE,
                  Integer.MAX_VALUE,
                  MemorySegment.NULL,
                  MemorySegment.NULL,
                  0);
      if (r < 0) {
        saveErrno(STATE.get());
        return 0;
      }
      return (int) r;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException("native call failed", t);
  }
}
