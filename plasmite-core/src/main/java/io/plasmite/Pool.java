package io.plasmite;

import io.plasmite.engine.Appender;
import io.plasmite.engine.Cursor;
import io.plasmite.engine.HeaderState;
import io.plasmite.engine.PoolFile;
import io.plasmite.engine.PoolValidator;
import io.plasmite.engine.RawMessage;
import io.plasmite.engine.WakeChannel;
import io.plasmite.format.PoolHeaderDescriptor;
import io.plasmite.lite3.Lite3Encoder;
import io.plasmite.lite3.Lite3Validator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * An open pool: append, get, tail and replay messages. Thread-safe; appends from several threads
 * and processes are serialised by the pool's lock, reads take no lock.
 *
 * <pre>{@code
 * LocalClient client = new LocalClient();
 * try (Pool pool = client.open(PoolRef.name("orders"))) {
 *   Message m = pool.appendJsonNow("{\"id\":7}", List.of("new"), Durability.FAST);
 *   Message again = pool.getMessage(m.seq());
 * }
 * }</pre>
 */
public final class Pool implements AutoCloseable {
  private final PoolFile file;
  private final Appender appender;
  private volatile WakeChannel wake;
  private boolean wakeOpened;

  Pool(PoolFile file) {
    this.file = file;
    this.appender = file.writable() ? new Appender(file, this::wake) : null;
    if (appender != null) {
      try {
        mapped(
            () -> {
              appender.recover();
              return null;
            });
      } catch (RuntimeException e) {
        file.close();
        throw e;
      }
    }
  }

  /** The wake channel, opened on first use (a plain read never needs it). */
  private WakeChannel wake() {
    WakeChannel w = wake;
    if (w != null) {
      return w;
    }
    synchronized (this) {
      if (!wakeOpened) {
        wake = WakeChannel.open(file.path());
        wakeOpened = true;
      }
      return wake;
    }
  }

  /**
   * The pool file.
   *
   * @return its path
   */
  public Path path() {
    return file.path();
  }

  /**
   * Whether this handle may append (false when the file is read-only to us).
   *
   * @return true if writable
   */
  public boolean writable() {
    return appender != null;
  }

  /**
   * Appends a JSON object with the current time.
   *
   * @param dataJson JSON text of an object
   * @param tags the message's tags
   * @param durability FAST or FLUSH
   * @return the stored message
   * @throws PlasmiteException Usage for invalid or non-object JSON, or a message too large for the
   *     pool; nothing is written then
   */
  public Message appendJsonNow(String dataJson, List<String> tags, Durability durability) {
    return appendJson(dataJson, tags, -1, durability);
  }

  /**
   * Appends a JSON object with a given timestamp.
   *
   * @param dataJson JSON text of an object
   * @param tags the message's tags
   * @param timestampNs Unix nanoseconds, or -1 for now
   * @param durability FAST or FLUSH
   * @return the stored message
   */
  public Message appendJson(
      String dataJson, List<String> tags, long timestampNs, Durability durability) {
    return appendLite3Trusted(Lite3Encoder.encodeEnvelope(tags, dataJson), timestampNs, durability);
  }

  /**
   * Appends a payload that is already a Lite3 message envelope; it is validated first.
   *
   * @param payload the Lite3 bytes
   * @param durability FAST or FLUSH
   * @return the stored message
   * @throws PlasmiteException Usage if the bytes are not a valid envelope
   */
  public Message appendLite3(byte[] payload, Durability durability) {
    try {
      Lite3Validator.validateEnvelope(payload);
    } catch (PlasmiteException e) {
      throw PlasmiteException.of(
              ErrorKind.USAGE, "payload is not a valid message: " + e.getMessage())
          .withHint("send {\"meta\":{\"tags\":[...]},\"data\":{...}} encoded as Lite3");
    }
    return appendLite3Trusted(payload.clone(), -1, durability);
  }

  /**
   * Appends many messages under one lock and one sync: all or nothing — if any is refused (invalid
   * JSON, too large), none is written.
   *
   * @param batch the messages
   * @param durability FAST or FLUSH
   * @return the stored messages, in order
   */
  public List<Message> append(List<BatchEntry> batch, Durability durability) {
    List<byte[]> payloads = new ArrayList<>(batch.size());
    for (BatchEntry e : batch) {
      payloads.add(Lite3Encoder.encodeEnvelope(e.tags(), e.dataJson()));
    }
    return appendPayloads(payloads, -1, durability);
  }

  /**
   * Appends pre-encoded, trusted payloads (the caller vouches they are valid envelopes).
   *
   * @param payloads Lite3 envelopes
   * @param timestampNs Unix nanoseconds, or -1 for now
   * @param durability FAST or FLUSH
   * @return the stored messages, in order
   */
  public List<Message> appendPayloads(
      List<byte[]> payloads, long timestampNs, Durability durability) {
    Appender appender = appender();
    Appender.Appended done;
    try {
      done = appender.appendAll(payloads, timestampNs, durability);
    } catch (InternalError e) {
      throw file.mappingFault(e);
    }
    List<Message> out = new ArrayList<>(payloads.size());
    for (int i = 0; i < payloads.size(); i++) {
      out.add(new Message(done.seqs()[i], done.timestampNs(), payloads.get(i)));
    }
    return out;
  }

