package io.plasmite;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The one exception type of plasmite: a stable {@link ErrorKind}, a message that states facts, and
 * where known the pool {@code path}, the message {@code seq}, the byte {@code offset} and a {@code
 * hint} on how to fix it.
 *
 * <pre>{@code
 * throw PlasmiteException.of(ErrorKind.CORRUPT, "bad frame magic: expected FRM1, found 0000")
 *     .withPath(poolPath)
 *     .withOffset(frameOffset);
 * }</pre>
 *
 * <p>Instances are immutable; the {@code with*} methods return copies.
 */
public final class PlasmiteException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorKind kind;
  private final String hint;
  private final String path;
  private final long seq;
  private final long offset;
  private final transient List<String> causes;

  private PlasmiteException(
      ErrorKind kind,
      String message,
      String hint,
      String path,
      long seq,
      long offset,
      List<String> causes,
      Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.hint = hint;
    this.path = path;
    this.seq = seq;
    this.offset = offset;
    this.causes = List.copyOf(causes);
  }

  /**
   * Creates an error of the given kind.
   *
   * @param kind the stable kind
   * @param message what happened, stated as facts
   * @return a new exception without path, seq, offset or hint
   */
  public static PlasmiteException of(ErrorKind kind, String message) {
    return new PlasmiteException(kind, message, null, null, -1, -1, List.of(), null);
  }

  /**
   * Creates an error of the given kind caused by another throwable.
   *
   * @param kind the stable kind
   * @param message what happened, stated as facts
   * @param cause the underlying failure; its message becomes the first entry of {@link #causes()}
   * @return a new exception
   */
  public static PlasmiteException of(ErrorKind kind, String message, Throwable cause) {
    List<String> causes = cause == null ? List.of() : List.of(String.valueOf(cause.getMessage()));
    return new PlasmiteException(kind, message, null, null, -1, -1, causes, cause);
  }

  /**
   * Returns a copy with a hint on how to fix the problem.
   *
   * @param hint one sentence for a person
   * @return the copy
   */
  public PlasmiteException withHint(String hint) {
    return new PlasmiteException(kind, getMessage(), hint, path, seq, offset, causes, getCause());
  }

  /**
   * Returns a copy naming the file concerned.
   *
   * @param path the pool or file path
   * @return the copy
   */
  public PlasmiteException withPath(Path path) {
    return withPath(path == null ? null : path.toString());
  }

  /**
   * Returns a copy naming the file concerned.
   *
   * @param path the pool or file path
   * @return the copy
   */
  public PlasmiteException withPath(String path) {
    return new PlasmiteException(kind, getMessage(), hint, path, seq, offset, causes, getCause());
  }

  /**
   * Returns a copy naming the message concerned.
   *
   * @param seq the message sequence number
   * @return the copy
   */
  public PlasmiteException withSeq(long seq) {
    return new PlasmiteException(kind, getMessage(), hint, path, seq, offset, causes, getCause());
  }

  /**
   * Returns a copy naming the byte offset concerned.
   *
   * @param offset a byte offset within the file or buffer
   * @return the copy
   */
  public PlasmiteException withOffset(long offset) {
    return new PlasmiteException(kind, getMessage(), hint, path, seq, offset, causes, getCause());
  }

  /**
   * The stable kind.
   *
   * @return the kind
   */
  public ErrorKind kind() {
    return kind;
  }

  /**
   * How to fix the problem, when known.
   *
   * @return the hint
   */
  public Optional<String> hint() {
    return Optional.ofNullable(hint);
  }

  /**
   * The file concerned, when known.
   *
   * @return the path as given
   */
  public Optional<String> path() {
    return Optional.ofNullable(path);
  }

  /**
   * The message sequence number concerned, when known.
   *
   * @return the seq
   */
  public OptionalLong seq() {
    return seq < 0 ? OptionalLong.empty() : OptionalLong.of(seq);
  }

  /**
   * The byte offset concerned, when known.
   *
   * @return the offset
   */
  public OptionalLong offset() {
    return offset < 0 ? OptionalLong.empty() : OptionalLong.of(offset);
  }

  /**
   * Messages of underlying failures, outermost first.
   *
   * @return an unmodifiable list, empty when there were none
   */
  public List<String> causes() {
    return causes == null ? List.of() : causes;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(kind.wireName()).append(": ").append(getMessage());
    if (path != null) {
      sb.append(" (path ").append(path).append(')');
    }
    if (seq >= 0) {
      sb.append(" (seq ").append(seq).append(')');
    }
    if (offset >= 0) {
      sb.append(" (offset ").append(offset).append(')');
    }
    if (hint != null) {
      sb.append("; hint: ").append(hint);
    }
    return sb.toString();
  }
}
