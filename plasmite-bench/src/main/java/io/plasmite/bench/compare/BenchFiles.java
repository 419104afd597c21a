package io.plasmite.bench.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Temporary-file housekeeping for the side-by-side suite. */
public final class BenchFiles {
  private BenchFiles() {}

  /**
   * Deletes a file or a directory tree, if it exists.
   *
   * @param root the file or directory
   * @throws IOException if something cannot be deleted
   */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
