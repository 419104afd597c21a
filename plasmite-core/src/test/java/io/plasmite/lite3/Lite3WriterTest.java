package io.plasmite.lite3;

import static io.plasmite.lite3.Lite3NodeDescriptor.childOfs;
import static io.plasmite.lite3.Lite3NodeDescriptor.genType;
import static io.plasmite.lite3.Lite3NodeDescriptor.hash;
import static io.plasmite.lite3.Lite3NodeDescriptor.kvOfs;
import static io.plasmite.lite3.Lite3NodeDescriptor.sizeKc;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The worked examples of {@code lite3.md} §11, built with the SET primitive, byte for byte. */
class Lite3WriterTest {
  private static final int P_CONTAINER = Lite3Writer.containerPayloadBytes();

  /** §11.1, copied from the spec's hex dump (offsets on the left are checked). */
  private static final String ENVELOPE_DUMP =
      """
      0000  06 02 00 00 5f 91 95 7c cc 91 9a 7c 00 00 00 00
      0010  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
      0020  82 00 00 00 3a 01 00 00 62 00 00 00 00 00 00 00
      0030  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
      0040  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
      0050  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
      0060  00 00 14 6d 65 74 61 00 06 01 00 00 d4 55 9e 7c
      0070  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
      0080  00 00 00 00 00 00 00 00 41 00 00 00 ca 00 00 00
      0090  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
      00a0  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
      00b0  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
      00c0  00 00 00 00 00 00 00 00 00 00 14 74 61 67 73 00
      00d0  07 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00
      00e0  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
      00f0  41 00 00 00 30 01 00 00 00 00 00 00 00 00 00 00
      0100  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
      0110  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
      0120  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
      0130  05 02 00 00 00 61 00 00 00 00 14 64 61 74 61 00
      0140  06 01 00 00 06 b6 02 00 00 00 00 00 00 00 00 00
      0150  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
      0160  41 00 00 00 a0 01 00 00 00 00 00 00 00 00 00 00
      0170  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
      0180  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
      0190  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
      01a0  08 61 00 02 01 00 00 00 00 00 00 00
      """;

