package io.plasmite.lite3;

import static io.plasmite.lite3.Lite3NodeDescriptor.CHILD_OFS_OFFSET;
import static io.plasmite.lite3.Lite3NodeDescriptor.KEY_COUNT_MAX;
import static io.plasmite.lite3.Lite3NodeDescriptor.KV_OFS_OFFSET;
import static io.plasmite.lite3.Lite3NodeDescriptor.NODE_SIZE_BYTES;
import static io.plasmite.lite3.Lite3NodeDescriptor.putU32;
import static io.plasmite.lite3.Lite3NodeDescriptor.u32;

import io.plasmite.json.JsonTape;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An encoder's memory of document layouts: for a JSON document whose shape came before, the Lite3
 * bytes are written in one pass instead of by sorting keys and inserting them one by one.
 *
 * <p>Why this is exact: where {@link Lite3Writer} puts entries and tree nodes, and what the nodes
 * hold apart from offsets (hashes, key counts, sizes, generations), depends only on the keys, their
 * order in the text and the kinds of the values. Two documents whose tapes have the same tokens,
 * containers and key bytes differ only in their values: strings of other lengths shift what comes
 * after them, which moves offsets and the padding that aligns nested nodes. A {@link Layout} keeps
 * what does not move (the order of entries and split nodes, each entry's tag and key bytes, each
 * node's bytes) and where each node field points (which entry, which node), and a replay computes
 * the offsets again.
 *
 * <p>A layout is taken from a document the general path has just written, the second time its
 * shape's fingerprint is seen, so that one-off shapes cost only the fingerprint. Documents whose
 * keys hold a NUL are never remembered: such keys are cut, and two cut keys can become equal.
 *
 * <p>Bounded: {@link #SLOTS} layouts of at most {@link #TOKENS_MAX} tape tokens each, most recently
 * used first. A layout takes about 40 bytes a token and 170 a tree node, so one encoder holds at
 * most a few hundred KiB, and about 10 KiB a layout for a 1 KB message. Not thread-safe, like its
 * encoder.
 */
final class DocumentLayouts {
  /** Most tape tokens of a remembered document. */
  static final int TOKENS_MAX = 512;

  /** Layouts remembered: a stream tends to have few shapes. */
  static final int SLOTS = 4;

  /** Bytes kept for each entry's tag and key, zero-padded: longer ones take what they need. */
  private static final int ENTRY_SLOT_BYTES = 16;

  /** Ints of one op of a layout's program. */
  private static final int OP_INTS = 4;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final Layout[] layouts = new Layout[SLOTS];
  // Fingerprints seen once: a layout is taken when one comes again.
  private final long[] seen = new long[SLOTS];
  private int seenNext;

  // The recording of the general path's writes: value token, value offset, tag and key bytes.
  private int[] recordedTokens = new int[64];
  private int[] recordedValueAts = new int[64];
  private int[] recordedKeyBytes = new int[64];
  private int recorded;

  /**
   * The remembered layout of a tape's document, or null; a layout found moves to the front.
   *
   * @param tape a parsed document of at most {@link #TOKENS_MAX} tokens, without NUL in keys
   * @return the layout, or null
   */
  Layout find(JsonTape tape) {
    for (int s = 0; s < SLOTS; s++) {
      Layout layout = layouts[s];
      if (layout == null) {
        return null;
      }
      if (layout.matches(tape)) {
        System.arraycopy(layouts, 0, layouts, 1, s);
        layouts[0] = layout;
        tape.expect(layout.expectedKeys);
        return layout;
      }
    }
    return null;
  }

  /**
   * Tells whether the tape's shape was seen before (and forgets it), or notes it.
   *
   * @param tape a parsed document
   * @return true the second time a fingerprint comes
   */
  boolean seenBefore(JsonTape tape) {
    long fingerprint = fingerprint(tape);
    for (int s = 0; s < SLOTS; s++) {
      if (seen[s] == fingerprint) {
        seen[s] = 0;
        return true;
      }
    }
    seen[seenNext] = fingerprint;
    seenNext = (seenNext + 1) % SLOTS;
    return false;
  }

  /** Kinds, container ends and key prefixes and lengths of a tape, mixed; never 0. */
  private static long fingerprint(JsonTape tape) {
    long h = tape.size();
    for (int i = 0, n = tape.size(); i < n; i++) {
      byte kind = tape.kind(i);
      long x = kind;
      if (kind == JsonTape.OBJECT || kind == JsonTape.ARRAY) {
        x |= (long) tape.end(i) << 8;
      } else if (kind == JsonTape.KEY) {
        x ^= tape.keyPrefix(i) + ((long) tape.textLength(i) << 8);
      }
      h = Long.rotateLeft(h, 7) + x;
    }
    h *= 0x9E3779B97F4A7C15L;
    return h == 0 ? 1 : h;
  }

  /** Starts recording the general path's writes. */
  void startRecording() {
    recorded = 0;
  }

  /**
   * Records one entry the general path wrote, in the order written.
   *
   * @param token the value's tape token
   * @param valueAt where the value's type byte went
   * @param keyBytes bytes of the entry's tag and key (with its 0) before the value; 0 in arrays
   */
  void record(int token, int valueAt, int keyBytes) {
    if (recorded == recordedTokens.length) {
      int n = recorded * 2;
      recordedTokens = Arrays.copyOf(recordedTokens, n);
      recordedValueAts = Arrays.copyOf(recordedValueAts, n);
      recordedKeyBytes = Arrays.copyOf(recordedKeyBytes, n);
    }
    recordedTokens[recorded] = token;
    recordedValueAts[recorded] = valueAt;
    recordedKeyBytes[recorded] = keyBytes;
    recorded++;
  }

  /**
   * Takes the layout of the document just written from the recording, most recent first.
   *
   * @param tape the document's tape
   * @param buf the written document
   * @param root the offset of the container the tape's root was written into
   */
  void remember(JsonTape tape, byte[] buf, int root) {
    Layout layout =
        Layout.of(tape, buf, root, recordedTokens, recordedValueAts, recordedKeyBytes, recorded);
    if (layout == null) {
      return;
    }
    System.arraycopy(layouts, 0, layouts, 1, SLOTS - 1);
    layouts[0] = layout;
    tape.expect(layout.expectedKeys);
  }

  /** How one shape of document is written. */
  static final class Layout {
    // What the tape must hold: its tokens' kinds, each container's end, each key's bytes (by
    // prefix, length and the bytes past the prefix).
    private final byte[] kinds;
    // The same keys, for the scanner to look for first in the next document.
    private final JsonTape.ExpectedKeys expectedKeys;
    private final int[] containerTokens;
    private final int[] containerEnds;
    private final int[] keyTokens;
    private final long[] keyPrefixes;
    private final int[] keyLengths;
    private final byte[] keyTails;

    // The program, in the order the bytes are written, OP_INTS ints an op: an entry (value token
    // >= 0, its node if a container, where its tag and key bytes are, how many) or a split node
    // (token -1, its node).
    private final int[] program;
    private final byte[] entryBytes;
    private final int fixedBytes;

    // Every node's bytes, and the fields to point at an entry (op >= 0) or a node (-1 - node).
    private final byte[] images;
    private final int[] patchStarts;
    private final int[] patchFields;
    private final int[] patchTargets;

    // Per replay: where ops and nodes landed.
    private final int[] entryAts;
    private final int[] nodeAts;

    private Layout(
        byte[] kinds,
        JsonTape.ExpectedKeys expectedKeys,
        int[] containerTokens,
        int[] containerEnds,
        int[] keyTokens,
        long[] keyPrefixes,
        int[] keyLengths,
        byte[] keyTails,
        int[] program,
        byte[] entryBytes,
        int fixedBytes,
        byte[] images,
        int[] patchStarts,
        int[] patchFields,
        int[] patchTargets) {
      this.kinds = kinds;
      this.expectedKeys = expectedKeys;
      this.containerTokens = containerTokens;
      this.containerEnds = containerEnds;
      this.keyTokens = keyTokens;
      this.keyPrefixes = keyPrefixes;
      this.keyLengths = keyLengths;
      this.keyTails = keyTails;
      this.program = program;
      this.entryBytes = entryBytes;
      this.fixedBytes = fixedBytes;
      this.images = images;
      this.patchStarts = patchStarts;
      this.patchFields = patchFields;
      this.patchTargets = patchTargets;
      this.entryAts = new int[program.length / OP_INTS];
      this.nodeAts = new int[images.length / NODE_SIZE_BYTES];
    }

    /**
     * Tells whether the tape has this layout's tokens, containers and keys.
     *
     * @param tape a parsed document without NUL in keys
     * @return true if the layout writes it
     */
    boolean matches(JsonTape tape) {
      if (!tape.hasKinds(kinds)) {
        return false;
      }
      for (int c = 0; c < containerTokens.length; c++) {
        if (tape.end(containerTokens[c]) != containerEnds[c]) {
          return false;
        }
      }
      if (tape.foundAll(expectedKeys)) {
        // The scanner found each of these keys where they are expected, and no other.
        return true;
      }
      byte[] text = tape.bytes();
      for (int k = 0, tail = 0; k < keyTokens.length; k++) {
        int i = keyTokens[k];
        int len = tape.textLength(i);
        if (len != keyLengths[k] || tape.keyPrefix(i) != keyPrefixes[k]) {
          return false;
        }
        if (len > 8) {
          int t = tape.textOffset(i) + 8;
          if (!Arrays.equals(text, t, t + len - 8, keyTails, tail, tail + len - 8)) {
            return false;
          }
          tail += len - 8;
        }
      }
      return true;
    }

    /**
     * Writes the document of the tape last {@linkplain #matches matched} into the empty container
     * at {@code root}, as the general path would.
     *
     * @param tape the matched tape
     * @param writer the writer, whose document ends after the empty container
     * @param root the container's offset
     * @return false (nothing written) if the document would pass the size limit
     */
    boolean replay(JsonTape tape, Lite3Writer writer, int root) {
      int len = writer.length();
      // The tape's text bounds the bytes of its strings.
      long need = (long) fixedBytes + tape.textBytes();
      if (len + need > Lite3Writer.DOCUMENT_BYTES_MAX) {
        return false;
      }
      byte[] buf = writer.room((int) need);
      byte[] text = tape.bytes();
      int[] entryAt = entryAts;
      int[] nodeAt = nodeAts;
      nodeAt[0] = root;
      // Steps: (1) entries and split nodes in order, padded and aligned as the writer does, value
      // bytes written, node offsets noted; (2) every node's bytes, its fields pointed at where
      // their entries and nodes landed.
      int[] ops = program;
      for (int op = 0, p = 0; p < ops.length; op++, p += OP_INTS) {
        int v = ops[p];
        if (v < 0) {
          len = (len + 3) & ~3;
          nodeAt[ops[p + 1]] = len;
          len += NODE_SIZE_BYTES;
          continue;
        }
        byte kind = kinds[v];
        int keyBytes = ops[p + 3];
        // The writer aligns every value whose payload is a node's 95 bytes: containers, and
        // strings of 90 bytes too.
        if (kind == JsonTape.OBJECT
            || kind == JsonTape.ARRAY
            || (kind == JsonTape.STRING
                && Lite3Writer.stringPayloadBytes(tape.textLength(v))
                    == Lite3Writer.containerPayloadBytes())) {
          int unaligned = len + keyBytes;
          len += ((unaligned + 3) & ~3) - unaligned;
        }
        entryAt[op] = len;
        int from = ops[p + 2];
        if (keyBytes <= ENTRY_SLOT_BYTES) {
          // Most tags and keys fit two words; the zeros after them land where nothing is yet.
          LONGS.set(buf, len, (long) LONGS.get(entryBytes, from));
          LONGS.set(buf, len + 8, (long) LONGS.get(entryBytes, from + 8));
        } else {
          System.arraycopy(entryBytes, from, buf, len, keyBytes);
        }
        int at = len + keyBytes;
        switch (kind) {
          case JsonTape.OBJECT, JsonTape.ARRAY -> {
            nodeAt[ops[p + 1]] = at;
            len = at + NODE_SIZE_BYTES;
          }
          case JsonTape.STRING -> {
            int n = tape.textLength(v);
            writer.putString(at, text, tape.textOffset(v), n);
            len = at + Lite3Writer.stringPayloadBytes(n) + 1;
          }
          case JsonTape.I64 -> {
            writer.putI64(at, tape.longValue(v));
            len = at + 9;
          }
          case JsonTape.F64 -> {
            writer.putF64(at, tape.doubleValue(v));
            len = at + 9;
          }
          case JsonTape.TRUE, JsonTape.FALSE -> {
            writer.putBool(at, kind == JsonTape.TRUE);
            len = at + 2;
          }
          default -> {
            writer.putNull(at);
            len = at + 1;
          }
        }
      }
      for (int q = 0; q < nodeAt.length; q++) {
        int node = nodeAt[q];
        System.arraycopy(images, q * NODE_SIZE_BYTES, buf, node, NODE_SIZE_BYTES);
        for (int p = patchStarts[q]; p < patchStarts[q + 1]; p++) {
          int target = patchTargets[p];
          putU32(buf, node + patchFields[p], target >= 0 ? entryAt[target] : nodeAt[-1 - target]);
        }
      }
      writer.length(len);
      return true;
    }

    /**
     * The layout of a document the general path wrote, from its recording.
     *
     * @param tape the document's tape
     * @param buf the written document
     * @param root where the tape's root container is
     * @param tokens the recorded entries' value tokens, in the order written
     * @param valueAts where their values went
     * @param keyBytes their tag and key bytes
     * @param entries number of recorded entries
     * @return the layout, or null if a node field points at no recorded entry or node
     */
    static Layout of(
        JsonTape tape,
        byte[] buf,
        int root,
        int[] tokens,
        int[] valueAts,
        int[] keyBytes,
        int entries) {
      int n = tape.size();
      byte[] kinds = new byte[n];
      int containers = 0;
      int keys = 0;
      int tails = 0;
      for (int i = 0; i < n; i++) {
        byte kind = tape.kind(i);
        kinds[i] = kind;
        switch (kind) {
          case JsonTape.OBJECT, JsonTape.ARRAY -> containers++;
          case JsonTape.KEY -> {
            keys++;
            tails += Math.max(0, tape.textLength(i) - 8);
          }
          default -> {}
        }
      }
      int[] containerTokens = new int[containers];
      int[] containerEnds = new int[containers];
      int[] keyTokens = new int[keys];
      long[] keyPrefixes = new long[keys];
      int[] keyLengths = new int[keys];
      byte[] keyTails = new byte[tails];
      containers = 0;
      keys = 0;
      tails = 0;
      for (int i = 0; i < n; i++) {
        switch (kinds[i]) {
          case JsonTape.OBJECT, JsonTape.ARRAY -> {
            containerTokens[containers] = i;
            containerEnds[containers++] = tape.end(i);
          }
          case JsonTape.KEY -> {
            int len = tape.textLength(i);
            keyTokens[keys] = i;
            keyPrefixes[keys] = tape.keyPrefix(i);
            keyLengths[keys++] = len;
            if (len > 8) {
              System.arraycopy(tape.bytes(), tape.textOffset(i) + 8, keyTails, tails, len - 8);
              tails += len - 8;
            }
          }
          default -> {}
        }
      }

      // Nodes: the root, each container value in the order written, then the split nodes that
      // the trees reach, found by walking every node's children.
      int[] nodeOffsets = new int[1 + entries];
      int nodes = 0;
      nodeOffsets[nodes++] = root;
      int[] entryNodes = new int[entries];
      for (int e = 0; e < entries; e++) {
        byte kind = tape.kind(tokens[e]);
        if (kind == JsonTape.OBJECT || kind == JsonTape.ARRAY) {
          entryNodes[e] = nodes;
          nodeOffsets[nodes++] = valueAts[e];
        } else {
          entryNodes[e] = -1;
        }
      }
      containers = nodes;
      // Every split node is the child of exactly one node, and no container is anyone's child.
      for (int q = 0; q < nodes; q++) {
        for (int j = 0; j <= KEY_COUNT_MAX; j++) {
          int child = u32(buf, nodeOffsets[q] + CHILD_OFS_OFFSET + 4 * j);
          if (child != 0) {
            if (nodes == nodeOffsets.length) {
              nodeOffsets = Arrays.copyOf(nodeOffsets, 2 * nodes);
            }
            nodeOffsets[nodes++] = child;
          }
        }
      }
      long[] byOffset = new long[nodes];
      for (int q = 0; q < nodes; q++) {
        byOffset[q] = (long) nodeOffsets[q] << 32 | q;
      }
      Arrays.sort(byOffset);
      int[] sortedNodes = new int[nodes];
      for (int q = 0; q < nodes; q++) {
        sortedNodes[q] = (int) (byOffset[q] >>> 32);
      }
      int[] splits = new int[nodes - containers];
      int[] splitIds = new int[splits.length];
      for (int q = 0, s = 0; q < nodes; q++) {
        int id = (int) byOffset[q];
        if (id >= containers) {
          splits[s] = sortedNodes[q];
          splitIds[s++] = id;
        }
      }

      // The program: entries (in the order written) and split nodes merged by offset.
      int ops = entries + splits.length;
      int[] program = new int[ops * OP_INTS];
      int[] opStarts = new int[ops];
      int entryByteCount = 0;
      for (int e = 0; e < entries; e++) {
        entryByteCount += Math.max(ENTRY_SLOT_BYTES, keyBytes[e]);
      }
      byte[] entryBytes = new byte[entryByteCount];
      // Room for the zeros of the last entry's slot.
      int fixedBytes = ENTRY_SLOT_BYTES;
      int written = 0;
      for (int op = 0, e = 0, s = 0; op < ops; op++) {
        int p = op * OP_INTS;
        boolean split =
            s < splits.length && (e == entries || splits[s] < valueAts[e] - keyBytes[e]);
        if (split) {
          program[p] = -1;
          program[p + 1] = splitIds[s];
          opStarts[op] = splits[s];
          fixedBytes += 3 + NODE_SIZE_BYTES;
          s++;
          continue;
        }
        int start = valueAts[e] - keyBytes[e];
        program[p] = tokens[e];
        program[p + 1] = entryNodes[e];
        program[p + 2] = written;
        program[p + 3] = keyBytes[e];
        opStarts[op] = start;
        System.arraycopy(buf, start, entryBytes, written, keyBytes[e]);
        written += Math.max(ENTRY_SLOT_BYTES, keyBytes[e]);
        fixedBytes += keyBytes[e] + valueFixedBytes(tape.kind(tokens[e]));
        e++;
      }

      // Node images, and which entry or node each offset field points at.
      byte[] images = new byte[nodes * NODE_SIZE_BYTES];
      int[] patchStarts = new int[nodes + 1];
      int[] patchFields = new int[nodes * (2 * KEY_COUNT_MAX + 1)];
      int[] patchTargets = new int[patchFields.length];
      int patches = 0;
      for (int q = 0; q < nodes; q++) {
        int node = nodeOffsets[q];
        System.arraycopy(buf, node, images, q * NODE_SIZE_BYTES, NODE_SIZE_BYTES);
        patchStarts[q] = patches;
        for (int j = 0; j < KEY_COUNT_MAX; j++) {
          int field = KV_OFS_OFFSET + 4 * j;
          int entry = u32(buf, node + field);
          if (entry != 0) {
            patchFields[patches] = field;
            int op = Arrays.binarySearch(opStarts, entry);
            if (op < 0) {
              return null;
            }
            patchTargets[patches++] = op;
          }
        }
        for (int j = 0; j <= KEY_COUNT_MAX; j++) {
          int field = CHILD_OFS_OFFSET + 4 * j;
          int child = u32(buf, node + field);
          if (child != 0) {
            patchFields[patches] = field;
            int sorted = Arrays.binarySearch(sortedNodes, child);
            if (sorted < 0) {
              return null;
            }
            patchTargets[patches++] = -1 - (int) byOffset[sorted];
          }
        }
      }
      patchStarts[nodes] = patches;
      return new Layout(
          kinds,
          tape.expectedKeys(),
          containerTokens,
          containerEnds,
          keyTokens,
          keyPrefixes,
          keyLengths,
          keyTails,
          program,
          entryBytes,
          fixedBytes,
          images,
          patchStarts,
          Arrays.copyOf(patchFields, patches),
          Arrays.copyOf(patchTargets, patches));
    }

    /** Bytes of a value of a kind apart from a string's text, with room to align it. */
    private static int valueFixedBytes(byte kind) {
      return switch (kind) {
        case JsonTape.OBJECT, JsonTape.ARRAY -> 3 + NODE_SIZE_BYTES;
        case JsonTape.STRING -> 3 + Lite3Writer.stringPayloadBytes(0) + 1;
        case JsonTape.I64, JsonTape.F64 -> 9;
        case JsonTape.TRUE, JsonTape.FALSE -> 2;
        default -> 1;
      };
    }
  }
}
