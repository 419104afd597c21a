package io.plasmite.cli;

import picocli.CommandLine.Option;

/**
 * The {@code -h/--help} option, mixed into every verb with {@code @Mixin HelpOption help;}.
 *
 * <p>A mixin rather than an inherited option because picocli's {@code help} verb declares its own
 * {@code -h} and would clash with an inherited one.
 */
public final class HelpOption {
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Print help.")
  private boolean helpRequested;

  /** Creates the option holder; picocli instantiates it. */
  public HelpOption() {}
}
