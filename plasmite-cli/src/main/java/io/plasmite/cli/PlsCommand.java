package io.plasmite.cli;

import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.RunLast;

/**
 * The top-level {@code pls} command: the global options, which come before the verb, and the list
 * of verbs.
 *
 * <p>Each verb is a picocli subcommand in its own class, listed in {@code subcommands} below. A
 * verb reaches the global options and the output streams through {@link #of(CommandSpec)}:
 *
 * <pre>{@code
 * @Command(name = "fetch", description = "Fetch one message by sequence number.")
 * public final class FetchCommand implements Callable<Integer> {
 *   @Spec private CommandSpec spec;
 *   @Mixin private HelpOption help;
 *
 *   public Integer call() {
 *     PlsCommand pls = PlsCommand.of(spec);
 *     Path dir = pls.poolDir();
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>Failures are reported by throwing {@link PlasmiteException}; {@link Main} prints them and
 * turns the kind into the exit status.
 */
@Command(
    name = "plasmite",
    description = "Persistent JSON message pools for local and host-adjacent IPC.",
    synopsisSubcommandLabel = "COMMAND",
    versionProvider = BuildVersion.class,
    subcommands = {FeedCommand.class, VersionCommand.class, HelpCommand.class},
    footer = {
      "",
      "Top-level options precede the command: plasmite --dir ./pools follow chat",
      "Command options follow it:              plasmite follow --tail 10 chat"
    })
public final class PlsCommand implements Callable<Integer> {
  private final Streams streams;

  @Mixin private HelpOption help;

  @Option(
      names = {"-V", "--version"},
      versionHelp = true,
      description = "Print the version.")
  private boolean versionRequested;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "Pool directory for named pools (default: ~/.plasmite/pools).")
  private Path dir;

  @Option(
      names = "--color",
      paramLabel = "WHEN",
      defaultValue = "auto",
      converter = ColorMode.Converter.class,
      description = "Colorize stderr diagnostics and pretty JSON output: auto|always|never.")
  private ColorMode color = ColorMode.AUTO;

  /**
   * Creates the command for one run.
   *
   * @param streams where the verbs print
   */
  public PlsCommand(Streams streams) {
    this.streams = Objects.requireNonNull(streams, "streams");
  }

  /**
   * Builds the parser for one run, configured for plasmite: help and usage text go to the given
   * streams, {@code @file} arguments are taken literally (a pool or tag may start with {@code @}),
   * and failures are printed by an {@link ErrorPrinter} and mapped to exit statuses.
   *
   * @param streams the process's streams
   * @return a parser ready for {@link CommandLine#execute(String...)}
   */
  public static CommandLine newCommandLine(Streams streams) {
    ErrorPrinter errors = new ErrorPrinter(streams.err(), streams.errIsTerminal());
    CommandLine cli = new CommandLine(new PlsCommand(streams));
    cli.setExpandAtFiles(false);
    cli.setOut(writer(streams.out()));
    cli.setErr(writer(streams.err()));
    cli.setParameterExceptionHandler((error, args) -> errors.print(UsageErrors.from(error)));
    cli.setExecutionExceptionHandler(
        (error, command, parseResult) -> errors.print(ErrorPrinter.asPlasmiteException(error)));
    cli.setExecutionStrategy(
        parseResult -> {
          // Help text is the one place picocli colors; it follows --color once that is parsed.
          cli.setColorScheme(Help.defaultColorScheme(ansi(of(parseResult.commandSpec()).color)));
          return new RunLast().execute(parseResult);
        });
    return cli;
  }

  /**
   * The top-level command of the run a verb belongs to.
   *
   * @param spec the verb's own spec, injected by picocli through {@code @Spec}
   * @return the top-level command, holding the global options
   */
  public static PlsCommand of(CommandSpec spec) {
    return (PlsCommand) spec.root().userObject();
  }

  /**
   * Where this run prints.
   *
   * @return the streams
   */
  public Streams streams() {
    return streams;
  }

  /**
   * The pool directory: {@code --dir}, or {@code $HOME/.plasmite/pools}. It may not exist yet;
   * verbs that write create it.
   *
   * @return the directory
   */
  public Path poolDir() {
    if (dir != null) {
      return dir;
    }
    // $HOME first, like the Rust CLI; the JDK's user.home ignores it and reads the password file.
    String home = System.getenv("HOME");
    if (home == null || home.isEmpty()) {
      home = System.getProperty("user.home");
    }
    return Path.of(home, ".plasmite", "pools");
  }

  /**
   * The {@code --color} choice.
   *
   * @return the mode, {@link ColorMode#AUTO} by default
   */
  public ColorMode color() {
    return color;
  }

  /**
   * Runs when no verb was given, which is a usage error.
   *
   * @return never
   * @throws PlasmiteException of kind Usage
   */
  @Override
  public Integer call() {
    throw PlasmiteException.of(ErrorKind.USAGE, "missing command")
        .withHint("Try `plasmite --help`.");
  }

  private static Help.Ansi ansi(ColorMode mode) {
    return switch (mode) {
      case AUTO -> Help.Ansi.AUTO;
      case ALWAYS -> Help.Ansi.ON;
      case NEVER -> Help.Ansi.OFF;
    };
  }

  private static PrintWriter writer(PrintStream stream) {
    return new PrintWriter(new OutputStreamWriter(stream, stream.charset()), true);
  }
}
