package io.plasmite.lite3;

import static io.plasmite.json.ByteWords.HIGHS;
import static io.plasmite.json.ByteWords.ONES;
import static io.plasmite.lite3.Lite3NodeDescriptor.NODE_SIZE_BYTES;
import static io.plasmite.lite3.Lite3NodeDescriptor.TREE_HEIGHT_MAX;

import io.plasmite.PlasmiteException;
import io.plasmite.json.ByteWords;
import io.plasmite.json.CanonicalJsonWriter;
import io.plasmite.json.Utf8;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Lite3 bytes to canonical JSON ({@code json.md} §2): object members in UTF-8 byte order of their
 * keys, shortest round-trip doubles, minimal escaping.
 *
 * <p>Safe on untrusted bytes: every offset and length is checked, trees are at most 9 steps high
 * and 32 containers deep, and the work is bounded by the input — at most {@code len / 96} nodes are
 * visited and at most {@code len} bytes of keys and strings are read, which a document whose parts
 * do not overlap never exceeds. Anything else is refused with kind Corrupt. The decoder checks only
 * what it needs to print; {@link Lite3Validator} checks the whole format.
 *
 * <pre>{@code
 * String data = Lite3Decoder.dataJson(payload);          // {"id":7}
 * List<String> tags = Lite3Decoder.tags(payload);        // [orders]
 * }</pre>
 *
 * <p>Instances are reusable and not thread-safe; the static methods use one per thread.
 */
