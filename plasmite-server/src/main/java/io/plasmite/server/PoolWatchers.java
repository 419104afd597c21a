package io.plasmite.server;

import io.plasmite.LocalClient;
import io.plasmite.PlasmiteException;
import io.plasmite.Pool;
import io.plasmite.PoolRef;
import io.plasmite.Tail;
import io.plasmite.TailOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes the streams of a pool when it gets a message, without a thread per stream.
 *
 * <p>A tail's own wait ends in a {@code futex} call, which pins a virtual thread to its carrier: a
 * few idle streams would take every carrier and stall the server. So streams read without waiting
 * and park (unmounted) on a {@link Condition}; one platform thread per followed pool waits on the
 * pool the blocking way and signals them. The watcher lives while a stream of its pool does.
 */
final class PoolWatchers {
  private final LocalClient client;
  private final Map<Path, Watch> watches = new HashMap<>();
  private volatile boolean closed;

  PoolWatchers(LocalClient client) {
    this.client = client;
  }

  /** The watch of a pool, started if needed; give it back with {@link #release}. */
  synchronized Watch acquire(PoolRef ref) {
    Path path = client.resolve(ref).toAbsolutePath().normalize();
    Watch w = watches.get(path);
    if (w == null) {
      w = new Watch(path, client.openReadOnly(ref));
      watches.put(path, w);
    }
    w.users++;
    return w;
  }

  synchronized void release(Watch w) {
    if (--w.users == 0) {
      watches.remove(w.path);
      w.stop();
    }
  }

  /** Wakes every waiting stream for good (shutdown). */
  synchronized void close() {
    closed = true;
    for (Watch w : watches.values()) {
      w.stop();
    }
  }

  boolean closed() {
    return closed;
  }

  /** One followed pool: a version that changes with each message seen, and its waiters. */
  final class Watch {
    private final Path path;
    private final Pool pool;
    private final Tail tail;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long version;
    private int users;
    private volatile boolean stopped;

    private Watch(Path path, Pool pool) {
      this.path = path;
      this.pool = pool;
      // Created here, before any stream reads, so no message falls between the two.
      this.tail = pool.tail(TailOptions.newMessages().withIdleTimeout(Duration.ofSeconds(1)));
      Thread.ofPlatform().daemon().name("plasmite-watch-" + path.getFileName()).start(this::run);
    }

    private void run() {
      try {
        while (!stopped) {
          if (tail.hasNext()) {
            tail.next();
            signal();
          } else if (!tail.timedOut()) {
            break;
          }
        }
      } catch (PlasmiteException e) {
        // The pool went away or broke: wake the streams, whose own reads report it.
        signal();
      } finally {
        pool.close();
      }
    }

    private void signal() {
      lock.lock();
      try {
        version++;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    private void stop() {
      stopped = true;
      tail.cancel();
      signal();
    }

    /** The current version; read it before looking for messages. */
    long version() {
      lock.lock();
      try {
        return version;
      } finally {
        lock.unlock();
      }
    }

    /** Parks until the version differs from {@code seen}, the pool watch stops, or the time. */
    void await(long seen, long deadlineNs) throws InterruptedException {
      lock.lock();
      try {
        while (version == seen && !stopped && !closed) {
          long left = deadlineNs - System.nanoTime();
          if (left <= 0) {
            return;
          }
          changed.await(left, TimeUnit.NANOSECONDS);
        }
      } finally {
        lock.unlock();
      }
    }
  }
}
