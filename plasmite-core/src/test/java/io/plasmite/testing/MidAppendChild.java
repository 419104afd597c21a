package io.plasmite.testing;

import static io.plasmite.format.FrameDescriptor.HEADER_BYTES;

import io.plasmite.Durability;
import io.plasmite.LocalClient;
import io.plasmite.Message;
import io.plasmite.Pool;
import io.plasmite.PoolRef;
import io.plasmite.engine.AppendPlan;
import io.plasmite.engine.AppendPlanner;
import io.plasmite.engine.HeaderState;
import io.plasmite.engine.PoolFile;
import io.plasmite.format.FrameDescriptor;
import io.plasmite.format.IndexDescriptor;
import io.plasmite.format.PoolHeaderDescriptor;
import io.plasmite.lite3.Lite3Encoder;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.List;

/**
 * Freezes a writer in the middle of an append, so that a test can SIGKILL it in a chosen state.
 *
 * <p>First appends acknowledged {@link Payloads} messages of writer 1 (printing {@code a <seq> 1
 * <n>}) until the next message — a large one of writer {@value #CRASH_WRITER} — needs both dropped
 * frames (at least 2, or exactly {@code drops}) and a wrap. Then takes the writer lock and performs
 * that append step by step as {@code Appender} does, stops after the step named by {@code stage},
 * prints {@code stage <name>} and blocks (holding the lock) until killed.
 *
 * <p>Stages, cumulative: {@code drops} (new tail and oldest seq published), {@code wrap} (wrap
 * marker written), {@code writing} (frame header in state Writing, half the payload), {@code
 * payload} (whole payload and commit marker, still Writing), {@code committed} (state Committed),
 * {@code index} (index slot written), {@code complete} (header published: a finished but
 * unacknowledged append).
 *
 * <p>Stages {@code torn-drops}, {@code torn-tail} and {@code torn-head} stop inside a header
 * publication, between two of its word stores: {@code torn-drops} after the drops' {@code
 * oldest_seq} but before {@code tail_off}; {@code torn-tail} after {@code tail_off} but before
 * {@code tail_next_off}; {@code torn-head} after the whole frame, index slot and every pointer but
 * {@code newest_seq}. A SIGKILL can land there as anywhere else (the writer may be preempted
 * between two stores).
 *
 * <p>Stages {@code ref-writing} and {@code ref-committed} follow the reference writer's order
 * instead, which publishes nothing before the frame: wrap marker, frame in state Writing with half
 * the payload (or the whole frame committed and its index slot), header untouched — the state of
 * {@code pool-format-v3.md} §11 item 7, where the header's tail names an overwritten frame.
 *
 * <p>Arguments: {@code pool=<path> stage=<name> seed=<n>}, and optionally {@code drops=<n>} to wait
 * for an append that drops exactly that many frames (default: at least 2).
 */
public final class MidAppendChild {
  /** Writer id of the message being appended at the crash. */
  public static final int CRASH_WRITER = 99;

  private MidAppendChild() {}

  /**
   * The counter of the crash message: the first of writer {@value #CRASH_WRITER} whose body is at
   * least 1,500 characters.
   *
   * @param seed the run's seed
   * @return the counter
   */
  public static long crashCounter(long seed) {
    long n = 0;
    while (Payloads.body(seed, CRASH_WRITER, n).length() < 1500) {
      n++;
    }
    return n;
  }

  /**
   * Runs the writer.
   *
   * @param args see the class comment
   * @throws IOException if stdin fails
   */
  public static void main(String[] args) throws IOException {
    ChildArgs a = new ChildArgs(args);
    Path path = Path.of(a.get("pool"));
    String stage = a.get("stage");
    long seed = a.getLong("seed", 1);
    long exactDrops = a.getLong("drops", 0);
    long warmup = a.getLong("warmup", 0);
    long crashN = crashCounter(seed);
    byte[] big =
        Lite3Encoder.encodeEnvelope(
            Payloads.tags(CRASH_WRITER), Payloads.json(seed, CRASH_WRITER, crashN));
    try (Pool pool = new LocalClient().open(PoolRef.path(path));
        PoolFile file = PoolFile.open(path, true)) {
      long n = 0;
      while (true) {
        AppendPlan plan = AppendPlanner.plan(file.header(), file.ring(), big.length);
        boolean dropsOk =
            exactDrops > 0 ? plan.droppedFrames() == exactDrops : plan.droppedFrames() >= 2;
        if (n >= warmup && plan.wrapOffset() >= 0 && dropsOk) {
          break;
        }
        if (n > 100_000) {
          throw new IllegalStateException("never reached a state with drops and a wrap");
        }
        Message m =
            pool.appendJsonNow(Payloads.json(seed, 1, n), Payloads.tags(1), Durability.FAST);
        System.out.println("a " + m.seq() + " 1 " + n);
        n++;
      }
      file.lock();
      freeze(file, big, stage);
      System.out.println("stage " + stage);
      System.out.flush();
      while (System.in.read() >= 0) {
        // hold the lock, mid-append, until killed
      }
    }
  }

