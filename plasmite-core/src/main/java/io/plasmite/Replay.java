package io.plasmite;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.locks.LockSupport;

/**
 * Retained messages delivered with their original spacing divided by a speed factor, up to the
 * newest message at the time the replay started.
 */
public final class Replay implements Iterator<Message>, AutoCloseable {
  private final Tail tail;
  private final double speed;
  private long previousTimeNs = -1;
  private long previousWallNs;
  private volatile boolean cancelled;

  Replay(Tail tail, double speed) {
    this.tail = tail;
    this.speed = speed;
  }

  @Override
  public boolean hasNext() {
    return !cancelled && tail.hasNext();
  }

  @Override
  public Message next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Message m = tail.next();
    if (previousTimeNs >= 0 && speed > 0) {
      long gap = (long) ((m.timeNs() - previousTimeNs) / speed);
      long due = previousWallNs + Math.max(0, gap);
      for (long wait = due - System.nanoTime();
          wait > 0 && !cancelled;
          wait = due - System.nanoTime()) {
        LockSupport.parkNanos(wait);
      }
    }
    previousTimeNs = m.timeNs();
    previousWallNs = System.nanoTime();
    return m;
  }

  /** Ends the replay; safe from any thread. */
  public void cancel() {
    cancelled = true;
    tail.cancel();
  }

  @Override
  public void close() {
    cancel();
  }
}
