package io.plasmite.lite3;

import io.plasmite.json.CanonicalJsonWriter;
import java.util.Arrays;

/**
 * A decoder's memory of the key sets of objects it printed: for a set of keys in stored (hash)
 * order, the order in which JSON prints them and each key already quoted. The messages of a stream
 * tend to share their shapes, so the keys of most objects need neither sorting nor escaping.
 *
 * <p>A set is recognised by its keys' 8-byte prefixes and lengths, which identify keys of up to 8
 * bytes; longer keys are compared byte by byte beyond their prefix. Only sets of distinct keys are
 * kept, so a set found here has no duplicate to drop. A set is kept the second time it is seen, so
 * that a stream of one-off key sets costs a hash and a compare per object and allocates nothing.
 *
 * <p>Bounded: {@link #SLOTS} sets of at most {@link #KEYS_MAX} keys and {@link #KEY_BYTES_MAX} key
 * bytes each. Not thread-safe, like its decoder.
 */
final class KeyShapes {
  /** Sets remembered, direct-mapped by hash. */
  static final int SLOTS = 32;

  /** Most keys of a remembered set. */
  static final int KEYS_MAX = 24;

  /** Most key bytes of a remembered set, before quoting. */
  static final int KEY_BYTES_MAX = 512;

  /** One key set: its stored-order identity and how it prints. */
  static final class Shape {
    final long[] prefixes;
    final int[] lengths;
    final byte[] tails;
    final PrintedKeys keys;

    private Shape(long[] prefixes, int[] lengths, byte[] tails, PrintedKeys keys) {
      this.prefixes = prefixes;
      this.lengths = lengths;
      this.tails = tails;
      this.keys = keys;
    }

    /** How the set prints. */
    PrintedKeys keys() {
      return keys;
    }
  }

  private final Shape[] shapes = new Shape[SLOTS];
  // A hash seen once, for each slot: a set is kept when its hash comes again.
  private final long[] seen = new long[SLOTS];
  private final CanonicalJsonWriter quoter;

  /**
   * Creates an empty memory.
   *
   * @param quoter a writer to quote remembered keys with, free between calls
   */
  KeyShapes(CanonicalJsonWriter quoter) {
    this.quoter = quoter;
  }

  /**
   * The hash of a key set: count, prefixes and lengths in stored order.
   *
   * @param prefixes key prefixes, stored order from {@code p}
   * @param p first prefix
   * @param entries (key offset, key length, value offset) triples from {@code e}
   * @param e first triple
   * @param n number of keys
   * @return the hash, never 0
   */
  static long hash(long[] prefixes, int p, int[] entries, int e, int n) {
    // A rotate and an add a key, mixed once at the end: the chain between keys stays short.
    long h = n;
    for (int i = 0; i < n; i++) {
      h = Long.rotateLeft(h, 7) + (prefixes[p + i] ^ entries[e + 3 * i + 1]);
    }
    h *= 0x9E3779B97F4A7C15L;
    return h == 0 ? 1 : h;
  }

  /**
   * The remembered set equal to the given keys, or null.
   *
   * @param hash {@link #hash} of the keys
   * @param prefixes key prefixes, stored order from {@code p}
   * @param p first prefix
   * @param entries triples from {@code e}
   * @param e first triple
   * @param n number of keys
   * @param buf the document
   * @param base offset of the document in {@code buf}
   * @return the set, or null
   */
  Shape find(long hash, long[] prefixes, int p, int[] entries, int e, int n, byte[] buf, int base) {
    Shape s = shapes[slot(hash)];
    if (s == null || s.lengths.length != n) {
      return null;
    }
    int tail = 0;
    for (int i = 0; i < n; i++) {
      int len = entries[e + 3 * i + 1];
      if (s.prefixes[i] != prefixes[p + i] || s.lengths[i] != len) {
        return null;
      }
      if (len > 8) {
        int k = base + entries[e + 3 * i] + 8;
        if (!Arrays.equals(s.tails, tail, tail + len - 8, buf, k, k + len - 8)) {
          return null;
        }
        tail += len - 8;
      }
    }
    return s;
  }

  /**
   * Notes a key set just printed in sorted order, keeping it the second time its hash comes.
   *
   * @param hash {@link #hash} of the keys in stored order
   * @param storedPrefixes the keys' prefixes in stored order, from 0
   * @param storedKeys the keys' offsets in stored order, from 0
   * @param entries triples, sorted by key, from {@code e}, without duplicate keys
   * @param e first triple
   * @param n number of keys
   * @param buf the document
   * @param base offset of the document in {@code buf}
   */
  void remember(
      long hash,
      long[] storedPrefixes,
      int[] storedKeys,
      int[] entries,
      int e,
      int n,
      byte[] buf,
      int base) {
    int slot = slot(hash);
    if (seen[slot] != hash) {
      seen[slot] = hash;
      return;
    }
    if (n > KEYS_MAX) {
      return;
    }
    int keyBytes = 0;
    for (int j = 0; j < n; j++) {
      keyBytes += entries[e + 3 * j + 1];
    }
    if (keyBytes > KEY_BYTES_MAX) {
      return;
    }
    long[] prefixes = Arrays.copyOf(storedPrefixes, n);
    int[] lengths = new int[n];
    int[] order = new int[n];
    for (int j = 0; j < n; j++) {
      int key = entries[e + 3 * j];
      int i = 0;
      while (storedKeys[i] != key) {
        i++;
      }
      order[j] = i;
      lengths[i] = entries[e + 3 * j + 1];
    }
    byte[] tails = new byte[keyBytes];
    int t = 0;
    for (int i = 0; i < n; i++) {
      if (lengths[i] > 8) {
        System.arraycopy(buf, base + storedKeys[i] + 8, tails, t, lengths[i] - 8);
        t += lengths[i] - 8;
      }
    }
    shapes[slot] =
        new Shape(
            prefixes,
            lengths,
            Arrays.copyOf(tails, t),
            PrintedKeys.of(quoter, buf, base, entries, e, order));
  }

  private static int slot(long hash) {
    return (int) (hash >>> 59) & (SLOTS - 1);
  }
}
