package io.plasmite.lite3;

import static io.plasmite.lite3.Lite3NodeDescriptor.KEY_COUNT_MAX;
import static io.plasmite.lite3.Lite3NodeDescriptor.NODE_SIZE_BYTES;
import static io.plasmite.lite3.Lite3NodeDescriptor.SIZE_SHIFT;
import static io.plasmite.lite3.Lite3NodeDescriptor.TREE_HEIGHT_MAX;

import io.plasmite.PlasmiteException;
import io.plasmite.json.Utf8;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;

/**
 * The strict validator for untrusted Lite3 bytes ({@code lite3.md} §10.3): bounds, types,
 * terminators, B-tree shape (sorted hashes, equal leaf depth, sizes, array indices, key hashes),
 * depth, UTF-8, finite numbers, no duplicate keys, and no two reachable parts overlapping.
 *
 * <p>It throws only {@link PlasmiteException} of kind Corrupt (with the offset of the fault),
 * visits each node once, and allocates in proportion to the input. Everything the reference encoder
 * produces passes.
 *
 * <pre>{@code
 * Lite3Validator.validateEnvelope(payload); // throws Corrupt if damaged
 * }</pre>
 */
public final class Lite3Validator {
  private final byte[] buf;
  private final int base;
  private final int len;
  private final BitSet visited;
  // Reachable byte ranges, packed as (start << 32 | end), checked for overlap at the end.
  private long[] ranges = new long[64];
  private int rangeCount;

  // Per container walk.
  private int leafHeight;
  private long lastHash;
  private int[] entryHashes = new int[16];
  private int[] entryOffsets = new int[16];
  private int entryCount;

  private Lite3Validator(byte[] buf, int base, int len) {
    this.buf = buf;
    this.base = base;
    this.len = len;
    this.visited = new BitSet(len);
  }

  /**
   * Validates a Lite3 document.
   *
   * @param document the bytes
   * @throws PlasmiteException of kind Corrupt on the first fault
   */
  public static void validate(byte[] document) {
    validate(document, 0, document.length);
  }

  /**
   * Validates a Lite3 document inside an array.
   *
   * @param buf the bytes
   * @param off first byte of the document
   * @param len document length
   * @throws PlasmiteException of kind Corrupt on the first fault
   */
  public static void validate(byte[] buf, int off, int len) {
    new Lite3Validator(buf, off, len).document();
  }

  /**
   * Validates a message payload: a valid document shaped {@code
   * {"meta":{"tags":[strings]},"data":{...}}}.
   *
   * @param payload the bytes
   * @throws PlasmiteException of kind Corrupt on the first fault
   */
  public static void validateEnvelope(byte[] payload) {
    validateEnvelope(payload, 0, payload.length);
  }

  /**
   * Validates a message payload inside an array.
   *
   * @param buf the bytes
   * @param off first byte of the payload
   * @param len payload length
   * @throws PlasmiteException of kind Corrupt on the first fault
   */
  public static void validateEnvelope(byte[] buf, int off, int len) {
    validate(buf, off, len);
    Lite3Doc doc = Lite3Doc.of(buf, off, len);
    if (doc.type(Lite3Doc.ROOT) != Lite3Type.OBJECT) {
      throw Lite3Doc.corrupt("message root is not an object", 0);
    }
    int meta = doc.find(Lite3Doc.ROOT, "meta");
    if (meta < 0 || doc.type(meta) != Lite3Type.OBJECT) {
      throw Lite3Doc.corrupt("message meta is missing or not an object", Math.max(meta, 0));
    }
    int tags = doc.find(meta, "tags");
    if (tags < 0 || doc.type(tags) != Lite3Type.ARRAY) {
      throw Lite3Doc.corrupt("message meta.tags is missing or not an array", Math.max(tags, meta));
    }
    doc.forEachElement(
        tags,
        v -> {
          if (doc.type(v) != Lite3Type.STRING) {
            throw Lite3Doc.corrupt("a tag is not a string", v);
          }
        });
    int data = doc.find(Lite3Doc.ROOT, "data");
    if (data < 0 || doc.type(data) != Lite3Type.OBJECT) {
      throw Lite3Doc.corrupt("message data is missing or not an object", Math.max(data, 0));
    }
  }

