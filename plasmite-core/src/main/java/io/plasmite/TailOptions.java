package io.plasmite;

import java.time.Duration;
import java.util.List;

/**
 * What a tail reads and when it stops.
 *
 * <pre>{@code
 * TailOptions.newMessages();                                  // only messages appended from now on
 * TailOptions.since(1).withMaxMessages(100);                  // history from seq 1, at most 100
 * TailOptions.newMessages().withTags(List.of("orders")).withIdleTimeout(Duration.ofSeconds(5));
 * }</pre>
 *
 * @param sinceSeq first seq wanted (inclusive; older ones start at the oldest retained), or -1 for
 *     messages newer than the newest at start
 * @param maxMessages stop after this many delivered messages, or -1 for no limit
 * @param idleTimeout stop when no message arrives for this long, or null to wait forever
 * @param tags deliver only messages carrying all of these tags
 * @param gapPolicy what to do when wanted messages were overwritten
 * @param busySpin how long a waiting tail spins on the header before it sleeps, or null for the
 *     default (50 µs). Longer spins lower the latency of a follower while messages flow, at the
 *     cost of a core during that time; an idle tail sleeps either way.
 */
public record TailOptions(
    long sinceSeq,
    long maxMessages,
    Duration idleTimeout,
    List<String> tags,
    GapPolicy gapPolicy,
    Duration busySpin) {

  /**
   * Options without a busy-spin choice (the default spin).
   *
   * @param sinceSeq first seq wanted, or -1 for new messages
   * @param maxMessages limit, or -1
   * @param idleTimeout idle limit, or null
   * @param tags required tags
   * @param gapPolicy gap policy
   */
  public TailOptions(
      long sinceSeq,
      long maxMessages,
      Duration idleTimeout,
      List<String> tags,
      GapPolicy gapPolicy) {
    this(sinceSeq, maxMessages, idleTimeout, tags, gapPolicy, null);
  }

  /** Normalises the tag list. */
  public TailOptions {
    tags = tags == null ? List.of() : List.copyOf(tags);
    gapPolicy = gapPolicy == null ? GapPolicy.CONTINUE : gapPolicy;
  }

  /**
   * Messages appended after the tail starts, no limit, no timeout.
   *
   * @return the options
   */
  public static TailOptions newMessages() {
    return new TailOptions(-1, -1, null, List.of(), GapPolicy.CONTINUE);
  }

  /**
   * Messages from {@code seq} on (from the oldest retained if older), then new ones.
   *
   * @param seq the first seq wanted
   * @return the options
   */
  public static TailOptions since(long seq) {
    return new TailOptions(Math.max(1, seq), -1, null, List.of(), GapPolicy.CONTINUE);
  }

  /**
   * A copy that stops after {@code n} messages.
   *
   * @param n the limit
   * @return the copy
   */
  public TailOptions withMaxMessages(long n) {
    return new TailOptions(sinceSeq, n, idleTimeout, tags, gapPolicy, busySpin);
  }

  /**
   * A copy that stops after {@code timeout} without a message to deliver: messages the tag filter
   * drops do not count, so a filtered tail times out while other messages keep coming.
   *
   * @param timeout the idle time
   * @return the copy
   */
  public TailOptions withIdleTimeout(Duration timeout) {
    return new TailOptions(sinceSeq, maxMessages, timeout, tags, gapPolicy, busySpin);
  }

  /**
   * A copy that delivers only messages carrying all {@code tags}.
   *
   * @param tags required tags
   * @return the copy
   */
  public TailOptions withTags(List<String> tags) {
    return new TailOptions(sinceSeq, maxMessages, idleTimeout, tags, gapPolicy, busySpin);
  }

  /**
   * A copy with another gap policy.
   *
   * @param policy the policy
   * @return the copy
   */
  public TailOptions withGapPolicy(GapPolicy policy) {
    return new TailOptions(sinceSeq, maxMessages, idleTimeout, tags, policy, busySpin);
  }

  /**
   * A copy that spins up to {@code spin} on the header before sleeping: for followers that must see
   * messages within microseconds while traffic flows (e.g. 10 ms keeps a follower of a stream of
   * 100+ messages/s awake), at the cost of a core during that time.
   *
   * @param spin the spin time; null or zero for the default
   * @return the copy
   */
  public TailOptions withBusySpin(Duration spin) {
    return new TailOptions(sinceSeq, maxMessages, idleTimeout, tags, gapPolicy, spin);
  }
}
