package io.plasmite.lite3;

import static io.plasmite.lite3.Lite3NodeDescriptor.KEY_COUNT_MAX;
import static io.plasmite.lite3.Lite3NodeDescriptor.NODE_SIZE_BYTES;
import static io.plasmite.lite3.Lite3NodeDescriptor.SIZE_SHIFT;
import static io.plasmite.lite3.Lite3NodeDescriptor.SPLIT_MEDIAN_INDEX;
import static io.plasmite.lite3.Lite3NodeDescriptor.TREE_HEIGHT_MAX;
import static io.plasmite.lite3.Lite3NodeDescriptor.bumpGen;
import static io.plasmite.lite3.Lite3NodeDescriptor.childOfs;
import static io.plasmite.lite3.Lite3NodeDescriptor.hash;
import static io.plasmite.lite3.Lite3NodeDescriptor.keyCount;
import static io.plasmite.lite3.Lite3NodeDescriptor.kvOfs;
import static io.plasmite.lite3.Lite3NodeDescriptor.putU32;
import static io.plasmite.lite3.Lite3NodeDescriptor.setChildOfs;
import static io.plasmite.lite3.Lite3NodeDescriptor.setHash;
import static io.plasmite.lite3.Lite3NodeDescriptor.setKvOfs;
import static io.plasmite.lite3.Lite3NodeDescriptor.setSizeKc;
import static io.plasmite.lite3.Lite3NodeDescriptor.sizeKc;
import static io.plasmite.lite3.Lite3NodeDescriptor.type;
import static io.plasmite.lite3.Lite3NodeDescriptor.u32;

