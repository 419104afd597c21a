package io.plasmite.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * A new cursor at {@code oldest_seq} polls once while the writer overwrites the oldest frames; the
 * index (16 slots) covers only part of the retained range, so the cursor uses stale slots, the
 * checkpoints and the walk. It returns the oldest message or, if that was overwritten, a later
 * retained one — whole.
 *
 * <p>Result: the writer's 1 (it got the seq it wrote into the message), then the reader's outcome
 * code ({@link StressPool}: 0 whole and right, 1 overwritten, 2 wrong, 3 missed while retained, 4
 * not yet published).
 */
@JCStressTest
@Description(
    "A new cursor at oldest_seq polls once while the writer overwrites the oldest frames; the index (16 slots) covers only part of the retained range, so the cursor uses stale slots, the checkpoints and the walk. It returns the oldest message or, if that was overwritten, a later retained one — whole.")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "A retained message, whole.")
@Outcome(
    id = "1, 1",
    expect = ACCEPTABLE_INTERESTING,
    desc = "Nothing returned; the seq was overwritten meanwhile.")
@Outcome(
    id = "1, 3",
    expect = ACCEPTABLE_INTERESTING,
    desc = "The cursor gave up while the tail kept moving.")
@Outcome(expect = FORBIDDEN, desc = "A wrong message, or a writer seq that was not newest + 1.")
@State
public class PollOldestWhileAppending {
  private static final StressPool POOL = new StressPool(8192, 16);

  /** Creates the state (the pool is shared by all states of this JVM). */
  public PollOldestWhileAppending() {}

  /**
   * Appends the next message with the real appender.
   *
   * @param r the result
   */
  @Actor
  public void writer(II_Result r) {
    r.r1 = POOL.appendNext();
  }

  /**
   * Reads as described above.
   *
   * @param r the result
   */
  @Actor
  public void reader(II_Result r) {
    r.r2 = POOL.poll(POOL.oldest());
  }
}
