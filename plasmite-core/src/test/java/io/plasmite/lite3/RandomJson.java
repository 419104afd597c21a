package io.plasmite.lite3;

import io.plasmite.json.DoubleFormat;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/**
 * Seeded random JSON for the Lite3 property tests: a tree model, a non-canonical rendering of it
 * (random whitespace, member order, escapes, losing duplicate members) and, independently of the
 * code under test, the canonical text the decoder must print ({@code json.md} §2).
 */
public final class RandomJson {
  /** Most containers nested in a message's data, counting data itself ({@code lite3.md} §8.4). */
  static final int DATA_LEVELS_MAX = 31;

  private static final Pattern NUMBER =
      Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
  private static final BigInteger I64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger I64_MAX = BigInteger.valueOf(Long.MAX_VALUE);
  private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  /** A JSON value. */
  interface Node {}

  /** {@code null}, {@code true}, {@code false} or a number, kept as its literal text. */
  record Lit(String text) implements Node {}

  /** A string value (may hold U+0000). */
  record Str(String value) implements Node {}

  /** An array. */
  record Arr(List<Node> items) implements Node {}

  /** An object with distinct keys, in no particular order. */
  record Obj(List<Member> members) implements Node {}

  /** One member of an object. */
  record Member(String key, Node value) {}

  /** Knobs for one document. */
  record Shape(
      int nodeBudget,
      int maxMembers,
      int maxItems,
      int containerPercent,
      int keyMode,
      int deepChain,
      int bigContainer) {}

  static final int KEYS_MIXED = 0;
  static final int KEYS_COLLIDING = 1;
  static final int KEYS_DENSE = 2;
  static final int KEYS_LONG = 3;

  private final SplittableRandom rng;
  private Shape shape;
  private int budget;
  // The colliding key family of the object being generated: prefix, pairs, suffix.
  private String familyPrefix = "";
  private char[][] familyPairs = new char[0][];
  private String familySuffix = "";

  /**
   * A generator.
   *
   * @param rng the seeded source of randomness
   */
  public RandomJson(SplittableRandom rng) {
    this.rng = rng;
  }

  /**
   * The text of a random message data object of a random shape, rendered non-canonically.
   *
   * @param duplicates whether objects may repeat keys (the last one wins)
   * @return valid JSON text
   */
  public String randomDataText(boolean duplicates) {
    return render(data(randomShape()), duplicates);
  }

  SplittableRandom rng() {
    return rng;
  }

  /** A shape picked at random: mostly small documents, sometimes large or deep ones. */
  Shape randomShape() {
    int r = rng.nextInt(100);
    int keyMode = rng.nextInt(10) < 6 ? KEYS_MIXED : 1 + rng.nextInt(3);
    if (r < 1 && rng.nextInt(3) == 0) {
      // A very large object or array somewhere.
      return new Shape(4000, 8, 8, 30, keyMode, 0, 1 + rng.nextInt(2));
    }
    if (r < 7) {
      return new Shape(300, 8, 8, 40, keyMode, 20 + rng.nextInt(11), 0);
    }
    if (r < 15) {
      return new Shape(300, 40, 40, 35, keyMode, 0, 0);
    }
    return new Shape(60, 8, 8, 35, keyMode, 0, 0);
  }

  /** The data object of a message. */
  Obj data(Shape s) {
    this.shape = s;
    this.budget = s.nodeBudget();
    Obj data;
    if (s.bigContainer() == 1) {
      data = bigObject(200 + rng.nextInt(500));
    } else if (s.bigContainer() == 2) {
      data = bigArrayHolder(1000 + rng.nextInt(2500));
    } else {
      data = object(DATA_LEVELS_MAX);
    }
    if (s.deepChain() > 0) {
      List<Member> m = new ArrayList<>(data.members());
      m.removeIf(x -> x.key().equals("deep"));
      m.add(new Member("deep", chain(s.deepChain())));
      data = new Obj(m);
    }
    return data;
  }

  /** {@code levels} nested containers, alternating at random, with a few members on the way. */
  private Node chain(int levels) {
    if (levels == 0) {
      return scalar();
    }
    Node inner = chain(levels - 1);
    if (levels == 1 && rng.nextBoolean()) {
      return rng.nextBoolean() ? new Obj(List.of()) : new Arr(List.of());
    }
    if (rng.nextBoolean()) {
      List<Node> items = new ArrayList<>();
      items.add(inner);
      if (rng.nextInt(3) == 0) {
        items.add(scalar());
      }
      Collections.shuffle(items, rng);
      return new Arr(items);
    }
    List<Member> members = new ArrayList<>();
    members.add(new Member("x" + levels, inner));
    if (rng.nextInt(3) == 0) {
      members.add(new Member(key(), scalar()));
    }
    return new Obj(dedupe(members));
  }

