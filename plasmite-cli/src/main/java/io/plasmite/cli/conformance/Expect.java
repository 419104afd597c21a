package io.plasmite.cli.conformance;

import io.plasmite.PlasmiteException;
import io.plasmite.cli.conformance.ManifestJson.Num;
import io.plasmite.cli.conformance.ManifestJson.Obj;
import io.plasmite.lite3.Lite3Decoder;
import io.plasmite.lite3.Lite3Encoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Reading manifest fields strictly, and comparing what happened with what a step expects. */
final class Expect {
  private static final int SHOWN_CHARS = 160;

  private Expect() {}

  /**
   * Fails when an object has members other than the allowed ones: a field the runner does not know
   * could change what the step means, and an expectation it does not know would go unchecked.
   *
   * @param obj the object
   * @param where its name in messages, e.g. {@code expect}
   * @param allowed the known member names
   * @throws Mismatch naming the first unknown member
   */
  static void onlyKeys(Obj obj, String where, String... allowed) throws Mismatch {
    List<String> known = Arrays.asList(allowed);
    for (ManifestJson.Member m : obj.members()) {
      if (!known.contains(m.key())) {
        throw new Mismatch(
            "manifest: unsupported field " + where + "." + m.key() + " (known: " + known + ")");
      }
    }
  }

  /**
   * An optional object member.
   *
   * @param obj the parent
   * @param key the member
   * @param where the member's name in messages
   * @return the object, or {@link Obj#EMPTY} when absent
   * @throws Mismatch if present but not an object
   */
  static Obj object(Obj obj, String key, String where) throws Mismatch {
    Object value = obj.get(key);
    if (value == null) {
      return Obj.EMPTY;
    }
    if (value instanceof Obj o) {
      return o;
    }
    throw new Mismatch(
        "manifest: " + where + " must be an object, not " + ManifestJson.typeName(value));
  }

  /**
   * An optional string member.
   *
   * @param obj the parent
   * @param key the member
   * @param where the member's name in messages
   * @return the string, or null when absent
   * @throws Mismatch if present but not a string
   */
  static String string(Obj obj, String key, String where) throws Mismatch {
    Object value = obj.get(key);
    if (value == null || value instanceof String) {
      return (String) value;
    }
    throw new Mismatch(
        "manifest: " + where + " must be a string, not " + ManifestJson.typeName(value));
  }

  /**
   * An optional non-negative integer member.
   *
   * @param obj the parent
   * @param key the member
   * @param where the member's name in messages
   * @param absent the value when absent
   * @return the number
   * @throws Mismatch if present but not an integer from 0 to 2^63-1
   */
  static long count(Obj obj, String key, String where, long absent) throws Mismatch {
    Object value = obj.get(key);
    if (value == null) {
      return absent;
    }
    long n = value instanceof Num num ? num.asNonNegativeLong() : -1;
    if (n < 0) {
      throw new Mismatch(
          "manifest: "
              + where
              + " must be a non-negative integer, not "
              + ManifestJson.write(value));
    }
    return n;
  }

  /**
   * An optional boolean member.
   *
   * @param obj the parent
   * @param key the member
   * @param where the member's name in messages
   * @return the value, or null when absent
   * @throws Mismatch if present but not a boolean
   */
  static Boolean bool(Obj obj, String key, String where) throws Mismatch {
    Object value = obj.get(key);
    if (value == null || value instanceof Boolean) {
      return (Boolean) value;
    }
    throw new Mismatch(
        "manifest: " + where + " must be true or false, not " + ManifestJson.write(value));
  }

  /**
   * The tags of an input or expected message: {@code tags}, or {@code descrips} as older manifests
   * of the Rust project call them.
   *
   * @param obj the object holding them
   * @param where its name in messages
   * @return the tags, or empty when neither member is present
   * @throws Mismatch if they are not an array of strings, or both are given and differ
   */
  static Optional<List<String>> tags(Obj obj, String where) throws Mismatch {
    List<String> tags = strings(obj.get("tags"), where + ".tags");
    List<String> descrips = strings(obj.get("descrips"), where + ".descrips");
    if (tags != null && descrips != null && !tags.equals(descrips)) {
      throw new Mismatch("manifest: " + where + " has both tags and descrips, and they differ");
    }
    return Optional.ofNullable(tags != null ? tags : descrips);
  }

