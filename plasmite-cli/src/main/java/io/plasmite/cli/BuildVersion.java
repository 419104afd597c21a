package io.plasmite.cli;

import io.plasmite.PlasmiteException;
import picocli.CommandLine.IVersionProvider;

/**
 * The version of this build of plasmite, as Maven knows it ({@code project.version}).
 *
 * <p>It comes from a resource written by Maven's resource filtering, so it is right both in the
 * packaged jar and when the classes run from {@code target/classes} (tests). The jar manifest's
 * {@code Implementation-Version} is the fallback for builds that skipped filtering.
 */
public final class BuildVersion implements IVersionProvider {
  /** Creates the provider that picocli asks for the {@code --version} text. */
  public BuildVersion() {}

  /**
   * The version string, printed as is (a snapshot keeps its {@code -SNAPSHOT} suffix).
   *
   * @return for example {@code 0.1.0}
   * @throws PlasmiteException of kind Internal if the build recorded no version
   */
  public static String current() {
    return BuildInfo.version();
  }

  /**
   * The {@code --version} text, the same as {@code plasmite version} on a terminal.
   *
   * @return one line, {@code plasmite X.Y.Z}
   */
  @Override
  public String[] getVersion() {
    return new String[] {"plasmite " + current()};
  }
}
