package io.plasmite.fuzz;

import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The rules every fuzz target enforces on one input: a failure is a {@link PlasmiteException} of an
 * expected kind (anything else escapes and fails the run), and the heap allocated while handling
 * the input stays within a bound linear in the input's size.
 *
 * <p>Time is bounded by {@code @Timeout} on each target: JUnit applies it to every replayed input,
 * Jazzer turns it into libFuzzer's per-input {@code -timeout}.
 */
final class FuzzRules {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private FuzzRules() {}

  /**
   * Rethrows {@code e} unless its kind is one of {@code allowed}.
   *
   * @param e the failure
   * @param allowed the kinds this operation may report
   */
  static void expectKind(PlasmiteException e, ErrorKind... allowed) {
    if (!Arrays.asList(allowed).contains(e.kind())) {
      throw new AssertionError(
          "unexpected error kind " + e.kind() + " (allowed: " + Arrays.toString(allowed) + ")", e);
    }
  }

  private static long allocatedBytes() {
    return THREADS.getCurrentThreadAllocatedBytes();
  }

  /** A target's work on one input. */
  interface Work {
    /**
     * Handles the input.
     *
     * @throws Exception to fail the input
     */
    void run() throws Exception;
  }

  /**
   * Runs {@code work} and fails if the calling thread allocated more than {@code perInputByte *
   * inputBytes + fixedBytes} on the heap meanwhile. The first use of a code path loads (and, under
   * Jazzer, instruments) classes, which allocates too; so an input over the bound is run twice more
   * and only the smallest figure counts ({@code work} must be repeatable).
   *
   * @param inputBytes the input's length
   * @param perInputByte allowed bytes per input byte
   * @param fixedBytes allowed bytes regardless of the input
   * @param work the target's work
   * @throws Exception what {@code work} throws
   */
  static void withinAllocationBound(long inputBytes, long perInputByte, long fixedBytes, Work work)
      throws Exception {
    long bound = perInputByte * inputBytes + fixedBytes;
    StringBuilder figures = new StringBuilder();
    for (int run = 0; run < 3; run++) {
      long before = allocatedBytes();
      work.run();
      long used = allocatedBytes() - before;
      if (used <= bound) {
        return;
      }
      figures.append(run == 0 ? "" : ", ").append(used);
    }
    throw new AssertionError(
        "allocated "
            + figures
            + " bytes in three runs for an input of "
            + inputBytes
            + " (bound "
            + bound
            + ")");
  }

  /**
   * A short hex rendering for failure messages.
   *
   * @param b the input
   * @return at most 256 bytes as hex
   */
  static String hex(byte[] b) {
    return b.length <= 256
        ? HexFormat.of().formatHex(b)
        : HexFormat.of().formatHex(b, 0, 256) + "... (" + b.length + " bytes)";
  }
}
