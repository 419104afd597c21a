package io.plasmite.engine;

import java.lang.foreign.MemorySegment;

/**
 * What one append does to the ring, decided before any byte is written.
 *
 * <p>The header once the drops are done and before the frame exists is kept as its three changed
 * words, not as a {@link HeaderState}: it is published first, so that readers stop trusting dropped
 * frames before their bytes are overwritten, and an append makes one plan per message.
 *
 * @param seq the new message's seq
 * @param frameOffset ring offset of the new frame
 * @param frameBytes bytes the new frame occupies
 * @param wrapOffset ring offset of a wrap marker to write first, or -1
 * @param droppedFrames how many old frames (and gaps) the append drops
 * @param headBefore the head before the append
 * @param tailAfterDrops the tail once the drops are done
 * @param tailNextAfterDrops {@code tail_next_off} once the drops are done
 * @param oldestAfterDrops the oldest seq once the drops are done (0: the drops emptied the pool)
 * @param next the header after the append
 */
public record AppendPlan(
    long seq,
    long frameOffset,
    long frameBytes,
    long wrapOffset,
    int droppedFrames,
    long headBefore,
    long tailAfterDrops,
    long tailNextAfterDrops,
    long oldestAfterDrops,
    HeaderState next) {

  /**
   * The header once the drops are done, before the frame exists.
   *
   * @return the header with the tail words after the drops and the old head and newest seq
   */
  public HeaderState afterDrops() {
    return next.withPointers(
        headBefore, tailAfterDrops, tailNextAfterDrops, oldestAfterDrops, seq - 1);
  }

  /**
   * Publishes the drops: {@code oldest_seq}, {@code tail} and {@code tail_next} in the order of
   * {@link HeaderState#publishTail}.
   *
   * @param file the whole-file segment
   */
  public void publishDrops(MemorySegment file) {
    HeaderState.publishTail(file, oldestAfterDrops, tailAfterDrops, tailNextAfterDrops);
  }
}
