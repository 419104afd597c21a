package io.plasmite.lite3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Property: damaged Lite3 bytes never make a reader fail other than with a Corrupt error, never
 * hang, never print more than a bounded amount, and whatever the strict validator accepts the
 * decoder can print.
 *
 * <p>Valid payloads (the golden vectors and generated envelopes) are mutated in many ways; each
 * mutated buffer has its own seed. All faults of a run are collected and reported together, one
 * example (seed, mutation, hex) per kind of fault.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Lite3CorruptionPropertyTest {
  private static final Long ONLY_SEED = Long.getLong("lite3.seed");
  private static final HexFormat HEX = HexFormat.of();

  /** Valid payloads to start from, smallest first. */
  private static List<byte[]> sources;

  private static int smallSources;

  @BeforeAll
  static void loadSources() throws IOException {
    List<byte[]> all = new ArrayList<>();
    for (Lite3VectorTest.Vector v : Lite3VectorTest.vectors().toList()) {
      if (v.lite3() != null) {
        all.add(v.lite3());
      }
    }
    for (long seed = 0; seed < 300; seed++) {
      RandomJson gen = new RandomJson(new SplittableRandom(0xC0FFEE00L + seed));
      RandomJson.Shape shape =
          seed % 10 == 0
              ? new RandomJson.Shape(200, 20, 20, 40, (int) (seed % 4), 0, 0)
              : new RandomJson.Shape(30, 6, 6, 40, (int) (seed % 4), seed % 7 == 0 ? 12 : 0, 0);
      RandomJson.Obj data = gen.data(shape);
      all.add(Lite3Encoder.encodeEnvelope(gen.tags(), RandomJson.canonical(data)));
    }
    all.sort((x, y) -> Integer.compare(x.length, y.length));
    sources = all;
    int small = 0;
    while (small < all.size() && all.get(small).length <= 4096) {
      small++;
    }
    smallSources = small;
    for (byte[] s : all) {
      Lite3Validator.validateEnvelope(s);
    }
  }

  // ---------------------------------------------------------------- the properties

  @Test
  void mutatedPayloadsFailOnlyAsCorrupt() {
    Faults faults = new Faults();
    int checked = 0;
    for (int i = 0; i < 30_000; i++) {
      long seed = 0x10_0000L + i;
      if (ONLY_SEED != null && ONLY_SEED != seed) {
        continue;
      }
      SplittableRandom rng = new SplittableRandom(seed);
      byte[] source = pickSource(rng);
      StringBuilder how = new StringBuilder();
      byte[] b = mutate(rng, source, how);
      check(b, seed, how.toString(), faults);
      checked++;
    }
    // The "accepted implies decodable" rule was put to the test, not only the refusals.
    assertTrue(faults.accepted > 1000, "only " + faults.accepted + " mutated buffers were valid");
    faults.assertNone(checked);
  }

  @Test
  void everyTruncationOfSmallPayloadsFailsOnlyAsCorrupt() {
    Faults faults = new Faults();
    int checked = 0;
    int tiny = 0;
    while (tiny < sources.size() && sources.get(tiny).length <= 700) {
      tiny++;
    }
    for (int s = 0; s < 24; s++) {
      int index = s * tiny / 24;
      byte[] source = sources.get(index);
      for (int n = 0; n < source.length; n++) {
        long seed = 0x20_0000L + ((long) index << 16) + n;
        if (ONLY_SEED != null && ONLY_SEED != seed) {
          continue;
        }
        check(Arrays.copyOf(source, n), seed, "source " + index + " truncated to " + n, faults);
        checked++;
      }
    }
    faults.assertNone(checked);
  }

  @Test
  void randomBuffersFailOnlyAsCorrupt() {
    Faults faults = new Faults();
    int checked = 0;
    for (int i = 0; i < 20_000; i++) {
      long seed = 0x30_0000L + i;
      if (ONLY_SEED != null && ONLY_SEED != seed) {
        continue;
      }
      SplittableRandom rng = new SplittableRandom(seed);
      byte[] b;
      String how;
      if (i % 2 == 0) {
        b = new byte[rng.nextInt(10) == 0 ? rng.nextInt(96) : 96 + rng.nextInt(900)];
        rng.nextBytes(b);
        if (b.length > 0) {
          b[0] = (byte) (6 + rng.nextInt(2));
        }
        how = "random bytes";
      } else {
        b = nodeSoup(rng);
        how = "random node soup";
      }
      check(b, seed, how, faults);
      checked++;
    }
    faults.assertNone(checked);
  }

  @Test
  void unmodifiedSourcesDecode() {
    for (byte[] s : sources) {
      String data = Lite3Decoder.dataJson(s);
      assertTrue(data.startsWith("{"));
      Lite3Decoder.tags(s);
      Lite3Decoder.documentJson(s);
    }
  }

  /**
   * Minimal reproducer: an object member whose value type byte (6, object) is the last byte of the
   * buffer. The strict validator must refuse it as Corrupt.
   */
  @Test
  void containerValueAtTheVeryEndIsCorrupt() {
    byte[] b = new byte[100];
    b[0] = 6; // root object
    int h = Lite3Writer.djb2(new byte[] {'a'}, 0, 1);
    Lite3NodeDescriptor.setHash(b, 0, 0, h);
    Lite3NodeDescriptor.setSizeKc(b, 0, (1 << 6) | 1);
    Lite3NodeDescriptor.setKvOfs(b, 0, 0, 96);
    b[96] = 8; // tag: K = 2
    b[97] = 'a';
    b[98] = 0;
    b[99] = 6; // an object value, but only 1 of its 96 bytes is there
    PlasmiteException e = assertThrows(PlasmiteException.class, () -> Lite3Validator.validate(b));
    assertEquals(ErrorKind.CORRUPT, e.kind());
    PlasmiteException d = assertThrows(PlasmiteException.class, () -> Lite3Decoder.documentJson(b));
    assertEquals(ErrorKind.CORRUPT, d.kind());
  }

  // ---------------------------------------------------------------- checking one buffer

  /** Failures grouped by kind, one example each. */
  private static final class Faults {
    private final Map<String, String> examples = new LinkedHashMap<>();
    private int count;
    private int accepted;

    void add(String signature, String example) {
      count++;
      examples.putIfAbsent(signature, example);
    }

    void assertNone(int checked) {
      assertTrue(checked > 0, "no buffers checked");
      if (count == 0) {
        return;
      }
      StringBuilder sb =
          new StringBuilder()
              .append(count)
              .append(" of ")
              .append(checked)
              .append(" buffers broke a rule; ")
              .append(examples.size())
              .append(" kind(s), one example each (rerun one with -Dlite3.seed=<seed>):");
      examples.forEach((sig, ex) -> sb.append("\n\n* ").append(sig).append("\n  ").append(ex));
      fail(sb.toString());
    }
  }

  private static void check(byte[] b, long seed, String how, Faults faults) {
    long bound = 8L * b.length + 64;
    Outcome strict = run(() -> Lite3Validator.validate(b));
    Outcome envelope = run(() -> Lite3Validator.validateEnvelope(b));
    Outcome data = call(() -> Lite3Decoder.dataJson(b));
    Outcome tags = call(() -> Lite3Decoder.tags(b));
    Outcome document = call(() -> Lite3Decoder.documentJson(b));
    Outcome walk = run(() -> docWalk(b));
    if (strict.ok()) {
      faults.accepted++;
    }
    String[] ops = {"validate", "validateEnvelope", "dataJson", "tags", "documentJson", "Lite3Doc"};
    Outcome[] outcomes = {strict, envelope, data, tags, document, walk};
    for (int k = 0; k < ops.length; k++) {
      Throwable t = outcomes[k].error;
      if (t == null) {
        continue;
      }
      if (t instanceof PlasmiteException p && p.kind() == ErrorKind.CORRUPT) {
        continue;
      }
      faults.add(ops[k] + " threw " + signature(t), example(seed, how, b, t));
    }
    for (int k : new int[] {2, 4}) {
      if (outcomes[k].value instanceof String s && utf8Length(s) > bound) {
        faults.add(
            ops[k] + " printed more than 8 x input + 64 bytes",
            example(seed, how, b, null) + "\n  printed " + utf8Length(s) + " bytes");
      }
    }
    if (envelope.ok() && !(data.ok() && tags.ok())) {
      Throwable t = data.ok() ? tags.error : data.error;
      faults.add(
          "validateEnvelope accepted but the decoder refused: " + signature(t),
          example(seed, how, b, t));
    }
    if (strict.ok() && !document.ok()) {
      faults.add(
          "validate accepted but documentJson refused: " + signature(document.error),
          example(seed, how, b, document.error));
    }
    if (envelope.ok() && !strict.ok()) {
      faults.add("validateEnvelope accepted what validate refused", example(seed, how, b, null));
    }
  }

  private record Outcome(Object value, Throwable error) {
    boolean ok() {
      return error == null;
    }
  }

  private static Outcome call(Supplier<Object> op) {
    try {
      return new Outcome(op.get(), null);
    } catch (Throwable t) {
      if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) {
        throw (VirtualMachineError) t;
      }
      return new Outcome(null, t);
    }
  }

  private static Outcome run(Runnable op) {
    return call(
        () -> {
          op.run();
          return null;
        });
  }

  private static String signature(Throwable t) {
    if (t instanceof PlasmiteException p) {
      return "PlasmiteException of kind " + p.kind();
    }
    for (StackTraceElement e : t.getStackTrace()) {
      if (e.getClassName().startsWith("io.plasmite.")
          && !e.getClassName().contains("CorruptionPropertyTest")) {
        return t.getClass().getName() + " at " + e;
      }
    }
    return t.getClass().getName();
  }

  private static String example(long seed, String how, byte[] b, Throwable t) {
    String hex =
        b.length <= 4096
            ? HEX.formatHex(b)
            : HEX.formatHex(b, 0, 4096) + "... (" + b.length + " bytes)";
    return "seed "
        + seed
        + ", "
        + how
        + (t == null ? "" : ", " + t)
        + "\n  length "
        + b.length
        + ", hex "
        + hex;
  }

  private static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
    }
    return n;
  }

  /** Reads everything reachable through {@link Lite3Doc}, with a cap on the work. */
  private static void docWalk(byte[] b) {
    Lite3Doc doc = Lite3Doc.of(b);
    int[] budget = {3000};
    if (doc.type(Lite3Doc.ROOT) == Lite3Type.OBJECT) {
      int meta = doc.find(Lite3Doc.ROOT, "meta");
      if (meta >= 0 && doc.type(meta) == Lite3Type.OBJECT) {
        int tags = doc.find(meta, "tags");
        if (tags >= 0 && doc.type(tags) == Lite3Type.ARRAY) {
          walkValue(doc, tags, 2, budget);
        }
      }
      int data = doc.find(Lite3Doc.ROOT, "data");
      if (data >= 0) {
        walkValue(doc, data, 1, budget);
      }
    }
    walkValue(doc, Lite3Doc.ROOT, 0, budget);
  }

  private static void walkValue(Lite3Doc doc, int v, int depth, int[] budget) {
    if (depth > 40 || --budget[0] < 0) {
      return;
    }
    switch (doc.type(v)) {
      case OBJECT -> {
        doc.size(v);
        doc.forEachMember(
            v,
            (key, value) -> {
              if (budget[0] > 0) {
                doc.find(v, key);
                walkValue(doc, value, depth + 1, budget);
              }
            });
      }
      case ARRAY -> {
        int n = doc.size(v);
        if (n > 0) {
          doc.element(v, 0);
          doc.element(v, n - 1);
          doc.element(v, n / 2);
        }
        doc.forEachElement(v, value -> walkValue(doc, value, depth + 1, budget));
      }
      case STRING -> doc.string(v);
      case I64 -> doc.i64(v);
      case F64 -> doc.f64(v);
      case BOOL -> doc.bool(v);
      default -> {}
    }
  }

  // ---------------------------------------------------------------- mutations

  private static byte[] pickSource(SplittableRandom rng) {
    if (rng.nextInt(40) > 0 && smallSources > 0) {
      return sources.get(rng.nextInt(smallSources));
    }
    return sources.get(rng.nextInt(sources.size()));
  }

  /** One to three random mutations of a copy of {@code source}; {@code how} describes them. */
  private static byte[] mutate(SplittableRandom rng, byte[] source, StringBuilder how) {
    byte[] b = source.clone();
    how.append("source of ").append(source.length).append(" bytes");
    int rounds = rng.nextInt(4) == 0 ? 2 + rng.nextInt(2) : 1;
    for (int r = 0; r < rounds; r++) {
      b = mutateOnce(rng, b, how);
    }
    return b;
  }

  private static byte[] mutateOnce(SplittableRandom rng, byte[] b, StringBuilder how) {
    if (b.length == 0) {
      return b;
    }
    Layout layout = Layout.of(b);
    int kind = rng.nextInt(12);
    switch (kind) {
      case 0 -> {
        int bit = rng.nextInt(8 * b.length);
        b[bit >>> 3] ^= (byte) (1 << (bit & 7));
        how.append("; flip bit ").append(bit);
      }
      case 1 -> {
        int n = 2 + rng.nextInt(7);
        how.append("; flip ").append(n).append(" bits");
        for (int i = 0; i < n; i++) {
          int bit = rng.nextInt(8 * b.length);
          b[bit >>> 3] ^= (byte) (1 << (bit & 7));
        }
      }
      case 2 -> {
        int n = 1 + rng.nextInt(4);
        how.append("; overwrite ").append(n).append(" bytes");
        for (int i = 0; i < n; i++) {
          int at = rng.nextInt(b.length);
          b[at] = specialByte(rng);
          how.append(" @").append(at).append('=').append(b[at] & 0xFF);
        }
      }
      case 3, 4, 5, 6 -> {
        // A structural u32 field set to an extreme or misleading value.
        List<Integer> fields = layout.pick(rng);
        if (fields.isEmpty()) {
          return mutateOnce(rng, b, how);
        }
        int at = fields.get(rng.nextInt(fields.size()));
        int value = extreme(rng, b.length, layout, at);
        how.append("; u32 @")
            .append(at)
            .append(" (")
            .append(layout.describe(at))
            .append(") = ")
            .append(Integer.toUnsignedString(value));
        if (at <= b.length - 4) {
          Lite3NodeDescriptor.putU32(b, at, value);
        }
      }
      case 7 -> {
        int at = rng.nextInt(b.length);
        int value = extreme(rng, b.length, layout, at);
        how.append("; u32 @").append(at).append(" = ").append(Integer.toUnsignedString(value));
        for (int k = 0; k < 4 && at + k < b.length; k++) {
          b[at + k] = (byte) (value >>> (8 * k));
        }
      }
      case 8 -> {
        int n = rng.nextInt(b.length);
        how.append("; truncate to ").append(n);
        b = Arrays.copyOf(b, n);
      }
      case 9 -> {
        int extra = 1 + rng.nextInt(rng.nextBoolean() ? 8 : 300);
        int old = b.length;
        b = Arrays.copyOf(b, old + extra);
        for (int i = old; i < b.length; i++) {
          b[i] = rng.nextInt(3) == 0 ? 0 : specialByte(rng);
        }
        how.append("; append ").append(extra).append(" garbage bytes");
        if (!layout.kvFields.isEmpty() && rng.nextBoolean()) {
          // Point an entry into the garbage.
          int at = layout.kvFields.get(rng.nextInt(layout.kvFields.size()));
          int target = old + rng.nextInt(extra);
          Lite3NodeDescriptor.putU32(b, at, target);
          how.append(", kv_ofs @").append(at).append(" -> ").append(target);
        }
      }
      case 10 -> {
        // Copy one node over another: shared subtrees, cycles.
        if (layout.nodes.size() < 2) {
          return mutateOnce(rng, b, how);
        }
        int from = layout.nodes.get(rng.nextInt(layout.nodes.size()));
        int to = layout.nodes.get(rng.nextInt(layout.nodes.size()));
        System.arraycopy(b, from, b, to, Lite3NodeDescriptor.NODE_SIZE_BYTES);
        how.append("; copy node @").append(from).append(" over @").append(to);
      }
      default -> {
        int from = rng.nextInt(b.length);
        int n = Math.min(b.length - from, 1 + rng.nextInt(64));
        byte fill = rng.nextBoolean() ? 0 : specialByte(rng);
        Arrays.fill(b, from, from + n, fill);
        how.append("; fill ")
            .append(n)
            .append(" bytes @")
            .append(from)
            .append(" with ")
            .append(fill);
      }
    }
    return b;
  }

  private static byte specialByte(SplittableRandom rng) {
    int[] special = {0, 1, 2, 3, 4, 5, 6, 7, 8, 0x7F, 0x80, 0xC0, 0xED, 0xFF};
    return (byte) (rng.nextBoolean() ? special[rng.nextInt(special.length)] : rng.nextInt(256));
  }

  /** A u32 that is likely to upset a reader of a {@code len}-byte buffer. */
  private static int extreme(SplittableRandom rng, int len, Layout layout, int at) {
    switch (rng.nextInt(14)) {
      case 0:
        return 0;
      case 1:
        return 0xFFFFFFFF;
      case 2:
        return 0x7FFFFFFF;
      case 3:
        return 0x80000000;
      case 4:
        return len - 1;
      case 5:
        return len;
      case 6:
        return len - 96 + rng.nextInt(8) - 4;
      case 7:
        return layout.nodes.isEmpty() ? 0 : layout.nodes.get(rng.nextInt(layout.nodes.size()));
      case 8:
        // The node holding the field, or one of the nodes before it: a loop or an ancestor.
        {
          int own = at - Math.floorMod(at, 4);
          for (int n : layout.nodes) {
            if (n <= at && at < n + 96) {
              own = n;
            }
          }
          return rng.nextBoolean() ? own : 0;
        }
      case 9:
        return rng.nextInt(Math.max(1, len));
      case 10:
        // A size_kc with every key slot and a huge size.
        return (rng.nextInt(1 << 26) << 6) | 7;
      case 11:
        return layout.values.isEmpty() ? 1 : layout.values.get(rng.nextInt(layout.values.size()));
      case 12:
        return rng.nextInt(1 << 16);
      default:
        return rng.nextInt();
    }
  }

  /**
   * Random buffers built from node-shaped pieces with small offsets: deep, shared, cyclic trees.
   */
  private static byte[] nodeSoup(SplittableRandom rng) {
    int nodes = 1 + rng.nextInt(12);
    int len = nodes * 96 + rng.nextInt(64);
    byte[] b = new byte[len];
    for (int i = rng.nextInt(len / 2); i < len; i += 1 + rng.nextInt(8)) {
      b[i] = (byte) rng.nextInt(256);
    }
    for (int n = 0; n + 96 <= len; n += 96) {
      b[n] = (byte) (6 + rng.nextInt(2));
      int kc = rng.nextInt(8);
      int size = rng.nextInt(4) == 0 ? rng.nextInt(1 << 26) : rng.nextInt(20);
      Lite3NodeDescriptor.setSizeKc(b, n, (size << 6) | kc);
      for (int i = 0; i < 7; i++) {
        Lite3NodeDescriptor.setHash(b, n, i, rng.nextBoolean() ? i : rng.nextInt());
        Lite3NodeDescriptor.setKvOfs(b, n, i, i < kc ? rng.nextInt(len) : 0);
      }
      boolean leaf = rng.nextInt(3) == 0;
      for (int j = 0; j < 8; j++) {
        int child = 96 * rng.nextInt(nodes) + (rng.nextInt(10) == 0 ? rng.nextInt(96) : 0);
        Lite3NodeDescriptor.setChildOfs(b, n, j, leaf || j > kc ? 0 : child);
      }
    }
    // Some values with container types, so that entries lead to more nodes.
    for (int i = 0; i < 4; i++) {
      int at = rng.nextInt(len);
      b[at] = (byte) (6 + rng.nextInt(2));
    }
    return b;
  }

  /** Where the structural fields of a valid document are (best effort on damaged ones). */
  private static final class Layout {
    final List<Integer> nodes = new ArrayList<>();
    final List<Integer> values = new ArrayList<>();
    final List<Integer> kvFields = new ArrayList<>();
    final List<Integer> childFields = new ArrayList<>();
    final List<Integer> sizeFields = new ArrayList<>();
    final List<Integer> hashFields = new ArrayList<>();
    final List<Integer> lengthFields = new ArrayList<>();
    final List<Integer> keyTags = new ArrayList<>();
    private final byte[] b;

    private Layout(byte[] b) {
      this.b = b;
    }

    static Layout of(byte[] b) {
      Layout l = new Layout(b);
      try {
        Lite3Validator.validate(b);
        l.container(0, 0);
      } catch (RuntimeException e) {
        // A damaged buffer from an earlier round: mutate blindly instead.
        l.nodes.clear();
        for (int n = 0; n + 96 <= b.length && n < 96 * 64; n += 96) {
          l.node(n);
        }
      }
      return l;
    }

    List<Integer> pick(SplittableRandom rng) {
      return switch (rng.nextInt(7)) {
        case 0 -> kvFields;
        case 1 -> childFields;
        case 2 -> sizeFields;
        case 3 -> lengthFields;
        case 4 -> keyTags;
        case 5 -> hashFields;
        default -> rng.nextBoolean() ? kvFields : childFields;
      };
    }

    String describe(int at) {
      if (kvFields.contains(at)) {
        return "kv_ofs";
      }
      if (childFields.contains(at)) {
        return "child_ofs";
      }
      if (sizeFields.contains(at)) {
        return "size_kc";
      }
      if (hashFields.contains(at)) {
        return "hash";
      }
      if (lengthFields.contains(at)) {
        return "string length";
      }
      return keyTags.contains(at) ? "key tag" : "?";
    }

    private int u32(int at) {
      return Lite3NodeDescriptor.u32(b, at);
    }

    private void node(int n) {
      nodes.add(n);
      sizeFields.add(n + 32);
      for (int i = 0; i < 7; i++) {
        hashFields.add(n + 4 + 4 * i);
        kvFields.add(n + 36 + 4 * i);
      }
      for (int j = 0; j < 8; j++) {
        childFields.add(n + 64 + 4 * j);
      }
    }

    /** Walks a container of a document that passed the validator. */
    private void container(int c, int height) {
      node(c);
      int kc = u32(c + 32) & 7;
      boolean leaf = u32(c + 64) == 0;
      for (int j = 0; j <= kc; j++) {
        if (!leaf) {
          container(u32(c + 64 + 4 * j), height + 1);
        }
        if (j < kc) {
          entry(u32(c + 36 + 4 * j), b[c] == 6);
        }
      }
    }

    private void entry(int e, boolean object) {
      int v = e;
      if (object) {
        keyTags.add(e);
        int tagSize = (b[e] & 3) + 1;
        int tag = 0;
        for (int k = tagSize - 1; k >= 0; k--) {
          tag = (tag << 8) | (b[e + k] & 0xFF);
        }
        v = e + tagSize + (tag >>> 2);
      }
      values.add(v);
      int t = b[v];
      if (t == 4 || t == 5) {
        lengthFields.add(v + 1);
      } else if (t == 6 || t == 7) {
        container(v, 0);
      }
    }
  }
}
