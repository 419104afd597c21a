package io.plasmite.server;

import io.plasmite.LocalClient;
import io.plasmite.Message;
import io.plasmite.PlasmiteException;
import io.plasmite.Pool;
import io.plasmite.PoolRef;
import io.plasmite.Tail;
import io.plasmite.TailOptions;
import io.plasmite.json.CanonicalJsonWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Wakes the streams of a pool when it gets a message, without a thread per stream.
 *
 * <p>A tail's own wait ends in a {@code futex} call, which pins a virtual thread to its carrier: a
 * few idle streams would take every carrier and stall the server. So streams read without waiting
 * and park (unmounted); one platform thread per followed pool waits on the pool the blocking way
 * and unparks them. The watcher lives while a stream of its pool does.
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

  /**
   * One followed pool: a version that changes with each message seen, the streams parked on it, and
   * the JSON of the latest message they sent.
   */
  final class Watch {
    private final Path path;
    private final Pool pool;
    private final Tail tail;
    private final AtomicLong version = new AtomicLong();
    // Parked streams, each woken by its own unpark: a shared lock and condition would make a
    // thousand woken streams take the lock one after the other before any could write.
    private final Set<Thread> waiters = ConcurrentHashMap.newKeySet();
    private volatile Encoded lastJson;
    private int users;
    private volatile boolean stopped;

    /** A message's JSON Lines line, and what it was made from. */
    private record Encoded(long seq, long timeNs, byte[] payload, byte[] line) {}

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
      version.incrementAndGet();
      for (Thread t : waiters) {
        LockSupport.unpark(t);
      }
    }

    private void stop() {
      stopped = true;
      tail.cancel();
      signal();
    }

    /** The current version; read it before looking for messages. */
    long version() {
      return version.get();
    }

    /** Parks until the version differs from {@code seen}, the pool watch stops, or the time. */
    void await(long seen, long deadlineNs) throws InterruptedException {
      Thread me = Thread.currentThread();
      // Registered before the version is checked: a signal after the check finds this thread.
      waiters.add(me);
      try {
        while (version.get() == seen && !stopped && !closed) {
          long left = deadlineNs - System.nanoTime();
          if (left <= 0) {
            return;
          }
          LockSupport.parkNanos(this, left);
          if (Thread.interrupted()) {
            throw new InterruptedException();
          }
        }
      } finally {
        waiters.remove(me);
      }
    }

    /**
     * The JSON Lines line of a message (its JSON and a newline). Every stream of the pool sends the
     * same messages, so the latest line is kept: a thousand streams decode a message once. The line
     * is a function of seq, time and payload alone, which the check compares.
     */
    byte[] jsonLine(Message m, CanonicalJsonWriter json) {
      Encoded e = lastJson;
      if (e != null
          && e.seq == m.seq()
          && e.timeNs == m.timeNs()
          && Arrays.equals(e.payload, m.lite3())) {
        return e.line;
      }
      json.reset();
      m.writeJson(json);
      int n = json.length();
      byte[] line = Arrays.copyOf(json.toByteArray(), n + 1);
      line[n] = '\n';
      lastJson = new Encoded(m.seq(), m.timeNs(), m.lite3(), line);
      return line;
    }
  }
}
