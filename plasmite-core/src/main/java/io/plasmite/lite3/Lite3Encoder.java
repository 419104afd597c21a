package io.plasmite.lite3;

import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import io.plasmite.json.JsonTape;
import io.plasmite.json.Utf8;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * JSON text to Lite3 bytes, byte-identical to the reference encoder ({@code json.md} §1, {@code
 * lite3.md} §8).
 *
 * <p>The JSON is parsed strictly; in every object the last of duplicate keys wins and members are
 * written in UTF-8 byte order of their keys, as the reference does by passing the data through a
 * sorted map before encoding. A message payload is the envelope {@code
 * {"meta":{"tags":[...]},"data":{...}}}:
 *
 * <pre>{@code
 * byte[] payload = Lite3Encoder.encodeEnvelope(List.of("orders"), "{\"id\":7}");
 * }</pre>
 *
 * <p>Instances are reusable and not thread-safe; the static methods use one per thread.
 */
public final class Lite3Encoder {
  /** Most nested containers in a document, counting the root. */
  public static final int DEPTH_MAX = 32;

  /** Most nested containers in a message's {@code data}, counting {@code data} itself. */
  public static final int DATA_DEPTH_MAX = DEPTH_MAX - 1;

  private static final byte[] META = "meta".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TAGS = "tags".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);
  private static final int SMALL_SORT = 12;

  private static final ThreadLocal<Lite3Encoder> PER_THREAD =
      ThreadLocal.withInitial(Lite3Encoder::new);

  private final JsonTape tape = new JsonTape();
  private final Lite3Writer writer = new Lite3Writer();
  private final DocumentLayouts layouts = new DocumentLayouts();
  private boolean recording;
  private long layoutReplays;
  // A stack of member indices: each object being written sorts its own slice.
  private int[] members = new int[64];
  private int membersTop;
  private int[] mergeScratch = new int[0];
  private static final int TAG_CACHE_SIZE = 4;
  private final String[] tagCacheNames = new String[TAG_CACHE_SIZE];
  private final byte[][] tagCacheUtf8 = new byte[TAG_CACHE_SIZE][];
  // The envelope up to data's members for headTags (null: none yet), and where data's node is.
  private List<String> headTags;
  private byte[] head;
  private int headDataOffset;

  /** Creates an encoder. */
  public Lite3Encoder() {}

  /**
   * Encodes a message envelope using this thread's encoder.
   *
   * @param tags the message tags, in order
   * @param dataJson a JSON object
   * @return the Lite3 payload
   * @throws PlasmiteException of kind Usage if the JSON is invalid, not an object or too deep
   */
  public static byte[] encodeEnvelope(List<String> tags, String dataJson) {
    return PER_THREAD.get().envelope(tags, dataJson);
  }

  /**
   * Encodes a message envelope from UTF-8 JSON using this thread's encoder.
   *
   * @param tags the message tags, in order
   * @param dataJson UTF-8 JSON text of an object
   * @return the Lite3 payload
   * @throws PlasmiteException of kind Usage if the JSON is invalid, not an object or too deep
   */
  public static byte[] encodeEnvelope(List<String> tags, byte[] dataJson) {
    return PER_THREAD.get().envelope(tags, dataJson, 0, dataJson.length);
  }

  /**
   * Encodes a JSON object or array as a Lite3 document using this thread's encoder.
   *
   * @param json JSON text whose root is an object or array
   * @return the Lite3 document
   * @throws PlasmiteException of kind Usage if the JSON is invalid, a scalar or too deep
   */
  public static byte[] encodeDocument(String json) {
    return PER_THREAD.get().document(json);
  }

  /**
   * Encodes a message envelope.
   *
   * @param tags the message tags, in order
   * @param dataJson a JSON object
   * @return the Lite3 payload
   */
  public byte[] envelope(List<String> tags, String dataJson) {
    tape.parse(dataJson, DATA_DEPTH_MAX);
    return envelopeFromTape(tags);
  }

  /**
   * Encodes a message envelope from UTF-8 JSON.
   *
   * @param tags the message tags, in order
   * @param json UTF-8 JSON text of an object
   * @param off first byte
   * @param len number of bytes
   * @return the Lite3 payload
   */
  public byte[] envelope(List<String> tags, byte[] json, int off, int len) {
    tape.parse(json, off, len, DATA_DEPTH_MAX);
    return envelopeFromTape(tags);
  }

  /**
   * Encodes a JSON object or array as a Lite3 document.
   *
   * @param json JSON text whose root is an object or array
   * @return the Lite3 document
   */
  public byte[] document(String json) {
    tape.parse(json, DEPTH_MAX);
    byte kind = tape.kind(0);
    if (kind != JsonTape.OBJECT && kind != JsonTape.ARRAY) {
      throw PlasmiteException.of(ErrorKind.USAGE, "a Lite3 document must be an object or array")
          .withHint("wrap the value in an object");
    }
    int root = kind == JsonTape.OBJECT ? writer.startObject() : writer.startArray();
    fillRoot(root);
    return writer.toByteArray();
  }

  private byte[] envelopeFromTape(List<String> tags) {
    if (tape.kind(0) != JsonTape.OBJECT) {
      throw PlasmiteException.of(ErrorKind.USAGE, "data must be object")
          .withHint("wrap the value, e.g. {\"value\": ...}");
    }
    // Everything before data's members depends on the tags alone, and a stream's messages tend to
    // share them: the head is built once per tag list and copied after.
    if (!tags.equals(headTags)) {
      headTags = null;
      headDataOffset = head(tags);
      head = writer.snapshot();
      headTags = List.copyOf(tags);
    } else {
      writer.restore(head);
    }
    fillRoot(headDataOffset);
    return writer.toByteArray();
  }

  /**
   * Starts an envelope: the root, {@code meta} with its tags, and an empty {@code data} object.
   *
   * @return the offset of {@code data}'s container
   */
  private int head(List<String> tags) {
    int root = writer.startObject();
    // The reference envelope text is {"meta":{"tags":[...]},"data":...}: meta first.
    int meta = writer.putContainer(member(root, META), Lite3Type.OBJECT);
    int tagArray =
        writer.putContainer(
            writer.setMember(meta, TAGS, 0, TAGS.length, Lite3Writer.containerPayloadBytes()),
            Lite3Type.ARRAY);
    int t = 0;
    for (String tag : tags) {
      byte[] utf8 = tagUtf8(t++, tag);
      int at = writer.appendElement(tagArray, Lite3Writer.stringPayloadBytes(utf8.length));
      writer.putString(at, utf8, 0, utf8.length);
    }
    return writer.putContainer(member(root, DATA), Lite3Type.OBJECT);
  }

  /** UTF-8 of the {@code t}-th tag; the last few tags' bytes are kept, as tags tend to repeat. */
  private byte[] tagUtf8(int t, String tag) {
    if (t < TAG_CACHE_SIZE && tagCacheNames[t] == tag) {
      return tagCacheUtf8[t];
    }
    byte[] utf8 = Utf8.encode(tag);
    if (utf8 == null) {
      throw PlasmiteException.of(ErrorKind.USAGE, "tag holds a lone surrogate: " + tag);
    }
    if (t < TAG_CACHE_SIZE) {
      tagCacheNames[t] = tag;
      tagCacheUtf8[t] = utf8;
    }
    return utf8;
  }

  private int member(int container, byte[] key) {
    return writer.setMember(container, key, 0, key.length, Lite3Writer.containerPayloadBytes());
  }

  /**
   * Fills the empty container at {@code node} with the tape's root: as a remembered document layout
   * says when the tape has one, else member by member (recording the layout the second time the
   * tape's shape comes).
   */
  private void fillRoot(int node) {
    if (tape.size() <= DocumentLayouts.TOKENS_MAX && !tape.keysHoldNul()) {
      DocumentLayouts.Layout layout = layouts.find(tape);
      if (layout != null) {
        if (layout.replay(tape, writer, node)) {
          layoutReplays++;
          return;
        }
      } else if (layouts.seenBefore(tape)) {
        layouts.startRecording();
        recording = true;
        try {
          fill(node, 0);
        } finally {
          recording = false;
        }
        layouts.remember(tape, writer.buffer(), node);
        return;
      }
    }
    fill(node, 0);
  }

  /** Documents written from a remembered layout, for tests. */
  long layoutReplays() {
    return layoutReplays;
  }

  /** Fills the container at {@code node} with the members or elements of tape token {@code i}. */
  private void fill(int node, int i) {
    if (tape.kind(i) == JsonTape.ARRAY) {
      for (int v = i + 1, end = tape.end(i); v < end; v = tape.next(v)) {
        put(node, v, null, 0, 0, 0);
      }
      return;
    }
    int n = tape.count(i);
    int base = membersTop;
    if (members.length < base + n) {
      members = Arrays.copyOf(members, Math.max(members.length * 2, base + n));
    }
    int k = base;
    for (int key = i + 1, end = tape.end(i); key < end; key = tape.next(key + 1)) {
      members[k++] = key;
    }
    membersTop = k;
    sortKeys(base, k);
    byte[] text = tape.bytes();
    boolean nul = tape.keysHoldNul();
    for (int m = base; m < k; m++) {
      int key = members[m];
      // Stable sort: of equal keys, the last one in the document wins.
      if (m + 1 < k && compareKeys(key, members[m + 1]) == 0) {
        continue;
      }
      int off = tape.textOffset(key);
      int len = tape.textLength(key);
      int hash = tape.keyHash(key);
      if (nul) {
        // Lite3 keys end at their first NUL, as the reference cuts C strings.
        for (int z = 0; z < len; z++) {
          if (text[off + z] == 0) {
            len = z;
            hash = Lite3Writer.djb2(text, off, len);
            break;
          }
        }
      }
      put(node, key + 1, text, off, len, hash);
    }
    membersTop = base;
  }

  /** Writes tape value {@code v} as a member ({@code key != null}) or element of {@code node}. */
  private void put(int node, int v, byte[] key, int keyOff, int keyLen, int keyHash) {
    byte kind = tape.kind(v);
    int payload =
        switch (kind) {
          case JsonTape.OBJECT, JsonTape.ARRAY -> Lite3Writer.containerPayloadBytes();
          case JsonTape.STRING -> Lite3Writer.stringPayloadBytes(tape.textLength(v));
          case JsonTape.I64, JsonTape.F64 -> 8;
          case JsonTape.TRUE, JsonTape.FALSE -> 1;
          default -> 0;
        };
    int at =
        key == null
            ? writer.appendElement(node, payload)
            : writer.setMember(node, key, keyOff, keyLen, keyHash, payload);
    if (recording) {
      layouts.record(v, at, key == null ? 0 : Lite3Writer.memberKeyBytes(keyLen));
    }
    switch (kind) {
      case JsonTape.OBJECT -> fill(writer.putContainer(at, Lite3Type.OBJECT), v);
      case JsonTape.ARRAY -> fill(writer.putContainer(at, Lite3Type.ARRAY), v);
      case JsonTape.STRING ->
          writer.putString(at, tape.bytes(), tape.textOffset(v), tape.textLength(v));
      case JsonTape.I64 -> writer.putI64(at, tape.longValue(v));
      case JsonTape.F64 -> writer.putF64(at, tape.doubleValue(v));
      case JsonTape.TRUE -> writer.putBool(at, true);
      case JsonTape.FALSE -> writer.putBool(at, false);
      default -> writer.putNull(at);
    }
  }

  /** Stable sort of {@code members[from, to)} by key bytes (unsigned). */
  private void sortKeys(int from, int to) {
    if (to - from <= SMALL_SORT) {
      for (int i = from + 1; i < to; i++) {
        int x = members[i];
        int j = i - 1;
        while (j >= from && compareKeys(members[j], x) > 0) {
          members[j + 1] = members[j];
          j--;
        }
        members[j + 1] = x;
      }
      return;
    }
    if (mergeScratch.length < to - from) {
      mergeScratch = new int[Math.max(to - from, mergeScratch.length * 2)];
    }
    mergeSort(from, to);
  }

  private void mergeSort(int from, int to) {
    if (to - from <= SMALL_SORT) {
      sortKeys(from, to);
      return;
    }
    int mid = (from + to) >>> 1;
    mergeSort(from, mid);
    mergeSort(mid, to);
    if (compareKeys(members[mid - 1], members[mid]) <= 0) {
      return;
    }
    int n = to - from;
    System.arraycopy(members, from, mergeScratch, 0, n);
    int l = 0;
    int lEnd = mid - from;
    int r = lEnd;
    int o = from;
    while (l < lEnd && r < n) {
      members[o++] =
          compareKeys(mergeScratch[r], mergeScratch[l]) < 0 ? mergeScratch[r++] : mergeScratch[l++];
    }
    while (l < lEnd) {
      members[o++] = mergeScratch[l++];
    }
    while (r < n) {
      members[o++] = mergeScratch[r++];
    }
  }

  private int compareKeys(int x, int y) {
    long px = tape.keyPrefix(x);
    long py = tape.keyPrefix(y);
    if (px != py) {
      return Long.compareUnsigned(px, py);
    }
    byte[] text = tape.bytes();
    int xo = tape.textOffset(x);
    int yo = tape.textOffset(y);
    return Arrays.compareUnsigned(
        text, xo, xo + tape.textLength(x), text, yo, yo + tape.textLength(y));
  }
}
