package io.plasmite.cli;

import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * Reads the build's version ({@link BuildVersion}) without touching picocli, so that the start-up
 * fast path ({@link FastPath}) loads none of its classes.
 */
final class BuildInfo {
  private static final String RESOURCE = "version.properties";

  private BuildInfo() {}

  /**
   * The version string, printed as is (a snapshot keeps its {@code -SNAPSHOT} suffix).
   *
   * @return for example {@code 0.1.0}
   * @throws PlasmiteException of kind Internal if the build recorded no version
   */
  static String version() {
    String version = fromResource();
    if (version == null) {
      version = BuildInfo.class.getPackage().getImplementationVersion();
    }
    if (version == null || version.isBlank()) {
      throw PlasmiteException.of(ErrorKind.INTERNAL, "this build of plasmite records no version")
          .withHint("Rebuild with Maven: mvn -pl plasmite-cli -am package.");
    }
    return version;
  }

  private static String fromResource() {
    try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
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
}
