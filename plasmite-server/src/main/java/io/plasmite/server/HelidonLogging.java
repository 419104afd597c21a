package io.plasmite.server;

import io.helidon.logging.common.spi.LoggingProvider;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Helidon's logging set-up for {@code pls serve}: warnings and errors only (no start-up banner),
 * through the JDK's own logging. Found by Helidon through {@link java.util.ServiceLoader}; without
 * one, Helidon prints a notice about the missing provider on every start.
 */
public final class HelidonLogging implements LoggingProvider {
  // Held so the level set here is not lost when the logger is collected.
  private static final Logger HELIDON = Logger.getLogger("io.helidon");

  /** Creates the provider; the service loader instantiates it. */
  public HelidonLogging() {}

  @Override
  public void initialization() {
    quiet();
  }

  @Override
  public void runTime() {
    quiet();
  }

  /** Sets Helidon's loggers to warnings (again: Helidon may reread the logging set-up). */
  static void quiet() {
    HELIDON.setLevel(Level.WARNING);
  }
}