  private Message appendLite3Trusted(byte[] payload, long timestampNs, Durability durability) {
    Appender appender = appender();
    Appender.Appended done;
    try {
      done = appender.append(payload, timestampNs, durability);
    } catch (InternalError e) {
      throw file.mappingFault(e);
    }
    return new Message(done.seqs()[0], done.timestampNs(), payload);
  }

  private Appender appender() {
    if (appender == null) {
      throw PlasmiteException.of(ErrorKind.PERMISSION, "pool is open read-only")
          .withPath(file.path())
          .withHint("check the file's write permission");
    }
    return appender;
  }

  /**
   * Reads one message.
   *
   * @param seq the sequence number
   * @return the message
   * @throws PlasmiteException NotFound (with seq) if it is not retained
   */
  public Message getMessage(long seq) {
    RawMessage raw;
    HeaderState h = null;
    try {
      raw = Cursor.get(file, seq);
      if (raw == null) {
        // The JVM reports a fault on a page past a shrunken file's end at its next safepoint, not
        // at the read: a read that found nothing may have been one, so the file is looked at
        // first, inside this block (the check's system calls deliver a pending fault here).
        file.checkFile();
        h = file.snapshot();
      }
    } catch (InternalError e) {
      throw file.mappingFault(e);
    }
    if (raw == null) {
      throw PlasmiteException.of(
              ErrorKind.NOT_FOUND,
              "message "
                  + seq
                  + " not found"
                  + (h.isEmpty()
                      ? " (pool is empty)"
                      : " (retained: " + h.oldestSeq() + ".." + h.newestSeq() + ")"))
          .withSeq(seq)
          .withPath(file.path());
    }
    return new Message(raw.seq(), raw.timestampNs(), raw.payload());
  }

  /**
   * Reads one message's Lite3 payload.
   *
   * @param seq the sequence number
   * @return the payload bytes
   * @throws PlasmiteException NotFound (with seq) if it is not retained
   */
  public byte[] getLite3(long seq) {
    return getMessage(seq).lite3();
  }

  private RawMessage read(long seq) {
    try {
      return Cursor.get(file, seq);
    } catch (InternalError e) {
      throw file.mappingFault(e);
    }
  }

  /**
   * Runs {@code op} on the mapping. If another process truncated the file, touching a page past its
   * new end faults: that becomes a pool error with the path instead of a JVM internal error. (The
   * per-message paths, reads and appends, do the same without a lambda.)
   */
  private <T> T mapped(Supplier<T> op) {
    try {
      return op.get();
    } catch (InternalError e) {
      throw file.mappingFault(e);
    }
  }

  /**
   * Starts a live read.
   *
   * @param options where to start, filters and limits
   * @return the tail; close it when done
   */
  public Tail tail(TailOptions options) {
    WakeChannel w = wake();
    return mapped(() -> new Tail(file, w, options));
  }

  /**
   * Replays retained messages with their original spacing divided by a speed factor.
   *
   * @param options what to replay and how fast
   * @return the replay; close it when done
   */
  public Replay replay(ReplayOptions options) {
    long newest = mapped(() -> PoolHeaderDescriptor.newestSeq(file.file()));
    TailOptions tail =
        TailOptions.since(options.sinceSeq())
            .withTags(options.tags())
            .withMaxMessages(options.maxMessages());
    WakeChannel w = wake();
    return new Replay(mapped(() -> new Tail(file, w, tail, newest)), options.speed());
  }

  /**
   * Geometry and bounds.
   *
   * @return the info
   */
  public PoolInfo info() {
    HeaderState h = mapped(file::snapshot);
    long oldestTime = -1;
    long newestTime = -1;
    if (!h.isEmpty()) {
      RawMessage first = read(h.oldestSeq());
      RawMessage last = read(h.newestSeq());
      oldestTime = first == null ? -1 : first.timestampNs();
      newestTime = last == null ? -1 : last.timestampNs();
    }
    return new PoolInfo(
        file.path(),
        h.fileSize(),
        PoolHeaderDescriptor.HEADER_BYTES,
        h.indexCapacity(),
        h.indexCapacity() * 16,
        h.ringOffset(),
        h.ringSize(),
        h.isEmpty() ? 0 : h.oldestSeq(),
        h.isEmpty() ? 0 : h.newestSeq(),
        h.usedBytes(),
        oldestTime,
        newestTime);
  }

  /**
   * Walks the whole pool and reports problems (holding the writer lock if writable, so that the
   * picture is stable); never modifies the file.
   *
   * @return the report
   */
  public ValidationReport validate() {
    return mapped(() -> PoolValidator.validateLocked(file));
  }

  /** Closes the pool; tails on it end. */
  @Override
  public void close() {
    WakeChannel w;
    synchronized (this) {
      // No channel opens after this: its hold on the wake file would outlive the pool.
      wakeOpened = true;
      w = wake;
    }
    if (w != null) {
      w.close();
    }
    file.close();
  }

  /**
   * One message of a batch append.
   *
   * @param dataJson JSON text of an object
   * @param tags its tags
   */
  public record BatchEntry(String dataJson, List<String> tags) {
    /** Copies the tags. */
    public BatchEntry {
      tags = List.copyOf(tags);
    }
  }
}
