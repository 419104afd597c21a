package io.plasmite.lite3;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Layout of one Lite3 B-tree node: the only place that knows where its fields live.
 *
 * <pre>
 *  0        4                          32        36                         64                     96
 *  +--------+--------------------------+---------+--------------------------+----------------------+
 *  |gen_type| hashes[0..6]  7 x u32    | size_kc | kv_ofs[0..6]  7 x u32    | child_ofs[0..7] 8xu32|
 *  +--------+--------------------------+---------+--------------------------+----------------------+
 *  gen_type: bits 0-7 node type (6 object, 7 array), bits 8-31 generation counter
 *  size_kc:  bits 0-2 key count of this node, bits 3-5 zero, bits 6-31 entries of the whole
 *            container (kept in the container's root node only)
 *  child_ofs[0] == 0 marks a leaf
 * </pre>
 *
 * <p>All integers are little-endian u32; a value of a nested object or array <em>is</em> its
 * container root node, whose first byte doubles as the value's type byte. Accessors take the buffer
 * and the node's offset and do no bounds checks: callers check {@code node <= len - 96}.
 */
public final class Lite3NodeDescriptor {
  /** Bytes in one node. */
  public static final int NODE_SIZE_BYTES = 96;

  /** Most keys one node holds. */
  public static final int KEY_COUNT_MAX = 7;

  /** Index of the key that moves up when a full node splits. */
  public static final int SPLIT_MEDIAN_INDEX = 3;

  /** Most parent-to-child steps inside one container's tree. */
  public static final int TREE_HEIGHT_MAX = 9;

  /** Offset of {@code gen_type}. */
  public static final int GEN_TYPE_OFFSET = 0;

  /** Offset of {@code hashes[0]}. */
  public static final int HASHES_OFFSET = 4;

  /** Offset of {@code size_kc}. */
  public static final int SIZE_KC_OFFSET = 32;

  /** Offset of {@code kv_ofs[0]}. */
  public static final int KV_OFS_OFFSET = 36;

  /** Offset of {@code child_ofs[0]}. */
  public static final int CHILD_OFS_OFFSET = 64;

  /** Bits of {@code size_kc} below the container size. */
  public static final int SIZE_SHIFT = 6;

  private static final int KC_MASK = 7;

  private static final VarHandle U32 =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private Lite3NodeDescriptor() {}

  /**
   * Reads a little-endian u32 (as a Java {@code int}; compare unsigned).
   *
   * @param buf the buffer
   * @param offset byte offset
   * @return the raw 32 bits
   */
  public static int u32(byte[] buf, int offset) {
    return (int) U32.get(buf, offset);
  }

  /**
   * Writes a little-endian u32.
   *
   * @param buf the buffer
   * @param offset byte offset
   * @param value the raw 32 bits
   */
  public static void putU32(byte[] buf, int offset, int value) {
    U32.set(buf, offset, value);
  }

  /**
   * The node type byte (6 object, 7 array).
   *
   * @param buf the buffer
   * @param node node offset
   * @return the type, 0..255
   */
  public static int type(byte[] buf, int node) {
    return buf[node + GEN_TYPE_OFFSET] & 0xFF;
  }

  /**
   * The raw {@code gen_type} word.
   *
   * @param buf the buffer
   * @param node node offset
   * @return gen_type
   */
  public static int genType(byte[] buf, int node) {
    return u32(buf, node + GEN_TYPE_OFFSET);
  }

  /**
   * Sets the raw {@code gen_type} word.
   *
   * @param buf the buffer
   * @param node node offset
   * @param genType the new word
   */
  public static void setGenType(byte[] buf, int node, int genType) {
    putU32(buf, node + GEN_TYPE_OFFSET, genType);
  }

  /**
   * Adds one to the 24-bit generation counter, keeping the type byte.
   *
   * @param buf the buffer
   * @param node node offset
   */
  public static void bumpGen(byte[] buf, int node) {
    int word = genType(buf, node);
    setGenType(buf, node, (word & 0xFF) | ((word + 0x100) & 0xFFFFFF00));
  }

  /**
   * The raw {@code size_kc} word.
   *
   * @param buf the buffer
   * @param node node offset
   * @return size_kc
   */
  public static int sizeKc(byte[] buf, int node) {
    return u32(buf, node + SIZE_KC_OFFSET);
  }

  /**
   * Sets the raw {@code size_kc} word.
   *
   * @param buf the buffer
   * @param node node offset
   * @param sizeKc the new word
   */
  public static void setSizeKc(byte[] buf, int node, int sizeKc) {
    putU32(buf, node + SIZE_KC_OFFSET, sizeKc);
  }

  /**
   * The number of keys in this node.
   *
   * @param buf the buffer
   * @param node node offset
   * @return 0..7
   */
  public static int keyCount(byte[] buf, int node) {
    return sizeKc(buf, node) & KC_MASK;
  }

  /**
   * The number of entries in the whole container (meaningful in a container root node only).
   *
   * @param buf the buffer
   * @param node container root node offset
   * @return the entry count
   */
  public static int size(byte[] buf, int node) {
    return sizeKc(buf, node) >>> SIZE_SHIFT;
  }

  /**
   * Entry hash {@code i}.
   *
   * @param buf the buffer
   * @param node node offset
   * @param i slot, 0..6
   * @return the hash (unsigned)
   */
  public static int hash(byte[] buf, int node, int i) {
    return u32(buf, node + HASHES_OFFSET + 4 * i);
  }

  /**
   * Sets entry hash {@code i}.
   *
   * @param buf the buffer
   * @param node node offset
   * @param i slot, 0..6
   * @param hash the hash
   */
  public static void setHash(byte[] buf, int node, int i, int hash) {
    putU32(buf, node + HASHES_OFFSET + 4 * i, hash);
  }

  /**
   * Entry offset {@code i}: a key entry in objects, a value in arrays.
   *
   * @param buf the buffer
   * @param node node offset
   * @param i slot, 0..6
   * @return the buffer offset (unsigned)
   */
  public static int kvOfs(byte[] buf, int node, int i) {
    return u32(buf, node + KV_OFS_OFFSET + 4 * i);
  }

  /**
   * Sets entry offset {@code i}.
   *
   * @param buf the buffer
   * @param node node offset
   * @param i slot, 0..6
   * @param ofs the buffer offset
   */
  public static void setKvOfs(byte[] buf, int node, int i, int ofs) {
    putU32(buf, node + KV_OFS_OFFSET + 4 * i, ofs);
  }

  /**
   * Child offset {@code j}; {@code childOfs(buf, node, 0) == 0} marks a leaf.
   *
   * @param buf the buffer
   * @param node node offset
   * @param j child, 0..7
   * @return the buffer offset (unsigned)
   */
  public static int childOfs(byte[] buf, int node, int j) {
    return u32(buf, node + CHILD_OFS_OFFSET + 4 * j);
  }

  /**
   * Sets child offset {@code j}.
   *
   * @param buf the buffer
   * @param node node offset
   * @param j child, 0..7
   * @param ofs the buffer offset
   */
  public static void setChildOfs(byte[] buf, int node, int j, int ofs) {
    putU32(buf, node + CHILD_OFS_OFFSET + 4 * j, ofs);
  }
}
