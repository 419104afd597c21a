package io.plasmite;

/** What a tail does when messages it wanted were overwritten before it read them. */
public enum GapPolicy {
  /** Go on with the oldest retained message (the default). */
  CONTINUE,
  /** End the tail with a RetentionGap error naming the first lost seq. */
  ERROR
}