  /**
   * An array of strings.
   *
   * @param value the value, or null when absent
   * @param where its name in messages
   * @return the strings, or null when absent
   * @throws Mismatch if it is not an array of strings
   */
  static List<String> strings(Object value, String where) throws Mismatch {
    if (value == null) {
      return null;
    }
    if (value instanceof List<?> list) {
      List<String> out = new ArrayList<>(list.size());
      for (Object item : list) {
        if (!(item instanceof String s)) {
          throw new Mismatch("manifest: " + where + " must hold only strings");
        }
        out.add(s);
      }
      return out;
    }
    throw new Mismatch(
        "manifest: " + where + " must be an array of strings, not " + ManifestJson.typeName(value));
  }

  /**
   * The canonical JSON text of expected data: the text is encoded as a message and decoded again,
   * exactly as a stored message's data would be, so numbers compare by value the way the engine
   * keeps them and keys are sorted.
   *
   * @param expected the expected {@code data}
   * @return compact canonical JSON
   * @throws Mismatch if the expected data could not be a stored message's data at all
   */
  static String canonicalData(Object expected) throws Mismatch {
    try {
      return Lite3Decoder.dataJson(
          Lite3Encoder.encodeEnvelope(List.of(), ManifestJson.write(expected)));
    } catch (PlasmiteException e) {
      throw new Mismatch(
          "manifest: expected data "
              + shorten(ManifestJson.write(expected))
              + " cannot be a message's data ("
              + e.getMessage()
              + ")");
    }
  }

  /**
   * Checks that an operation failed the way an {@code expect.error} object says.
   *
   * @param spec the {@code expect.error} value
   * @param actual the failure
   * @throws Mismatch if the kind differs, the message lacks the text, or a field's presence differs
   */
  static void error(Object spec, PlasmiteException actual) throws Mismatch {
    if (!(spec instanceof Obj expected)) {
      throw new Mismatch("manifest: expect.error must be an object");
    }
    onlyKeys(
        expected, "expect.error", "kind", "message_contains", "has_path", "has_seq", "has_offset");
    String kind = string(expected, "kind", "expect.error.kind");
    if (kind == null) {
      throw new Mismatch("manifest: expect.error.kind is required");
    }
    if (!kind.equals(actual.kind().wireName())) {
      throw new Mismatch("expected error kind " + kind + ", got " + describe(actual));
    }
    String contains = string(expected, "message_contains", "expect.error.message_contains");
    if (contains != null && !String.valueOf(actual.getMessage()).contains(contains)) {
      throw new Mismatch(
          "expected the error message to contain \"" + contains + "\", got " + describe(actual));
    }
    presence(expected, "has_path", "a path", actual.path().isPresent(), actual);
    presence(expected, "has_seq", "a seq", actual.seq().isPresent(), actual);
    presence(expected, "has_offset", "an offset", actual.offset().isPresent(), actual);
  }

  private static void presence(
      Obj expected, String key, String what, boolean present, PlasmiteException actual)
      throws Mismatch {
    Boolean wanted = bool(expected, key, "expect.error." + key);
    if (wanted != null && wanted != present) {
      throw new Mismatch(
          "expected the error to carry "
              + (wanted ? what : "no " + what.substring(what.indexOf(' ') + 1))
              + ", got "
              + describe(actual));
    }
  }

  /**
   * An error in one line: kind, message and the fields it carries.
   *
   * @param e the error
   * @return e.g. {@code NotFound "pool not found: /w/x.plasmite" (path /w/x.plasmite)}
   */
  static String describe(PlasmiteException e) {
    StringBuilder text =
        new StringBuilder(e.kind().wireName()).append(" \"").append(e.getMessage()).append('"');
    List<String> fields = new ArrayList<>();
    e.path().ifPresent(p -> fields.add("path " + p));
    e.seq().ifPresent(s -> fields.add("seq " + s));
    e.offset().ifPresent(o -> fields.add("offset " + o));
    if (!fields.isEmpty()) {
      text.append(" (").append(String.join(", ", fields)).append(')');
    }
    return text.toString();
  }

  /**
   * Long JSON cut down for messages.
   *
   * @param text any text
   * @return the text, cut to its first 160 characters when longer
   */
  static String shorten(String text) {
    if (text.length() <= SHOWN_CHARS) {
      return text;
    }
    return text.substring(0, SHOWN_CHARS) + "…(" + text.length() + " chars)";
  }
}