  private Obj bigObject(int n) {
    startFamily();
    Set<String> keys = new LinkedHashSet<>();
    while (keys.size() < n) {
      keys.add(rng.nextInt(3) == 0 ? key() : "k" + rng.nextInt(1_000_000));
    }
    List<Member> members = new ArrayList<>();
    for (String k : keys) {
      members.add(new Member(k, rng.nextInt(20) == 0 ? value(3) : scalar()));
    }
    return new Obj(members);
  }

  private Obj bigArrayHolder(int n) {
    List<Node> items = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      items.add(rng.nextInt(50) == 0 ? value(2) : scalar());
    }
    List<Member> members = new ArrayList<>();
    members.add(new Member("items", new Arr(items)));
    members.add(new Member(key(), scalar()));
    return new Obj(dedupe(members));
  }

  /** A value that may open at most {@code levels} nested containers. */
  Node value(int levels) {
    if (levels > 0 && budget > 0 && rng.nextInt(100) < shape.containerPercent()) {
      return rng.nextBoolean() ? object(levels) : array(levels);
    }
    return scalar();
  }

  private int count(int max) {
    int r = rng.nextInt(10);
    if (r < 2) {
      return 0;
    }
    if (r < 8) {
      return 1 + rng.nextInt(Math.min(4, max));
    }
    return rng.nextInt(max + 1);
  }

  private Obj object(int levels) {
    budget--;
    int n = Math.max(0, Math.min(count(shape.maxMembers()), budget));
    startFamily();
    Set<String> keys = new LinkedHashSet<>();
    for (int tries = 0; keys.size() < n && tries < 4 * n; tries++) {
      keys.add(key());
    }
    List<Member> members = new ArrayList<>();
    for (String k : keys) {
      budget--;
      members.add(new Member(k, value(levels - 1)));
    }
    return new Obj(members);
  }

  private Arr array(int levels) {
    budget--;
    int n = Math.max(0, Math.min(count(shape.maxItems()), budget));
    List<Node> items = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      budget--;
      items.add(value(levels - 1));
    }
    return new Arr(items);
  }

  private static List<Member> dedupe(List<Member> members) {
    Map<String, Member> seen = new HashMap<>();
    List<Member> out = new ArrayList<>();
    for (Member m : members) {
      if (seen.putIfAbsent(m.key(), m) == null) {
        out.add(m);
      }
    }
    return out;
  }

  /** A scalar: null, a boolean, a number or a string. */
  Node scalar() {
    int r = rng.nextInt(100);
    if (r < 8) {
      return new Lit("null");
    }
    if (r < 16) {
      return new Lit(rng.nextBoolean() ? "true" : "false");
    }
    if (r < 55) {
      return new Lit(number());
    }
    return new Str(string(true));
  }

  // ---------------------------------------------------------------- keys

  private void startFamily() {
    StringBuilder p = new StringBuilder();
    for (int i = rng.nextInt(3); i > 0; i--) {
      p.append((char) ('a' + rng.nextInt(26)));
    }
    familyPrefix = p.toString();
    familyPairs = new char[1 + rng.nextInt(3)][];
    for (int i = 0; i < familyPairs.length; i++) {
      // (x, y) and (x + 1, y - 33) give the same DJB2 state: 33x + y == 33(x+1) + (y-33).
      char x = (char) ('A' + rng.nextInt(25));
      char y = (char) ('a' + rng.nextInt(26));
      familyPairs[i] = new char[] {x, y};
    }
    StringBuilder s = new StringBuilder();
    for (int i = rng.nextInt(3); i > 0; i--) {
      s.append((char) ('0' + rng.nextInt(10)));
    }
    familySuffix = s.toString();
  }

  private String familyKey() {
    StringBuilder k = new StringBuilder(familyPrefix);
    for (char[] pair : familyPairs) {
      if (rng.nextBoolean()) {
        k.append(pair[0]).append(pair[1]);
      } else {
        k.append((char) (pair[0] + 1)).append((char) (pair[1] - 33));
      }
    }
    return k.append(familySuffix).toString();
  }

  private String denseKey() {
    StringBuilder k = new StringBuilder();
    for (int i = 1 + rng.nextInt(2); i > 0; i--) {
      k.append((char) ('a' + rng.nextInt(12)));
    }
    return k.toString();
  }

  /** A key of exactly {@code bytes} UTF-8 bytes, non-ASCII in places. */
  String keyOfBytes(int bytes) {
    StringBuilder k = new StringBuilder();
    int left = bytes;
    while (left > 0) {
      int cp = rng.nextInt(4) == 0 ? codePoint(false) : 'a' + rng.nextInt(26);
      int n = utf8Length(cp);
      if (n > left) {
        cp = 'z';
        n = 1;
      }
      k.appendCodePoint(cp);
      left -= n;
    }
    return k.toString();
  }

  private String longKey() {
    if (rng.nextInt(40) == 0) {
      return keyOfBytes(16380 + rng.nextInt(6));
    }
    return keyOfBytes(60 + rng.nextInt(7));
  }

  /** A key (never holding U+0000) following the current shape's key mode. */
  String key() {
    int mode = shape == null ? KEYS_MIXED : shape.keyMode();
    int r = rng.nextInt(100);
    if (mode == KEYS_COLLIDING && r < 70) {
      return familyKey();
    }
    if (mode == KEYS_DENSE && r < 70) {
      return denseKey();
    }
    if (mode == KEYS_LONG && r < 50) {
      return longKey();
    }
    if (r < 5) {
      return "";
    }
    if (r < 10) {
      return rng.nextBoolean() ? "Ab" : "BA";
    }
    if (r < 40) {
      StringBuilder k = new StringBuilder();
      for (int i = 1 + rng.nextInt(6); i > 0; i--) {
        k.append((char) ('a' + rng.nextInt(26)));
      }
      return k.toString();
    }
    if (r < 55) {
      return denseKey();
    }
    if (r < 65) {
      return familyKey();
    }
    if (r < 70) {
      return keyOfBytes(60 + rng.nextInt(7));
    }
    return string(false);
  }

  // ---------------------------------------------------------------- strings

  /** A string; {@code allowNul} lets it hold U+0000. */
  String string(boolean allowNul) {
    int r = rng.nextInt(40);
    if (r == 0) {
      return "";
    }
    if (r == 1) {
      return keyOfBytes(90);
    }
    if (r == 2) {
      return "s".repeat(86 + rng.nextInt(7));
    }
    int n = r == 3 ? 100 + rng.nextInt(300) : rng.nextInt(13);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      s.appendCodePoint(codePoint(allowNul));
    }
    return s.toString();
  }

  private static final int[] SPECIAL_BMP = {
    0x80, 0xA0, 0xE9, 0x7FF, 0x800, 0x2028, 0x2029, 0x4E2D, 0xD7FF, 0xE000, 0xFEFF, 0xFFFD, 0xFFFE,
    0xFFFF
  };

  int codePoint(boolean allowNul) {
    int r = rng.nextInt(100);
    if (r < 50) {
      return 0x20 + rng.nextInt(0x5F);
    }
    if (r < 56) {
      return "\"\\/".charAt(rng.nextInt(3));
    }
    if (r < 64) {
      if (allowNul && rng.nextInt(4) == 0) {
        return 0;
      }
      return rng.nextInt(8) == 0 ? 0x7F : 1 + rng.nextInt(0x1F);
    }
    if (r < 72) {
      return SPECIAL_BMP[rng.nextInt(SPECIAL_BMP.length)];
    }
    if (r < 84) {
      int cp = 0x80 + rng.nextInt(0xFFFF - 0x80 + 1);
      return cp >= 0xD800 && cp <= 0xDFFF ? 0xE9 : cp;
    }
    if (r < 92) {
      return 0x1F600 + rng.nextInt(0x50);
    }
    return rng.nextBoolean() ? 0x10000 + rng.nextInt(0x100000) : 0x10FFFF;
  }

  static int utf8Length(int cp) {
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }

  // ---------------------------------------------------------------- numbers

  private static final String[] SPECIAL_NUMBERS = {
    "0",
    "-0",
    "1",
    "-1",
    "0.0",
    "-0.0",
    "-0e5",
    "-0.000e-10",
    "0e0",
    "-1e-400",
    "1e-400",
    "4.9e-324",
    "5e-324",
    "4.9406564584124654e-324",
    "2.2250738585072014E-308",
    "2.225073858507201e-308",
    "1.7976931348623157e308",
    "1.7976931348623157E+308",
    "1E2",
    "1e16",
    "1e21",
    "1e22",
    "0.1",
    "1e-7",
    "0.000025",
    "100000000000000000000.0",
    "123456789012345678",
    "9007199254740993",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "18446744073709551616",
    "18446744073709551614",
    "99999999999999999999999",
    "-99999999999999999999999",
    "0.30000000000000004",
    "1.5e-7",
    "1e-5",
    "123e-2",
    "1.0E+0",
    "2.5E00",
    "1e0001"
  };

  private static final long[] I64_EDGES = {
    Long.MIN_VALUE,
    Long.MIN_VALUE + 1,
    Long.MAX_VALUE,
    Long.MAX_VALUE - 1,
    0,
    -1,
    1L << 53,
    (1L << 53) + 1,
    -(1L << 53) - 1,
    Integer.MAX_VALUE,
    Integer.MIN_VALUE,
    1L << 32,
    (1L << 32) - 1
  };

  /** A JSON number literal, finite, valid by the RFC 8259 grammar. */
  String number() {
    String lit;
    do {
      lit = numberCandidate();
    } while (!Double.isFinite(Double.parseDouble(lit)));
    if (!NUMBER.matcher(lit).matches()) {
      throw new AssertionError("test generator made an invalid number literal: " + lit);
    }
    return lit;
  }

  private String numberCandidate() {
    int pick = rng.nextInt(16);
    if ((pick == 10 || pick == 11) && rng.nextInt(4) != 0) {
      pick = 6;
    }
    switch (pick) {
      case 0:
        return Integer.toString(rng.nextInt(2001) - 1000);
      case 1:
        return Long.toString(I64_EDGES[rng.nextInt(I64_EDGES.length)]);
      case 2:
        return Long.toString(rng.nextLong());
      case 3:
        {
          // Above 2^63 - 1, up to 2^64 - 1: stays an integer in JSON, a double in Lite3.
          long low = rng.nextLong() & Long.MAX_VALUE;
          return BigInteger.ONE.shiftLeft(63).add(BigInteger.valueOf(low)).toString();
        }
      case 4:
        {
          StringBuilder d = new StringBuilder(rng.nextBoolean() ? "-" : "");
          d.append((char) ('1' + rng.nextInt(9)));
          for (int i = 19 + rng.nextInt(25); i > 0; i--) {
            d.append((char) ('0' + rng.nextInt(10)));
          }
          return d.toString();
        }
      case 5:
        return SPECIAL_NUMBERS[rng.nextInt(SPECIAL_NUMBERS.length)];
      case 6:
        return doubleLiteral(Double.longBitsToDouble(rng.nextLong()));
      case 7:
        {
          long m = rng.nextLong() % 1_000_000_000_000L;
          return BigDecimal.valueOf(m, rng.nextInt(15)).toPlainString();
        }
      case 8:
        {
          // Subnormal.
          long bits = rng.nextLong() & 0x000F_FFFF_FFFF_FFFFL;
          if (rng.nextBoolean()) {
            bits |= Long.MIN_VALUE;
          }
          return doubleLiteral(Double.longBitsToDouble(bits));
        }
      case 9:
        {
          String m =
              (rng.nextBoolean() ? "-" : "") + (1 + rng.nextInt(9)) + "." + rng.nextInt(1000);
          int e = rng.nextBoolean() ? 280 + rng.nextInt(30) : -(300 + rng.nextInt(40));
          return m + (rng.nextBoolean() ? "e" : "E") + e;
        }
      case 10:
        {
          // Very long: many zeros, then digits, with a compensating exponent.
          int zeros = 300 + rng.nextInt(800);
          return (rng.nextBoolean() ? "-" : "")
              + "0."
              + "0".repeat(zeros)
              + (1 + rng.nextInt(9))
              + rng.nextInt(100000)
              + "e"
              + (zeros - rng.nextInt(20));
        }
      case 11:
        {
          double d = Double.longBitsToDouble(rng.nextLong());
          return Double.isFinite(d) ? new BigDecimal(d).toString() : "1.5";
        }
      default:
        return doubleLiteral(rng.nextDouble() * Math.pow(10, rng.nextInt(40) - 20));
    }
  }

  /** Some JSON literal that reads back as {@code d} (or whose integer text is {@code d}). */
  String doubleLiteral(double d) {
    if (!Double.isFinite(d)) {
      return "2.5";
    }
    switch (rng.nextInt(6)) {
      case 0:
        return Double.toString(d);
      case 1:
        return Double.toString(d).replace("E", rng.nextBoolean() ? "e" : "e+").replace("+-", "-");
      case 2:
        // The exact decimal expansion: up to ~1100 characters for subnormals.
        return rng.nextInt(4) == 0 ? new BigDecimal(d).toPlainString() : Double.toString(d);
      case 3:
        return new BigDecimal(d).round(new MathContext(17)).toString();
      case 4:
        {
          String s = Double.toString(d);
          int e = s.indexOf('E');
          String mantissa = e < 0 ? s : s.substring(0, e);
          String exp = e < 0 ? "" : "e" + s.substring(e + 1);
          return mantissa + "0".repeat(rng.nextInt(5)) + exp;
        }
      default:
        return DoubleFormat.format(d);
    }
  }

  // ---------------------------------------------------------------- the expected text

  /** The canonical printing of a value ({@code json.md} §2). */
  static String canonical(Node n) {
    StringBuilder out = new StringBuilder();
    canonical(n, out);
    return out.toString();
  }

  static void canonical(Node n, StringBuilder out) {
    if (n instanceof Lit lit) {
      String t = lit.text();
      if (t.equals("null") || t.equals("true") || t.equals("false")) {
        out.append(t);
      } else {
        Object v = numberValue(t);
        out.append(v instanceof Long l ? Long.toString(l) : DoubleFormat.format((Double) v));
      }
    } else if (n instanceof Str s) {
      canonicalString(s.value(), out);
    } else if (n instanceof Arr a) {
      out.append('[');
      for (int i = 0; i < a.items().size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        canonical(a.items().get(i), out);
      }
      out.append(']');
    } else {
      Obj o = (Obj) n;
      List<Member> sorted = new ArrayList<>(o.members());
      Map<String, byte[]> utf8 = new HashMap<>();
      for (Member m : sorted) {
        utf8.put(m.key(), m.key().getBytes(StandardCharsets.UTF_8));
      }
      sorted.sort((x, y) -> Arrays.compareUnsigned(utf8.get(x.key()), utf8.get(y.key())));
      out.append('{');
      for (int i = 0; i < sorted.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        canonicalString(sorted.get(i).key(), out);
        out.append(':');
        canonical(sorted.get(i).value(), out);
      }
      out.append('}');
    }
  }

  private static final String HEX = "0123456789abcdef";

  static void canonicalString(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append("\\u00").append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 0xF));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /**
   * The value a number literal stands for: a {@link Long} for an integer literal within i64, else a
   * {@link Double} ({@code json.md} §1.4, {@code lite3.md} §8.2).
   */
  static Object numberValue(String lit) {
    if (lit.indexOf('.') >= 0 || lit.indexOf('e') >= 0 || lit.indexOf('E') >= 0) {
      return Double.parseDouble(lit);
    }
    if (lit.equals("-0")) {
      return -0.0;
    }
    BigInteger v = new BigInteger(lit);
    if (v.compareTo(I64_MIN) >= 0 && v.compareTo(I64_MAX) <= 0) {
      return v.longValueExact();
    }
    if (v.signum() > 0 && v.compareTo(U64_MAX) <= 0) {
      return v.doubleValue();
    }
    return Double.parseDouble(lit);
  }

  /** The Lite3 type a value is stored as. */
  static Lite3Type lite3Type(Node n) {
    if (n instanceof Lit lit) {
      return switch (lit.text()) {
        case "null" -> Lite3Type.NULL;
        case "true", "false" -> Lite3Type.BOOL;
        default -> numberValue(lit.text()) instanceof Long ? Lite3Type.I64 : Lite3Type.F64;
      };
    }
    if (n instanceof Str) {
      return Lite3Type.STRING;
    }
    return n instanceof Arr ? Lite3Type.ARRAY : Lite3Type.OBJECT;
  }

  // ---------------------------------------------------------------- non-canonical rendering

  private int wsStyle;

  /**
   * Renders {@code data} as valid but non-canonical JSON: random whitespace, member order and
   * escapes, and (when {@code duplicates}) earlier members with the same key that must lose.
   */
  String render(Obj data, boolean duplicates) {
    wsStyle = rng.nextInt(4);
    StringBuilder out = new StringBuilder();
    ws(out);
    render(data, 1, duplicates, out);
    ws(out);
    return out.toString();
  }

  private void ws(StringBuilder out) {
    if (wsStyle == 0 || rng.nextInt(4) < wsStyle - 1) {
      return;
    }
    for (int i = rng.nextInt(wsStyle == 3 ? 4 : 2); i >= 0; i--) {
      out.append(" \t\n\r".charAt(rng.nextInt(4)));
    }
  }

  /** Renders a value that sits at container level {@code level} if it is a container. */
  private void render(Node n, int level, boolean duplicates, StringBuilder out) {
    if (n instanceof Lit lit) {
      out.append(lit.text());
    } else if (n instanceof Str s) {
      renderString(s.value(), out);
    } else if (n instanceof Arr a) {
      out.append('[');
      ws(out);
      for (int i = 0; i < a.items().size(); i++) {
        if (i > 0) {
          out.append(',');
          ws(out);
        }
        render(a.items().get(i), level + 1, duplicates, out);
        ws(out);
      }
      out.append(']');
    } else {
      Obj o = (Obj) n;
      // Each key once, plus now and then one or two losers that must come earlier.
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < o.members().size(); i++) {
        order.add(i);
        if (duplicates && rng.nextInt(6) == 0) {
          for (int d = rng.nextInt(2); d >= 0; d--) {
            order.add(i);
          }
        }
      }
      Collections.shuffle(order, rng);
      int[] remaining = new int[o.members().size()];
      for (int i : order) {
        remaining[i]++;
      }
      out.append('{');
      ws(out);
      boolean first = true;
      for (int i : order) {
        if (!first) {
          out.append(',');
          ws(out);
        }
        first = false;
        Member m = o.members().get(i);
        renderString(m.key(), out);
        ws(out);
        out.append(':');
        ws(out);
        if (--remaining[i] == 0) {
          render(m.value(), level + 1, duplicates, out);
        } else {
          render(loser(DATA_LEVELS_MAX - level), level + 1, false, out);
        }
        ws(out);
      }
      out.append('}');
    }
  }

  private Node loser(int levels) {
    Shape saved = shape;
    int savedBudget = budget;
    shape = new Shape(4, 3, 3, 50, KEYS_MIXED, 0, 0);
    budget = 4;
    Node n = value(Math.min(levels, 2));
    shape = saved;
    budget = savedBudget;
    return n;
  }

  /** A JSON string literal for {@code s}, escaping at random where JSON allows it. */
  void renderString(String s, StringBuilder out) {
    int escapePercent = rng.nextInt(3) == 0 ? 0 : rng.nextInt(40);
    out.append('"');
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      boolean random = rng.nextInt(100) < escapePercent;
      switch (cp) {
        case '"' -> out.append(random ? u(cp) : "\\\"");
        case '\\' -> out.append(random ? u(cp) : "\\\\");
        case '/' -> out.append(random ? (rng.nextBoolean() ? "\\/" : u(cp)) : "/");
        case '\b' -> out.append(random ? u(cp) : "\\b");
        case '\f' -> out.append(random ? u(cp) : "\\f");
        case '\n' -> out.append(random ? u(cp) : "\\n");
        case '\r' -> out.append(random ? u(cp) : "\\r");
        case '\t' -> out.append(random ? u(cp) : "\\t");
        default -> {
          if (cp < 0x20) {
            out.append(u(cp));
          } else if (random) {
            if (cp >= 0x10000) {
              out.append(u(Character.highSurrogate(cp))).append(u(Character.lowSurrogate(cp)));
            } else {
              out.append(u(cp));
            }
          } else {
            out.appendCodePoint(cp);
          }
        }
      }
    }
    out.append('"');
  }

  private String u(int unit) {
    String digits = rng.nextBoolean() ? HEX : "0123456789ABCDEF";
    char[] out = {'\\', 'u', 0, 0, 0, 0};
    for (int i = 0; i < 4; i++) {
      out[2 + i] = digits.charAt((unit >> (12 - 4 * i)) & 0xF);
    }
    return new String(out);
  }

  /** Random message tags: few, short, any text (U+0000 included). */
  List<String> tags() {
    int n = rng.nextInt(10) < 6 ? rng.nextInt(2) : rng.nextInt(5);
    List<String> tags = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      tags.add(string(true));
    }
    return tags;
  }
}