public final class Lite3Decoder {
  private static final int DEPTH_MAX = Lite3Encoder.DEPTH_MAX;
  private static final byte[] META = "meta".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TAGS = "tags".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);

  private static final ThreadLocal<Lite3Decoder> PER_THREAD =
      ThreadLocal.withInitial(Lite3Decoder::new);

  private final CanonicalJsonWriter compact = new CanonicalJsonWriter(false);
  private final CanonicalJsonWriter pretty = new CanonicalJsonWriter(true);

  private byte[] buf;
  private int base;
  private int len;
  private int nodeBudget;
  private long textBudget;
  // Stack of (key offset, key length, value offset) triples: each object sorts its own slice.
  private int[] entries = new int[3 * 64];
  private int entriesTop;
  private int[] scratch = new int[0];
  // Per entry (index entry offset / 3): the key's first 8 bytes, big-endian, zero-padded.
  private long[] prefixes = new long[64];
  private long[] prefixScratch = new long[0];
  private static final VarHandle LITTLE_ENDIAN_LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  // Set by keyLength: whether the key it measured holds a byte of 0x80 or above.
  private boolean keyHigh;
  // One writer quotes the keys both memories keep; neither is in use while the other remembers.
  private final CanonicalJsonWriter quoter = new CanonicalJsonWriter(false);
  private final KeyShapes shapes = new KeyShapes(quoter);
  private final LeafShapes leaves = new LeafShapes(quoter);
  // An object's keys in stored order, before sorting, for KeyShapes.remember.
  private final long[] storedPrefixes = new long[KeyShapes.KEYS_MAX];
  private final int[] storedKeys = new int[KeyShapes.KEYS_MAX];

  /** Creates a decoder. */
  public Lite3Decoder() {}

  /**
   * Prints the {@code data} object of a message payload as compact canonical JSON.
   *
   * @param payload a Lite3 message envelope
   * @return the data as JSON text
   * @throws PlasmiteException of kind Corrupt if the payload is damaged or not an envelope
   */
  public static String dataJson(byte[] payload) {
    return PER_THREAD.get().data(payload, 0, payload.length, false).toString();
  }

  /**
   * Reads a message payload's tags without decoding its data.
   *
   * @param payload a Lite3 message envelope
   * @return the tags, in stored order
   * @throws PlasmiteException of kind Corrupt if the payload is damaged or not an envelope
   */
  public static List<String> tags(byte[] payload) {
    return PER_THREAD.get().tags(payload, 0, payload.length);
  }

  /**
   * Appends a message payload's {@code data} object to a writer using this thread's decoder.
   *
   * @param payload a Lite3 message envelope
   * @param out the writer, positioned where a value may go
   * @throws PlasmiteException of kind Corrupt if the payload is damaged or not an envelope
   */
  public static void writeData(byte[] payload, CanonicalJsonWriter out) {
    PER_THREAD.get().writeData(payload, 0, payload.length, out);
  }

  /**
   * Prints a whole Lite3 document (object or array root) as compact canonical JSON.
   *
   * @param document the bytes
   * @return the JSON text
   * @throws PlasmiteException of kind Corrupt if the document is damaged
   */
  public static String documentJson(byte[] document) {
    Lite3Decoder d = PER_THREAD.get();
    d.compact.reset();
    d.begin(document, 0, document.length);
    d.container(0, rootType(d), 1, d.compact);
    return d.compact.toString();
  }

  /**
   * Prints the {@code data} object of a message payload.
   *
   * @param payload buffer holding a Lite3 message envelope
   * @param off first byte of the payload
   * @param len payload length
   * @param pretty indented output when true
   * @return the writer holding the JSON text; valid until this decoder's next call
   * @throws PlasmiteException of kind Corrupt if the payload is damaged or not an envelope
   */
  public CanonicalJsonWriter data(byte[] payload, int off, int len, boolean pretty) {
    CanonicalJsonWriter out = pretty ? this.pretty : compact;
    out.reset();
    writeData(payload, off, len, out);
    return out;
  }

  /**
   * Appends the {@code data} object of a message payload to a writer, e.g. inside a larger message
   * object.
   *
   * @param payload buffer holding a Lite3 message envelope
   * @param off first byte of the payload
   * @param len payload length
   * @param out the writer, positioned where a value may go
   * @throws PlasmiteException of kind Corrupt if the payload is damaged or not an envelope
   */
  public void writeData(byte[] payload, int off, int len, CanonicalJsonWriter out) {
    begin(payload, off, len);
    requireType(0, Lite3Type.OBJECT, "message root");
    int data = lookup(0, DATA);
    if (data < 0) {
      throw corrupt("message payload has no data member", 0);
    }
    requireType(data, Lite3Type.OBJECT, "data");
    container(data, Lite3Type.OBJECT, 2, out);
  }

  /**
   * Reads a message payload's tags without decoding its data.
   *
   * @param payload buffer holding a Lite3 message envelope
   * @param off first byte of the payload
   * @param len payload length
   * @return the tags, in stored order
   * @throws PlasmiteException of kind Corrupt if the payload is damaged or not an envelope
   */
  public List<String> tags(byte[] payload, int off, int len) {
    begin(payload, off, len);
    requireType(0, Lite3Type.OBJECT, "message root");
    int meta = lookup(0, META);
    if (meta < 0) {
      throw corrupt("message payload has no meta member", 0);
    }
    requireType(meta, Lite3Type.OBJECT, "meta");
    int tags = lookup(meta, TAGS);
    if (tags < 0) {
      throw corrupt("message meta has no tags member", meta);
    }
    requireType(tags, Lite3Type.ARRAY, "meta.tags");
    List<String> out = new ArrayList<>();
    int base = entriesTop;
    collect(tags, Lite3Type.ARRAY);
    for (int e = base; e < entriesTop; e += 3) {
      int v = entries[e + 2];
      requireType(v, Lite3Type.STRING, "a tag");
      int n = stringLength(v);
      checkUtf8(v + 5, n);
      out.add(new String(buf, this.base + v + 5, n, StandardCharsets.UTF_8));
    }
    entriesTop = base;
    return out;
  }

  private void begin(byte[] payload, int off, int length) {
    if (off < 0 || length < 0 || off > payload.length - length) {
      throw new IndexOutOfBoundsException("range " + off + "+" + length + " of " + payload.length);
    }
    this.buf = payload;
    this.base = off;
    this.len = length;
    this.nodeBudget = length / NODE_SIZE_BYTES;
    this.textBudget = length;
    this.entriesTop = 0;
    if (length < NODE_SIZE_BYTES) {
      throw corrupt("document of " + length + " bytes is shorter than one node", 0);
    }
  }

  private static Lite3Type rootType(Lite3Decoder d) {
    Lite3Type t = Lite3Type.ofCode(d.buf[d.base] & 0xFF);
    if (t != Lite3Type.OBJECT && t != Lite3Type.ARRAY) {
      throw corrupt("document root has type " + (d.buf[d.base] & 0xFF) + ", not 6 or 7", 0);
    }
    return t;
  }

  private void container(int node, Lite3Type type, int depth, CanonicalJsonWriter out) {
    if (depth > DEPTH_MAX) {
      throw corrupt("containers nest deeper than " + DEPTH_MAX, node);
    }
    if (type == Lite3Type.OBJECT && rememberedLeaf(node, depth, out)) {
      return;
    }
    int from = entriesTop;
    collect(node, type);
    int to = entriesTop;
    if (type == Lite3Type.ARRAY) {
      out.startArray();
      for (int e = from; e < to; e += 3) {
        value(entries[e + 2], depth, out);
      }
      out.endArray();
    } else {
      int n = (to - from) / 3;
      int f = from / 3;
      out.startObject();
      if (Lite3NodeDescriptor.childOfs(buf, base + node, 0) == 0) {
        objectMembers(node, true, from, to, n, f, 0, depth, out);
      } else {
        long hash = KeyShapes.hash(prefixes, f, entries, from, n);
        KeyShapes.Shape shape = shapes.find(hash, prefixes, f, entries, from, n, buf, base);
        if (shape != null) {
          // A key set met before: its print order and quoted keys are known.
          PrintedKeys keys = shape.keys();
          for (int j = 0; j < n; j++) {
            keys.writeKey(out, j);
            value(entries[from + 3 * keys.storedIndex(j) + 2], depth, out);
          }
        } else {
          objectMembers(node, false, from, to, n, f, hash, depth, out);
        }
      }
      out.endObject();
    }
    entriesTop = from;
  }

  /**
   * Prints an object whose tree is one leaf holding keys met before ({@link LeafShapes}), without
   * parsing its entries' keys; false (nothing done) for any other object, which the general path
   * then prints or refuses. Charges the decoder's budgets as that path would.
   */
  private boolean rememberedLeaf(int node, int depth, CanonicalJsonWriter out) {
    if (node < 0 || node > len - NODE_SIZE_BYTES || nodeBudget < 1) {
      return false;
    }
    int at = base + node;
    int kc = Lite3NodeDescriptor.keyCount(buf, at);
    if (kc == 0 || Lite3NodeDescriptor.childOfs(buf, at, 0) != 0) {
      return false;
    }
    LeafShapes.Leaf leaf = leaves.find(LeafShapes.hash(buf, at, kc), buf, base, len, node, kc);
    if (leaf == null || textBudget < leaf.textSpent()) {
      return false;
    }
    nodeBudget--;
    textBudget -= leaf.textSpent();
    PrintedKeys keys = leaf.keys();
    out.startObject();
    for (int j = 0; j < kc; j++) {
      int i = keys.storedIndex(j);
      keys.writeKey(out, j);
      value(Lite3NodeDescriptor.kvOfs(buf, at, i) + leaf.keyEntryBytes(i), depth, out);
    }
    out.endObject();
    return true;
  }

  /** The members of an object whose key set is not remembered: sorted, then printed. */
  private void objectMembers(
      int node,
      boolean leaf,
      int from,
      int to,
      int n,
      int f,
      long hash,
      int depth,
      CanonicalJsonWriter out) {
    boolean note = !leaf && n <= KeyShapes.KEYS_MAX;
    if (note) {
      System.arraycopy(prefixes, f, storedPrefixes, 0, n);
      for (int i = 0; i < n; i++) {
        storedKeys[i] = entries[from + 3 * i];
      }
    }
    sortByKey(from, to);
    boolean duplicates = false;
    for (int e = from, p = f; e + 3 < to; e += 3, p++) {
      if (prefixes[p] == prefixes[p + 1] && compareKeys(e, e + 3) == 0) {
        duplicates = true;
        break;
      }
    }
    // Before the values: nested objects reuse the stored-order scratch.
    if (leaf && !duplicates && n > 0) {
      leaves.remember(LeafShapes.hash(buf, base + node, n), buf, base, node, entries, from, n);
    } else if (note && !duplicates) {
      shapes.remember(hash, storedPrefixes, storedKeys, entries, from, n, buf, base);
    }
    for (int e = from, p = f; e < to; e += 3, p++) {
      // Of equal keys the last in stored order wins, as a map insert would have it.
      if (duplicates
          && e + 3 < to
          && prefixes[p] == prefixes[p + 1]
          && compareKeys(e, e + 3) == 0) {
        continue;
      }
      out.key(buf, base + entries[e], entries[e + 1]);
      value(entries[e + 2], depth, out);
    }
  }

  private void value(int v, int depth, CanonicalJsonWriter out) {
    int t = byteAt(v);
    switch (t) {
      case 0 -> out.nullValue();
      case 1 -> out.value(byteAt(v + 1) != 0);
      case 2 -> out.value(i64(v));
      case 3 -> {
        double d = Double.longBitsToDouble(i64(v));
        if (!Double.isFinite(d)) {
          throw corrupt("number is " + d + ", which JSON cannot hold", v);
        }
        out.value(d);
      }
      case 4 -> {
        int n = u32Checked(v + 1);
        need(v + 5, n);
        spendText(n, v);
        out.value(
            Base64.getEncoder()
                .encodeToString(Arrays.copyOfRange(buf, base + v + 5, base + v + 5 + n)));
      }
      case 5 -> {
        int n = stringLength(v);
        checkUtf8(v + 5, n);
        out.string(buf, base + v + 5, n);
      }
      case 6 -> container(v, Lite3Type.OBJECT, depth + 1, out);
      case 7 -> container(v, Lite3Type.ARRAY, depth + 1, out);
      default -> throw corrupt("invalid value type " + t, v);
    }
  }

  /** Pushes (key offset, key length, value offset) of every entry, in stored (hash) order. */
  private void collect(int node, Lite3Type type) {
    walk(node, type, 0);
  }

  private void walk(int n, Lite3Type type, int height) {
    if (height > TREE_HEIGHT_MAX) {
      throw corrupt("container tree higher than " + TREE_HEIGHT_MAX, n);
    }
    if (n < 0 || n > len - NODE_SIZE_BYTES) {
      throw corrupt("node offset " + Integer.toUnsignedString(n) + " out of bounds", n);
    }
    if (--nodeBudget < 0) {
      throw corrupt("more nodes than the document can hold: nodes overlap or form a cycle", n);
    }
    int nodeType = byteAt(n);
    if (nodeType != Lite3Type.OBJECT.code() && nodeType != Lite3Type.ARRAY.code()) {
      throw corrupt("node type " + nodeType + " is not 6 or 7", n);
    }
    int kc = Lite3NodeDescriptor.keyCount(buf, base + n);
    boolean leaf = Lite3NodeDescriptor.childOfs(buf, base + n, 0) == 0;
    for (int j = 0; j <= kc; j++) {
      if (!leaf) {
        int child = Lite3NodeDescriptor.childOfs(buf, base + n, j);
        if (child == 0) {
          throw corrupt("internal node lacks child " + j, n);
        }
        walk(child, type, height + 1);
      }
      if (j < kc) {
        entry(Lite3NodeDescriptor.kvOfs(buf, base + n, j), type);
      }
    }
  }

  private void entry(int e, Lite3Type type) {
    if (entriesTop + 3 > entries.length) {
      entries = Arrays.copyOf(entries, entries.length * 2);
      prefixes = Arrays.copyOf(prefixes, entries.length / 3);
    }
    if (--textBudget < 0) {
      throw corrupt("more entries than the document can hold: entries overlap", e);
    }
    if (type == Lite3Type.ARRAY) {
      entries[entriesTop++] = 0;
      entries[entriesTop++] = 0;
      entries[entriesTop++] = e;
      return;
    }
    int tagSize = (byteAt(e) & 3) + 1;
    int keySize = keySize(e, tagSize);
    if (keySize < 1) {
      throw corrupt("key of size 0", e);
    }
    int key = e + tagSize;
    need(key, keySize);
    spendText(keySize, e);
    int keyLen = keyLength(base + key, keySize);
    if (keyLen < 0) {
      throw corrupt("key lacks its terminating 0 byte", key);
    }
    if (keyHigh) {
      checkUtf8(key, keyLen);
    }
    prefixes[entriesTop / 3] = ByteWords.prefix(buf, base + key, keyLen);
    entries[entriesTop++] = key;
    entries[entriesTop++] = keyLen;
    entries[entriesTop++] = key + keySize;
  }

  /**
   * The length of the key at buffer offset {@code at} up to its first 0 byte, which must come
   * within {@code keySize} bytes (else -1); sets {@link #keyHigh} if a byte before it is non-ASCII.
   * Eight bytes a step: the lowest flag of {@code (x - ONES) & ~x & HIGHS} is exactly the first 0
   * byte (a false flag needs a borrow from a real 0 byte below it).
   */
  private int keyLength(int at, int keySize) {
    long high = 0;
    for (int i = 0; i < keySize; i += 8) {
      if (at + i > buf.length - 8) {
        return keyLengthByBytes(at, i, keySize, high);
      }
      long x = (long) LITTLE_ENDIAN_LONGS.get(buf, at + i);
      long zeros = (x - ONES) & ~x & HIGHS;
      int inKey = keySize - i;
      if (inKey < 8) {
        zeros &= ByteWords.lowBytes(inKey);
      }
      if (zeros != 0) {
        int z = Long.numberOfTrailingZeros(zeros) >>> 3;
        keyHigh = ((high | (x & ByteWords.lowBytes(z))) & HIGHS) != 0;
        return i + z;
      }
      high |= x;
    }
    return -1;
  }

  /** {@link #keyLength} from key byte {@code from} on, one byte a step, near the buffer's end. */
  private int keyLengthByBytes(int at, int from, int keySize, long highSoFar) {
    boolean high = (highSoFar & HIGHS) != 0;
    for (int i = from; i < keySize; i++) {
      byte b = buf[at + i];
      if (b == 0) {
        keyHigh = high;
        return i;
      }
      high |= b < 0;
    }
    return -1;
  }

  /** Finds {@code key} in object {@code c} as the reference lookup does (lite3.md §9.3). */
  private int lookup(int c, byte[] key) {
    return Lite3Doc.of(buf, base, len).find(c, key, key.length);
  }

  /** Reads a key tag of {@code tagSize} bytes at {@code e}: the key size K. */
  private int keySize(int e, int tagSize) {
    need(e, tagSize);
    int tag = 0;
    for (int k = tagSize - 1; k >= 0; k--) {
      tag = (tag << 8) | (buf[base + e + k] & 0xFF);
    }
    return tag >>> 2;
  }

  private void requireType(int v, Lite3Type type, String what) {
    int t = byteAt(v);
    if (t != type.code()) {
      throw corrupt(what + " has type " + t + ", expected " + type.code(), v);
    }
    if (type == Lite3Type.OBJECT || type == Lite3Type.ARRAY) {
      need(v, NODE_SIZE_BYTES);
    }
  }

  private int stringLength(int v) {
    int size = u32Checked(v + 1);
    if (size < 1) {
      throw corrupt("string of size 0", v);
    }
    need(v + 5, size);
    spendText(size, v);
    return size - 1;
  }

  private void checkUtf8(int off, int n) {
    int bad = Utf8.firstInvalid(buf, base + off, n);
    if (bad >= 0) {
      throw corrupt("malformed UTF-8", bad - base);
    }
  }

  private void spendText(long n, int at) {
    textBudget -= n;
    if (textBudget < 0) {
      throw corrupt("more text than the document holds: entries overlap", at);
    }
  }

  private int byteAt(int off) {
    need(off, 1);
    return buf[base + off] & 0xFF;
  }

  private int u32Checked(int off) {
    need(off, 4);
    return Lite3NodeDescriptor.u32(buf, base + off);
  }

  private long i64(int v) {
    need(v + 1, 8);
    long lo = Lite3NodeDescriptor.u32(buf, base + v + 1) & 0xFFFFFFFFL;
    long hi = Lite3NodeDescriptor.u32(buf, base + v + 5);
    return lo | (hi << 32);
  }

  private void need(int off, int n) {
    Lite3Doc.checkRange(len, off, n);
  }

  private void sortByKey(int from, int to) {
    int n = (to - from) / 3;
    if (n < 2) {
      return;
    }
    if (n <= 12) {
      for (int i = 1; i < n; i++) {
        insertionStep(from, i);
      }
      return;
    }
    if (scratch.length < to - from) {
      scratch = new int[Math.max(to - from, scratch.length * 2)];
      prefixScratch = new long[scratch.length / 3 + 1];
    }
    mergeSort(from, n);
  }

  private void insertionStep(int from, int i) {
    int f = from / 3;
    int e = from + 3 * i;
    int k0 = entries[e];
    int k1 = entries[e + 1];
    int k2 = entries[e + 2];
    long p = prefixes[f + i];
    int j = i - 1;
    while (j >= 0 && compare(prefixes[f + j], entries, from + 3 * j, p, k0, k1) > 0) {
      int d = from + 3 * j;
      entries[d + 3] = entries[d];
      entries[d + 4] = entries[d + 1];
      entries[d + 5] = entries[d + 2];
      prefixes[f + j + 1] = prefixes[f + j];
      j--;
    }
    int d = from + 3 * (j + 1);
    entries[d] = k0;
    entries[d + 1] = k1;
    entries[d + 2] = k2;
    prefixes[f + j + 1] = p;
  }

  /** Stable merge sort of {@code n} triples starting at {@code from}. */
  private void mergeSort(int from, int n) {
    for (int width = 1; width < n; width *= 2) {
      for (int lo = 0; lo < n - width; lo += 2 * width) {
        int mid = lo + width;
        int hi = Math.min(lo + 2 * width, n);
        merge(from, lo, mid, hi);
      }
    }
  }

  private void merge(int from, int lo, int mid, int hi) {
    int f = from / 3;
    System.arraycopy(entries, from + 3 * lo, scratch, 0, 3 * (hi - lo));
    System.arraycopy(prefixes, f + lo, prefixScratch, 0, hi - lo);
    int l = 0;
    int lEnd = mid - lo;
    int r = lEnd;
    int rEnd = hi - lo;
    int o = lo;
    while (l < lEnd || r < rEnd) {
      boolean takeRight =
          l >= lEnd
              || (r < rEnd
                  && compare(
                          prefixScratch[r],
                          scratch,
                          3 * r,
                          prefixScratch[l],
                          scratch[3 * l],
                          scratch[3 * l + 1])
                      < 0);
      int t = takeRight ? r++ : l++;
      int eo = from + 3 * o;
      entries[eo] = scratch[3 * t];
      entries[eo + 1] = scratch[3 * t + 1];
      entries[eo + 2] = scratch[3 * t + 2];
      prefixes[f + o] = prefixScratch[t];
      o++;
    }
  }

  /** Compares the key of triple {@code e} in {@code triples} (prefix {@code pe}) with a key. */
  private int compare(long pe, int[] triples, int e, long p, int keyOff, int keyLen) {
    if (pe != p) {
      return Long.compareUnsigned(pe, p);
    }
    return Arrays.compareUnsigned(
        buf,
        base + triples[e],
        base + triples[e] + triples[e + 1],
        buf,
        base + keyOff,
        base + keyOff + keyLen);
  }

  private int compareKeys(int e1, int e2) {
    return Arrays.compareUnsigned(
        buf,
        base + entries[e1],
        base + entries[e1] + entries[e1 + 1],
        buf,
        base + entries[e2],
        base + entries[e2] + entries[e2 + 1]);
  }

  private static PlasmiteException corrupt(String message, int offset) {
    return Lite3Doc.corrupt(message, offset);
  }
}
