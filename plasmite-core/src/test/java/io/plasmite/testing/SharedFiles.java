package io.plasmite.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the read-only {@code shared/} folder (specs, vectors, manifests) beside the repo. */
public final class SharedFiles {
  private SharedFiles() {}

  /**
   * The shared folder: the {@code plasmite.shared.dir} system property set by the build, else
   * {@code ../shared} seen from the repository root.
   *
   * @return an existing directory
   */
  public static Path dir() {
    String configured = System.getProperty("plasmite.shared.dir");
    Path dir =
        configured != null
            ? Path.of(configured)
            : Path.of("").toAbsolutePath().getParent().resolve("shared");
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("shared folder not found at " + dir.toAbsolutePath());
    }
    return dir.normalize();
  }

  /**
   * A file inside the shared folder.
   *
   * @param relative e.g. {@code vectors/lite3-envelopes.jsonl.gz}
   * @return its path
   */
  public static Path file(String relative) {
    return dir().resolve(relative);
  }
}
