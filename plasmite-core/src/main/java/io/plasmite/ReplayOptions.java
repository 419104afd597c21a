package io.plasmite;

import java.util.List;

/**
 * What {@link Pool#replay} replays and how fast.
 *
 * @param sinceSeq first seq (older ones start at the oldest retained)
 * @param maxMessages stop after this many, or -1 for all up to the newest at start
 * @param tags replay only messages carrying all of these tags
 * @param speed divide the original gaps by this factor; 0 replays without delay
 */
public record ReplayOptions(long sinceSeq, long maxMessages, List<String> tags, double speed) {
  /** Checks the speed and copies the tags. */
  public ReplayOptions {
    tags = tags == null ? List.of() : List.copyOf(tags);
    if (!(speed >= 0) || Double.isInfinite(speed)) {
      throw PlasmiteException.of(ErrorKind.USAGE, "replay speed must be a finite number >= 0");
    }
  }

  /**
   * Replays everything from {@code seq} at original speed.
   *
   * @param seq the first seq
   * @return the options
   */
  public static ReplayOptions since(long seq) {
    return new ReplayOptions(Math.max(1, seq), -1, List.of(), 1.0);
  }

  /**
   * A copy with another speed factor.
   *
   * @param speed the factor; 0 for no delay
   * @return the copy
   */
  public ReplayOptions withSpeed(double speed) {
    return new ReplayOptions(sinceSeq, maxMessages, tags, speed);
  }

  /**
   * A copy with a message limit.
   *
   * @param n the limit
   * @return the copy
   */
  public ReplayOptions withMaxMessages(long n) {
    return new ReplayOptions(sinceSeq, n, tags, speed);
  }

  /**
   * A copy with a tag filter.
   *
   * @param tags required tags
   * @return the copy
   */
  public ReplayOptions withTags(List<String> tags) {
    return new ReplayOptions(sinceSeq, maxMessages, tags, speed);
  }
}
