package io.plasmite.cli.conformance;

import java.util.Arrays;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * Matches expected items to actual ones one-to-one, for {@code messages_unordered}. Expectations
 * may leave tags or data unchecked, so a greedy first-fit can fail where a matching exists; this
 * finds a maximum matching (augmenting paths) instead.
 */
final class Matching {
  private Matching() {}

  /**
   * The first expected item left without a partner by a maximum matching.
   *
   * @param <E> expected items
   * @param <A> actual items
   * @param expected what must be matched
   * @param actual what is available, as many as {@code expected} or more
   * @param matches whether an expected item accepts an actual one
   * @return the index of an unmatched expected item, or -1 when all are matched
   */
  static <E, A> int firstUnmatched(
      List<E> expected, List<A> actual, BiPredicate<? super E, ? super A> matches) {
    boolean[][] edges = new boolean[expected.size()][actual.size()];
    for (int e = 0; e < expected.size(); e++) {
      for (int a = 0; a < actual.size(); a++) {
        edges[e][a] = matches.test(expected.get(e), actual.get(a));
      }
    }
    int[] partnerOf = new int[actual.size()];
    Arrays.fill(partnerOf, -1);
    for (int e = 0; e < expected.size(); e++) {
      if (!augment(e, edges, partnerOf, new boolean[actual.size()])) {
        return e;
      }
    }
    return -1;
  }

  private static boolean augment(int e, boolean[][] edges, int[] partnerOf, boolean[] seen) {
    for (int a = 0; a < partnerOf.length; a++) {
      if (edges[e][a] && !seen[a]) {
        seen[a] = true;
        if (partnerOf[a] < 0 || augment(partnerOf[a], edges, partnerOf, seen)) {
          partnerOf[a] = e;
          return true;
        }
      }
    }
    return false;
  }
}
