package io.plasmite;

/** How an append reaches the disk before it is acknowledged. */
public enum Durability {
  /** No msync: the message survives a crash of the process, not a power loss. */
  FAST,
  /**
   * msync of the frames, the index slot and then the header before the append returns; a failed
   * msync is an Io error and no acknowledgement. Threads flushing at once share one msync.
   */
  FLUSH
}
