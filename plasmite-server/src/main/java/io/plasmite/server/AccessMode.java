package io.plasmite.server;

import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;

/** What a server lets its clients do ({@code --access}). */
public enum AccessMode {
  /** Listing, info, reads and tails; no create, append or delete. */
  READ_ONLY("read-only"),
  /** Create, append and delete; no listing, info, reads or tails. */
  WRITE_ONLY("write-only"),
  /** Everything (the default). */
  READ_WRITE("read-write");

  private final String label;

  AccessMode(String label) {
    this.label = label;
  }

  /**
   * The name used on the command line.
   *
   * @return {@code read-only}, {@code write-only} or {@code read-write}
   */
  public String label() {
    return label;
  }

  /**
   * Whether reads are allowed.
   *
   * @return true for read-only and read-write
   */
  public boolean allowsRead() {
    return this != WRITE_ONLY;
  }

  /**
   * Whether writes are allowed.
   *
   * @return true for write-only and read-write
   */
  public boolean allowsWrite() {
    return this != READ_ONLY;
  }

  /**
   * Parses a command-line value.
   *
   * @param text {@code read-only}, {@code write-only} or {@code read-write}
   * @return the mode
   * @throws PlasmiteException Usage for any other text
   */
  public static AccessMode parse(String text) {
    for (AccessMode mode : values()) {
      if (mode.label.equals(text)) {
        return mode;
      }
    }
    throw PlasmiteException.of(
            ErrorKind.USAGE,
            "invalid value '" + text + "' for '--access': use read-only, write-only or read-write")
        .withHint("Try `plasmite serve --help`.");
  }
}
