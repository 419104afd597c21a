package io.plasmite.cli;

import io.plasmite.Message;
import io.plasmite.PlasmiteException;
import io.plasmite.PoolInfo;
import io.plasmite.TailOptions;
import io.plasmite.json.CanonicalJsonWriter;
import io.plasmite.lite3.Lite3Decoder;
import io.plasmite.lite3.Lite3Doc;
import io.plasmite.lite3.Lite3Type;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The reading side of {@code follow} and {@code duplex}: selects history ({@code --tail}, {@code
 * --since}), then streams new messages, filtered by tags, {@code --where} and sender, printed as
 * pretty or compact JSON.
 *
 * <p>The tail it reads with has no tag filter, so every seq passes by and a jump in seqs is a drop:
 * messages overwritten before they were read. Drops are reported on stderr at most once a second
 * ({@code {"notice":{"kind":"drop",…}}}). A closed stdout ends the run quietly with status 0.
 *
 * <p>Exit statuses: 0, 124 on {@code --timeout} (no output for that long).
 */
final class Follower {
  /** Exit status of an idle timeout. */
  static final int TIMEOUT_STATUS = 124;

  private static final Duration TICK = Duration.ofMillis(50);
  private static final long NOTICE_INTERVAL_NS = 1_000_000_000L;

  // Configuration.
  long tail;
  long sinceNs = -1;
  boolean one;
  Duration timeout;
  boolean dataOnly;
  boolean pretty;
  boolean color;
  List<String> tags = List.of();
  WhereFilter where;
  boolean quietDrops;
  Double replaySpeed;
  String suppressSender;
  String cmd = "follow";
  String poolName;

  private final PlsCommand pls;
  private final PrintStream out;
  private volatile boolean stopped;
  private volatile long stopAfterSeq = Long.MAX_VALUE;
  private final CanonicalJsonWriter json;

  // Drop notices.
  private long lastSeen = -1;
  private long pendingLast = -1;
  private long pendingNext = -1;
  private long lastNoticeNs;
  private boolean noticed;

  Follower(PlsCommand pls, boolean pretty) {
    this.pls = pls;
    this.out = pls.streams().out();
    this.pretty = pretty;
    this.json = new CanonicalJsonWriter(pretty);
  }

  /** Ends the run soon, from any thread. */
  void stop() {
    stopped = true;
  }

  /**
   * Ends the run once every message up to {@code seq} has been handled (duplex at end of input).
   *
   * @param seq the last seq to wait for
   */
  void stopAfter(long seq) {
    stopAfterSeq = seq;
  }

  /**
   * Runs until done.
   *
   * @param pool the pool
   * @return the exit status
   */
  int run(PoolTarget pool) {
    PoolInfo info = pool.info();
    long newestAtStart = info.isEmpty() ? 0 : info.newestSeq();
    if (replaySpeed != null) {
      return replay(pool, info, newestAtStart);
    }
    long startSeq;
    boolean historyBuffered = false;
    if (sinceNs >= 0) {
      if (sinceNs > Args.nowNs()) {
        return 0;
      }
      startSeq = info.isEmpty() ? 1 : firstAtOrAfter(pool, sinceNs);
    } else if (tail > 0) {
      historyBuffered = true;
      boolean filtered = !tags.isEmpty() || where != null || suppressSender != null;
      startSeq =
          info.isEmpty()
              ? 1
              : filtered ? info.oldestSeq() : Math.max(info.oldestSeq(), newestAtStart - tail + 1);
    } else {
      startSeq = newestAtStart + 1;
    }
    ArrayDeque<Message> history = new ArrayDeque<>();
    long matchesSeen = 0;
    long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    boolean inHistory = historyBuffered && newestAtStart >= startSeq;
    try (PoolTarget.Reader reader = pool.tail(TailOptions.since(startSeq).withIdleTimeout(TICK))) {
      while (!stopped) {
        if (inHistory && (reader.nextSeq() > newestAtStart)) {
          inHistory = false;
          if (one) {
            if (matchesSeen >= tail && !history.isEmpty()) {
              emit(history.getLast());
              return 0;
            }
          } else {
            for (Message m : history) {
              if (!emit(m)) {
                return 0;
              }
              deadline = bump(deadline);
            }
          }
          history.clear();
        }
        if (reader.nextSeq() > stopAfterSeq) {
          return 0;
        }
        if (!reader.hasNext()) {
          if (!reader.timedOut()) {
            return 0;
          }
          if (inHistory) {
            // Nothing more to read now: history ends here (the rest was overwritten).
            newestAtStart = Math.min(newestAtStart, reader.nextSeq() - 1);
            continue;
          }
          flushDrops(false);
          if (System.nanoTime() - deadline >= 0) {
            return TIMEOUT_STATUS;
          }
          if (out.checkError() || (watchStdout && StdoutWatch.closed())) {
            return 0;
          }
          continue;
        }
        Message m = reader.next();
        trackDrop(m.seq());
        if (sinceNs >= 0 && m.timeNs() < sinceNs) {
          continue;
        }
        if (!passes(m)) {
          continue;
        }
        if (inHistory && m.seq() <= newestAtStart) {
          matchesSeen++;
          history.addLast(m);
          while (history.size() > tail) {
            history.removeFirst();
          }
          continue;
        }
        if (one && tail > 0) {
          matchesSeen++;
          if (matchesSeen < tail) {
            continue;
          }
        }
        if (!emit(m)) {
          return 0;
        }
        deadline = bump(deadline);
        if (one) {
          return 0;
        }
      }
      return 0;
    } finally {
      flushDrops(true);
    }
  }

