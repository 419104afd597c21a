package io.plasmite;

import io.plasmite.engine.Cursor;
import io.plasmite.engine.PoolFile;
import io.plasmite.engine.RawMessage;
import io.plasmite.engine.WakeChannel;
import io.plasmite.format.PoolHeaderDescriptor;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A live read of a pool: an {@link Iterator} of messages that waits for new ones.
 *
 * <p>{@link #hasNext()} blocks until a message passes the filters, the idle timeout passes ({@link
 * #timedOut()} then tells), the limit is reached or {@link #cancel()} is called from any thread.
 * Seqs are checked for gaps before the tag filter, so a filter never hides a gap: with {@link
 * GapPolicy#ERROR} a gap ends the tail with a RetentionGap error naming the first lost seq. A pool
 * file deleted, replaced or truncated by another process ends the tail with a NotFound, Io or
 * Corrupt error naming the path (looked for at least every 200 ms of waiting, and on a fault).
 *
 * <pre>{@code
 * try (Tail tail = pool.tail(TailOptions.since(1).withIdleTimeout(Duration.ofSeconds(1)))) {
 *   tail.stream().forEach(m -> System.out.println(m.toJson()));
 * }
 * }</pre>
 */
public final class Tail implements Iterator<Message>, AutoCloseable {
  private static final long STUCK_BACKOFF_NS = 1_000_000;
  private static final int STUCK_SPINS = 100;
  private static final long FILE_CHECK_NS = 200_000_000;

  private final PoolFile pool;
  private final WakeChannel wake;
  private final TailOptions options;
  private final Cursor cursor;
  private final long idleNs;
  private final long spinNs;
  // Not a time: the deadline of a hasNext call before its first look at the clock.
  private static final long UNSET = Long.MIN_VALUE;

  // When messages last stopped coming (the spin budget runs from there), noted at the first poll
  // that finds none after some were delivered.
  private long lastProgressNs = System.nanoTime();
  private boolean deliveredSinceWait;
  private long lastFileCheckNs = lastProgressNs;
  private final long untilSeq;
  private Message next;
  private long delivered;
  private boolean timedOut;
  private boolean ended;
  private int stuckRounds;
  private volatile boolean cancelled;

  Tail(PoolFile pool, WakeChannel wake, TailOptions options) {
    this(pool, wake, options, Long.MAX_VALUE);
  }

  /** A tail that ends after {@code untilSeq} (for replays of what exists at start). */
  Tail(PoolFile pool, WakeChannel wake, TailOptions options, long untilSeq) {
    this.untilSeq = untilSeq;
    this.pool = pool;
    this.wake = wake;
    this.options = options;
    long start =
        options.sinceSeq() >= 0
            ? options.sinceSeq()
            : PoolHeaderDescriptor.newestSeq(pool.file()) + 1;
    this.cursor = new Cursor(pool, start);
    this.idleNs = options.idleTimeout() == null ? -1 : options.idleTimeout().toNanos();
    this.spinNs =
        options.busySpin() == null || options.busySpin().isZero()
            ? WakeChannel.DEFAULT_SPIN_NS
            : options.busySpin().toNanos();
  }

  @Override
  public boolean hasNext() {
    try {
      return advance();
    } catch (InternalError e) {
      // A mapped page past the end of a file another process truncated.
      ended = true;
      throw pool.mappingFault(e);
    } catch (IllegalStateException e) {
      // The pool was closed under this tail, at any step of a poll or a wait: its mapping is gone.
      if (!pool.isClosed()) {
        throw e;
      }
      ended = true;
      return false;
    }
  }

  private boolean advance() {
    if (next != null) {
      return true;
    }
    if (ended || cancelled || (options.maxMessages() >= 0 && delivered >= options.maxMessages())) {
      return false;
    }
    // The clock is read only when no message is delivered at once: the idle deadline then runs
    // from the first poll that found none (or a message the tag filter dropped).
    long deadline = idleNs < 0 ? Long.MAX_VALUE : UNSET;
    while (!cancelled) {
      if (pool.isClosed() || cursor.nextSeq() > untilSeq) {
        ended = true;
        return false;
      }
      RawMessage raw = cursor.poll();
      if (cursor.gapFrom() != 0) {
        long from = cursor.gapFrom();
        long to = cursor.gapTo();
        cursor.clearGap();
        if (options.gapPolicy() == GapPolicy.ERROR) {
          ended = true;
          throw PlasmiteException.of(
                  ErrorKind.RETENTION_GAP,
                  "messages " + from + ".." + to + " were overwritten before they were read")
              .withSeq(from)
              .withPath(pool.path())
              .withHint("read faster, or use a larger pool");
        }
      }
      if (raw != null && raw.seq() > untilSeq) {
        ended = true;
        return false;
      }
      if (raw != null) {
        deliveredSinceWait = true;
        Message m = new Message(raw.seq(), raw.timestampNs(), raw.payload());
        if (options.tags().isEmpty() || m.tags().containsAll(options.tags())) {
          next = m;
          return true;
        }
        if (deadline == UNSET) {
          deadline = System.nanoTime() + idleNs;
        }
        continue;
      }
      long now = System.nanoTime();
      if (deliveredSinceWait) {
        deliveredSinceWait = false;
        lastProgressNs = now;
      }
      if (deadline == UNSET) {
        deadline = now + idleNs;
      }
      if (now - deadline >= 0) {
        timedOut = true;
        return false;
      }
      long seen = cursor.nextSeq() - 1;
      if (PoolHeaderDescriptor.newestSeq(pool.file()) > seen) {
        // Published but not readable yet: usually a writer racing us for a moment; if it lasts
        // (a header being mended, a damaged frame), back off instead of spinning.
        if (++stuckRounds < STUCK_SPINS) {
          Thread.yield();
        } else {
          LockSupport.parkNanos(
              Math.max(0, Math.min(STUCK_BACKOFF_NS, deadline - System.nanoTime())));
        }
        continue;
      }
      stuckRounds = 0;
      checkFileWhileIdle();
      if (wake != null) {
        // The spin budget runs from the last message, not from each wait: a tail idle for long
        // goes straight to sleep when its bounded sleep ends.
        long spin = spinNs - (now - lastProgressNs);
        wake.await(pool.file(), seen, deadline, Math.max(0, spin));
      } else {
        WakeChannel.poll(pool.file(), seen, deadline);
      }
    }
    return false;
  }

  /**
   * Every {@link #FILE_CHECK_NS} of waiting, makes sure the pool file is still there, still the
   * same file and still whole: a follower of a deleted or replaced pool would otherwise wait for
   * messages that go elsewhere, and one of a truncated pool would touch pages that are gone.
   */
  private void checkFileWhileIdle() {
    long now = System.nanoTime();
    if (now - lastFileCheckNs < FILE_CHECK_NS) {
      return;
    }
    lastFileCheckNs = now;
    try {
      pool.checkFile();
    } catch (PlasmiteException e) {
      ended = true;
      throw e;
    }
  }

  @Override
  public Message next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Message m = next;
    next = null;
    delivered++;
    return m;
  }

  /**
   * Whether the last {@link #hasNext()} returned false because the idle timeout passed.
   *
   * @return true after an idle timeout
   */
  public boolean timedOut() {
    return timedOut;
  }

  /**
   * The seq the tail reads next. Another thread may call it to watch progress; it then sees a
   * recent value.
   *
   * @return the next seq
   */
  public long nextSeq() {
    // One read of next: the reading thread may clear it between two.
    Message pending = next;
    return pending != null ? pending.seq() : cursor.nextSeq();
  }

  /** Ends the tail; safe from any thread. A waiting {@link #hasNext()} returns false soon. */
  public void cancel() {
    cancelled = true;
  }

  /**
   * The remaining messages as a sequential stream.
   *
   * @return the stream
   */
  public Stream<Message> stream() {
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL),
        false);
  }

  /** Cancels the tail. */
  @Override
  public void close() {
    cancel();
  }
}
