package io.plasmite.cli.conformance;

import io.plasmite.cli.conformance.ManifestJson.Num;
import io.plasmite.cli.conformance.ManifestJson.Obj;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/**
 * Runs conformance manifests ({@code shared/spec/conformance.md}) against this library.
 *
 * <p>For each manifest: its work directory ({@code workdir}, default {@code work}) is wiped and
 * created again, next to the manifest or, when a root is given, under that root; then the steps run
 * in order, and the first unmet expectation ends the manifest with the step's index (from 0) and
 * {@code id}.
 *
 * <pre>{@code
 * ConformanceRunner runner =
 *     new ConformanceRunner(null, ConformanceRunner.defaultFeedCommand(System.getenv()));
 * ManifestResult result = runner.run(Path.of("../shared/conformance/basics-v0.json"));
 * System.out.println(result.line()); // PASS errors, tags, unicode and admin (16 steps)
 * }</pre>
 */
public final class ConformanceRunner {
  /** The environment variable naming a plasmite-compatible CLI for {@code spawn_poke}. */
  public static final String PLASMITE_BIN = "PLASMITE_BIN";

  private final Path workdirRoot;
  private final List<String> feedCommand;

  /**
   * Creates a runner.
   *
   * @param workdirRoot where work directories go, or null for next to each manifest
   * @param feedCommand the program and leading arguments of the CLI that {@code spawn_poke} runs
   *     ({@code feed} and its arguments are appended); see {@link #defaultFeedCommand(Map)}
   */
  public ConformanceRunner(Path workdirRoot, List<String> feedCommand) {
    this.workdirRoot = workdirRoot;
    this.feedCommand = List.copyOf(feedCommand);
    if (this.feedCommand.isEmpty()) {
      throw new IllegalArgumentException("feedCommand is empty");
    }
  }

  /**
   * The CLI for {@code spawn_poke}: {@code $PLASMITE_BIN} when set, else this very program's CLI,
   * {@code io.plasmite.cli.Main}, on this JVM and class path.
   *
   * @param env the environment, normally {@link System#getenv()}
   * @return the program and its leading arguments
   */
  public static List<String> defaultFeedCommand(Map<String, String> env) {
    String bin = env.get(PLASMITE_BIN);
    if (bin != null && !bin.isBlank()) {
      return List.of(bin);
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return List.of(
        java,
        "--enable-native-access=ALL-UNNAMED",
        // As ./pls: a short-lived process starts faster this way.
        "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1",
        "-cp",
        System.getProperty("java.class.path"),
        "io.plasmite.cli.Main");
  }

  /**
   * Runs one manifest.
   *
   * @param manifest the manifest file
   * @return the outcome; never throws for a failing or malformed manifest
   */
  public ManifestResult run(Path manifest) {
    String name = String.valueOf(manifest.getFileName());
    Object root;
    try {
      root = ManifestJson.parse(Files.readString(manifest));
    } catch (IOException e) {
      return failed(manifest, name, 0, "cannot read the manifest: " + e.getMessage());
    }
    if (!(root instanceof Obj m)) {
      return failed(manifest, name, 0, "the manifest is not a JSON object");
    }
    if (m.get("name") instanceof String s) {
      name = s;
    }
    if (!(m.get("steps") instanceof List<?> steps)) {
      return failed(manifest, name, 0, "the manifest has no steps array");
    }
    Object version = m.get("conformance_version");
    if (!(version instanceof Num n) || n.asNonNegativeLong() != 0) {
      return failed(
          manifest,
          name,
          steps.size(),
          "unsupported conformance_version "
              + (version == null ? "(missing)" : ManifestJson.write(version))
              + "; this runner reads version 0");
    }
    Object workdirName = m.get("workdir") == null ? "work" : m.get("workdir");
    Path base = workdirRoot != null ? workdirRoot : manifest.toAbsolutePath().getParent();
    Path workdir;
    try {
      workdir = workdir(base, workdirName);
      reset(workdir);
    } catch (Mismatch e) {
      return failed(manifest, name, steps.size(), e.getMessage());
    } catch (IOException e) {
      return failed(manifest, name, steps.size(), "cannot prepare the work directory: " + e);
    }

    StepRunner runner = new StepRunner(workdir, feedCommand);
    for (int i = 0; i < steps.size(); i++) {
      String id = null;
      try {
        if (!(steps.get(i) instanceof Obj step)) {
          throw new Mismatch("manifest: the step is not an object");
        }
        Object idValue = step.get("id");
        id =
            idValue == null || idValue instanceof String
                ? (String) idValue
                : ManifestJson.write(idValue);
        runner.run(step);
      } catch (Mismatch e) {
        return new ManifestResult(manifest, name, steps.size(), i, id, e.getMessage());
      } catch (RuntimeException e) {
        // A defect of the runner or the engine (not a PlasmiteException the step could expect).
        return new ManifestResult(manifest, name, steps.size(), i, id, "unexpected failure: " + e);
      }
    }
    return new ManifestResult(manifest, name, steps.size(), -1, null, null);
  }

  private static ManifestResult failed(Path manifest, String name, int steps, String reason) {
    return new ManifestResult(manifest, name, steps, -1, null, reason);
  }

  /** The work directory: a folder strictly inside {@code base}, never {@code base} or above it. */
  private static Path workdir(Path base, Object name) throws Mismatch {
    if (!(name instanceof String s) || s.isEmpty()) {
      throw new Mismatch("manifest: workdir must be a non-empty folder name");
    }
    Path root = base.toAbsolutePath().normalize();
    Path relative = Path.of(s);
    Path workdir = root.resolve(relative).normalize();
    if (relative.isAbsolute() || !workdir.startsWith(root) || workdir.equals(root)) {
      throw new Mismatch(
          "manifest: workdir \"" + s + "\" must be a folder inside " + root + ", which is wiped");
    }
    return workdir;
  }

  /** Deletes the work directory and everything in it, then creates it empty. */
  static void reset(Path workdir) throws IOException {
    if (Files.exists(workdir, LinkOption.NOFOLLOW_LINKS)) {
      deleteTree(workdir);
    }
    Files.createDirectories(workdir);
  }

  private static void deleteTree(Path path) throws IOException {
    BasicFileAttributes attributes =
        Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (attributes.isDirectory()) {
      // A chmod_path step may have left it unreadable or unwritable to us.
      try {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
      } catch (UnsupportedOperationException | IOException e) {
        // Deleting may still work; if not, the error below says why.
      }
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(path)) {
        for (Path entry : entries) {
          deleteTree(entry);
        }
      }
    }
    // A symbolic link is deleted, never followed.
    Files.delete(path);
  }
}
