package io.plasmite.client;

import io.plasmite.Durability;
import io.plasmite.ErrorKind;
import io.plasmite.Message;
import io.plasmite.PlasmiteException;
import io.plasmite.PoolInfo;
import io.plasmite.TailOptions;
import io.plasmite.json.CanonicalJsonWriter;
import io.plasmite.lite3.Lite3Validator;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A pool on a server, with the operations of a local {@link io.plasmite.Pool}: info, appends (JSON
 * or Lite3), reads by seq and tails. Holds no connection of its own: closing it is free.
 */
public final class RemotePool implements AutoCloseable {
  static final String LITE3 = "application/x-plasmite-lite3";

  private final RemoteClient client;
  private final String name;

  RemotePool(RemoteClient client, String name) {
    this.client = client;
    this.name = name;
  }

  /**
   * The pool's name on the server.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The client this pool was opened with.
   *
   * @return the client
   */
  public RemoteClient client() {
    return client;
  }

  /**
   * The pool's info.
   *
   * @return the info
   */
  public PoolInfo info() {
    return client.info(name);
  }

  /**
   * Appends a JSON object ({@code POST …/append}).
   *
   * @param dataJson JSON text of an object
   * @param tags the tags
   * @param durability FAST or FLUSH
   * @return the stored message
   * @throws PlasmiteException Usage for invalid JSON (checked here first), or the server's refusal
   */
  public Message appendJson(String dataJson, List<String> tags, Durability durability) {
    // Encoding checks the JSON as a local append would, before anything is sent.
    io.plasmite.lite3.Lite3Encoder.encodeEnvelope(tags, dataJson);
    CanonicalJsonWriter body = new CanonicalJsonWriter(false);
    body.startObject().key("data").rawValue(dataJson.getBytes(StandardCharsets.UTF_8));
    body.key("durability").value(durability == Durability.FLUSH ? "flush" : "fast");
    body.key("tags").startArray();
    for (String t : tags) {
      body.value(t);
    }
    body.endArray().endObject();
    byte[] reply = client.postJson(RemoteClient.poolPath(name, "append"), body.toByteArray());
    return Wire.message(reply, Json.object(reply).obj("message"));
  }

  /**
   * Appends a Lite3 message envelope as it is ({@code POST …/append_lite3}).
   *
   * @param payload the envelope {@code {"meta":{"tags":[..]},"data":{..}}} in Lite3
   * @param durability FAST or FLUSH
   * @return the stored message (with these bytes)
   * @throws PlasmiteException Usage if the bytes are not a valid envelope (checked here first)
   */
  public Message appendLite3(byte[] payload, Durability durability) {
    try {
      Lite3Validator.validateEnvelope(payload);
    } catch (PlasmiteException e) {
      throw PlasmiteException.of(
          ErrorKind.USAGE, "payload is not a valid message: " + e.getMessage());
    }
    String path =
        RemoteClient.poolPath(name, "append_lite3")
            + (durability == Durability.FLUSH ? "?durability=flush" : "");
    byte[] reply =
        client.send(
            client
                .request(path)
                .header("Accept", RemoteClient.JSON)
                .header("Content-Type", LITE3)
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
                .build());
    return Wire.message(Json.object(reply).obj("message"), payload.clone());
  }

  /**
   * One message ({@code GET …/messages/{seq}}).
   *
   * @param seq the seq
   * @return the message
   * @throws PlasmiteException NotFound when it is not retained
   */
  public Message getMessage(long seq) {
    byte[] json = client.get(RemoteClient.poolPath(name, "messages/" + seq));
    return Wire.message(json, Json.object(json).obj("message"));
  }

  /**
   * The stored Lite3 bytes of one message ({@code GET …/messages/{seq}/lite3}).
   *
   * @param seq the seq
   * @return the payload
   */
  public byte[] getLite3(long seq) {
    return client.send(
        client
            .request(RemoteClient.poolPath(name, "messages/" + seq + "/lite3"))
            .header("Accept", LITE3)
            .GET()
            .build());
  }

  /**
   * A tail ({@code GET …/tail}), which reconnects after each server-side deadline.
   *
   * @param options what to read (since, max, tags, gap policy) and the idle timeout of {@link
   *     RemoteTail#hasNext()}
   * @return the tail
   */
  public RemoteTail tail(TailOptions options) {
    return new RemoteTail(this, options);
  }

  /** Nothing to release: each call is its own request. */
  @Override
  public void close() {}
}
