package io.plasmite.bench.compare;

import io.plasmite.bench.Messages;
import io.plasmite.lite3.Lite3Encoder;
import java.nio.charset.StandardCharsets;

/**
 * One message of a given size in each of the shapes the lanes feed in: the JSON text (what a JSON
 * lane hands each system), its UTF-8 bytes, and our Lite3 envelope of it (the pre-encoded bytes
 * every system copies in the byte lanes, so all three store the same bytes).
 *
 * @param json the JSON text
 * @param jsonUtf8 its UTF-8 bytes
 * @param payload our Lite3 envelope of it, tagged {@code bench}
 */
public record Fixtures(String json, byte[] jsonUtf8, byte[] payload) {
  /**
   * The fixtures for a message size.
   *
   * @param message {@code small} (~130 bytes of JSON) or {@code 1k}
   * @return the fixtures
   */
  public static Fixtures of(String message) {
    String json = Messages.json(message);
    return new Fixtures(
        json,
        json.getBytes(StandardCharsets.UTF_8),
        Lite3Encoder.encodeEnvelope(Messages.TAGS, json));
  }
}
