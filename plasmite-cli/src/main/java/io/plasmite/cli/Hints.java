package io.plasmite.cli;

import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;

/** The remediation hints the Rust CLI adds to common errors. */
final class Hints {
  private Hints() {}

  /**
   * Adds the "create it first" hint to a NotFound error for a pool.
   *
   * @param e the error
   * @param pool the pool argument
   * @return the error, with the CLI's hint
   */
  static PlasmiteException missingPool(PlasmiteException e, String pool) {
    if (e.kind() != ErrorKind.NOT_FOUND || e.seq().isPresent()) {
      return e;
    }
    if (pool.contains("/")) {
      return e.withHint(
          "Pool path not found. Check the path or pass --dir for a different pool directory.");
    }
    return e.withHint(
        "Create it first: plasmite pool create "
            + pool
            + " (or pass --dir for a different pool directory).");
  }

  /**
   * Adds the hint for an I/O, permission, busy or corrupt error, when it has none.
   *
   * @param e the error
   * @return the error, with a hint
   */
  static PlasmiteException io(PlasmiteException e) {
    if (e.hint().isPresent()) {
      return e;
    }
    return switch (e.kind()) {
      case PERMISSION ->
          e.withHint(
              "Permission denied. Check directory permissions or use --dir to a writable"
                  + " location.");
      case BUSY -> e.withHint("Pool is busy (another writer holds the lock). Retry with backoff.");
      case IO -> e.withHint("I/O error. Check the path, filesystem, and disk space.");
      case CORRUPT ->
          e.withHint("Pool appears corrupt. Recreate it or investigate with validation tooling.");
      default -> e;
    };
  }
}
