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
 * A new cursor at {@code newest_seq + 1} polls once while the writer publishes exactly that seq: it
 * sees nothing yet, or the whole message; never a frame still being written (state, commit marker
 * and {@code newest_seq} are published in that order). No index: the cursor walks.
 *
 * <p>Result: the writer's 1 (it got the seq it wrote into the message), then the reader's outcome
 * code ({@link StressPool}: 0 whole and right, 1 overwritten, 2 wrong, 3 missed while retained, 4
 * not yet published).
 */
@JCStressTest
@Description(
    "A new cursor at newest_seq + 1 polls once while the writer publishes exactly that seq: it sees nothing yet, or the whole message; never a frame still being written (state, commit marker and newest_seq are published in that order). No index: the cursor walks.")
@Outcome(id = "1, 4", expect = ACCEPTABLE, desc = "Not published yet.")
@Outcome(
    id = "1, 0",
    expect = ACCEPTABLE,
    desc = "The new message, whole (or a later one after a gap).")
@Outcome(
    id = "1, 1",
    expect = ACCEPTABLE_INTERESTING,
    desc = "Published and overwritten before the poll ended.")
@Outcome(
    id = "1, 3",
    expect = ACCEPTABLE_INTERESTING,
    desc = "The walk gave up while the tail kept moving.")
@Outcome(expect = FORBIDDEN, desc = "A wrong message, or a writer seq that was not newest + 1.")
@State
public class PollNextWhileAppending {
  private static final StressPool POOL = new StressPool(8192, 0);

  /** Creates the state (the pool is shared by all states of this JVM). */
  public PollNextWhileAppending() {}

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
    r.r2 = POOL.poll(POOL.newest() + 1);
  }
}
