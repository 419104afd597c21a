package io.plasmite.server;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.plasmite.ErrorKind;
import io.plasmite.GapPolicy;
import io.plasmite.Message;
import io.plasmite.PlasmiteException;
import io.plasmite.PoolRef;
import io.plasmite.Tail;
import io.plasmite.TailOptions;
import io.plasmite.json.CanonicalJsonWriter;
import io.plasmite.json.ErrorJson;
import io.plasmite.lite3.Lite3Validator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

/**
 * The streams: {@code GET …/tail} (JSON Lines), {@code GET …/tail_lite3} (binary frames) and {@code
 * GET /v0/ui/pools/{pool}/events} (Server-Sent Events).
 *
 * <p>Query: {@code since_seq} (inclusive; absent = only new messages), {@code max}, {@code
 * timeout_ms} (an absolute deadline for the stream, default and maximum {@code
 * --max-tail-timeout-ms}), {@code gap_policy} ({@code continue}|{@code error}), repeated {@code
 * tag}. A stream ends at {@code max}, at the deadline, or on an error, which is reported in-band (a
 * last {@code {"error":…}} line, an SSE {@code error} event; a Lite3 stream just ends). Each stream
 * holds one of {@code --max-tail-concurrency} permits; without one it gets 423 at once.
 *
 * <p>SSE events carry {@code id: SEQ}, and a {@code Last-Event-ID} header resumes after it.
 */
final class TailEndpoint {
  /** The stream formats. */
  enum Format {
    JSONL("application/jsonl"),
    LITE3("application/x-plasmite-lite3-stream"),
    SSE("text/event-stream");

    final String contentType;

    Format(String contentType) {
      this.contentType = contentType;
    }
  }

  private static final io.helidon.http.HeaderName LAST_EVENT_ID =
      HeaderNames.create("Last-Event-ID");

  private final ServerContext ctx;

  TailEndpoint(ServerContext ctx) {
    this.ctx = ctx;
  }

  void stream(Exchange x, String name, Format format) {
    ctx.requireRead();
    TailOptions options = options(x, format);
    long timeoutMs = timeoutMs(x);
    if (!ctx.tailPermits.tryAcquire()) {
      throw PlasmiteException.of(ErrorKind.BUSY, "too many concurrent tail requests")
          .withHint("Try again later or reduce tail concurrency.");
    }
    PoolRef ref = ServerContext.poolRef(name);
    try (OpenPools.Lease pool = ctx.pools.forRead(ref);
        Tail tail = pool.pool().tail(options.withIdleTimeout(Duration.ZERO))) {
      PoolWatchers.Watch watch = ctx.watchers.acquire(ref);
      try {
        x.response.status(Status.OK_200);
        x.response.header(HeaderNames.CONTENT_TYPE, format.contentType);
        x.response.header(HeaderNames.CACHE_CONTROL, "no-cache, no-transform");
        if (format == Format.SSE) {
          x.response.header(HeaderNames.create("X-Accel-Buffering"), "no");
        }
        run(
            x,
            tail,
            watch,
            format,
            options.maxMessages(),
            System.nanoTime() + timeoutMs * 1_000_000L);
      } finally {
        ctx.watchers.release(watch);
      }
    } finally {
      ctx.tailPermits.release();
    }
  }

