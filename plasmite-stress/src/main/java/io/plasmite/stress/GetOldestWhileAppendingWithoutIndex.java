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
 * As {@link GetOldestWhileAppending}, on a pool without an index: the reader walks the frame chain
 * from {@code tail_off} while the writer moves it.
 *
 * <p>Result: the writer's 1 (it got the seq it wrote into the message), then the reader's outcome
 * code ({@link StressPool}: 0 whole and right, 1 overwritten, 2 wrong, 3 missed while retained, 4
 * not yet published).
 */
@JCStressTest
@Description(
    "As GetOldestWhileAppending, on a pool without an index: the reader walks the frame chain from tail_off while the writer moves it.")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "The oldest message, whole.")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "Overwritten while read, and said so.")
@Outcome(
    id = "1, 3",
    expect = ACCEPTABLE_INTERESTING,
    desc = "The walk gave up while the tail kept moving; the seq was still retained.")
@Outcome(expect = FORBIDDEN, desc = "A wrong message, or a writer seq that was not newest + 1.")
@State
public class GetOldestWhileAppendingWithoutIndex {
  private static final StressPool POOL = new StressPool(8192, 0);

  /** Creates the state (the pool is shared by all states of this JVM). */
  public GetOldestWhileAppendingWithoutIndex() {}

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
    r.r2 = POOL.get(POOL.oldest());
  }
}