  private void document() {
    if (len < NODE_SIZE_BYTES) {
      throw fault("document of " + len + " bytes is shorter than one node", 0);
    }
    int t = byteAt(0);
    if (t != Lite3Type.OBJECT.code() && t != Lite3Type.ARRAY.code()) {
      throw fault("document root has type " + t + ", not 6 or 7", 0);
    }
    container(0, t, 1);
    checkNoOverlap();
  }

  private void container(int c, int type, int depth) {
    if (depth > Lite3Encoder.DEPTH_MAX) {
      throw fault("containers nest deeper than " + Lite3Encoder.DEPTH_MAX, c);
    }
    need(c, NODE_SIZE_BYTES);
    int sizeKc = Lite3NodeDescriptor.sizeKc(buf, base + c);
    leafHeight = -1;
    lastHash = -1;
    entryCount = 0;
    walk(c, type, true, 0);
    int size = sizeKc >>> SIZE_SHIFT;
    if (size != entryCount) {
      throw fault("container size says " + size + " entries, found " + entryCount, c);
    }
    // Entries are copied out: nested containers reuse the per-walk arrays.
    int[] hashes = Arrays.copyOf(entryHashes, entryCount);
    int[] offsets = Arrays.copyOf(entryOffsets, entryCount);
    Set<String> keys = type == Lite3Type.OBJECT.code() ? new HashSet<>() : null;
    for (int idx = 0; idx < hashes.length; idx++) {
      int e = offsets[idx];
      if (keys == null) {
        if (hashes[idx] != idx) {
          throw fault("array element " + idx + " has hash " + hashes[idx], e);
        }
        value(e, depth);
        continue;
      }
      int tagSize = (byteAt(e) & 3) + 1;
      need(e, tagSize);
      int tag = 0;
      for (int k = tagSize - 1; k >= 0; k--) {
        tag = (tag << 8) | (buf[base + e + k] & 0xFF);
      }
      int keySize = tag >>> 2;
      if (keySize < 1 || tagSize != Lite3Writer.tagSize(keySize)) {
        throw fault("key size " + keySize + " with a " + tagSize + "-byte tag", e);
      }
      need(e + tagSize, keySize);
      int key = e + tagSize;
      if (buf[base + key + keySize - 1] != 0) {
        throw fault("key lacks its terminating 0 byte", key);
      }
      for (int z = 0; z < keySize - 1; z++) {
        if (buf[base + key + z] == 0) {
          throw fault("key holds a 0 byte", key + z);
        }
      }
      utf8(key, keySize - 1);
      int delta = hashes[idx] - Lite3Writer.djb2(buf, base + key, keySize - 1);
      if (!isProbeOffset(delta)) {
        throw fault("entry hash does not match its key", e);
      }
      if (!keys.add(new String(buf, base + key, keySize - 1, StandardCharsets.UTF_8))) {
        throw fault("duplicate key", e);
      }
      range(e, key + keySize);
      value(key + keySize, depth);
    }
  }

  private static boolean isProbeOffset(int delta) {
    for (int a = 0; a < Lite3Writer.HASH_PROBE_MAX; a++) {
      if (a * a == delta) {
        return true;
      }
    }
    return false;
  }