  private long bump(long deadline) {
    return timeout == null ? deadline : System.nanoTime() + timeout.toNanos();
  }

  /** The first seq whose time is at or after {@code ns}: a binary search over retained seqs. */
  static long firstAtOrAfter(PoolTarget pool, long ns) {
    for (int attempt = 0; attempt < 5; attempt++) {
      PoolInfo info = pool.info();
      if (info.isEmpty()) {
        return 1;
      }
      long lo = info.oldestSeq();
      long hi = info.newestSeq() + 1;
      try {
        while (lo < hi) {
          long mid = lo + (hi - lo) / 2;
          if (pool.getMessage(mid).timeNs() < ns) {
            lo = mid + 1;
          } else {
            hi = mid;
          }
        }
        return lo;
      } catch (PlasmiteException e) {
        // A probed message was overwritten meanwhile: search the new window.
      }
    }
    return 1;
  }

  private boolean passes(Message m) {
    if (!tags.isEmpty() && !m.tags().containsAll(tags)) {
      return false;
    }
    if (suppressSender != null && sentBy(m, suppressSender)) {
      return false;
    }
    return where == null || where.matches(m);
  }

  private static boolean sentBy(Message m, String sender) {
    try {
      Lite3Doc doc = m.view();
      int from = doc.find(m.dataOffset(), "from");
      return from >= 0 && doc.type(from) == Lite3Type.STRING && doc.string(from).equals(sender);
    } catch (PlasmiteException e) {
      return false;
    }
  }

  /** Prints one message; false when stdout is gone. */
  private boolean emit(Message m) {
    json.reset();
    if (dataOnly) {
      Lite3Decoder.writeData(m.lite3(), json);
    } else {
      m.writeJson(json);
    }
    JsonOut.print(out, json, color && pretty);
    return !out.checkError();
  }

  private void trackDrop(long seq) {
    if (lastSeen >= 0 && seq > lastSeen + 1 && !quietDrops) {
      if (pendingLast < 0) {
        pendingLast = lastSeen;
      }
      pendingNext = seq;
      flushDrops(false);
    }
    lastSeen = seq;
  }

  private void flushDrops(boolean force) {
    if (pendingLast < 0) {
      return;
    }
    long now = System.nanoTime();
    if (!force && noticed && now - lastNoticeNs < NOTICE_INTERVAL_NS) {
      return;
    }
    long last = pendingLast;
    long next = pendingNext;
    long dropped = Math.max(0, next - last - 1);
    pendingLast = -1;
    pendingNext = -1;
    noticed = true;
    lastNoticeNs = now;
    String path = poolPath;
    Notices.emit(
        pls,
        "drop",
        cmd,
        poolName,
        "dropped " + dropped + " messages",
        w -> {
          w.key("dropped_count").value(dropped);
          w.key("last_seen_seq").value(last);
          w.key("next_seen_seq").value(next);
          if (path != null) {
            w.key("pool_path").value(path);
          }
        });
  }

  String poolPath;

  /** Whether to poll stdout for a closed pipe while idle (only for the real stdout). */
  boolean watchStdout;

  /** {@code --replay}: the selected history with its original spacing divided by the speed. */
  private int replay(PoolTarget pool, PoolInfo info, long newestAtStart) {
    if (info.isEmpty()) {
      return 0;
    }
    long from = sinceNs >= 0 ? firstAtOrAfter(pool, sinceNs) : info.oldestSeq();
    List<Message> window = new ArrayList<>();
    ArrayDeque<Message> last = new ArrayDeque<>();
    try (PoolTarget.Reader reader =
        pool.tail(TailOptions.since(from).withIdleTimeout(Duration.ZERO))) {
      while (!stopped && reader.nextSeq() <= newestAtStart && reader.hasNext()) {
        Message m = reader.next();
        if (m.seq() > newestAtStart) {
          break;
        }
        if ((sinceNs >= 0 && m.timeNs() < sinceNs) || !passes(m)) {
          continue;
        }
        if (sinceNs >= 0) {
          window.add(m);
        } else {
          last.addLast(m);
          if (last.size() > tail) {
            last.removeFirst();
          }
        }
      }
    }
    if (sinceNs < 0) {
      window.addAll(last);
    }
    long previousNs = -1;
    long previousWall = 0;
    for (Message m : window) {
      if (stopped) {
        return 0;
      }
      if (previousNs >= 0 && replaySpeed > 0) {
        long gap = (long) ((m.timeNs() - previousNs) / replaySpeed);
        long due = previousWall + Math.max(0, gap);
        for (long wait = due - System.nanoTime(); wait > 0 && !stopped; ) {
          LockSupport.parkNanos(Math.min(wait, 50_000_000L));
          wait = due - System.nanoTime();
        }
      }
      previousNs = m.timeNs();
      previousWall = System.nanoTime();
      if (!emit(m)) {
        return 0;
      }
      if (one) {
        return 0;
      }
    }
    return 0;
  }
}
