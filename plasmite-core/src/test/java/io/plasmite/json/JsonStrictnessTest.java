package io.plasmite.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import io.plasmite.lite3.Lite3Decoder;
import io.plasmite.lite3.Lite3Encoder;
import io.plasmite.lite3.Lite3Validator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the reference JSON reader refuses is refused here with kind Usage and a helpful message
 * ({@code json.md} §1, {@code lite3.md} §8.1), and its accepted edge cases are read as it reads
 * them.
 */
class JsonStrictnessTest {
  private static final String[] SYNTAX = {"invalid JSON", "line", "column"};

  /**
   * An input that must be refused. {@code text} is tried as a String and, unless {@code
   * stringOnly}, as its UTF-8 bytes; {@code bytes} alone is tried as bytes.
   */
  record Refused(String name, String text, byte[] bytes, boolean stringOnly, String[] fragments) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Refused text(String name, String text, String... fragments) {
    return new Refused(name, text, null, false, fragments);
  }

  private static Refused syntax(String name, String text) {
    return text(name, text, SYNTAX);
  }

  private static Refused stringOnly(String name, String text, String... fragments) {
    return new Refused(name, text, null, true, fragments);
  }

  private static Refused bytes(String name, byte[] bytes, String... fragments) {
    return new Refused(name, null, bytes, false, fragments);
  }