  private void walk(int n, int type, boolean isRoot, int height) {
    if (height > TREE_HEIGHT_MAX) {
      throw fault("container tree higher than " + TREE_HEIGHT_MAX, n);
    }
    if (n < 0 || n > len - NODE_SIZE_BYTES) {
      throw fault("node offset " + Integer.toUnsignedString(n) + " out of bounds", n);
    }
    if (visited.get(n)) {
      throw fault("node reached twice", n);
    }
    visited.set(n);
    if (!isRoot && n % 4 != 0) {
      throw fault("split node not 4-aligned", n);
    }
    if (byteAt(n) != type) {
      throw fault("node type " + byteAt(n) + " differs from its container's " + type, n);
    }
    range(n, n + NODE_SIZE_BYTES);
    int sizeKc = Lite3NodeDescriptor.sizeKc(buf, base + n);
    int kc = sizeKc & KEY_COUNT_MAX;
    if (isRoot ? ((sizeKc >>> 3) & 7) != 0 : (sizeKc >>> 3) != 0) {
      throw fault("reserved size_kc bits set", n);
    }
    for (int i = kc; i < KEY_COUNT_MAX; i++) {
      if (Lite3NodeDescriptor.hash(buf, base + n, i) != 0
          || Lite3NodeDescriptor.kvOfs(buf, base + n, i) != 0) {
        throw fault("unused slot " + i + " not zero", n);
      }
    }
    boolean leaf = Lite3NodeDescriptor.childOfs(buf, base + n, 0) == 0;
    if (leaf) {
      for (int j = 1; j <= KEY_COUNT_MAX; j++) {
        if (Lite3NodeDescriptor.childOfs(buf, base + n, j) != 0) {
          throw fault("leaf has child " + j, n);
        }
      }
      if (leafHeight >= 0 && leafHeight != height) {
        throw fault("leaves at heights " + leafHeight + " and " + height, n);
      }
      leafHeight = height;
    } else {
      if (kc < 1) {
        throw fault("internal node without keys", n);
      }
      for (int j = kc + 1; j <= KEY_COUNT_MAX; j++) {
        if (Lite3NodeDescriptor.childOfs(buf, base + n, j) != 0) {
          throw fault("unused child " + j + " not zero", n);
        }
      }
    }
    for (int j = 0; j <= kc; j++) {
      if (!leaf) {
        int child = Lite3NodeDescriptor.childOfs(buf, base + n, j);
        if (child == 0) {
          throw fault("internal node lacks child " + j, n);
        }
        walk(child, type, false, height + 1);
      }
      if (j < kc) {
        long h = Integer.toUnsignedLong(Lite3NodeDescriptor.hash(buf, base + n, j));
        if (h <= lastHash) {
          throw fault("hashes not strictly increasing", n);
        }
        lastHash = h;
        if (entryCount == entryHashes.length) {
          entryHashes = Arrays.copyOf(entryHashes, entryCount * 2);
          entryOffsets = Arrays.copyOf(entryOffsets, entryCount * 2);
        }
        entryHashes[entryCount] = (int) h;
        entryOffsets[entryCount++] = Lite3NodeDescriptor.kvOfs(buf, base + n, j);
      }
    }
  }

  private void value(int o, int depth) {
    int t = byteAt(o);
    switch (t) {
      case 0 -> range(o, o + 1);
      case 1 -> {
        need(o, 2);
        if (byteAt(o + 1) > 1) {
          throw fault("bool byte " + byteAt(o + 1), o + 1);
        }
        range(o, o + 2);
      }
      case 2 -> {
        need(o, 9);
        range(o, o + 9);
      }
      case 3 -> {
        need(o, 9);
        long lo = Lite3NodeDescriptor.u32(buf, base + o + 1) & 0xFFFFFFFFL;
        long hi = Lite3NodeDescriptor.u32(buf, base + o + 5);
        if (!Double.isFinite(Double.longBitsToDouble(lo | (hi << 32)))) {
          throw fault("number is not finite", o);
        }
        range(o, o + 9);
      }
      case 4, 5 -> {
        need(o, 5);
        int n = Lite3NodeDescriptor.u32(buf, base + o + 1);
        need(o + 5, n);
        if (t == 5) {
          if (n < 1 || buf[base + o + 5 + n - 1] != 0) {
            throw fault("string lacks its terminating 0 byte", o);
          }
          utf8(o + 5, n - 1);
        }
        range(o, o + 5 + n);
      }
      case 6, 7 -> container(o, t, depth + 1);
      default -> throw fault("invalid value type " + t, o);
    }
  }

  private void utf8(int off, int n) {
    int bad = Utf8.firstInvalid(buf, base + off, n);
    if (bad >= 0) {
      throw fault("malformed UTF-8", bad - base);
    }
  }

  private void range(int start, int end) {
    if (rangeCount == ranges.length) {
      ranges = Arrays.copyOf(ranges, rangeCount * 2);
    }
    ranges[rangeCount++] = ((long) start << 32) | end;
  }

  private void checkNoOverlap() {
    long[] sorted = Arrays.copyOf(ranges, rangeCount);
    Arrays.sort(sorted);
    long prevEnd = 0;
    for (long r : sorted) {
      long start = r >>> 32;
      if (start < prevEnd) {
        throw fault("parts of the document overlap", (int) start);
      }
      prevEnd = r & 0xFFFFFFFFL;
    }
  }

  private int byteAt(int off) {
    need(off, 1);
    return buf[base + off] & 0xFF;
  }

  private void need(int off, int n) {
    Lite3Doc.checkRange(len, off, n);
  }

  private static PlasmiteException fault(String message, int offset) {
    return Lite3Doc.corrupt(message, offset);
  }
}
