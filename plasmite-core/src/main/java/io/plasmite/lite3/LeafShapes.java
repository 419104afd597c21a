package io.plasmite.lite3;

import io.plasmite.json.CanonicalJsonWriter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A decoder's memory of small objects, those whose tree is one leaf node (at most {@link
 * Lite3NodeDescriptor#KEY_COUNT_MAX} keys), recognised before their entries are parsed: by the key
 * hashes stored in the node, then by the bytes of each entry's key tag and key, which must equal
 * those of the remembered object. Equal bytes are an equally valid key, so a recognised object
 * skips parsing, checking, sorting and quoting its keys; its values are read as always.
 *
 * <p>Only objects of distinct keys are kept, the second time their hashes are seen. Bounded: {@link
 * #SLOTS} objects of at most {@link #KEY_BYTES_MAX} key bytes. Not thread-safe, like its decoder.
 */
final class LeafShapes {
  /** Objects remembered, direct-mapped by hash. */
  static final int SLOTS = 32;

  /** Most bytes of key tags and keys in a remembered object. */
  static final int KEY_BYTES_MAX = 512;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** One remembered object. */
  static final class Leaf {
    private final long hash;
    private final int[] hashes;
    // Per stored slot: the tag and key bytes, as words when they fit in 16 bytes.
    private final byte[] keyBytes;
    private final int[] keyBounds;
    private final long[] words;
    private final long[] masks;
    private final PrintedKeys keys;
    private final int textSpent;

    private Leaf(
        long hash,
        int[] hashes,
        byte[] keyBytes,
        int[] keyBounds,
        PrintedKeys keys,
        int textSpent) {
      this.hash = hash;
      this.hashes = hashes;
      this.keyBytes = keyBytes;
      this.keyBounds = keyBounds;
      this.keys = keys;
      this.textSpent = textSpent;
      int n = hashes.length;
      this.words = new long[2 * n];
      this.masks = new long[2 * n];
      byte[] padded = Arrays.copyOf(keyBytes, keyBytes.length + 16);
      for (int i = 0; i < n; i++) {
        int len = keyBounds[i + 1] - keyBounds[i];
        for (int w = 0; w < 2; w++) {
          int inWord = Math.max(0, Math.min(8, len - 8 * w));
          masks[2 * i + w] = inWord == 8 ? -1L : (1L << (8 * inWord)) - 1;
          words[2 * i + w] = (long) LONGS.get(padded, keyBounds[i] + 8 * w) & masks[2 * i + w];
        }
      }
    }

    /** Bytes of the tag and key of stored slot {@code i}: its value follows them. */
    int keyEntryBytes(int i) {
      return keyBounds[i + 1] - keyBounds[i];
    }

    /** How the object's keys print. */
    PrintedKeys keys() {
      return keys;
    }

    /**
     * What parsing the keys would take from the decoder's text budget: one per entry and the keys.
     */
    int textSpent() {
      return textSpent;
    }
  }

  private final Leaf[] leaves = new Leaf[SLOTS];
  private final long[] seen = new long[SLOTS];
  private final CanonicalJsonWriter quoter;

  /**
   * Creates an empty memory.
   *
   * @param quoter a writer to quote remembered keys with, free between calls
   */
  LeafShapes(CanonicalJsonWriter quoter) {
    this.quoter = quoter;
  }

  /**
   * The hash of a leaf's stored key hashes.
   *
   * @param buf the buffer
   * @param node absolute offset of the node in {@code buf}
   * @param kc its key count
   * @return the hash
   */
  static long hash(byte[] buf, int node, int kc) {
    long h = kc;
    for (int i = 0; i < kc; i++) {
      h = Long.rotateLeft(h, 13) + Lite3NodeDescriptor.hash(buf, node, i);
    }
    return h * 0x9E3779B97F4A7C15L;
  }

  /**
   * The remembered object whose keys the leaf at {@code node} holds, or null. Every entry it reads
   * is inside the document: {@code base + len} bounds it.
   *
   * @param hash {@link #hash} of the leaf
   * @param buf the buffer
   * @param base offset of the document in {@code buf}
   * @param len document length
   * @param node document offset of the leaf node (checked to be inside the document)
   * @param kc its key count
   * @return the object, or null
   */
  Leaf find(long hash, byte[] buf, int base, int len, int node, int kc) {
    Leaf l = leaves[slot(hash)];
    if (l == null || l.hash != hash || l.hashes.length != kc) {
      return null;
    }
    for (int i = 0; i < kc; i++) {
      if (Lite3NodeDescriptor.hash(buf, base + node, i) != l.hashes[i]) {
        return null;
      }
    }
    for (int i = 0; i < kc; i++) {
      int e = Lite3NodeDescriptor.kvOfs(buf, base + node, i);
      int n = l.keyEntryBytes(i);
      if (e < 0 || e > len - n) {
        return null;
      }
      int at = base + e;
      if (n <= 16 && at <= buf.length - 16) {
        long w0 = (long) LONGS.get(buf, at);
        long w1 = (long) LONGS.get(buf, at + 8);
        if ((w0 & l.masks[2 * i]) != l.words[2 * i]
            || (w1 & l.masks[2 * i + 1]) != l.words[2 * i + 1]) {
          return null;
        }
      } else if (!Arrays.equals(buf, at, at + n, l.keyBytes, l.keyBounds[i], l.keyBounds[i + 1])) {
        return null;
      }
    }
    return l;
  }

  /**
   * Notes a leaf object just printed, keeping it the second time its hash comes.
   *
   * @param hash {@link #hash} of the leaf
   * @param buf the buffer
   * @param base offset of the document in {@code buf}
   * @param node document offset of the leaf node
   * @param entries (key offset, key length, value offset) triples sorted by key, from {@code e},
   *     one per stored slot, keys distinct and already checked
   * @param e first triple
   * @param kc key count
   */
  void remember(long hash, byte[] buf, int base, int node, int[] entries, int e, int kc) {
    int slot = slot(hash);
    if (seen[slot] != hash) {
      seen[slot] = hash;
      return;
    }
    int[] hashes = new int[kc];
    int[] keyBounds = new int[kc + 1];
    int[] order = new int[kc];
    int[] starts = new int[kc];
    int textSpent = kc;
    for (int i = 0; i < kc; i++) {
      hashes[i] = Lite3NodeDescriptor.hash(buf, base + node, i);
      int at = Lite3NodeDescriptor.kvOfs(buf, base + node, i);
      int key = at + (buf[base + at] & 3) + 1;
      int j = 0;
      while (entries[e + 3 * j] != key) {
        j++;
      }
      order[j] = i;
      starts[i] = at;
      keyBounds[i + 1] = keyBounds[i] + entries[e + 3 * j + 2] - at;
      textSpent += entries[e + 3 * j + 2] - key;
    }
    if (keyBounds[kc] > KEY_BYTES_MAX) {
      return;
    }
    byte[] keys = new byte[keyBounds[kc]];
    for (int i = 0; i < kc; i++) {
      System.arraycopy(buf, base + starts[i], keys, keyBounds[i], keyBounds[i + 1] - keyBounds[i]);
    }
    leaves[slot] =
        new Leaf(
            hash,
            hashes,
            keys,
            keyBounds,
            PrintedKeys.of(quoter, buf, base, entries, e, order),
            textSpent);
  }

  private static int slot(long hash) {
    return (int) (hash >>> 59) & (SLOTS - 1);
  }
}
