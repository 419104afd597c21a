package io.plasmite.cli;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Tells whether the reader of stdout has gone away (the end of {@code follow … | head -1}) while
 * nothing is being written: {@code poll(2)} reports {@code POLLERR} on the write end of a pipe
 * whose read end is closed. Writes detect it too ({@link java.io.PrintStream#checkError()}); this
 * catches it on an idle stream, so the program ends promptly.
 */
final class StdoutWatch {
  private static final short POLLERR = 0x008;
  private static final short POLLHUP = 0x010;
  private static final MethodHandle POLL = lookup();

  private StdoutWatch() {}

  @SuppressWarnings("restricted")
  private static MethodHandle lookup() {
    try {
      Linker linker = Linker.nativeLinker();
      return linker
          .defaultLookup()
          .find("poll")
          .map(
              address ->
                  linker.downcallHandle(
                      address,
                      FunctionDescriptor.of(
                          ValueLayout.JAVA_INT,
                          ValueLayout.ADDRESS,
                          ValueLayout.JAVA_LONG,
                          ValueLayout.JAVA_INT)))
          .orElse(null);
    } catch (RuntimeException | LinkageError e) {
      return null;
    }
  }

  /**
   * Whether file descriptor 1 is a pipe whose reader has closed it.
   *
   * @return true when writing would fail with EPIPE
   */
  static boolean closed() {
    if (POLL == null) {
      return false;
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment fd = arena.allocate(8, 4);
      fd.set(ValueLayout.JAVA_INT, 0, 1);
      fd.set(ValueLayout.JAVA_SHORT, 4, (short) 0);
      fd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
      int n = (int) POLL.invokeExact(fd, 1L, 0);
      if (n <= 0) {
        return false;
      }
      short revents = fd.get(ValueLayout.JAVA_SHORT, 6);
      return (revents & (POLLERR | POLLHUP)) != 0;
    } catch (Throwable e) {
      return false;
    }
  }
}
