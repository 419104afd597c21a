package io.plasmite.engine;

/**
 * What one append does to the ring, decided before any byte is written.
 *
 * @param seq the new message's seq
 * @param frameOffset ring offset of the new frame
 * @param frameBytes bytes the new frame occupies
 * @param wrapOffset ring offset of a wrap marker to write first, or -1
 * @param droppedFrames how many old frames (and gaps) the append drops
 * @param afterDrops the header once the drops are done and before the frame exists: published
 *     first, so that readers stop trusting dropped frames before their bytes are overwritten
 * @param next the header after the append
 */
public record AppendPlan(
    long seq,
    long frameOffset,
    long frameBytes,
    long wrapOffset,
    int droppedFrames,
    HeaderState afterDrops,
    HeaderState next) {}
