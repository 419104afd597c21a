package io.plasmite.server;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.plasmite.Durability;
import io.plasmite.ErrorKind;
import io.plasmite.Message;
import io.plasmite.PlasmiteException;
import io.plasmite.lite3.Lite3Encoder;
import io.plasmite.lite3.Lite3Validator;
import java.util.List;

/**
 * Writing and reading single messages: {@code POST …/append} (JSON), {@code POST …/append_lite3}
 * (raw Lite3 envelope), {@code GET …/messages/{seq}} and {@code GET …/messages/{seq}/lite3}.
 */
final class MessageEndpoints {
  static final String LITE3 = "application/x-plasmite-lite3";

  private final ServerContext ctx;

  MessageEndpoints(ServerContext ctx) {
    this.ctx = ctx;
  }

  void append(Exchange x, String name) {
    ctx.requireWrite();
    JsonBody body = JsonBody.parse(x.body());
    byte[] data = body.object("data");
    List<String> tags = body.strings("tags");
    Durability durability = durability(body.string("durability", false));
    // Encoded (and so validated) before the pool is touched: a refused message writes nothing.
    byte[] payload = Lite3Encoder.encodeEnvelope(tags, data);
    try (OpenPools.Lease pool = ctx.pools.forWrite(ServerContext.poolRef(name))) {
      sendMessage(x, pool.pool().appendPayloads(List.of(payload), -1, durability).getFirst());
    }
  }

  void appendLite3(Exchange x, String name) {
    ctx.requireWrite();
    String type = x.header(HeaderNames.CONTENT_TYPE);
    if (type != null && !type.startsWith(LITE3)) {
      throw PlasmiteException.of(ErrorKind.USAGE, "invalid content-type for lite3 append")
          .withHint("Send Content-Type: " + LITE3 + ".");
    }
    Durability durability = durability(x.query("durability"));
    byte[] payload = x.body();
    if (payload.length == 0) {
      throw PlasmiteException.of(ErrorKind.USAGE, "lite3 payload is required");
    }
    try (OpenPools.Lease pool = ctx.pools.forWrite(ServerContext.poolRef(name))) {
      sendMessage(x, pool.pool().appendLite3(payload, durability));
    }
  }

  void get(Exchange x, String name, long seq) {
    ctx.requireRead();
    try (OpenPools.Lease pool = ctx.pools.forRead(ServerContext.poolRef(name))) {
      sendMessage(x, pool.pool().getMessage(seq));
    }
  }

  void getLite3(Exchange x, String name, long seq) {
    ctx.requireRead();
    byte[] payload;
    try (OpenPools.Lease pool = ctx.pools.forRead(ServerContext.poolRef(name))) {
      payload = pool.pool().getMessage(seq).lite3();
    }
    Lite3Validator.validateEnvelope(payload);
    x.response.status(Status.OK_200);
    x.response.header(HeaderNames.CONTENT_TYPE, LITE3);
    x.response.header(Exchange.PLASMITE_SEQ, Long.toString(seq));
    x.response.send(payload);
  }

  private static void sendMessage(Exchange x, Message m) {
    x.json(
        w -> {
          w.startObject().key("message");
          m.writeJson(w);
          w.endObject();
        });
  }

  /** {@code fast} (also when absent) or {@code flush}; anything else is Usage. */
  static Durability durability(String text) {
    if (text == null || text.equals("fast")) {
      return Durability.FAST;
    }
    if (text.equals("flush")) {
      return Durability.FLUSH;
    }
    throw PlasmiteException.of(
        ErrorKind.USAGE, "invalid durability '" + text + "': use fast or flush");
  }
}
