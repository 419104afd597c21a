package io.plasmite.stress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The writer appends, dropping the oldest frames and overwriting them, while the reader gets the
 * oldest retained seq through the index: the frame most likely to change under it. It must get the
 * whole message or NotFound, never bytes of the next one.
 *
 * <p>Result: the writer's 1 (it got the seq it wrote into the message), then the reader's outcome
 * code ({@link StressPool}: 0 whole and right, 1 overwritten, 2 wrong, 3 missed while retained, 4
 * not yet published).
 */
@JCStressTest
@Description(
    "The writer appends, dropping the oldest frames and overwriting them, while the reader gets the oldest retained seq through the index: the frame most likely to change under it. It must get the whole message or NotFound, never bytes of the next one.")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "The oldest message, whole.")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "Overwritten while read, and said so.")
@Outcome(expect = FORBIDDEN, desc = "A wrong message, or a writer seq that was not newest + 1.")
@State
public class GetOldestWhileAppending {
  private static final StressPool POOL = new StressPool(8192, 64);

  /** Creates the state (the pool is shared by all states of this JVM). */
  public GetOldestWhileAppending() {}

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
