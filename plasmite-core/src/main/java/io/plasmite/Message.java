package io.plasmite;

import io.plasmite.json.CanonicalJsonWriter;
import io.plasmite.json.Rfc3339;
import io.plasmite.lite3.Lite3Decoder;
import io.plasmite.lite3.Lite3Doc;
import java.time.Instant;
import java.util.List;

/**
 * One message: its {@code seq}, its time in Unix nanoseconds, its tags and its {@code data} object,
 * kept as the stored Lite3 payload and decoded on demand.
 *
 * <pre>{@code
 * Message m = pool.getMessage(42);
 * m.seq();          // 42
 * m.tags();         // [orders]
 * m.dataJson();     // {"id":7}
 * m.toJson();       // {"data":{"id":7},"meta":{"tags":["orders"]},"seq":42,"time":"2026-..."}
 * Lite3Doc doc = m.view();
 * long id = doc.i64(doc.find(m.dataOffset(), "id"));
 * }</pre>
 */
public final class Message {
  private final long seq;
  private final long timeNs;
  private final byte[] payload;
  private List<String> tags;
  private String dataJson;

  /**
   * Wraps a stored message.
   *
   * @param seq the sequence number
   * @param timeNs Unix nanoseconds
   * @param payload the Lite3 envelope (not copied; do not modify)
   */
  public Message(long seq, long timeNs, byte[] payload) {
    this.seq = seq;
    this.timeNs = timeNs;
    this.payload = payload;
  }

  /**
   * The sequence number.
   *
   * @return seq
   */
  public long seq() {
    return seq;
  }

  /**
   * The time the message was appended.
   *
   * @return Unix nanoseconds
   */
  public long timeNs() {
    return timeNs;
  }

  /**
   * The time the message was appended.
   *
   * @return the instant
   */
  public Instant time() {
    return Instant.ofEpochSecond(
        Math.floorDiv(timeNs, 1_000_000_000L), Math.floorMod(timeNs, 1_000_000_000L));
  }

  /**
   * The tags, read without decoding the data.
   *
   * @return an unmodifiable list
   * @throws PlasmiteException Corrupt if the payload is damaged
   */
  public List<String> tags() {
    if (tags == null) {
      tags = List.copyOf(Lite3Decoder.tags(payload));
    }
    return tags;
  }

  /**
   * The data as compact canonical JSON.
   *
   * @return JSON text of an object
   * @throws PlasmiteException Corrupt if the payload is damaged
   */
  public String dataJson() {
    if (dataJson == null) {
      dataJson = Lite3Decoder.dataJson(payload);
    }
    return dataJson;
  }

  /**
   * A zero-copy view of the payload for typed access.
   *
   * @return the document view
   */
  public Lite3Doc view() {
    return Lite3Doc.of(payload);
  }

  /**
   * Offset of the {@code data} object within {@link #view()}.
   *
   * @return the value offset
   */
  public int dataOffset() {
    return view().find(Lite3Doc.ROOT, "data");
  }

  /**
   * The stored Lite3 envelope.
   *
   * @return the bytes (shared; do not modify)
   */
  public byte[] lite3() {
    return payload;
  }

  /**
   * The message as compact canonical JSON: {@code {"data":..,"meta":{"tags":[..]},"seq":N,
   * "time":"T"}}.
   *
   * @return JSON text
   */
  public String toJson() {
    return envelope(false);
  }

  /**
   * The message as indented canonical JSON.
   *
   * @return JSON text
   */
  public String toPrettyJson() {
    return envelope(true);
  }

  /**
   * Writes the message envelope to a writer.
   *
   * @param out the writer, positioned where a value may go
   */
  public void writeJson(CanonicalJsonWriter out) {
    out.startObject().key("data");
    Lite3Decoder.writeData(payload, out);
    out.key("meta").startObject().key("tags").startArray();
    for (String t : tags()) {
      out.value(t);
    }
    out.endArray().endObject();
    out.key("seq").value(seq);
    out.key("time").value(Rfc3339.format(timeNs));
    out.endObject();
  }

  private String envelope(boolean pretty) {
    CanonicalJsonWriter out = new CanonicalJsonWriter(pretty);
    writeJson(out);
    return out.toString();
  }

  @Override
  public String toString() {
    return toJson();
  }
}
