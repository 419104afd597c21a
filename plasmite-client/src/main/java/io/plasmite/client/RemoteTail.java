package io.plasmite.client;

import io.plasmite.ErrorKind;
import io.plasmite.GapPolicy;
import io.plasmite.Message;
import io.plasmite.PlasmiteException;
import io.plasmite.PoolInfo;
import io.plasmite.TailOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A live read of a remote pool, like a local {@link io.plasmite.Tail}: an iterator of messages
 * whose {@link #hasNext()} waits (up to the idle timeout of its options).
 *
 * <p>A server ends each stream at its own deadline ({@code --max-tail-timeout-ms}); this tail then
 * asks again from the seq after the last one it received, and drops any seq it has already had, so
 * a tail spanning many deadlines delivers each message once, in order. A reading thread (a virtual
 * thread) fills a queue; an error of the server (a RetentionGap with {@link GapPolicy#ERROR}, a
 * deleted pool) is thrown from {@link #hasNext()} after the messages before it.
 */
public final class RemoteTail implements Iterator<Message>, AutoCloseable {
  private static final Object END = new Object();

  private final RemotePool pool;
  private final TailOptions options;
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>(1024);
  private final Thread reader;
  private volatile boolean cancelled;
  private volatile InputStream current;

  /** The seq the server is asked for next (the reader's side). */
  private long fromSeq;

  /** The seq after the last one handed out (the consumer's side). */
  private volatile long nextSeq;

  private Object head;
  private long delivered;
  private boolean timedOut;
  private boolean ended;

  RemoteTail(RemotePool pool, TailOptions options) {
    this.pool = pool;
    this.options = options;
    if (options.sinceSeq() >= 0) {
      fromSeq = Math.max(1, options.sinceSeq());
    } else {
      // "New messages" is pinned to a seq now, so a reconnect cannot skip what came meanwhile.
      PoolInfo info = pool.info();
      fromSeq = (info.isEmpty() ? 0 : info.newestSeq()) + 1;
    }
    nextSeq = fromSeq;
    reader = Thread.ofVirtual().name("plasmite-remote-tail-" + pool.name()).start(this::read);
  }

  private void read() {
    try {
      long received = 0;
      while (!cancelled) {
        long max = options.maxMessages();
        if (max >= 0 && received >= max) {
          break;
        }
        HttpResponse<InputStream> r = pool.client().stream(streamRequest(max, received));
        current = r.body();
        try (BufferedReader lines =
            new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
          for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (line.isBlank()) {
              continue;
            }
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            Json.Obj obj = Json.object(bytes);
            if (obj.obj("error") != null) {
              put(Wire.error(obj.obj("error"), 200));
              return;
            }
            Message m = Wire.message(bytes, obj);
            if (m.seq() < fromSeq) {
              continue; // already had it (a server that repeats itself after a reconnect)
            }
            fromSeq = m.seq() + 1;
            received++;
            put(m);
          }
        }
      }
    } catch (PlasmiteException e) {
      if (!cancelled) {
        put(e);
      }
    } catch (IOException e) {
      if (!cancelled) {
        put(PlasmiteException.of(ErrorKind.IO, "tail stream failed: " + e, e));
      }
    } finally {
      put(END);
    }
  }

  private java.net.http.HttpRequest streamRequest(long max, long received) {
    StringBuilder q = new StringBuilder(RemoteClient.poolPath(pool.name(), "tail"));
    q.append("?since_seq=").append(fromSeq);
    if (max >= 0) {
      q.append("&max=").append(max - received);
    }
    if (options.gapPolicy() == GapPolicy.ERROR) {
      q.append("&gap_policy=error");
    }
    for (String tag : options.tags()) {
      q.append("&tag=").append(RemoteClient.encode(tag));
    }
    return pool.client().request(q.toString()).header("Accept", "application/jsonl").GET().build();
  }

  /** Queues an item, waiting while the consumer is behind; gives up once cancelled. */
  private void put(Object item) {
    try {
      while (!cancelled) {
        if (queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public boolean hasNext() {
    if (head != null) {
      return true;
    }
    timedOut = false;
    if (ended || cancelled) {
      return false;
    }
    long max = options.maxMessages();
    if (max >= 0 && delivered >= max) {
      return false;
    }
    Object item;
    try {
      if (options.idleTimeout() == null) {
        item = queue.take();
      } else {
        item = queue.poll(options.idleTimeout().toNanos(), TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    if (item == null) {
      timedOut = !cancelled;
      return false;
    }
    if (item == END) {
      ended = true;
      return false;
    }
    if (item instanceof PlasmiteException e) {
      ended = true;
      throw e;
    }
    head = item;
    return true;
  }

  @Override
  public Message next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Message m = (Message) head;
    head = null;
    delivered++;
    nextSeq = m.seq() + 1;
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
   * The seq this tail delivers next, at the earliest.
   *
   * @return the seq after the last one delivered (or of the one waiting in {@link #hasNext()})
   */
  public long nextSeq() {
    return head instanceof Message m ? m.seq() : nextSeq;
  }

  /** Ends the tail and its connection; safe from any thread. */
  public void cancel() {
    cancelled = true;
    InputStream in = current;
    if (in != null) {
      try {
        in.close();
      } catch (IOException e) {
        // closing is all we wanted
      }
    }
    reader.interrupt();
    queue.offer(END);
  }

  /** Cancels the tail. */
  @Override
  public void close() {
    cancel();
  }
}
