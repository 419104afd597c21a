package io.plasmite.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** When to colorize diagnostics and pretty JSON: the value of the global {@code --color}. */
public enum ColorMode {
  /** Color when the stream is a terminal. */
  AUTO,
  /** Always color. */
  ALWAYS,
  /** Never color. */
  NEVER;

  /**
   * Whether output to a stream should be colored.
   *
   * @param isTerminal whether that stream is a terminal
   * @return the decision for this mode
   */
  public boolean useColor(boolean isTerminal) {
    return switch (this) {
      case AUTO -> isTerminal;
      case ALWAYS -> true;
      case NEVER -> false;
    };
  }

  /**
   * The name on the command line.
   *
   * @return {@code auto}, {@code always} or {@code never}
   */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@code --color} values; the names are lower case and case-sensitive, as in the Rust CLI.
   */
  public static final class Converter implements ITypeConverter<ColorMode> {
    /** Creates the converter; picocli instantiates it. */
    public Converter() {}

    /**
     * Converts a command-line value.
     *
     * @param value the text after {@code --color}
     * @return the mode
     * @throws TypeConversionException when the value is not one of the names
     */
    @Override
    public ColorMode convert(String value) {
      for (ColorMode mode : values()) {
        if (mode.cliName().equals(value)) {
          return mode;
        }
      }
      throw new TypeConversionException(
          "expected one of auto, always, never but got '" + value + "'");
    }
  }
}
