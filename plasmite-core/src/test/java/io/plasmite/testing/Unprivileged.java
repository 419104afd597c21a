package io.plasmite.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs a child JVM as the unprivileged user {@code nobody} (uid and gid 65534), through {@code
 * setpriv}. The tests run as root, which file permissions do not stop; the child meets them as any
 * user would. Its class path (this project's classes and jackson-core) is copied to a place that
 * user can read, since a build's own folders and the Maven repository may not be.
 */
public final class Unprivileged {
  /** The uid and gid the child runs as. */
  public static final int NOBODY = 65534;

  private Unprivileged() {}

  /**
   * Whether this JVM runs as root, which these tests need (to switch user, to mount).
   *
   * @return true for uid 0
   */
  public static boolean isRoot() {
    try {
      return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Makes a file or folder readable (and folders searchable) by everyone.
   *
   * @param path the file or folder
   * @param mode e.g. {@code rwxr-xr-x}
   */
  public static void chmod(Path path, String mode) {
    try {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts {@code main} as {@code nobody}.
   *
   * @param work a folder for the class path copy and the child's stderr (made searchable by all)
   * @param name a label
   * @param main the main class (in this project's test classes)
   * @param args its arguments
   * @return the running child
   */
  public static ChildJvm start(Path work, String name, Class<?> main, List<String> args) {
    Path cp = work.resolve("classpath");
    List<String> entries = new ArrayList<>();
    try {
      if (!Files.isDirectory(cp)) {
        Files.createDirectories(cp);
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
          Path from = Path.of(entry);
          boolean ours = Files.isDirectory(from);
          boolean jackson = from.getFileName().toString().startsWith("jackson-core-");
          if (ours || jackson) {
            copyTree(from, cp.resolve(n++ + (ours ? "" : ".jar")));
          }
        }
      }
      try (Stream<Path> copied = Files.list(cp)) {
        copied.sorted().forEach(p -> entries.add(p.toString()));
      }
      // Only the copy: what else lies in the folder keeps the permissions the test gave it.
      chmod(work, "rwxr-xr-x");
      try (Stream<Path> all = Files.walk(cp)) {
        for (Path p : all.toList()) {
          chmod(p, Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> launcher =
        List.of(
            "setpriv",
            "--reuid=" + NOBODY,
            "--regid=" + NOBODY,
            "--clear-groups",
            "--inh-caps=-all");
    return ChildJvm.start(
        work, name, launcher, String.join(File.pathSeparator, entries), main, args);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.sorted(Comparator.naturalOrder()).toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