  private static byte[] parseDump(String dump) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String line : dump.strip().split("\n")) {
      String[] tokens = line.strip().split("\\s+");
      assertEquals(Integer.parseInt(tokens[0], 16), out.size(), "dump offset of " + line);
      for (int i = 1; i < tokens.length; i++) {
        out.write(Integer.parseInt(tokens[i], 16));
      }
    }
    return out.toByteArray();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static int member(Lite3Writer w, int container, String key, int payload) {
    byte[] k = utf8(key);
    return w.setMember(container, k, 0, k.length, payload);
  }

  private static int djb2(String key) {
    byte[] k = utf8(key);
    return Lite3Writer.djb2(k, 0, k.length);
  }

  private static void assertNode(
      byte[] b, int node, int genType, int sizeKc, int[] hashes, int[] kvOfs, int[] children) {
    String where = "node @" + node;
    assertEquals(genType, genType(b, node), where + " gen_type");
    assertEquals(sizeKc, sizeKc(b, node), where + " size_kc");
    for (int i = 0; i < 7; i++) {
      assertEquals(
          i < hashes.length ? hashes[i] : 0, hash(b, node, i), where + " hashes[" + i + "]");
      assertEquals(
          i < kvOfs.length ? kvOfs[i] : 0, kvOfs(b, node, i), where + " kv_ofs[" + i + "]");
    }
    for (int j = 0; j < 8; j++) {
      assertEquals(
          j < children.length ? children[j] : 0,
          childOfs(b, node, j),
          where + " child_ofs[" + j + "]");
    }
  }

  // ---------------------------------------------------------------- §11.1

  @Test
  void envelopeOfSection11_1() {
    byte[] expected = parseDump(ENVELOPE_DUMP);
    assertEquals(428, expected.length);

    Lite3Writer w = new Lite3Writer();
    int root = w.startObject();
    int meta = w.putContainer(member(w, root, "meta", P_CONTAINER), Lite3Type.OBJECT);
    int tags = w.putContainer(member(w, meta, "tags", P_CONTAINER), Lite3Type.ARRAY);
    int tag = w.appendElement(tags, Lite3Writer.stringPayloadBytes(1));
    w.putString(tag, utf8("a"), 0, 1);
    int data = w.putContainer(member(w, root, "data", P_CONTAINER), Lite3Type.OBJECT);
    w.putI64(member(w, data, "a", 8), 1);

    assertEquals(0x68, meta);
    assertEquals(0xd0, tags);
    assertEquals(0x130, tag);
    assertEquals(0x140, data);
    assertEquals(428, w.length());
    assertArrayEquals(expected, w.toByteArray(), () -> HexFormat.of().formatHex(w.toByteArray()));

    byte[] encoded = Lite3Encoder.encodeEnvelope(List.of("a"), "{\"a\":1}");
    assertArrayEquals(expected, encoded);
    assertArrayEquals(expected, new Lite3Encoder().envelope(List.of("a"), "{\"a\":1}"));
    Lite3Validator.validateEnvelope(expected);
    assertEquals("{\"a\":1}", Lite3Decoder.dataJson(expected));
    assertEquals(List.of("a"), Lite3Decoder.tags(expected));
    assertEquals(
        "{\"data\":{\"a\":1},\"meta\":{\"tags\":[\"a\"]}}", Lite3Decoder.documentJson(expected));

    // The public vector "one" (tag "x") differs in byte 0x135 only.
    byte[] one = Lite3Encoder.encodeEnvelope(List.of("x"), "{\"a\":1}");
    expected[0x135] = 'x';
    assertArrayEquals(expected, one);
  }

  @Test
  void writerIsReusable() {
    Lite3Writer w = new Lite3Writer();
    w.startArray();
    for (int i = 0; i < 200; i++) {
      int at = w.appendElement(0, Lite3Writer.stringPayloadBytes(40));
      w.putString(at, utf8("y".repeat(40)), 0, 40);
    }
    // A second, smaller document in the same writer: no bytes of the first may survive.
    int root = w.startObject();
    w.putI64(member(w, root, "a", 8), 1);
    assertEquals(108, w.length());
    Lite3Writer other = new Lite3Writer();
    other.startObject();
    other.putI64(member(other, 0, "a", 8), 1);
    assertArrayEquals(other.toByteArray(), w.toByteArray());
    assertEquals("{\"a\":1}", Lite3Decoder.documentJson(w.toByteArray()));
  }

  // ---------------------------------------------------------------- §6.1 and §4.1

  @ParameterizedTest(name = "djb2({0}) = {1}")
  @CsvSource({
    "'', 0x00001505",
    "a, 0x0002b606",
    "data, 0x7c95915f",
    "meta, 0x7c9a91cc",
    "tags, 0x7c9e55d4",
    "Ab, 0x00597308",
    "BA, 0x00597308"
  })
  void djb2Examples(String key, String hex) {
    assertEquals(Integer.parseUnsignedInt(hex.substring(2), 16), djb2(key));
  }

  @Test
  void djb2HashesUnsignedBytes() {
    // "é" is C3 A9: (5381 * 33 + 0xC3) * 33 + 0xA9.
    assertEquals((5381 * 33 + 0xC3) * 33 + 0xA9, djb2("é"));
    assertEquals(5381 * 33 + 0xFF, Lite3Writer.djb2(new byte[] {(byte) 0xFF}, 0, 1));
  }

  @ParameterizedTest(name = "K = {0} -> {1}-byte tag")
  @CsvSource({"1, 1", "2, 1", "63, 1", "64, 2", "16383, 2", "16384, 4", "100000, 4"})
  void tagSizeThresholds(int keySize, int tagSize) {
    assertEquals(tagSize, Lite3Writer.tagSize(keySize));
  }

  @ParameterizedTest(name = "key of {0} bytes")
  @CsvSource({
    "0, 04",
    "1, 08",
    "4, 14",
    "62, fc",
    "63, 0101",
    "64, 0501",
    "16382, fdff",
    "16383, 03000100",
    "16384, 07000100"
  })
  void keyTagsAsWritten(int keyBytes, String tagHex) {
    byte[] tag = HexFormat.of().parseHex(tagHex);
    String key = "k".repeat(keyBytes);
    Lite3Writer w = new Lite3Writer();
    int root = w.startObject();
    int at = member(w, root, key, 0);
    w.putNull(at);
    byte[] b = w.toByteArray();
    assertEquals(96, kvOfs(b, 0, 0));
    assertEquals(96 + tag.length + keyBytes + 1, at, "value offset");
    assertArrayEquals(tag, Arrays.copyOfRange(b, 96, 96 + tag.length));
    assertEquals(0, b[at - 1], "key terminator");
    assertEquals(at + 1, b.length);
    Lite3Validator.validate(b);
    assertEquals("{\"" + key + "\":null}", Lite3Decoder.documentJson(b));
    assertArrayEquals(b, Lite3Encoder.encodeDocument("{\"" + key + "\":null}"));
    Lite3Doc doc = Lite3Doc.of(b);
    assertEquals(at, doc.find(Lite3Doc.ROOT, key));
    assertEquals(-1, doc.find(Lite3Doc.ROOT, key + "k"));
  }

  @Test
  void keyBytesOfSection4_1() {
    Lite3Writer w = new Lite3Writer();
    int root = w.startObject();
    w.putNull(member(w, root, "meta", 0));
    byte[] b = w.toByteArray();
    assertArrayEquals(
        HexFormat.of().parseHex("146d65746100" + "00"), Arrays.copyOfRange(b, 96, 103));
  }

  // ---------------------------------------------------------------- §11.2

  @Test
  void hashCollisionOfSection11_2() {
    assertEquals(djb2("Ab"), djb2("BA"));
    Lite3Writer w = new Lite3Writer();
    int root = w.startObject();
    int ab = member(w, root, "Ab", 8);
    w.putI64(ab, 1);
    int ba = member(w, root, "BA", 8);
    w.putI64(ba, 2);
    byte[] b = w.toByteArray();

    assertEquals(96 + 4, ab);
    assertEquals(109 + 4, ba);
    assertEquals(122, b.length);
    assertNode(
        b, 0, 0x206, (2 << 6) | 2, new int[] {0x597308, 0x597309}, new int[] {96, 109}, new int[0]);
    assertArrayEquals(
        HexFormat.of()
            .parseHex("0c416200" + "020100000000000000" + "0c424100" + "020200000000000000"),
        Arrays.copyOfRange(b, 96, 122));
    assertArrayEquals(b, Lite3Encoder.encodeDocument("{\"Ab\":1,\"BA\":2}"));
    assertArrayEquals(b, Lite3Encoder.encodeDocument("{\"BA\":2,\"Ab\":1}"));
    assertEquals("{\"Ab\":1,\"BA\":2}", Lite3Decoder.documentJson(b));
    Lite3Validator.validate(b);
    Lite3Doc doc = Lite3Doc.of(b);
    assertEquals(ab, doc.find(Lite3Doc.ROOT, "Ab"));
    assertEquals(ba, doc.find(Lite3Doc.ROOT, "BA"));
    assertEquals(-1, doc.find(Lite3Doc.ROOT, "Ac"), "hash 0x597309 is taken by BA, not Ac");
  }

  @Test
  void probingPastSeveralCollisions() {
    // Eight keys with one DJB2 hash, then "Ac" whose own hash (h + 1) is already taken.
    String[] keys = {
      "AbAbAb", "AbAbBA", "AbBAAb", "AbBABA", "BAAbAb", "BAAbBA", "BABAAb", "BABABA"
    };
    Lite3Writer w = new Lite3Writer();
    int root = w.startObject();
    for (int i = 0; i < keys.length; i++) {
      assertEquals(djb2(keys[0]), djb2(keys[i]));
      w.putI64(member(w, root, keys[i], 8), i);
    }
    byte[] b = w.toByteArray();
    Lite3Validator.validate(b);
    Lite3Doc doc = Lite3Doc.of(b);
    for (int i = 0; i < keys.length; i++) {
      assertEquals(i, doc.i64(doc.find(Lite3Doc.ROOT, keys[i])), keys[i]);
    }
    assertEquals(keys.length, doc.size(Lite3Doc.ROOT));
    StringBuilder json = new StringBuilder("{");
    for (int i = 0; i < keys.length; i++) {
      json.append(i == 0 ? "" : ",").append('"').append(keys[i]).append("\":").append(i);
    }
    String expected = json.append('}').toString();
    assertEquals(expected, Lite3Decoder.documentJson(b));
    assertArrayEquals(b, Lite3Encoder.encodeDocument(expected));
  }

  // ---------------------------------------------------------------- §11.3

  @Test
  void rootSplitOfSection11_3() {
    Lite3Writer w = new Lite3Writer();
    int root = w.startArray();
    int[] at = new int[8];
    for (int i = 0; i < 8; i++) {
      at[i] = w.appendElement(root, 8);
      w.putI64(at[i], 10 + i);
    }
    byte[] b = w.toByteArray();
    assertEquals(361, b.length);
    assertArrayEquals(new int[] {0x60, 0x69, 0x72, 0x7b, 0x84, 0x8d, 0x96, 352}, at);
    assertEquals(0, b[159], "alignment gap before the split nodes");
    assertNode(b, 0, 0x807, 0x201, new int[] {3}, new int[] {123}, new int[] {160, 256});
    assertNode(b, 160, 0x807, 0x3, new int[] {0, 1, 2}, new int[] {96, 105, 114}, new int[0]);
    assertNode(
        b, 256, 0x007, 0x4, new int[] {4, 5, 6, 7}, new int[] {132, 141, 150, 352}, new int[0]);
    assertArrayEquals(
        HexFormat.of().parseHex("021100000000000000"), Arrays.copyOfRange(b, 352, 361));
    assertArrayEquals(b, Lite3Encoder.encodeDocument("[10,11,12,13,14,15,16,17]"));
    assertEquals("[10,11,12,13,14,15,16,17]", Lite3Decoder.documentJson(b));
    Lite3Validator.validate(b);
    Lite3Doc doc = Lite3Doc.of(b);
    for (int i = 0; i < 8; i++) {
      assertEquals(at[i], doc.element(Lite3Doc.ROOT, i));
    }
    assertEquals(-1, doc.element(Lite3Doc.ROOT, 8));
  }

  // ---------------------------------------------------------------- §11.4

  @Test
  void duplicateKeyRelocates() {
    // {"k":null,"k":true}: P = 1 >= old 1, so the entry moves.
    Lite3Writer w = new Lite3Writer();
    int root = w.startObject();
    int first = member(w, root, "k", 0);
    w.putNull(first);
    int second = member(w, root, "k", 1);
    w.putBool(second, true);
    byte[] b = w.toByteArray();

    assertEquals(99, first);
    assertEquals(103, second);
    byte[] expected = new byte[105];
    expected[0] = 6;
    expected[1] = 2; // gen 2
    Lite3NodeDescriptor.setHash(expected, 0, 0, djb2("k"));
    Lite3NodeDescriptor.setSizeKc(expected, 0, (1 << 6) | 1);
    Lite3NodeDescriptor.setKvOfs(expected, 0, 0, 100);
    System.arraycopy(HexFormat.of().parseHex("086b000101"), 0, expected, 100, 5);
    assertArrayEquals(expected, b, () -> HexFormat.of().formatHex(b));
    assertEquals("{\"k\":true}", Lite3Decoder.documentJson(b));
    Lite3Validator.validate(b);
  }

  @Test
  void duplicateKeyOverwritesInPlace() {
    // {"k":5,"k":"hi"}: P = 7 < old 9, so the value is replaced where it is.
    Lite3Writer w = new Lite3Writer();
    int root = w.startObject();
    int first = member(w, root, "k", 8);
    w.putI64(first, 5);
    int second = member(w, root, "k", Lite3Writer.stringPayloadBytes(2));
    w.putString(second, utf8("hi"), 0, 2);
    byte[] b = w.toByteArray();

    assertEquals(99, first);
    assertEquals(99, second);
    assertEquals(108, b.length);
    assertEquals(0x206, genType(b, 0));
    assertEquals((1 << 6) | 1, sizeKc(b, 0));
    assertEquals(96, kvOfs(b, 0, 0));
    assertArrayEquals(
        HexFormat.of().parseHex("086b00" + "050300000068690000"), Arrays.copyOfRange(b, 96, 108));
    assertEquals("{\"k\":\"hi\"}", Lite3Decoder.documentJson(b));
    Lite3Validator.validate(b);
  }

  @Test
  void duplicateKeyPutsAContainerAtAnUnalignedOffset() {
    // {"k":"<100 bytes>","k":{}}: P = 95 < old 106, so the node lands on the string, at 99.
    Lite3Writer w = new Lite3Writer();
    int root = w.startObject();
    int first = member(w, root, "k", Lite3Writer.stringPayloadBytes(100));
    w.putString(first, utf8("x".repeat(100)), 0, 100);
    assertEquals(205, w.length());
    int node = w.putContainer(member(w, root, "k", P_CONTAINER), Lite3Type.OBJECT);
    byte[] b = w.toByteArray();

    assertEquals(99, first);
    assertEquals(99, node);
    assertEquals(205, b.length);
    assertEquals(96, kvOfs(b, 0, 0));
    assertEquals(0x206, genType(b, 0));
    byte[] fresh = new byte[106];
    fresh[0] = 6;
    assertArrayEquals(fresh, Arrays.copyOfRange(b, 99, 205), "fresh node, old string zeroed");
    assertEquals("{\"k\":{}}", Lite3Decoder.documentJson(b));
    Lite3Validator.validate(b);

    // The unaligned container works like any other.
    w.putI64(member(w, node, "z", 8), 7);
    byte[] filled = w.toByteArray();
    assertEquals(0x106, genType(filled, 99));
    assertEquals(205, kvOfs(filled, 99, 0));
    assertEquals("{\"k\":{\"z\":7}}", Lite3Decoder.documentJson(filled));
    Lite3Validator.validate(filled);
    Lite3Doc doc = Lite3Doc.of(filled);
    assertEquals(7, doc.i64(doc.find(doc.find(Lite3Doc.ROOT, "k"), "z")));
  }

  @ParameterizedTest(name = "string of {0} bytes: padding {1}")
  @CsvSource({"89, 0", "90, 1", "91, 0", "0, 0"})
  void onlyPayloadsOf95BytesArePadded(int length, int pad) {
    Lite3Writer w = new Lite3Writer();
    int root = w.startObject();
    int at = member(w, root, "s", Lite3Writer.stringPayloadBytes(length));
    w.putString(at, utf8("s".repeat(length)), 0, length);
    byte[] b = w.toByteArray();
    assertEquals(96 + pad, kvOfs(b, 0, 0));
    assertEquals(99 + pad, at);
    assertEquals(99 + pad + 5 + length + 1, b.length);
    assertArrayEquals(b, Lite3Encoder.encodeDocument("{\"s\":\"" + "s".repeat(length) + "\"}"));
  }

  // ---------------------------------------------------------------- tag-size collisions (§6.2)

  /**
   * A key of {@code length} ASCII bytes (A..Z, [\]^_`, a) whose DJB2 hash is {@code target}.
   *
   * <p>{@code djb2(y) = 5381·33^m + Σ y_j·33^(m-1-j)}; with {@code y_j = 'A' + e_j} and {@code 0 <=
   * e_j <= 32} this is {@code djb2("A"*m) + E} where {@code E} is the base-33 number with digits
   * {@code e_j}. Every {@code E < 2^32} fits in the last 7 digits.
   */
  static byte[] keyWithHash(int target, int length) {
    byte[] key = new byte[length];
    Arrays.fill(key, (byte) 'A');
    long e = Integer.toUnsignedLong(target - Lite3Writer.djb2(key, 0, length));
    for (int j = length - 1; j >= 0 && e > 0; j--) {
      key[j] = (byte) ('A' + e % 33);
      e /= 33;
    }
    return key;
  }

  @ParameterizedTest(name = "{0}-byte key vs {1}-byte key")
  @CsvSource({"1, 63", "62, 63", "10, 100", "100, 16383", "16382, 16383"})
  void keysWithEqualHashesButDifferentTagSizesAreRefused(int shortLength, int longLength) {
    byte[] shortKey = keyWithHash(0x1234_5678, shortLength);
    shortKey[0] = 'q'; // any short key will do; take the hash from it
    int h = Lite3Writer.djb2(shortKey, 0, shortKey.length);
    byte[] longKey = keyWithHash(h, longLength);
    assertEquals(h, Lite3Writer.djb2(longKey, 0, longKey.length));
    assertNotEquals(
        Lite3Writer.tagSize(shortKey.length + 1), Lite3Writer.tagSize(longKey.length + 1));

    for (boolean shortFirst : new boolean[] {true, false}) {
      byte[] a = shortFirst ? shortKey : longKey;
      byte[] c = shortFirst ? longKey : shortKey;
      Lite3Writer w = new Lite3Writer();
      int root = w.startObject();
      w.putNull(w.setMember(root, a, 0, a.length, 0));
      PlasmiteException e =
          assertThrows(PlasmiteException.class, () -> w.setMember(root, c, 0, c.length, 0));
      assertEquals(ErrorKind.USAGE, e.kind(), e.toString());
    }

    String json =
        "{\""
            + new String(shortKey, StandardCharsets.US_ASCII).replace("\\", "\\\\")
            + "\":1,\""
            + new String(longKey, StandardCharsets.US_ASCII).replace("\\", "\\\\")
            + "\":2}";
    PlasmiteException doc =
        assertThrows(PlasmiteException.class, () -> Lite3Encoder.encodeDocument(json));
    assertEquals(ErrorKind.USAGE, doc.kind(), doc.toString());
    PlasmiteException envelope =
        assertThrows(PlasmiteException.class, () -> Lite3Encoder.encodeEnvelope(List.of(), json));
    assertEquals(ErrorKind.USAGE, envelope.kind(), envelope.toString());
  }

  @Test
  void keyWithHashHitsItsTarget() {
    for (int target : new int[] {0, 1, -1, 0x597308, 0x7c95915f, Integer.MIN_VALUE}) {
      for (int length : new int[] {7, 8, 63, 64}) {
        byte[] k = keyWithHash(target, length);
        assertEquals(target, Lite3Writer.djb2(k, 0, k.length), target + "/" + length);
      }
    }
  }
}
