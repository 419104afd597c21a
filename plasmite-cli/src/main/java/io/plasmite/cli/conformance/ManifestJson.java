package io.plasmite.cli.conformance;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A JSON tree for manifests that loses nothing a conformance check could depend on: number literals
 * are kept as written ({@code -0}, {@code 1e400}, {@code 18446744073709551615} reach the engine
 * unchanged) and objects keep duplicate keys in order (so "the last one wins" is tested by the
 * engine, not decided here).
 *
 * <p>Values are {@link Obj}, {@link List}, {@link String}, {@link Boolean}, {@link Num} and {@link
 * Null#INSTANCE}; {@code null} means "absent".
 */
final class ManifestJson {
  private static final JsonFactory FACTORY = new JsonFactory();

  private ManifestJson() {}

  /** JSON {@code null}, distinct from an absent member. */
  enum Null {
    /** The one null. */
    INSTANCE
  }

  /**
   * A number, as its literal text.
   *
   * @param text the literal, e.g. {@code -0.0}
   */
  record Num(String text) {
    /**
     * The value as a non-negative integer, if it is written as one.
     *
     * @return the value, or -1 when the literal is not a plain integer from 0 to 2^63-1
     */
    long asNonNegativeLong() {
      if (text.isEmpty() || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return -1;
      }
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException e) {
        return -1;
      }
    }
  }

  /**
   * One member of an object.
   *
   * @param key the name
   * @param value the value
   */
  record Member(String key, Object value) {}

  /**
   * An object, members in document order, duplicates included.
   *
   * @param members the members
   */
  record Obj(List<Member> members) {
    /** An object without members. */
    static final Obj EMPTY = new Obj(List.of());

    /** Copies the members. */
    Obj {
      members = List.copyOf(members);
    }

    /**
     * The value of a member; with duplicates, the last one (as JSON parsers usually do).
     *
     * @param key the name
     * @return the value, or null when absent
     */
    Object get(String key) {
      Object found = null;
      for (Member m : members) {
        if (m.key().equals(key)) {
          found = m.value();
        }
      }
      return found;
    }

    /**
     * Whether a member is present.
     *
     * @param key the name
     * @return true if present (even with a null value)
     */
    boolean has(String key) {
      return get(key) != null;
    }
  }

  /**
   * Parses exactly one JSON value.
   *
   * @param text the JSON text
   * @return the value
   * @throws IOException if the text is not one valid JSON value
   */
  static Object parse(String text) throws IOException {
    try (JsonParser parser = FACTORY.createParser(text)) {
      Object value = read(parser, parser.nextToken());
      if (parser.nextToken() != null) {
        throw new IOException("trailing content after the JSON value");
      }
      return value;
    }
  }

  private static Object read(JsonParser parser, JsonToken token) throws IOException {
    if (token == null) {
      throw new IOException("no JSON value");
    }
    return switch (token) {
      case START_OBJECT -> {
        List<Member> members = new ArrayList<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String key = parser.currentName();
          members.add(new Member(key, read(parser, parser.nextToken())));
        }
        yield new Obj(members);
      }
      case START_ARRAY -> {
        List<Object> items = new ArrayList<>();
        for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
          items.add(read(parser, t));
        }
        yield items;
      }
      case VALUE_STRING -> parser.getText();
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> new Num(parser.getText());
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> Null.INSTANCE;
      default -> throw new IOException("unexpected JSON token " + token);
    };
  }

  /**
   * Writes a value as compact JSON text, numbers exactly as they were read.
   *
   * @param value a value of this tree
   * @return the JSON text
   */
  static String write(Object value) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      write(json, value);
    } catch (IOException e) {
      // Writing into memory does not fail.
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void write(JsonGenerator json, Object value) throws IOException {
    switch (value) {
      case Obj obj -> {
        json.writeStartObject();
        for (Member m : obj.members()) {
          json.writeFieldName(m.key());
          write(json, m.value());
        }
        json.writeEndObject();
      }
      case List<?> list -> {
        json.writeStartArray();
        for (Object item : list) {
          write(json, item);
        }
        json.writeEndArray();
      }
      case String s -> json.writeString(s);
      case Num n -> json.writeNumber(n.text());
      case Boolean b -> json.writeBoolean(b);
      case Null n -> json.writeNull();
      default -> throw new IllegalArgumentException("not a manifest JSON value: " + value);
    }
  }

  /**
   * A short description of a value's JSON type, for messages.
   *
   * @param value a value, or null for absent
   * @return e.g. {@code object}
   */
  static String typeName(Object value) {
    return switch (value) {
      case null -> "absent";
      case Obj o -> "object";
      case List<?> l -> "array";
      case String s -> "string";
      case Num n -> "number";
      case Boolean b -> "boolean";
      default -> "null";
    };
  }
}
