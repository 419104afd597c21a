package io.plasmite.cli;

import io.plasmite.Durability;
import io.plasmite.Message;
import io.plasmite.Pool;
import io.plasmite.PoolInfo;
import io.plasmite.Tail;
import io.plasmite.TailOptions;
import io.plasmite.client.RemotePool;
import io.plasmite.client.RemoteTail;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The pool {@code feed}, {@code follow} and {@code duplex} work on: a local file or a pool on a
 * server ({@code http(s)://host:port/POOL}), with the few operations they need.
 */
interface PoolTarget extends AutoCloseable {
  /** The file path, or the URL, for notices. */
  String path();

  PoolInfo info();

  Message getMessage(long seq);

  /** Appends encoded envelopes, in order. */
  List<Message> appendPayloads(List<byte[]> payloads, Durability durability);

  Message appendJsonNow(String dataJson, List<String> tags, Durability durability);

  /**
   * A tail. An idle timeout of zero means "what the pool holds now", for either kind of pool.
   *
   * @param options what to read
   * @return the reader
   */
  Reader tail(TailOptions options);

  @Override
  void close();

  /** The reading side of a tail. */
  interface Reader extends AutoCloseable {
    boolean hasNext();

    Message next();

    boolean timedOut();

    long nextSeq();

    @Override
    void close();

    /** A reader over a local or a remote tail, which share these operations but no type. */
    static Reader of(
        Iterator<Message> messages,
        BooleanSupplier timedOut,
        LongSupplier nextSeq,
        Runnable close) {
      return new Reader() {
        @Override
        public boolean hasNext() {
          return messages.hasNext();
        }

        @Override
        public Message next() {
          return messages.next();
        }

        @Override
        public boolean timedOut() {
          return timedOut.getAsBoolean();
        }

        @Override
        public long nextSeq() {
          return nextSeq.getAsLong();
        }

        @Override
        public void close() {
          close.run();
        }
      };
    }
  }

  static PoolTarget local(Pool pool) {
    return new Local(pool);
  }

  static PoolTarget remote(RemotePool pool, String url) {
    return new Remote(pool, url);
  }

  /** A pool file of this machine. */
  record Local(Pool pool) implements PoolTarget {
    @Override
    public String path() {
      return pool.path().toString();
    }

    @Override
    public PoolInfo info() {
      return pool.info();
    }

    @Override
    public Message getMessage(long seq) {
      return pool.getMessage(seq);
    }

    @Override
    public List<Message> appendPayloads(List<byte[]> payloads, Durability durability) {
      return pool.appendPayloads(payloads, -1, durability);
    }

    @Override
    public Message appendJsonNow(String dataJson, List<String> tags, Durability durability) {
      return pool.appendJsonNow(dataJson, tags, durability);
    }

    @Override
    public Reader tail(TailOptions options) {
      Tail t = pool.tail(options);
      return Reader.of(t, t::timedOut, t::nextSeq, t::close);
    }

    @Override
    public void close() {
      pool.close();
    }
  }

  /** A pool on a server; appends go one request per message (the Lite3 endpoint). */
  record Remote(RemotePool pool, String url) implements PoolTarget {
    @Override
    public String path() {
      return url;
    }

    @Override
    public PoolInfo info() {
      return pool.info();
    }

    @Override
    public Message getMessage(long seq) {
      return pool.getMessage(seq);
    }

    @Override
    public List<Message> appendPayloads(List<byte[]> payloads, Durability durability) {
      List<Message> out = new ArrayList<>(payloads.size());
      for (byte[] p : payloads) {
        out.add(pool.appendLite3(p, durability));
      }
      return out;
    }

    @Override
    public Message appendJsonNow(String dataJson, List<String> tags, Durability durability) {
      return pool.appendJson(dataJson, tags, durability);
    }

    @Override
    public Reader tail(TailOptions options) {
      TailOptions remote = options;
      if (Duration.ZERO.equals(options.idleTimeout())) {
        // "What is there now" over the network: bounded by the newest seq, waiting for the bytes.
        PoolInfo info = pool.info();
        long from = Math.max(options.sinceSeq(), info.oldestSeq());
        long count = info.isEmpty() ? 0 : Math.max(0, info.newestSeq() - from + 1);
        long max = options.maxMessages() >= 0 ? Math.min(options.maxMessages(), count) : count;
        remote = options.withMaxMessages(max).withIdleTimeout(null);
      }
      RemoteTail t = pool.tail(remote);
      return Reader.of(t, t::timedOut, t::nextSeq, t::close);
    }

    @Override
    public void close() {
      pool.close();
    }
  }
}
