package io.plasmite.cli;

import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * The version of this build of plasmite, as Maven knows it ({@code project.version}).
 *
 * <p>It comes from a resource written by Maven's resource filtering, so it is right both in the
 * packaged jar and when the classes run from {@code target/classes} (tests). The jar manifest's
 * {@code Implementation-Version} is the fallback for builds that skipped filtering.
 */
public final class BuildVersion implements IVersionProvider {
  private static final String RESOURCE = "version.properties";

  /** Creates the provider that picocli asks for the {@code --version} text. */
  public BuildVersion() {}

  /**
   * The version string, printed as is (a snapshot keeps its {@code -SNAPSHOT} suffix).
   *
   * @return for example {@code 0.1.0}
   * @throws PlasmiteException of kind Internal if the build recorded no version
   */
  public static String current() {
    String version = fromResource();
    if (version == null) {
      version = BuildVersion.class.getPackage().getImplementationVersion();
    }
    if (version == null || version.isBlank()) {
      throw PlasmiteException.of(ErrorKind.INTERNAL, "this build of plasmite records no version")
          .withHint("Rebuild with Maven: mvn -pl plasmite-cli -am package.");
    }
    return version;
  }

  private static String fromResource() {
    try (InputStream in = BuildVersion.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return null;
      }
      Properties properties = new Properties();
      properties.load(in);
      String version = properties.getProperty("version");
      // An unfiltered copy still holds the Maven placeholder.
      return version == null || version.contains("${") ? null : version.strip();
    } catch (IOException e) {
      return null;
    }
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
