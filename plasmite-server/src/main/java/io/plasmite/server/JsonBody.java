package io.plasmite.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The top-level members of a JSON object request body: strings, integers, string arrays, and the
 * exact bytes of nested objects (the {@code data} of an append goes to the Lite3 encoder as it
 * came, which parses it strictly). A later duplicate member wins, as in {@code json.md}.
 */
final class JsonBody {
  private static final JsonFactory FACTORY = new JsonFactory();

  private final byte[] source;
  private final Map<String, Member> members;

  private record Member(JsonToken token, int start, int end, Object value) {}

  private JsonBody(byte[] source, Map<String, Member> members) {
    this.source = source;
    this.members = members;
  }

  /**
   * Parses a body that must be one JSON object.
   *
   * @param body the bytes
   * @return the members
   * @throws PlasmiteException Usage for anything else
   */
  static JsonBody parse(byte[] body) {
    if (body.length == 0) {
      throw PlasmiteException.of(ErrorKind.USAGE, "missing JSON request body")
          .withHint("Send a JSON object with Content-Type: application/json.");
    }
    Map<String, Member> members = new HashMap<>();
    try (JsonParser p = FACTORY.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw PlasmiteException.of(ErrorKind.USAGE, "request body must be a JSON object");
      }
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        int start = (int) p.currentTokenLocation().getByteOffset();
        Object parsed = null;
        if (value == JsonToken.START_ARRAY) {
          List<String> strings = new ArrayList<>();
          boolean allStrings = true;
          for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
            if (e == JsonToken.VALUE_STRING) {
              strings.add(p.getText());
            } else {
              allStrings = false;
              p.skipChildren();
            }
          }
          parsed = allStrings ? strings : null;
        } else if (value == JsonToken.START_OBJECT) {
          p.skipChildren();
        } else if (value == JsonToken.VALUE_STRING) {
          parsed = p.getText();
        } else if (value == JsonToken.VALUE_NUMBER_INT) {
          parsed =
              p.getNumberType() == JsonParser.NumberType.LONG
                      || p.getNumberType() == JsonParser.NumberType.INT
                  ? (Object) p.getLongValue()
                  : null;
        }
        int end = (int) p.currentLocation().getByteOffset();
        members.put(name, new Member(value, start, end, parsed));
      }
      if (p.nextToken() != null) {
        throw PlasmiteException.of(ErrorKind.USAGE, "invalid JSON body: trailing characters");
      }
    } catch (JsonProcessingException e) {
      throw PlasmiteException.of(ErrorKind.USAGE, "invalid JSON body: " + e.getOriginalMessage())
          .withHint("Send one JSON object.");
    } catch (IOException e) {
      throw PlasmiteException.of(ErrorKind.IO, "failed to read the request body", e);
    }
    return new JsonBody(body, members);
  }

  /** Whether a member is present (even null). */
  boolean has(String name) {
    return members.containsKey(name);
  }

  /** A string member; Usage when required and missing, or not a string. */
  String string(String name, boolean required) {
    Member m = members.get(name);
    if (m == null || (!required && m.token == JsonToken.VALUE_NULL)) {
      if (required) {
        throw PlasmiteException.of(ErrorKind.USAGE, "missing field " + name);
      }
      return null;
    }
    if (m.value instanceof String s) {
      return s;
    }
    throw PlasmiteException.of(ErrorKind.USAGE, "field " + name + " must be a string");
  }

  /** A non-negative integer member, or -1 when absent or null; Usage for another value. */
  long nonNegative(String name) {
    Member m = members.get(name);
    if (m == null || m.token == JsonToken.VALUE_NULL) {
      return -1;
    }
    if (m.value instanceof Long v && v >= 0) {
      return v;
    }
    throw PlasmiteException.of(
        ErrorKind.USAGE, "field " + name + " must be a non-negative integer");
  }

  /** A member that is an array of strings; empty when absent or null. */
  List<String> strings(String name) {
    Member m = members.get(name);
    if (m == null || m.token == JsonToken.VALUE_NULL) {
      return List.of();
    }
    if (m.value instanceof List<?> list) {
      List<String> out = new ArrayList<>(list.size());
      for (Object o : list) {
        out.add((String) o);
      }
      return out;
    }
    throw PlasmiteException.of(ErrorKind.USAGE, "field " + name + " must be an array of strings");
  }

  /** The exact JSON text of an object member; Usage when missing or not an object. */
  byte[] object(String name) {
    Member m = members.get(name);
    if (m == null) {
      throw PlasmiteException.of(ErrorKind.USAGE, "missing field " + name);
    }
    if (m.token != JsonToken.START_OBJECT) {
      throw PlasmiteException.of(ErrorKind.USAGE, name + " must be object");
    }
    return Arrays.copyOfRange(source, m.start, m.end);
  }
}
