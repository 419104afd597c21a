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
 * The writer appends while the reader loads {@code newest_seq} (acquire) and gets that seq through
 * the index: it must find the frame committed and whole (the writer commits the frame and writes
 * its index slot before it publishes the seq).
 *
 * <p>Result: the writer's 1 (it got the seq it wrote into the message), then the reader's outcome
 * code ({@link StressPool}: 0 whole and right, 1 overwritten, 2 wrong, 3 missed while retained, 4
 * not yet published).
 */
@JCStressTest
@Description(
    "The writer appends while the reader loads newest_seq (acquire) and gets that seq through the index: it must find the frame committed and whole (the writer commits the frame and writes its index slot before it publishes the seq).")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "The newest message, whole.")
@Outcome(
    id = "1, 1",
    expect = ACCEPTABLE_INTERESTING,
    desc = "Overwritten before the read ended: the reader was descheduled for a whole ring.")
@Outcome(expect = FORBIDDEN, desc = "A wrong message, or a writer seq that was not newest + 1.")
@State
public class GetNewestWhileAppending {
  private static final StressPool POOL = new StressPool(8192, 64);

  /** Creates the state (the pool is shared by all states of this JVM). */
  public GetNewestWhileAppending() {}

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
    r.r2 = POOL.get(POOL.newest());
  }
}
