package io.plasmite.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small reader of the server's JSON answers: objects become {@link Obj} (which remember where
 * they lie in the input, so a message's {@code data} is passed on byte for byte), arrays lists,
 * integers {@code Long} (or {@code BigInteger}), other numbers {@code Double}.
 */
final class Json {
  private static final JsonFactory FACTORY = new JsonFactory();

  private Json() {}

  /** An object, with its members and its byte range in the input. */
  record Obj(Map<String, Object> members, int start, int end) {
    Object get(String key) {
      return members.get(key);
    }

    Obj obj(String key) {
      return members.get(key) instanceof Obj o ? o : null;
    }

    String string(String key) {
      return members.get(key) instanceof String s ? s : null;
    }

    long num(String key, long absent) {
      return members.get(key) instanceof Number n ? n.longValue() : absent;
    }
  }

  static Obj object(byte[] json) {
    if (parse(json) instanceof Obj o) {
      return o;
    }
    throw invalid("expected a JSON object", null);
  }

  static Object parse(byte[] json) {
    try (JsonParser p = FACTORY.createParser(json)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw invalid("empty response", null);
      }
      Object value = value(p, t);
      if (p.nextToken() != null) {
        throw invalid("trailing characters", null);
      }
      return value;
    } catch (IOException e) {
      throw invalid(e.getMessage(), e);
    }
  }

  private static Object value(JsonParser p, JsonToken t) throws IOException {
    return switch (t) {
      case START_OBJECT -> {
        int start = (int) p.currentTokenLocation().getByteOffset();
        Map<String, Object> members = new LinkedHashMap<>();
        for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
          String name = p.currentName();
          members.put(name, value(p, p.nextToken()));
        }
        int end = (int) p.currentLocation().getByteOffset();
        yield new Obj(members, start, end);
      }
      case START_ARRAY -> {
        List<Object> items = new ArrayList<>();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
          items.add(value(p, e));
        }
        yield items;
      }
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT -> p.getNumberValue();
      case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> throw invalid("unexpected token " + t, null);
    };
  }

  static PlasmiteException invalid(String what, Throwable cause) {
    return PlasmiteException.of(
        ErrorKind.INTERNAL, "invalid response from the server: " + what, cause);
  }
}
