package io.plasmite;

/**
 * The stable kind of every {@link PlasmiteException}.
 *
 * <p>Kinds, exit codes and HTTP statuses are part of the contract shared with the other plasmite
 * tools: scripts branch on the exit code, clients on the status. Never renumber them.
 *
 * <pre>{@code
 * kind           exit  http
 * Internal         1   500
 * Usage            2   400
 * NotFound         3   404
 * AlreadyExists    4   409
 * Busy             5   423
 * Permission       6   401 (403 for access-mode refusals)
 * Corrupt          7   500
 * Io               8   500
 * RetentionGap     9   410
 * }</pre>
 */
public enum ErrorKind {
  /** A defect in plasmite itself. */
  INTERNAL("Internal", 1, 500),
  /** The caller asked for something invalid: bad arguments, bad JSON, oversized input. */
  USAGE("Usage", 2, 400),
  /** A pool, message or file does not exist. */
  NOT_FOUND("NotFound", 3, 404),
  /** Something that must be new exists already. */
  ALREADY_EXISTS("AlreadyExists", 4, 409),
  /** A resource is held by someone else; retrying later may succeed. */
  BUSY("Busy", 5, 423),
  /** The operating system or an access policy refused the operation. */
  PERMISSION("Permission", 6, 401),
  /** Stored bytes break the format: a damaged pool file or an invalid payload. */
  CORRUPT("Corrupt", 7, 500),
  /** An input/output operation failed. */
  IO("Io", 8, 500),
  /** Messages a reader wanted were overwritten before it read them. */
  RETENTION_GAP("RetentionGap", 9, 410);

  private final String wireName;
  private final int exitCode;
  private final int httpStatus;

  ErrorKind(String wireName, int exitCode, int httpStatus) {
    this.wireName = wireName;
    this.exitCode = exitCode;
    this.httpStatus = httpStatus;
  }

  /**
   * The name used in JSON error objects and manifests, e.g. {@code "NotFound"}.
   *
   * @return the stable wire name
   */
  public String wireName() {
    return wireName;
  }

  /**
   * The process exit status of the {@code pls} command for this kind.
   *
   * @return a status from 1 to 9
   */
  public int exitCode() {
    return exitCode;
  }

  /**
   * The HTTP status of the server's error response for this kind.
   *
   * @return an HTTP status code
   */
  public int httpStatus() {
    return httpStatus;
  }

  /**
   * Looks a kind up by its wire name.
   *
   * @param wireName a name such as {@code "Usage"}
   * @return the kind
   * @throws IllegalArgumentException if no kind has that name
   */
  public static ErrorKind fromWireName(String wireName) {
    for (ErrorKind kind : values()) {
      if (kind.wireName.equals(wireName)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown error kind: " + wireName);
  }
}