  private void run(
      Exchange x, Tail tail, PoolWatchers.Watch watch, Format format, long max, long deadline) {
    long sent = 0;
    OutputStream out = x.response.outputStream();
    CanonicalJsonWriter json = new CanonicalJsonWriter(false);
    try {
      try {
        if (format == Format.SSE) {
          // A comment line: the headers go out now, and a browser shows the stream as open.
          // (JSON Lines and Lite3 streams have no such no-op; their headers go out with the first
          // message, or at the deadline.)
          out.write(": open\n\n".getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
        while (!ctx.watchers.closed() && sent != max) {
          long seen = watch.version();
          if (tail.hasNext()) {
            write(out, json, watch, tail.next(), format);
            out.flush();
            sent++;
            continue;
          }
          if (!tail.timedOut() || System.nanoTime() - deadline >= 0) {
            break;
          }
          watch.await(seen, deadline);
        }
      } catch (PlasmiteException e) {
        if (format != Format.LITE3) {
          writeError(out, json, e, format);
        }
      }
      out.close();
    } catch (IOException | UncheckedIOException e) {
      // The client went away: the stream just ends.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void write(
      OutputStream out,
      CanonicalJsonWriter json,
      PoolWatchers.Watch watch,
      Message m,
      Format format)
      throws IOException {
    switch (format) {
      case JSONL -> out.write(watch.jsonLine(m, json));
      case SSE -> {
        out.write(("id: " + m.seq() + "\nevent: message\ndata: ").getBytes(StandardCharsets.UTF_8));
        out.write(watch.jsonLine(m, json)); // the data line, with its newline
        out.write('\n');
      }
      case LITE3 -> {
        byte[] payload = m.lite3();
        Lite3Validator.validateEnvelope(payload);
        ByteBuffer head = ByteBuffer.allocate(20);
        head.putLong(m.seq()).putLong(m.timeNs()).putInt(payload.length);
        out.write(head.array());
        out.write(payload);
      }
    }
  }

  private static void writeError(
      OutputStream out, CanonicalJsonWriter json, PlasmiteException e, Format format)
      throws IOException {
    json.reset();
    json.startObject().key("error");
    ErrorJson.write(json, e);
    json.endObject();
    if (format == Format.SSE) {
      out.write("event: error\ndata: ".getBytes(StandardCharsets.UTF_8));
      json.writeTo(out);
      out.write('\n');
    } else {
      json.writeTo(out);
    }
    out.write('\n');
    out.flush();
  }

  private static TailOptions options(Exchange x, Format format) {
    OptionalLong since = x.queryLong("since_seq");
    if (format == Format.SSE) {
      String lastId = x.header(LAST_EVENT_ID);
      if (lastId != null) {
        try {
          since = OptionalLong.of(Math.addExact(Long.parseLong(lastId.strip()), 1));
        } catch (NumberFormatException | ArithmeticException e) {
          throw PlasmiteException.of(ErrorKind.USAGE, "invalid Last-Event-ID: " + lastId);
        }
      }
    }
    TailOptions options =
        since.isPresent() ? TailOptions.since(since.getAsLong()) : TailOptions.newMessages();
    OptionalLong max = x.queryLong("max");
    if (max.isPresent()) {
      options = options.withMaxMessages(max.getAsLong());
    }
    String gap = x.query("gap_policy");
    if (gap != null) {
      GapPolicy policy =
          switch (gap) {
            case "continue" -> GapPolicy.CONTINUE;
            case "error" -> GapPolicy.ERROR;
            default ->
                throw PlasmiteException.of(
                    ErrorKind.USAGE, "invalid gap_policy '" + gap + "': use continue or error");
          };
      if (policy == GapPolicy.ERROR && format == Format.LITE3) {
        throw PlasmiteException.of(
                ErrorKind.USAGE, "gap_policy=error is not supported for lite3 tails")
            .withHint("A Lite3 stream has no error frame; use /tail for gap errors.");
      }
      options = options.withGapPolicy(policy);
    }
    List<String> tags = x.queryAll("tag");
    if (!tags.isEmpty()) {
      options = options.withTags(tags);
    }
    return options;
  }

  private long timeoutMs(Exchange x) {
    long max = ctx.config.maxTailTimeoutMs();
    OptionalLong timeout = x.queryLong("timeout_ms");
    if (timeout.isPresent() && timeout.getAsLong() > max) {
      throw PlasmiteException.of(ErrorKind.USAGE, "tail timeout exceeds server limit")
          .withHint("Use timeout_ms <= " + max + ".");
    }
    return timeout.orElse(max);
  }
}