  /** {@code prefix}, the bytes given in hex, then {@code suffix}. */
  private static byte[] join(String prefix, String hex, String suffix) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(prefix.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(HexFormat.of().parseHex(hex));
    out.writeBytes(suffix.getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  private static String nest(int levels, boolean arrays) {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i < levels; i++) {
      sb.append(arrays && i > 1 ? "[" : "{\"a\":");
    }
    sb.append(arrays && levels > 1 ? "[]" : "{}");
    for (int i = levels - 1; i >= 1; i--) {
      sb.append(arrays && i > 1 ? "]" : "}");
    }
    return sb.toString();
  }

  static Stream<Refused> refused() {
    List<Refused> all = new ArrayList<>();
    // Nothing there.
    all.add(text("empty input", "", "invalid JSON", "empty"));
    all.add(text("whitespace only", " \t\r\n ", "invalid JSON", "empty"));
    all.add(text("byte order mark", "\uFEFF{}", "byte order mark"));
    all.add(syntax("byte order mark after whitespace", " \uFEFF{}"));
    // Trailing content.
    all.add(syntax("trailing word", "{} x"));
    all.add(syntax("two objects", "{}{}"));
    all.add(text("two objects, spaced", "{} {}", "trailing content", "line", "column"));
    all.add(syntax("trailing number", "{} 1"));
    all.add(syntax("trailing bracket", "{}]"));
    all.add(syntax("trailing comma after root", "{},"));
    all.add(text("trailing NUL", "{}\u0000", "NUL"));
    all.add(text("raw NUL in a string", "{\"a\":\"x\u0000y\"}", "NUL"));
    all.add(text("raw NUL between tokens", "{\"a\":\u00001}", "NUL"));
    // Not JSON syntax.
    all.add(syntax("block comment", "{/* c */}"));
    all.add(syntax("line comment", "{\"a\":1 // c\n}"));
    all.add(syntax("comment after root", "{} // c"));
    all.add(syntax("hash comment", "{\"a\":1 # c\n}"));
    all.add(syntax("trailing comma in object", "{\"a\":1,}"));
    all.add(syntax("trailing comma in array", "{\"a\":[1,]}"));
    all.add(syntax("missing value", "{\"a\":}"));
    all.add(syntax("missing colon", "{\"a\" 1}"));
    all.add(syntax("missing comma", "{\"a\":1 \"b\":2}"));
    all.add(syntax("lone comma", "{,}"));
    all.add(syntax("unclosed object", "{\"a\":1"));
    all.add(syntax("unclosed array", "{\"a\":[1"));
    all.add(syntax("unclosed string", "{\"a\":\"x}"));
    all.add(syntax("mismatched brackets", "{\"a\":[1}}"));
    all.add(syntax("single-quoted key", "{'a':1}"));
    all.add(syntax("single-quoted string", "{\"a\":'x'}"));
    all.add(syntax("unquoted key", "{a:1}"));
    all.add(syntax("number as key", "{1:1}"));
    all.add(syntax("True", "{\"a\":True}"));
    all.add(syntax("truncated literal", "{\"a\":tru}"));
    all.add(syntax("None", "{\"a\":None}"));
    all.add(syntax("form feed as whitespace", "{\f}"));
    all.add(syntax("vertical tab as whitespace", "{\u000b}"));
    all.add(syntax("no-break space as whitespace", "{\u00a0}"));
    // Numbers outside the grammar.
    for (String n :
        new String[] {
          "NaN",
          "-NaN",
          "Infinity",
          "-Infinity",
          "+Infinity",
          "01",
          "-01",
          "00",
          "+1",
          ".5",
          "-.5",
          "1.",
          "1.e5",
          "1e",
          "1e+",
          "1E-",
          "-",
          "--1",
          "0x10",
          "1_000",
          "1.5.2",
          "1e5e5",
          "0.1.",
          "1 000"
        }) {
      all.add(syntax("number " + n, "{\"a\":" + n + "}"));
    }
    // Strings.
    all.add(syntax("raw tab in a string", "{\"a\":\"x\ty\"}"));
    all.add(syntax("raw newline in a string", "{\"a\":\"x\ny\"}"));
    all.add(syntax("raw U+001F in a string", "{\"a\":\"\u001f\"}"));
    all.add(syntax("raw control char in a key", "{\"\u0001\":1}"));
    all.add(syntax("escape \\x", "{\"a\":\"\\x41\"}"));
    all.add(syntax("escape \\U", "{\"a\":\"\\U0041\"}"));
    all.add(syntax("escape \\a", "{\"a\":\"\\a\"}"));
    all.add(syntax("escape \\'", "{\"a\":\"\\'\"}"));
    all.add(syntax("escape \\0", "{\"a\":\"\\0\"}"));
    all.add(syntax("short \\u", "{\"a\":\"\\u12\"}"));
    all.add(syntax("non-hex \\u", "{\"a\":\"\\u12G4\"}"));
    all.add(syntax("backslash at the end", "{\"a\":\"\\"));
    String lone = "surrogate";
    all.add(text("lone high surrogate", "{\"a\":\"\\ud800\"}", lone, "line", "column"));
    all.add(text("lone low surrogate", "{\"a\":\"\\udc00\"}", lone, "line", "column"));
    all.add(text("reversed surrogate pair", "{\"a\":\"\\udc00\\ud800\"}", lone));
    all.add(text("high surrogate then text", "{\"a\":\"\\ud800x\"}", lone));
    all.add(text("high surrogate then BMP escape", "{\"a\":\"\\ud800\\u0041\"}", lone));
    all.add(text("two high surrogates", "{\"a\":\"\\uD83D\\uD83D\"}", lone));
    all.add(text("lone surrogate in a key", "{\"\\udfff\":1}", lone));
    all.add(text("lone surrogate in nested data", "{\"a\":[{\"b\":\"\\ud800\"}]}", lone));
    all.add(stringOnly("raw lone high surrogate", "{\"a\":\"\ud800\"}", lone));
    all.add(stringOnly("raw lone low surrogate", "{\"a\":\"x\udc00\"}", lone));
    all.add(stringOnly("raw reversed pair", "{\"\udc00\ud800\":1}", lone));
    // Malformed UTF-8.
    String utf8 = "malformed UTF-8";
    String[][] badUtf8 = {
      {"overlong slash C0 AF", "c0af"},
      {"overlong C1 81", "c181"},
      {"overlong E0 80 AF", "e080af"},
      {"overlong F0 80 80 AF", "f08080af"},
      {"encoded surrogate ED A0 80", "eda080"},
      {"encoded low surrogate ED BF BF", "edbfbf"},
      {"above U+10FFFF F4 90 80 80", "f4908080"},
      {"F5 lead byte", "f5808080"},
      {"FF byte", "ff"},
      {"truncated 2-byte", "c3"},
      {"truncated 3-byte", "e282"},
      {"truncated 4-byte", "f09f98"},
      {"bare continuation 80", "80"},
      {"bare continuation BF", "bf"},
      {"lead byte then ASCII", "e24141"},
    };
    for (String[] c : badUtf8) {
      all.add(bytes(c[0] + " in a string", join("{\"a\":\"", c[1], "\"}"), utf8));
      all.add(bytes(c[0] + " in a key", join("{\"", c[1], "\":1}"), utf8));
    }
    all.add(bytes("truncated sequence at the end of input", join("{\"a\":\"", "e282", ""), utf8));
    all.add(bytes("bad byte after the root", join("{}", "c3", ""), utf8));
    all.add(bytes("bad byte between tokens", join("{\"a\":", "80", "1}"), utf8));
    all.add(bytes("byte order mark bytes", join("", "efbbbf", "{}"), "byte order mark"));
    all.add(bytes("raw NUL byte in a string", join("{\"a\":\"", "00", "\"}"), "NUL"));
    all.add(bytes("trailing NUL byte", join("{}", "00", ""), "NUL"));
    all.add(bytes("UTF-16 input", "{}".getBytes(StandardCharsets.UTF_16LE), "NUL"));
    // Numbers out of range.
    String range = "number out of range";
    all.add(text("1e400", "{\"a\":1e400}", range, "line", "column"));
    all.add(text("-1e400", "{\"a\":-1e400}", range));
    all.add(text("1.7976931348623159e308", "{\"a\":1.7976931348623159e308}", range));
    all.add(text("1e309 in an array", "{\"a\":[0,1e309]}", range));
    all.add(text("400-digit integer", "{\"a\":1" + "0".repeat(399) + "}", range));
    all.add(text("-400-digit integer", "{\"a\":-9" + "9".repeat(399) + "}", range));
    all.add(text("huge exponent", "{\"a\":1e99999999999}", range));
    all.add(text("exponent 2^31", "{\"a\":1e2147483648}", range));
    all.add(text("exponent 2^32 (must not wrap to 0)", "{\"a\":1e4294967296}", range));
    all.add(text("exponent 2^64 (must not wrap to 0)", "{\"a\":1e18446744073709551616}", range));
    // Not an object.
    String notObject = "data must be object";
    for (String v :
        new String[] {"[]", "[{}]", "1", "-0", "1.5", "\"x\"", "null", "true", "false"}) {
      all.add(text("data " + v, v, notObject));
      all.add(text("data " + v + " with whitespace", "\n " + v + " \t", notObject));
    }
    // Too deep: data may hold 31 levels of containers, counting itself.
    all.add(text("32 nested objects", nest(32, false), "nests deeper than 31"));
    all.add(text("32 nested arrays", nest(32, true), "nests deeper than 31"));
    all.add(text("40 nested objects", nest(40, false), "nests deeper than 31"));
    all.add(text("too deep in a losing duplicate", "{\"a\":" + nest(31, true) + ",\"a\":1}", "31"));
    return all.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refusedWithUsage(Refused r) {
    if (r.text() != null) {
      expectUsage(r, () -> Lite3Encoder.encodeEnvelope(List.of("t"), r.text()));
      if (!r.stringOnly()) {
        byte[] b = r.text().getBytes(StandardCharsets.UTF_8);
        expectUsage(r, () -> Lite3Encoder.encodeEnvelope(List.of("t"), b));
      }
    } else {
      expectUsage(r, () -> Lite3Encoder.encodeEnvelope(List.of("t"), r.bytes()));
    }
  }

  private static void expectUsage(Refused r, Runnable encode) {
    PlasmiteException e = assertThrows(PlasmiteException.class, encode::run, r.name());
    assertEquals(ErrorKind.USAGE, e.kind(), e.toString());
    for (String f : r.fragments()) {
      assertTrue(e.getMessage().contains(f), () -> "message lacks \"" + f + "\": " + e);
    }
  }

  /** An input that must be accepted, and the data the decoder then prints. */
  record Accepted(String name, String input, String data) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Accepted> accepted() {
    List<Accepted> all = new ArrayList<>();
    String[][] numbers = {
      {"-0", "-0.0"},
      {"0", "0"},
      {"-0.0", "-0.0"},
      {"-0e5", "-0.0"},
      {"0e0", "0.0"},
      {"1E2", "100.0"},
      {"1e2", "100.0"},
      {"1E+2", "100.0"},
      {"100", "100"},
      {"1.0", "1.0"},
      {"1e001", "10.0"},
      {"18446744073709551615", "1.8446744073709552e19"},
      {"18446744073709551616", "1.8446744073709552e19"},
      {"9223372036854775808", "9.223372036854776e18"},
      {"9223372036854775807", "9223372036854775807"},
      {"-9223372036854775808", "-9223372036854775808"},
      {"-9223372036854775809", "-9.223372036854776e18"},
      {"1e-400", "0.0"},
      {"-1e-400", "-0.0"},
      {"4.9e-324", "5e-324"},
      {"2.4703282292062328e-324", "5e-324"},
      {"2.4703282292062327e-324", "0.0"},
      {"2.2250738585072014e-308", "2.2250738585072014e-308"},
      {"1.7976931348623157e308", "1.7976931348623157e308"},
      // Correct rounding: this is below the midpoint between MAX_VALUE and 2^1024.
      {"1.7976931348623158e308", "1.7976931348623157e308"},
      {"0." + "0".repeat(399) + "1e400", "1.0"},
      {"0." + "0".repeat(1200) + "123e1203", "123.0"},
      {"1" + "0".repeat(1000) + "e-1000", "1.0"},
      {"1." + "0".repeat(1000) + "1", "1.0"},
      {"-" + "9".repeat(1100) + "e-1100", "-1.0"},
      {"1" + "0".repeat(300), "1e300"},
      {"123456789012345678901234567890", "1.2345678901234568e29"},
      {"1e-4294967296", "0.0"},
      {"1e-99999999999", "0.0"},
      {"0e99999999999", "0.0"},
      {"-0e-99999999999", "-0.0"},
      {"1" + "0".repeat(400) + "e-400", "1.0"},
      // The midpoint between 1.0 and the next double: ties to even; a hair above rounds up.
      {"1.00000000000000011102230246251565404236316680908203125", "1.0"},
      {"1.00000000000000011102230246251565404236316680908203126", "1.0000000000000002"},
      {"9007199254740993", "9007199254740993"},
      {"9007199254740993.0", "9007199254740992.0"},
      {"0.1", "0.1"},
      {"1e16", "1e16"},
      {"1e21", "1e21"},
      {"100000000000000000000.0", "1e20"},
      {"1000000000000000.0", "1000000000000000.0"},
      {"10000000000000000", "10000000000000000"},
      {"1e-7", "1e-7"},
      {"0.000025", "0.000025"},
    };
    for (String[] n : numbers) {
      String name =
          n[0].length() > 40 ? n[0].substring(0, 30) + "... (" + n[0].length() + ")" : n[0];
      all.add(new Accepted("number " + name, "{\"v\":" + n[0] + "}", "{\"v\":" + n[1] + "}"));
    }
    all.add(
        new Accepted(
            "every escape",
            "{\"s\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u4E2D\\ud83d\\ude00\\uD83D\\uDE00"
                + "\\u0000\\u001F\\u007f\\u2028\"}",
            "{\"s\":\"\\\"\\\\/\\b\\f\\n\\r\\tA\u00e9\u4e2d\ud83d\ude00\ud83d\ude00"
                + "\\u0000\\u001f\u007f\u2028\"}"));
    all.add(
        new Accepted(
            "raw non-ASCII and controls above 0x1F",
            "{\"s\":\"\u00e9\u4e2d\ud83d\ude00\u007f\uFEFF\uffff/\"}",
            "{\"s\":\"\u00e9\u4e2d\ud83d\ude00\u007f\uFEFF\uffff/\"}"));
    all.add(new Accepted("escaped key", "{\"\\u0061\":1,\"a\":2}", "{\"a\":2}"));
    all.add(
        new Accepted(
            "all whitespace kinds",
            " \t\r\n{ \"a\" :\t1 ,\r\n\"b\":[ ] }\n\t ",
            "{\"a\":1,\"b\":[]}"));
    all.add(new Accepted("empty key", "{\"\":\"\"}", "{\"\":\"\"}"));
    all.add(
        new Accepted(
            "duplicate keys: last wins", "{\"a\":1,\"b\":2,\"a\":3}", "{\"a\":3,\"b\":2}"));
    all.add(
        new Accepted(
            "keys sorted by UTF-8 bytes",
            "{\"\u00e9\":1,\"z\":2,\"\ud83d\ude00\":3,\"\uffff\":4}",
            "{\"z\":2,\"\u00e9\":1,\"\uffff\":4,\"\ud83d\ude00\":3}"));
    all.add(new Accepted("31 nested objects", nest(31, false), nest(31, false)));
    all.add(new Accepted("31 nested arrays", nest(31, true), nest(31, true)));
    all.add(
        new Accepted(
            "literals",
            "{\"t\":true,\"f\":false,\"n\":null}",
            "{\"f\":false,\"n\":null,\"t\":true}"));
    return all.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("accepted")
  void acceptedAsTheReferenceReadsIt(Accepted a) {
    byte[] fromString = Lite3Encoder.encodeEnvelope(List.of(), a.input());
    byte[] fromBytes =
        Lite3Encoder.encodeEnvelope(List.of(), a.input().getBytes(StandardCharsets.UTF_8));
    assertEquals(HexFormat.of().formatHex(fromString), HexFormat.of().formatHex(fromBytes));
    Lite3Validator.validateEnvelope(fromString);
    assertEquals(a.data(), Lite3Decoder.dataJson(fromString));
  }

  /**
   * Messages are for plasmite users: they must not tell them to switch on features of the JSON
   * library inside, nor show its internal source descriptions.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void messagesDoNotLeakParserInternals(Refused r) {
    if (r.stringOnly()) {
      return; // as bytes these are other, valid inputs
    }
    byte[] input = r.text() != null ? r.text().getBytes(StandardCharsets.UTF_8) : r.bytes();
    PlasmiteException e =
        assertThrows(
            PlasmiteException.class, () -> Lite3Encoder.encodeEnvelope(List.of(), input), r.name());
    for (String internal :
        new String[] {"JsonReadFeature", "StreamReadFeature", "Feature '", "REDACTED", "[Source"}) {
      assertTrue(
          !e.getMessage().contains(internal), () -> "message shows \"" + internal + "\": " + e);
    }
  }

  @Test
  void documentsMayNestOneLevelMore() {
    String deepest = nest(32, false);
    assertEquals(deepest, Lite3Decoder.documentJson(Lite3Encoder.encodeDocument(deepest)));
    PlasmiteException e =
        assertThrows(PlasmiteException.class, () -> Lite3Encoder.encodeDocument(nest(33, true)));
    assertEquals(ErrorKind.USAGE, e.kind());
    PlasmiteException scalar =
        assertThrows(PlasmiteException.class, () -> Lite3Encoder.encodeDocument("1"));
    assertEquals(ErrorKind.USAGE, scalar.kind());
  }

  @Test
  void syntaxErrorsSayWhere() {
    PlasmiteException e =
        assertThrows(
            PlasmiteException.class,
            () -> Lite3Encoder.encodeEnvelope(List.of(), "{\n  \"a\": 1,\n  \"b\": ]\n}"));
    assertEquals(ErrorKind.USAGE, e.kind());
    assertTrue(e.getMessage().contains("line 3"), e::toString);
  }

  @Test
  void tagsWithLoneSurrogatesAreRefused() {
    PlasmiteException e =
        assertThrows(
            PlasmiteException.class, () -> Lite3Encoder.encodeEnvelope(List.of("x\ud800"), "{}"));
    assertEquals(ErrorKind.USAGE, e.kind());
  }
}
