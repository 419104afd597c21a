package io.plasmite.testing;

import java.util.HashMap;
import java.util.Map;

/** {@code key=value} arguments of the child mains. */
final class ChildArgs {
  private final Map<String, String> values = new HashMap<>();

  ChildArgs(String[] args) {
    for (String a : args) {
      int eq = a.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("expected key=value, got " + a);
      }
      values.put(a.substring(0, eq), a.substring(eq + 1));
    }
  }

  String get(String key) {
    String v = values.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing argument " + key);
    }
    return v;
  }

  String get(String key, String fallback) {
    return values.getOrDefault(key, fallback);
  }

  long getLong(String key, long fallback) {
    String v = values.get(key);
    return v == null ? fallback : Long.parseLong(v);
  }
}