  private static void freeze(PoolFile pool, byte[] payload, String stage) {
    MemorySegment file = pool.file();
    MemorySegment ring = pool.ring();
    HeaderState h = pool.header();
    AppendPlan plan = AppendPlanner.plan(h, ring, payload.length);
    if (stage.equals("torn-drops")) {
      // Killed inside the publication of the drops: oldest_seq out, tail not yet.
      PoolHeaderDescriptor.setRelease(
          file, PoolHeaderDescriptor.OLDEST_SEQ_OFFSET, plan.afterDrops().oldestSeq());
      return;
    }
    if (stage.equals("torn-tail")) {
      // Killed before the drops' last store: tail_next_off still names the old tail's next.
      PoolHeaderDescriptor.setRelease(
          file, PoolHeaderDescriptor.OLDEST_SEQ_OFFSET, plan.afterDrops().oldestSeq());
      PoolHeaderDescriptor.setRelease(
          file, PoolHeaderDescriptor.TAIL_OFFSET, plan.afterDrops().tail());
      return;
    }
    if (stage.equals("torn-head")) {
      // Killed inside the final publication: everything but head is out.
      freeze(pool, payload, "index");
      HeaderState next = plan.next();
      next.publishTail(file);
      PoolHeaderDescriptor.setRelease(
          file, PoolHeaderDescriptor.NEWEST_SEQ_OFFSET, next.newestSeq());
      return;
    }
    boolean reference = stage.startsWith("ref-");
    List<String> order =
        reference
            ? List.of("ref-wrap", "ref-writing", "ref-payload", "ref-committed")
            : List.of("drops", "wrap", "writing", "payload", "committed", "index", "complete");
    int last = order.indexOf(stage);
    if (last < 0) {
      throw new IllegalArgumentException("unknown stage " + stage);
    }
    int step = 0;
    if (!reference) {
      plan.publishDrops(file);
      VarHandle.releaseFence();
      if (step++ == last) {
        return;
      }
    }
    if (plan.wrapOffset() >= 0) {
      long w = plan.wrapOffset();
      FrameDescriptor.setStateRelease(ring, w, FrameDescriptor.STATE_WRITING);
      FrameDescriptor.writeHeaderFields(ring, w, 0, 0, 0, 0);
      FrameDescriptor.setStateRelease(ring, w, FrameDescriptor.STATE_WRAP);
    }
    if (step++ == last) {
      return;
    }
    long off = plan.frameOffset();
    FrameDescriptor.setStateRelease(ring, off, FrameDescriptor.STATE_WRITING);
    VarHandle.releaseFence();
    FrameDescriptor.writeHeaderFields(ring, off, plan.seq(), 1_000_000_000L, payload.length, 0);
    int half = payload.length / 2;
    MemorySegment.copy(payload, 0, ring, ValueLayout.JAVA_BYTE, off + HEADER_BYTES, half);
    if (step++ == last) {
      return;
    }
    MemorySegment.copy(
        payload,
        half,
        ring,
        ValueLayout.JAVA_BYTE,
        off + HEADER_BYTES + half,
        payload.length - half);
    FrameDescriptor.writeCommitMarker(ring, off, payload.length);
    if (step++ == last) {
      return;
    }
    FrameDescriptor.setStateRelease(ring, off, FrameDescriptor.STATE_COMMITTED);
    if (reference) {
      writeIndex(file, h, plan, off);
      return;
    }
    if (step++ == last) {
      return;
    }
    writeIndex(file, h, plan, off);
    if (step++ == last) {
      return;
    }
    plan.next().publishPointers(file);
  }

  private static void writeIndex(MemorySegment file, HeaderState h, AppendPlan plan, long off) {
    if (h.indexCapacity() > 0) {
      IndexDescriptor.write(
          file, IndexDescriptor.slotPosition(h.indexCapacity(), plan.seq()), plan.seq(), off);
    }
  }
}
