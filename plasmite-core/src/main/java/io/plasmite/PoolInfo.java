package io.plasmite;

import java.nio.file.Path;

/**
 * A pool's geometry and bounds, as {@code pls pool info} shows them.
 *
 * @param path the pool file
 * @param fileSize file length in bytes
 * @param indexOffset file position of the index (4096)
 * @param indexCapacity index slots
 * @param indexSizeBytes bytes of the index
 * @param ringOffset file position of the ring
 * @param ringSize ring length in bytes
 * @param oldestSeq oldest retained seq, or 0 when empty
 * @param newestSeq newest retained seq, or 0 when empty
 * @param usedBytes ring bytes held by retained messages
 * @param oldestTimeNs time of the oldest message, or -1 when empty
 * @param newestTimeNs time of the newest message, or -1 when empty
 */
public record PoolInfo(
    Path path,
    long fileSize,
    long indexOffset,
    long indexCapacity,
    long indexSizeBytes,
    long ringOffset,
    long ringSize,
    long oldestSeq,
    long newestSeq,
    long usedBytes,
    long oldestTimeNs,
    long newestTimeNs) {

  /**
   * Whether the pool holds no message.
   *
   * @return true when empty
   */
  public boolean isEmpty() {
    return oldestSeq == 0;
  }

  /**
   * Retained messages.
   *
   * @return {@code newest - oldest + 1}, or 0
   */
  public long messageCount() {
    return isEmpty() ? 0 : newestSeq - oldestSeq + 1;
  }

  /**
   * Free ring bytes.
   *
   * @return {@code ringSize - usedBytes}
   */
  public long freeBytes() {
    return ringSize - usedBytes;
  }
}
