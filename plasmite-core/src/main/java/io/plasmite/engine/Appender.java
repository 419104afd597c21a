package io.plasmite.engine;

import static io.plasmite.format.FrameDescriptor.HEADER_BYTES;

import io.plasmite.Durability;
import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import io.plasmite.format.FrameDescriptor;
import io.plasmite.format.IndexDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * Appends frames to a pool ({@code pool-format-v3.md} §5).
 *
 * <p>Protocol, per message, under the writer lock: (1) read the header; (2) plan (pure); (3) if
 * frames are dropped, publish the new tail and {@code oldest_seq} first, then fence — readers stop
 * trusting a dropped frame before any of its bytes change; (4) write a wrap marker if planned; (5)
 * publish state Writing, write the header fields, the payload and the commit marker; (6) publish
 * state Committed; (7) write the index slot; (8) publish the header pointers, {@code newest_seq}
 * last. After the lock: wake readers (ours, and the reference tools' through their semaphore), and
 * for {@link Durability#FLUSH} sync — several threads that flush at once share one sync (group
 * commit).
 */
public final class Appender {
  /** The longest a sync leader waits for writers coming back from the previous sync. */
  private static final long MAX_GATHER_NS = 100_000;

  private final PoolFile pool;
  private final Supplier<WakeChannel> wake;
  // Group commit: one thread at a time syncs (the leader); the others wait on the monitor, not in
  // a queue of lock hand-offs, and all wake together when a sync covers them.
  private final Object syncMonitor = new Object();
  // Bytes written since the last sync and the appends that wrote them; guarded by itself.
  private final DirtyRanges dirty = new DirtyRanges();
  private volatile long syncedTicket;
  private boolean syncing; // guarded by syncMonitor
  // The leader's own figures (one leader at a time; the monitor orders them): appends its last
  // sync covered, the ticket it drained, and how long the sync took.
  private long lastGroupAppends;
  private long lastDrainedTicket;
  private long lastSyncNs;

  /**
   * Creates an appender.
   *
   * @param pool a writable pool
   * @param wake the pool's wake channel, opened on first use; it may supply null
   */
  public Appender(PoolFile pool, Supplier<WakeChannel> wake) {
    this.pool = pool;
    this.wake = wake;
  }

  /**
   * Mends the header if a writer was killed between two header stores (see {@link HeaderRepair});
   * called when a pool is opened for writing.
   */
  public void recover() {
    pool.lock();
    try {
      HeaderRepair.checked(pool, pool.header());
    } catch (PlasmiteException e) {
      // Beyond mending here: reads still work; appends report the damage.
    } finally {
      pool.unlock();
    }
  }

  /**
   * Appends one payload.
   *
   * @param payload a Lite3 envelope
   * @param timestampNs Unix nanoseconds, or -1 for now
   * @param durability FAST or FLUSH
   * @return the new seq and its time
   */
  public Appended append(byte[] payload, long timestampNs, Durability durability) {
    return appendAll(List.of(payload), timestampNs, durability);
  }

  /**
   * What an append did.
   *
   * @param seqs the new seqs, in order
   * @param timestampNs the time stamped on every message of the call
   */
  public record Appended(long[] seqs, long timestampNs) {}

  /**
   * Appends several payloads under one lock and, for FLUSH, one sync. Sizes are checked before
   * anything is written: if one payload can never fit, none is written.
   *
   * @param payloads Lite3 envelopes
   * @param timestampNs Unix nanoseconds for all, or -1 for now
   * @param durability FAST or FLUSH
   * @return the seqs, in order, and the time stamped on them
   */
  public Appended appendAll(List<byte[]> payloads, long timestampNs, Durability durability) {
    if (!pool.writable()) {
      throw PlasmiteException.of(ErrorKind.PERMISSION, "pool is open read-only")
          .withPath(pool.path())
          .withHint("check the file's permissions");
    }
    long max = pool.maxPayloadBytes();
    long ringSize = pool.geometry().ringSize();
    for (byte[] p : payloads) {
      if (p.length > max || FrameDescriptor.frameBytes(p.length) > ringSize) {
        throw PlasmiteException.of(
                ErrorKind.USAGE,
                "payload exceeds ring capacity: "
                    + p.length
                    + " bytes, the ring holds at most "
                    + max)
            .withPath(pool.path())
            .withHint("create a larger pool or send a smaller message");
      }
    }
    pool.adviseInPlaceWrites();
    long[] seqs = new long[payloads.size()];
    MemorySegment file = pool.file();
    MemorySegment ring = pool.ring();
    long ringPosition = pool.geometry().ringOffset();
    boolean flush = durability == Durability.FLUSH;
    long ts;
    pool.lock();
    try {
      // Stamped under the lock, so that times follow seqs across writers.
      ts = timestampNs >= 0 ? timestampNs : nowNs();
      // A writer killed between two header stores leaves a torn header; mend it first.
      HeaderState h = HeaderRepair.checked(pool, pool.header());
      for (int i = 0; i < seqs.length; i++) {
        byte[] payload = payloads.get(i);
        AppendPlan plan;
        try {
          plan = AppendPlanner.plan(h, ring, payload.length);
        } catch (PlasmiteException e) {
          // The planner sees only the ring; the error must name the damaged file.
          throw e.withPath(pool.path());
        }
        if (plan.droppedFrames() > 0) {
          plan.publishDrops(file);
          VarHandle.releaseFence();
        }
        if (plan.wrapOffset() >= 0) {
          long w = plan.wrapOffset();
          FrameDescriptor.setStateRelease(ring, w, FrameDescriptor.STATE_WRITING);
          FrameDescriptor.writeHeaderFields(ring, w, 0, 0, 0, 0);
          FrameDescriptor.setStateRelease(ring, w, FrameDescriptor.STATE_WRAP);
        }
        long off = plan.frameOffset();
        FrameDescriptor.setStateRelease(ring, off, FrameDescriptor.STATE_WRITING);
        VarHandle.releaseFence();
        FrameDescriptor.writeHeaderFields(ring, off, plan.seq(), ts, payload.length, 0);
        MemorySegment.copy(
            payload, 0, ring, ValueLayout.JAVA_BYTE, off + HEADER_BYTES, payload.length);
        FrameDescriptor.writeCommitMarker(ring, off, payload.length);
        FrameDescriptor.setStateRelease(ring, off, FrameDescriptor.STATE_COMMITTED);
        long capacity = h.indexCapacity();
        if (capacity > 0) {
          IndexDescriptor.write(
              file, IndexDescriptor.slotPosition(capacity, plan.seq()), plan.seq(), off);
        }
        plan.next().publishPointers(file);
        h = plan.next();
        seqs[i] = plan.seq();
        if (flush) {
          // Recorded once written: a sync that drains them covers complete bytes.
          if (plan.wrapOffset() >= 0) {
            dirty.add(ringPosition + plan.wrapOffset(), HEADER_BYTES);
          }
          dirty.add(ringPosition + off, plan.frameBytes());
          if (capacity > 0) {
            dirty.add(
                IndexDescriptor.slotPosition(capacity, plan.seq()), IndexDescriptor.SLOT_BYTES);
          }
          dirty.appended();
        }
      }
    } finally {
      pool.unlock();
    }
    WakeChannel channel = wake.get();
    if (channel != null) {
      channel.wakeAll();
    }
    if (flush) {
      groupSync(dirty.ticket());
    }
    return new Appended(seqs, ts);
  }

  /**
   * Syncs at least everything up to {@code mine}: the span of the bytes written, then the header
   * page. Protocol: (1) a thread whose ticket is already synced returns; (2) if no sync runs, it
   * becomes the leader, else it waits for the running sync to end and goes back to (1); (3) the
   * leader drains every range recorded so far — its own and those of threads that appended
   * meanwhile — syncs them and publishes the drained ticket; (4) it wakes every waiter at once. A
   * failed sync puts its span back, so no waiter is acknowledged on the strength of a sync that did
   * not happen; the next leader tries them again.
   */
  private void groupSync(long mine) {
    boolean interrupted = false;
    synchronized (syncMonitor) {
      while (syncedTicket < mine && syncing) {
        try {
          syncMonitor.wait();
        } catch (InterruptedException e) {
          // An acknowledgement must not outrun its sync: keep waiting, keep the interrupt.
          interrupted = true;
        }
      }
      if (syncedTicket >= mine) {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
        return;
      }
      syncing = true;
    }
    gather();
    DirtyRanges.Batch batch = dirty.drain();
    long started = System.nanoTime();
    try {
      pool.sync(batch.ranges());
      syncedTicket = batch.ticket();
      lastGroupAppends = batch.ticket() - lastDrainedTicket;
      lastDrainedTicket = batch.ticket();
      lastSyncNs = System.nanoTime() - started;
    } catch (RuntimeException e) {
      dirty.restore(batch);
      throw e;
    } finally {
      synchronized (syncMonitor) {
        syncing = false;
        syncMonitor.notifyAll();
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * After a sync that covered several writers, they come back together: the leader that follows
   * waits a little (at most half a sync) until as many appends as last time are recorded, so that
   * one sync covers them all instead of this leader alone. A lone writer never waits.
   */
  private void gather() {
    long want = lastGroupAppends;
    if (want <= 1) {
      return;
    }
    long deadline = System.nanoTime() + Math.min(MAX_GATHER_NS, lastSyncNs / 2);
    while (dirty.ticket() - lastDrainedTicket < want && System.nanoTime() < deadline) {
      Thread.yield();
    }
  }

  private static long nowNs() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
