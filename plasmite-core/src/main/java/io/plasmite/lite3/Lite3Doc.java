package io.plasmite.lite3;

import static io.plasmite.lite3.Lite3NodeDescriptor.NODE_SIZE_BYTES;
import static io.plasmite.lite3.Lite3NodeDescriptor.TREE_HEIGHT_MAX;

import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import io.plasmite.json.Utf8;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * A read-only, zero-copy view of one Lite3 document inside a byte array.
 *
 * <p>Values are addressed by their offset within the document; the root container is at {@link
 * #ROOT}. Lookups follow the reference reader ({@code lite3.md} §9); every read is bounds-checked,
 * so a damaged document gives a Corrupt error, never an out-of-bounds read.
 *
 * <pre>{@code
 * Lite3Doc doc = Lite3Doc.of(payload);
 * int data = doc.find(Lite3Doc.ROOT, "data");
 * int id = doc.find(data, "id");
 * if (id >= 0 && doc.type(id) == Lite3Type.I64) {
 *   long v = doc.i64(id);
 * }
 * }</pre>
 */
public final class Lite3Doc {
  /** Offset of the root container. */
  public static final int ROOT = 0;

  /** Visits the members of an object. */
  @FunctionalInterface
  public interface MemberVisitor {
    /**
     * Called once per member, in stored (hash) order.
     *
     * @param key the member name
     * @param value offset of the member's value
     */
    void member(String key, int value);
  }

  private final byte[] buf;
  private final int base;
  private final int len;

  private Lite3Doc(byte[] buf, int base, int len) {
    this.buf = buf;
    this.base = base;
    this.len = len;
  }

  /**
   * Views a whole array as a document.
   *
   * @param document the bytes
   * @return the view
   * @throws PlasmiteException of kind Corrupt if the root is not an object or array node
   */
  public static Lite3Doc of(byte[] document) {
    return of(document, 0, document.length);
  }

  /**
   * Views part of an array as a document.
   *
   * @param buf the bytes
   * @param off first byte of the document
   * @param len document length
   * @return the view
   * @throws PlasmiteException of kind Corrupt if the root is not an object or array node
   */
  public static Lite3Doc of(byte[] buf, int off, int len) {
    if (off < 0 || len < 0 || off > buf.length - len) {
      throw new IndexOutOfBoundsException("range " + off + "+" + len + " of " + buf.length);
    }
    Lite3Doc doc = new Lite3Doc(buf, off, len);
    if (len < NODE_SIZE_BYTES) {
      throw corrupt("document of " + len + " bytes is shorter than one node", 0);
    }
    int t = doc.byteAt(ROOT);
    if (t != Lite3Type.OBJECT.code() && t != Lite3Type.ARRAY.code()) {
      throw corrupt("document root has type " + t + ", not 6 or 7", 0);
    }
    return doc;
  }

  /**
   * The document length.
   *
   * @return bytes
   */
  public int length() {
    return len;
  }

  /**
   * The type of the value at {@code value}.
   *
   * @param value a value offset
   * @return the type
   */
  public Lite3Type type(int value) {
    Lite3Type t = Lite3Type.ofCode(byteAt(value));
    if (t == null) {
      throw corrupt("invalid value type " + byteAt(value), value);
    }
    return t;
  }

  /**
   * Finds a member of an object.
   *
   * @param object offset of an object value (or {@link #ROOT})
   * @param key the member name
   * @return the member's value offset, or -1 if there is none
   */
  public int find(int object, String key) {
    byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
    return find(object, utf8, utf8.length);
  }

  /**
   * Finds a member of an object by its UTF-8 name.
   *
   * @param object offset of an object value
   * @param key UTF-8 name bytes; the name ends at the first 0 byte, as in the reference
   * @param keyLen number of bytes of {@code key} to use
   * @return the member's value offset, or -1 if there is none
   */
  public int find(int object, byte[] key, int keyLen) {
    requireContainer(object, Lite3Type.OBJECT);
    for (int z = 0; z < keyLen; z++) {
      if (key[z] == 0) {
        keyLen = z;
        break;
      }
    }
    int keySize = keyLen + 1;
    int tagSize = Lite3Writer.tagSize(keySize);
    int h0 = Lite3Writer.djb2(key, 0, keyLen);
    attempts:
    for (int a = 0; a < Lite3Writer.HASH_PROBE_MAX; a++) {
      int h = h0 + a * a;
      int n = object;
      for (int walks = 0; ; walks++) {
        int slot = search(n, h);
        if (slot >= 0) {
          int e = Lite3NodeDescriptor.kvOfs(buf, base + n, slot);
          int storedTag = (byteAt(e) & 3) + 1;
          if (storedTag != tagSize) {
            throw corrupt("key tag size: expected " + tagSize + " bytes, found " + storedTag, e);
          }
          int storedSize = keySize(e, storedTag);
          need(e + tagSize, storedSize);
          int k = base + e + tagSize;
          if (storedSize == keySize
              && Arrays.equals(buf, k, k + keyLen, key, 0, keyLen)
              && buf[k + keyLen] == 0) {
            return e + tagSize + storedSize;
          }
          continue attempts;
        }
        if (Lite3NodeDescriptor.childOfs(buf, base + n, 0) == 0) {
          return -1;
        }
        n = Lite3NodeDescriptor.childOfs(buf, base + n, -slot - 1);
        if (n == 0 || walks >= TREE_HEIGHT_MAX) {
          throw corrupt("container tree is malformed", object);
        }
      }
    }
    return -1;
  }

  /**
   * Finds an element of an array.
   *
   * @param array offset of an array value
   * @param index element index
   * @return the element's value offset, or -1 if {@code index} is not below the size
   */
  public int element(int array, int index) {
    requireContainer(array, Lite3Type.ARRAY);
    if (index < 0 || index >= size(array)) {
      return -1;
    }
    int n = array;
    for (int walks = 0; ; walks++) {
      int slot = search(n, index);
      if (slot >= 0) {
        return Lite3NodeDescriptor.kvOfs(buf, base + n, slot);
      }
      if (Lite3NodeDescriptor.childOfs(buf, base + n, 0) == 0) {
        throw corrupt("array element " + index + " is missing", array);
      }
      n = Lite3NodeDescriptor.childOfs(buf, base + n, -slot - 1);
      if (n == 0 || walks >= TREE_HEIGHT_MAX) {
        throw corrupt("container tree is malformed", array);
      }
    }
  }

  /**
   * Entries of an object or array, as stored in its root node.
   *
   * @param container offset of an object or array value
   * @return the entry count
   */
  public int size(int container) {
    need(container, NODE_SIZE_BYTES);
    return Lite3NodeDescriptor.size(buf, base + container);
  }

  /**
   * Reads a string value.
   *
   * @param value offset of a string value
   * @return the string
   */
  public String string(int value) {
    requireScalar(value, Lite3Type.STRING);
    int size = u32(value + 1);
    if (size < 1) {
      throw corrupt("string of size 0", value);
    }
    need(value + 5, size);
    int bad = Utf8.firstInvalid(buf, base + value + 5, size - 1);
    if (bad >= 0) {
      throw corrupt("malformed UTF-8", bad - base);
    }
    return new String(buf, base + value + 5, size - 1, StandardCharsets.UTF_8);
  }

  /**
   * Reads an integer value.
   *
   * @param value offset of an i64 value
   * @return the integer
   */
  public long i64(int value) {
    requireScalar(value, Lite3Type.I64);
    return rawLong(value + 1);
  }

  /**
   * Reads a floating-point value.
   *
   * @param value offset of an f64 value
   * @return the double
   */
  public double f64(int value) {
    requireScalar(value, Lite3Type.F64);
    return Double.longBitsToDouble(rawLong(value + 1));
  }

  /**
   * Reads a boolean value.
   *
   * @param value offset of a bool value
   * @return the boolean (any non-zero byte is true)
   */
  public boolean bool(int value) {
    requireScalar(value, Lite3Type.BOOL);
    return byteAt(value + 1) != 0;
  }

  /**
   * Visits the members of an object in stored order.
   *
   * @param object offset of an object value
   * @param visitor called once per member
   */
  public void forEachMember(int object, MemberVisitor visitor) {
    requireContainer(object, Lite3Type.OBJECT);
    walk(
        object,
        0,
        new int[] {len / NODE_SIZE_BYTES},
        e -> {
          int tagSize = (byteAt(e) & 3) + 1;
          int keySize = keySize(e, tagSize);
          need(e + tagSize, keySize);
          int keyLen = 0;
          while (keyLen < keySize && buf[base + e + tagSize + keyLen] != 0) {
            keyLen++;
          }
          if (keyLen == keySize) {
            throw corrupt("key lacks its terminating 0 byte", e);
          }
          visitor.member(
              new String(buf, base + e + tagSize, keyLen, StandardCharsets.UTF_8),
              e + tagSize + keySize);
        });
  }

  /**
   * Visits the elements of an array in index order.
   *
   * @param array offset of an array value
   * @param visitor called with each element's value offset
   */
  public void forEachElement(int array, IntConsumer visitor) {
    requireContainer(array, Lite3Type.ARRAY);
    walk(array, 0, new int[] {len / NODE_SIZE_BYTES}, visitor);
  }

  private void walk(int n, int height, int[] budget, IntConsumer entry) {
    if (height > TREE_HEIGHT_MAX || --budget[0] < 0) {
      throw corrupt("container tree is malformed", n);
    }
    need(n, NODE_SIZE_BYTES);
    int kc = Lite3NodeDescriptor.keyCount(buf, base + n);
    boolean leaf = Lite3NodeDescriptor.childOfs(buf, base + n, 0) == 0;
    for (int j = 0; j <= kc; j++) {
      if (!leaf) {
        int child = Lite3NodeDescriptor.childOfs(buf, base + n, j);
        if (child == 0) {
          throw corrupt("internal node lacks child " + j, n);
        }
        walk(child, height + 1, budget, entry);
      }
      if (j < kc) {
        entry.accept(Lite3NodeDescriptor.kvOfs(buf, base + n, j));
      }
    }
  }

  /** Slot of hash {@code h} in node {@code n}, or {@code -(child index) - 1} if absent. */
  private int search(int n, int h) {
    need(n, NODE_SIZE_BYTES);
    int kc = Lite3NodeDescriptor.keyCount(buf, base + n);
    int i = 0;
    while (i < kc && Integer.compareUnsigned(Lite3NodeDescriptor.hash(buf, base + n, i), h) < 0) {
      i++;
    }
    return i < kc && Lite3NodeDescriptor.hash(buf, base + n, i) == h ? i : -i - 1;
  }

  private int keySize(int e, int tagSize) {
    need(e, tagSize);
    int tag = 0;
    for (int k = tagSize - 1; k >= 0; k--) {
      tag = (tag << 8) | (buf[base + e + k] & 0xFF);
    }
    return tag >>> 2;
  }

  private void requireContainer(int value, Lite3Type type) {
    need(value, NODE_SIZE_BYTES);
    if (byteAt(value) != type.code()) {
      throw corrupt("expected type " + type.code() + ", found " + byteAt(value), value);
    }
  }

  private void requireScalar(int value, Lite3Type type) {
    if (byteAt(value) != type.code()) {
      throw corrupt("expected type " + type.code() + ", found " + byteAt(value), value);
    }
    need(value + 1, type.fixedPayloadBytes());
  }

  private long rawLong(int off) {
    need(off, 8);
    long lo = Lite3NodeDescriptor.u32(buf, base + off) & 0xFFFFFFFFL;
    long hi = Lite3NodeDescriptor.u32(buf, base + off + 4);
    return lo | (hi << 32);
  }

  private int u32(int off) {
    need(off, 4);
    return Lite3NodeDescriptor.u32(buf, base + off);
  }

  private int byteAt(int off) {
    need(off, 1);
    return buf[base + off] & 0xFF;
  }

  /**
   * Requires {@code [off, off + n)} inside a document of {@code len} bytes; {@code off} and {@code
   * n} are unsigned. Shared by every bounds-checked reader of the format.
   *
   * @throws PlasmiteException Corrupt when the range passes the end
   */
  static void checkRange(int len, int off, int n) {
    if (off < 0 || Integer.toUnsignedLong(n) > (long) len - off) {
      throw corrupt(
          "reading "
              + Integer.toUnsignedString(n)
              + " bytes at offset "
              + Integer.toUnsignedString(off)
              + " passes the end of the "
              + len
              + "-byte document",
          off);
    }
  }

  private void need(int off, int n) {
    Lite3Doc.checkRange(len, off, n);
  }

  static PlasmiteException corrupt(String message, int offset) {
    return PlasmiteException.of(ErrorKind.CORRUPT, "invalid Lite3 document: " + message)
        .withOffset(Integer.toUnsignedLong(offset));
  }
}