import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Builds a Lite3 document by appending, placing every byte where the reference encoder places it
 * (see {@code lite3.md} §5–§7), so that equal inputs give equal bytes.
 *
 * <p>The one mutation is {@link #set}: it reserves room for a value in a container and returns the
 * offset where the value's type byte goes; the {@code put*} helpers write the value there.
 * Documents are depth-first and pre-order: a nested container's node is written, then filled,
 * before the next member of its parent.
 *
 * <p>A writer is reusable ({@link #startObject()} clears it) and not thread-safe.
 */
public final class Lite3Writer {
  /** Seed of the DJB2 key hash. */
  public static final int DJB2_SEED = 5381;

  /** Probe attempts per key, {@code hash + a*a} for {@code a} in 0..127. */
  public static final int HASH_PROBE_MAX = 128;

  /** Largest document, as the reference caps its buffer. */
  public static final int DOCUMENT_BYTES_MAX = 256 * 1024 * 1024;

  private static final int CONTAINER_PAYLOAD_BYTES = NODE_SIZE_BYTES - 1;
  private static final int NONE = -1;
  private static final VarHandle U64 =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private byte[] buf = new byte[1024];
  private int len;

  /** Creates an empty writer. */
  public Lite3Writer() {}

  /**
   * Starts a new document whose root is an empty object at offset 0.
   *
   * @return the root container offset (0)
   */
  public int startObject() {
    return start(Lite3Type.OBJECT);
  }

  /**
   * Starts a new document whose root is an empty array at offset 0.
   *
   * @return the root container offset (0)
   */
  public int startArray() {
    return start(Lite3Type.ARRAY);
  }

  private int start(Lite3Type type) {
    // Bytes past the end must read as zero: gaps and padding are never written (§5.3). The end
    // only ever grows within a document, so [0, len) covers every byte the last one touched.
    Arrays.fill(buf, 0, len, (byte) 0);
    len = 0;
    ensure(NODE_SIZE_BYTES);
    buf[0] = (byte) type.code();
    len = NODE_SIZE_BYTES;
    return 0;
  }

  /**
   * A copy of the document so far, to start later documents from with {@link #restore}.
   *
   * @return bytes {@code [0, length())}
   */
  byte[] snapshot() {
    return Arrays.copyOf(buf, len);
  }

  /**
   * Starts a new document as a copy of a {@link #snapshot}, as if the same calls had been made.
   *
   * @param snapshot the bytes of an earlier document's beginning
   */
  void restore(byte[] snapshot) {
    if (len > snapshot.length) {
      Arrays.fill(buf, snapshot.length, len, (byte) 0);
    }
    len = 0;
    ensure(snapshot.length);
    System.arraycopy(snapshot, 0, buf, 0, snapshot.length);
    len = snapshot.length;
  }

  /**
   * Makes room for {@code extra} more bytes past the end, for a caller that writes them itself.
   *
   * @param extra bytes wanted
   * @return the buffer to write them in, valid until the next call
   */
  byte[] room(int extra) {
    ensure(extra);
    return buf;
  }

  /**
   * Moves the end after bytes written through {@link #room}; bytes past it must still be zero.
   *
   * @param newLength the new document length
   */
  void length(int newLength) {
    len = newLength;
  }

  /**
   * Bytes written so far.
   *
   * @return the document length
   */
  public int length() {
    return len;
  }

  /**
   * The internal buffer; bytes {@code [0, length())} are the document. Valid until the next call.
   *
   * @return the buffer, not a copy
   */
  public byte[] buffer() {
    return buf;
  }

  /**
   * A copy of the finished document.
   *
   * @return exactly {@link #length()} bytes
   */
  public byte[] toByteArray() {
    return Arrays.copyOf(buf, len);
  }

  /**
   * The DJB2 hash of {@code len} UTF-8 bytes.
   *
   * @param key the bytes
   * @param off first byte
   * @param len number of bytes
   * @return the hash, mod 2^32
   */
  public static int djb2(byte[] key, int off, int len) {
    int h = DJB2_SEED;
    for (int i = off, end = off + len; i < end; i++) {
      h = h * 33 + (key[i] & 0xFF);
    }
    return h;
  }

  /**
   * The key tag size the writer picks for a key of {@code keySize} bytes (including the 0).
   *
   * @param keySize K, the key's UTF-8 length plus one
   * @return 1, 2 or 4
   */
  public static int tagSize(int keySize) {
    return keySize < 64 ? 1 : keySize < 16384 ? 2 : 4;
  }

  /**
   * Bytes of a member's tag and key, with the key's 0, in front of its value.
   *
   * @param keyLen the key's UTF-8 length
   * @return the tag size plus {@code keyLen + 1}
   */
  static int memberKeyBytes(int keyLen) {
    return tagSize(keyLen + 1) + keyLen + 1;
  }

  /**
   * Reserves a member of an object. An existing member with the same key is overridden.
   *
   * @param container offset of the object's container root node
   * @param key UTF-8 key bytes, without a 0 byte
   * @param keyOff first key byte
   * @param keyLen number of key bytes
   * @param payloadBytes the value's payload length P (95 for a nested container)
   * @return where the value's type byte goes
   */
  public int setMember(int container, byte[] key, int keyOff, int keyLen, int payloadBytes) {
    return set(container, key, keyOff, keyLen, djb2(key, keyOff, keyLen), payloadBytes);
  }

  /**
   * {@link #setMember(int, byte[], int, int, int)} with the key's DJB2 hash already known.
   *
   * @param container offset of the object's container root node
   * @param key UTF-8 key bytes, without a 0 byte
   * @param keyOff first key byte
   * @param keyLen number of key bytes
   * @param keyHash {@link #djb2} of the key bytes
   * @param payloadBytes the value's payload length P (95 for a nested container)
   * @return where the value's type byte goes
   */
  int setMember(int container, byte[] key, int keyOff, int keyLen, int keyHash, int payloadBytes) {
    return set(container, key, keyOff, keyLen, keyHash, payloadBytes);
  }

  /**
   * Reserves the next element of an array.
   *
   * @param container offset of the array's container root node
   * @param payloadBytes the value's payload length P (95 for a nested container)
   * @return where the value's type byte goes
   */
  public int appendElement(int container, int payloadBytes) {
    return set(container, null, 0, 0, Lite3NodeDescriptor.size(buf, container), payloadBytes);
  }

  /**
   * Writes null at a reserved offset.
   *
   * @param at the offset returned by {@link #setMember} or {@link #appendElement}
   */
  public void putNull(int at) {
    buf[at] = (byte) Lite3Type.NULL.code();
  }

  /**
   * Writes a boolean at a reserved offset.
   *
   * @param at the reserved offset
   * @param value the value
   */
  public void putBool(int at, boolean value) {
    buf[at] = (byte) Lite3Type.BOOL.code();
    buf[at + 1] = (byte) (value ? 1 : 0);
  }

  /**
   * Writes an i64 at a reserved offset.
   *
   * @param at the reserved offset
   * @param value the value
   */
  public void putI64(int at, long value) {
    buf[at] = (byte) Lite3Type.I64.code();
    U64.set(buf, at + 1, value);
  }

  /**
   * Writes an f64 at a reserved offset, keeping the sign of zero.
   *
   * @param at the reserved offset
   * @param value the value
   */
  public void putF64(int at, double value) {
    buf[at] = (byte) Lite3Type.F64.code();
    U64.set(buf, at + 1, Double.doubleToRawLongBits(value));
  }

  /**
   * Writes a string at an offset reserved with payload {@code 4 + len + 1}.
   *
   * @param at the reserved offset
   * @param utf8 the string's UTF-8 bytes (0 bytes allowed)
   * @param off first byte
   * @param len number of bytes
   */
  public void putString(int at, byte[] utf8, int off, int len) {
    buf[at] = (byte) Lite3Type.STRING.code();
    putU32(buf, at + 1, len + 1);
    System.arraycopy(utf8, off, buf, at + 5, len);
    buf[at + 5 + len] = 0;
  }

  /**
   * Writes a fresh empty container node at an offset reserved with payload 95.
   *
   * @param at the reserved offset
   * @param type {@link Lite3Type#OBJECT} or {@link Lite3Type#ARRAY}
   * @return the new container's offset ({@code at})
   */
  public int putContainer(int at, Lite3Type type) {
    buf[at] = (byte) type.code();
    return at;
  }

  /**
   * Payload length P of a string value of {@code utf8Len} bytes.
   *
   * @param utf8Len the string's UTF-8 length
   * @return {@code 4 + utf8Len + 1}
   */
  public static int stringPayloadBytes(int utf8Len) {
    return 4 + utf8Len + 1;
  }

  /**
   * Payload length P of a nested object or array value.
   *
   * @return 95
   */
  public static int containerPayloadBytes() {
    return CONTAINER_PAYLOAD_BYTES;
  }

  /**
   * The insertion primitive SET of {@code lite3.md} §7.
   *
   * <p>Steps: (1) bump the container's generation once; (2) for each probe attempt walk down from
   * the container root, splitting every full node first (top-down, pre-emptive); (3) on an equal
   * hash either override the value (same key) or move on to the next attempt (collision); (4) at a
   * leaf insert the new slot and append the entry.
   */
  private int set(int c, byte[] key, int keyOff, int keyLen, int hash0, int payloadBytes) {
    boolean isObject = key != null;
    int keySize = isObject ? keyLen + 1 : 0;
    int tagSize = isObject ? tagSize(keySize) : 0;
    bumpGen(buf, c);
    int attempts = isObject ? HASH_PROBE_MAX : 1;
    for (int a = 0; a < attempts; a++) {
      int h = hash0 + a * a;
      int parent = NONE;
      int n = c;
      int parentKc = 0;
      int parentSlot = 0;
      int walks = 0;
      while (true) {
        if (keyCount(buf, n) == KEY_COUNT_MAX) {
          // Split before searching, even when the key turns out to exist (§7.2).
          if (parent == NONE) {
            parent = c;
            n = splitRootCopy(c);
            parentKc = 0;
            parentSlot = 0;
          }
          int sibling = split(n, parent, parentKc, parentSlot, type(buf, c));
          int separator = hash(buf, parent, parentSlot);
          int cmp = Integer.compareUnsigned(h, separator);
          if (cmp == 0) {
            int at = found(c, parent, parentSlot, key, keyOff, keyLen, tagSize, payloadBytes);
            if (at != NONE) {
              return at;
            }
            break; // collision with the promoted separator: next attempt
          }
          if (cmp > 0) {
            n = sibling;
          }
        }
        int kc = keyCount(buf, n);
        int i = lowerBound(n, kc, h);
        if (i < kc && hash(buf, n, i) == h) {
          int at = found(c, n, i, key, keyOff, keyLen, tagSize, payloadBytes);
          if (at != NONE) {
            return at;
          }
          break; // collision: next attempt starts again at the container root
        }
        if (childOfs(buf, n, 0) != 0) {
          parent = n;
          parentKc = kc;
          parentSlot = i;
          n = childOfs(buf, n, i);
          if (++walks > TREE_HEIGHT_MAX) {
            throw corrupt("container tree deeper than " + TREE_HEIGHT_MAX);
          }
          continue;
        }
        return insertLeaf(c, n, i, kc, h, key, keyOff, keyLen, tagSize, payloadBytes);
      }
    }
    throw PlasmiteException.of(
            ErrorKind.USAGE, "key hash collides on all " + HASH_PROBE_MAX + " probe attempts")
        .withHint("rename the key");
  }

  private int lowerBound(int n, int kc, int h) {
    int i = 0;
    while (i < kc && Integer.compareUnsigned(hash(buf, n, i), h) < 0) {
      i++;
    }
    return i;
  }

  /** Root split, part one: the root keeps its offset, its contents move to a new node L. */
  private int splitRootCopy(int c) {
    alignForSplit(2 * NODE_SIZE_BYTES);
    int copy = len;
    System.arraycopy(buf, c, buf, copy, NODE_SIZE_BYTES);
    len += NODE_SIZE_BYTES;
    int sizeBits = sizeKc(buf, c) & ~7;
    Arrays.fill(buf, c + 4, c + NODE_SIZE_BYTES, (byte) 0);
    setSizeKc(buf, c, sizeBits);
    setChildOfs(buf, c, 0, copy);
    return copy;
  }

  /**
   * Splits full node {@code n} under {@code parent} through slot {@code parentSlot}: key 3 moves
   * up, keys 4..6 and their children move to a new sibling, which is returned.
   */
  private int split(int n, int parent, int parentKc, int parentSlot, int ctype) {
    alignForSplit(NODE_SIZE_BYTES);
    int sibling = len;
    for (int j = parentKc; j > parentSlot; j--) {
      setHash(buf, parent, j, hash(buf, parent, j - 1));
      setKvOfs(buf, parent, j, kvOfs(buf, parent, j - 1));
      setChildOfs(buf, parent, j + 1, childOfs(buf, parent, j));
    }
    setHash(buf, parent, parentSlot, hash(buf, n, SPLIT_MEDIAN_INDEX));
    setKvOfs(buf, parent, parentSlot, kvOfs(buf, n, SPLIT_MEDIAN_INDEX));
    setChildOfs(buf, parent, parentSlot + 1, sibling);
    setSizeKc(buf, parent, sizeKc(buf, parent) + 1);
    setHash(buf, n, SPLIT_MEDIAN_INDEX, 0);
    setKvOfs(buf, n, SPLIT_MEDIAN_INDEX, 0);

    buf[sibling] = (byte) ctype;
    setSizeKc(buf, sibling, 3);
    setSizeKc(buf, n, 3);
    setChildOfs(buf, sibling, 0, childOfs(buf, n, 4));
    setChildOfs(buf, n, 4, 0);
    for (int j = 0; j < 3; j++) {
      setHash(buf, sibling, j, hash(buf, n, 4 + j));
      setKvOfs(buf, sibling, j, kvOfs(buf, n, 4 + j));
      setChildOfs(buf, sibling, j + 1, childOfs(buf, n, 5 + j));
      setHash(buf, n, 4 + j, 0);
      setKvOfs(buf, n, 4 + j, 0);
      setChildOfs(buf, n, 5 + j, 0);
    }
    len += NODE_SIZE_BYTES;
    return sibling;
  }

  /** Rounds the end up to 4 before split nodes; the skipped bytes stay zero (§5.3). */
  private void alignForSplit(int need) {
    len = (len + 3) & ~3;
    ensure(need);
  }

  /**
   * An equal hash at slot {@code i} of node {@code n}: override (returns the value offset) or
   * collision (returns NONE).
   */
  private int found(
      int c, int n, int i, byte[] key, int keyOff, int keyLen, int tagSize, int payloadBytes) {
    int entry = kvOfs(buf, n, i);
    int value = entry;
    if (key != null) {
      int storedTagSize = (buf[entry] & 3) + 1;
      if (storedTagSize != tagSize) {
        throw PlasmiteException.of(
                ErrorKind.USAGE,
                "key hash equals that of a key with a different tag size: expected "
                    + tagSize
                    + " tag bytes, found "
                    + storedTagSize)
            .withHint("rename the key");
      }
      int storedKeySize = readTag(entry, storedTagSize);
      if (!sameKey(entry + storedTagSize, storedKeySize, key, keyOff, keyLen)) {
        return NONE;
      }
      value = entry + storedTagSize + storedKeySize;
    }
    int oldBytes = 1 + storedPayloadBytes(value);
    if (payloadBytes < oldBytes) {
      Arrays.fill(buf, value, value + oldBytes, (byte) 0);
      return value;
    }
    Arrays.fill(buf, entry, value + oldBytes, (byte) 0);
    int keySize = key == null ? 0 : keyLen + 1;
    int pad = padding(tagSize + keySize, payloadBytes);
    ensure(pad + tagSize + keySize + 1 + payloadBytes);
    len += pad;
    setKvOfs(buf, n, i, len);
    return appendEntry(key, keyOff, keyLen, tagSize, payloadBytes);
  }

  private int readTag(int entry, int tagSize) {
    int raw = buf[entry] & 0xFF;
    if (tagSize >= 2) {
      raw |= (buf[entry + 1] & 0xFF) << 8;
    }
    if (tagSize >= 3) {
      raw |= (buf[entry + 2] & 0xFF) << 16;
    }
    if (tagSize == 4) {
      raw |= (buf[entry + 3] & 0xFF) << 24;
    }
    return raw >>> 2;
  }

  /** Compares min(K_wanted, K_stored) bytes of (wanted key + 0) and the stored key bytes. */
  private boolean sameKey(int stored, int storedKeySize, byte[] key, int keyOff, int keyLen) {
    int n = Math.min(keyLen + 1, storedKeySize);
    for (int j = 0; j < n; j++) {
      byte wanted = j < keyLen ? key[keyOff + j] : 0;
      if (buf[stored + j] != wanted) {
        return false;
      }
    }
    return true;
  }

  private int storedPayloadBytes(int value) {
    Lite3Type type = Lite3Type.ofCode(buf[value] & 0xFF);
    if (type == null) {
      throw corrupt("invalid value type " + (buf[value] & 0xFF) + " at offset " + value);
    }
    int fixed = type.fixedPayloadBytes();
    if (type == Lite3Type.STRING || type == Lite3Type.BYTES) {
      return fixed + u32(buf, value + 1);
    }
    return fixed;
  }

  private int insertLeaf(
      int c,
      int n,
      int i,
      int kc,
      int h,
      byte[] key,
      int keyOff,
      int keyLen,
      int tagSize,
      int payloadBytes) {
    int keySize = key == null ? 0 : keyLen + 1;
    int pad = padding(tagSize + keySize, payloadBytes);
    ensure(pad + tagSize + keySize + 1 + payloadBytes);
    for (int j = kc; j > i; j--) {
      setHash(buf, n, j, hash(buf, n, j - 1));
      setKvOfs(buf, n, j, kvOfs(buf, n, j - 1));
    }
    setHash(buf, n, i, h);
    setSizeKc(buf, n, sizeKc(buf, n) + 1);
    len += pad;
    setKvOfs(buf, n, i, len);
    setSizeKc(buf, c, sizeKc(buf, c) + (1 << SIZE_SHIFT));
    return appendEntry(key, keyOff, keyLen, tagSize, payloadBytes);
  }

  /** Zero bytes in front of an entry so that a 95-byte payload's value starts 4-aligned. */
  private int padding(int tagAndKeyBytes, int payloadBytes) {
    if (payloadBytes != CONTAINER_PAYLOAD_BYTES) {
      return 0;
    }
    int unaligned = len + tagAndKeyBytes;
    return ((unaligned + 3) & ~3) - unaligned;
  }

  private int appendEntry(byte[] key, int keyOff, int keyLen, int tagSize, int payloadBytes) {
    if (key != null) {
      int keySize = keyLen + 1;
      int tag = (keySize << 2) | (tagSize - 1);
      for (int b = 0; b < tagSize; b++) {
        buf[len++] = (byte) (tag >>> (8 * b));
      }
      System.arraycopy(key, keyOff, buf, len, keyLen);
      len += keyLen;
      buf[len++] = 0;
    }
    int value = len;
    len += 1 + payloadBytes;
    return value;
  }

  private void ensure(int extra) {
    long need = (long) len + extra;
    if (need > DOCUMENT_BYTES_MAX) {
      throw PlasmiteException.of(
          ErrorKind.USAGE,
          "document too large: needs " + need + " bytes, the limit is " + DOCUMENT_BYTES_MAX);
    }
    if (need > buf.length) {
      buf = Arrays.copyOf(buf, (int) Math.min(DOCUMENT_BYTES_MAX, Math.max(need, 2L * buf.length)));
    }
  }

  private static PlasmiteException corrupt(String message) {
    return PlasmiteException.of(ErrorKind.CORRUPT, message);
  }
}
