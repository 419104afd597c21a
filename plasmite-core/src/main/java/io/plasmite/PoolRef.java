package io.plasmite;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Names a pool: by name, resolved in the client's pool directory ({@code NAME} and {@code
 * NAME.plasmite} both mean {@code DIR/NAME.plasmite}), or by path. A name containing {@code /} is a
 * path.
 *
 * <pre>{@code
 * PoolRef.name("orders");                  // ~/.plasmite/pools/orders.plasmite
 * PoolRef.path(Path.of("/tmp/x.plasmite"));
 * }</pre>
 */
public final class PoolRef {
  /** File name extension of pool files. */
  public static final String EXTENSION = ".plasmite";

  private final String name;
  private final Path path;

  private PoolRef(String name, Path path) {
    this.name = name;
    this.path = path;
  }

  /**
   * A pool by name (or by path, if the name contains {@code /}).
   *
   * @param name e.g. {@code orders}
   * @return the reference
   * @throws PlasmiteException Usage for an empty name
   */
  public static PoolRef name(String name) {
    Objects.requireNonNull(name, "name");
    if (name.contains("/")) {
      return path(Path.of(name));
    }
    if (name.isEmpty() || name.equals(EXTENSION) || name.equals(".") || name.equals("..")) {
      throw PlasmiteException.of(ErrorKind.USAGE, "invalid pool name: \"" + name + "\"")
          .withHint("use a plain file name such as orders");
    }
    return new PoolRef(name, null);
  }

  /**
   * A pool by file path.
   *
   * @param path the pool file
   * @return the reference
   */
  public static PoolRef path(Path path) {
    return new PoolRef(null, Objects.requireNonNull(path, "path"));
  }

  /**
   * The pool file this reference names.
   *
   * @param poolDir the directory names resolve in
   * @return the file path
   */
  public Path resolve(Path poolDir) {
    if (path != null) {
      return path;
    }
    return poolDir.resolve(name.endsWith(EXTENSION) ? name : name + EXTENSION);
  }

  /**
   * A display name: the name as given, or the path.
   *
   * @return the text
   */
  @Override
  public String toString() {
    return path != null ? path.toString() : name;
  }
}
