package io.plasmite.json;

import io.plasmite.PlasmiteException;

/**
 * The inner error object of {@code json.md} §3 written with the canonical writer, for errors that
 * are part of a result ({@code pool list}, {@code pool delete --json}) rather than the failure of
 * the run.
 */
public final class ErrorJson {
  private ErrorJson() {}

  /**
   * Writes {@code {"causes":[…],"hint":…,"kind":…,"message":…,"offset":…,"path":…,"seq":…}} with
   * absent fields left out (keys in byte order, as the Rust tools print it).
   *
   * @param json where to write
   * @param error the error
   */
  public static void write(CanonicalJsonWriter json, PlasmiteException error) {
    json.startObject();
    if (!error.causes().isEmpty()) {
      json.key("causes").startArray();
      for (String cause : error.causes()) {
        json.value(cause);
      }
      json.endArray();
    }
    error.hint().ifPresent(h -> json.key("hint").value(h));
    json.key("kind").value(error.kind().wireName());
    json.key("message").value(String.valueOf(error.getMessage()));
    error.offset().ifPresent(o -> json.key("offset").value(o));
    error.path().ifPresent(p -> json.key("path").value(p));
    error.seq().ifPresent(s -> json.key("seq").value(s));
    json.endObject();
  }
}
