package io.plasmite;

import io.plasmite.format.IndexDescriptor;

/**
 * How to create a pool: its file size and index capacity.
 *
 * <pre>{@code
 * PoolOptions.ofSize(64L << 20);                  // 64 MiB, default index (65,536 slots)
 * PoolOptions.ofSize(1 << 20).withIndexCapacity(0); // no index
 * }</pre>
 *
 * @param sizeBytes the whole file, header and index included
 * @param indexCapacity index slots, or -1 for the default {@code min(size/256, 65536, (size - 5120)
 *     / 16)}
 */
public record PoolOptions(long sizeBytes, long indexCapacity) {
  /** Default pool size: 1 MiB. */
  public static final long DEFAULT_SIZE_BYTES = 1L << 20;

  /** Default options: 1 MiB with the default index. */
  public static final PoolOptions DEFAULTS = new PoolOptions(DEFAULT_SIZE_BYTES, -1);

  /**
   * Options with a size and the default index.
   *
   * @param sizeBytes the file size
   * @return the options
   */
  public static PoolOptions ofSize(long sizeBytes) {
    return new PoolOptions(sizeBytes, -1);
  }

  /**
   * A copy with an explicit index capacity.
   *
   * @param slots index slots; 0 disables the index
   * @return the copy
   */
  public PoolOptions withIndexCapacity(long slots) {
    return new PoolOptions(sizeBytes, slots);
  }

  /**
   * The index capacity to create: explicit, or the default for the size.
   *
   * @return slots
   * @throws PlasmiteException Usage if an explicit index takes more than half the file
   */
  public long resolvedIndexCapacity() {
    if (indexCapacity < 0) {
      return IndexDescriptor.defaultCapacity(sizeBytes);
    }
    if (indexCapacity * IndexDescriptor.SLOT_BYTES > sizeBytes / 2) {
      throw PlasmiteException.of(
              ErrorKind.USAGE,
              "index of "
                  + indexCapacity
                  + " slots takes more than half of a "
                  + sizeBytes
                  + "-byte pool")
          .withHint("choose at most " + sizeBytes / 2 / IndexDescriptor.SLOT_BYTES + " slots");
    }
    return indexCapacity;
  }
}
