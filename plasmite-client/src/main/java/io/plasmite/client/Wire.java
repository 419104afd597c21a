package io.plasmite.client;

import io.plasmite.ErrorKind;
import io.plasmite.Message;
import io.plasmite.PlasmiteException;
import io.plasmite.PoolInfo;
import io.plasmite.lite3.Lite3Encoder;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The server's JSON objects as the local API's types (remote-v0.md, json.md). */
final class Wire {
  private Wire() {}

  /**
   * A message envelope {@code {"data":..,"meta":{"tags":[..]},"seq":N,"time":"T"}} as a Message;
   * its Lite3 payload is encoded from the data exactly as sent (canonical JSON encodes to the
   * stored bytes).
   */
  static Message message(byte[] source, Json.Obj m) {
    Json.Obj data = m.obj("data");
    Json.Obj meta = m.obj("meta");
    if (data == null || meta == null || !(m.get("seq") instanceof Number seq)) {
      throw Json.invalid("not a message envelope", null);
    }
    List<String> tags = new ArrayList<>();
    if (meta.get("tags") instanceof List<?> list) {
      for (Object o : list) {
        tags.add(String.valueOf(o));
      }
    }
    byte[] dataJson = Arrays.copyOfRange(source, data.start(), data.end());
    return new Message(
        seq.longValue(), timeNs(m.string("time")), Lite3Encoder.encodeEnvelope(tags, dataJson));
  }

  /** The seq and time of an envelope with a payload known already (a Lite3 append). */
  static Message message(Json.Obj m, byte[] payload) {
    if (!(m.get("seq") instanceof Number seq)) {
      throw Json.invalid("not a message envelope", null);
    }
    return new Message(seq.longValue(), timeNs(m.string("time")), payload);
  }

  static long timeNs(String rfc3339) {
    if (rfc3339 == null) {
      return -1;
    }
    try {
      Instant t = Instant.parse(rfc3339);
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    } catch (DateTimeParseException | ArithmeticException e) {
      throw Json.invalid("bad time " + rfc3339, e);
    }
  }

  /** A PoolInfo object of {@code pool info --json}. */
  static PoolInfo poolInfo(Json.Obj p) {
    if (p == null) {
      throw Json.invalid("missing pool object", null);
    }
    Json.Obj bounds = p.obj("bounds");
    Json.Obj metrics = p.obj("metrics");
    Json.Obj used = metrics == null ? null : metrics.obj("utilization");
    Json.Obj age = metrics == null ? null : metrics.obj("age");
    long oldest = bounds == null ? 0 : bounds.num("oldest", 0);
    long newest = bounds == null ? 0 : bounds.num("newest", 0);
    String path = p.string("path");
    return new PoolInfo(
        Path.of(path == null || path.isEmpty() ? String.valueOf(p.string("name")) : path),
        p.num("file_size", 0),
        p.num("index_offset", 0),
        p.num("index_capacity", 0),
        p.num("index_size_bytes", 0),
        p.num("ring_offset", 0),
        p.num("ring_size", 0),
        oldest,
        newest,
        used == null ? 0 : used.num("used_bytes", 0),
        age == null ? -1 : timeNs(age.string("oldest_time")),
        age == null ? -1 : timeNs(age.string("newest_time")));
  }

  /** An error body {@code {"error":{...}}}, or a generic error for the status. */
  static PlasmiteException error(int status, byte[] body) {
    Json.Obj e = null;
    try {
      Json.Obj root = Json.object(body);
      e = root.obj("error");
    } catch (PlasmiteException notJson) {
      // Not one of ours (a proxy's page, say): fall back on the status below.
    }
    if (e == null) {
      return PlasmiteException.of(kindOf(status), "remote error status " + status);
    }
    return error(e, status);
  }

  static PlasmiteException error(Json.Obj e, int status) {
    ErrorKind kind;
    try {
      kind = ErrorKind.fromWireName(String.valueOf(e.string("kind")));
    } catch (IllegalArgumentException unknown) {
      kind = kindOf(status);
    }
    String text = e.string("message");
    PlasmiteException out =
        PlasmiteException.of(kind, text == null ? "remote error status " + status : text);
    if (e.string("hint") != null) {
      out = out.withHint(e.string("hint"));
    }
    if (e.string("path") != null) {
      out = out.withPath(e.string("path"));
    }
    if (e.get("seq") instanceof Number n) {
      out = out.withSeq(n.longValue());
    }
    if (e.get("offset") instanceof Number n) {
      out = out.withOffset(n.longValue());
    }
    return out;
  }

  static ErrorKind kindOf(int status) {
    return switch (status) {
      case 400, 405, 413 -> ErrorKind.USAGE;
      case 401, 403 -> ErrorKind.PERMISSION;
      case 404 -> ErrorKind.NOT_FOUND;
      case 409 -> ErrorKind.ALREADY_EXISTS;
      case 410 -> ErrorKind.RETENTION_GAP;
      case 423 -> ErrorKind.BUSY;
      default -> status >= 500 ? ErrorKind.INTERNAL : ErrorKind.IO;
    };
  }
}
