package io.plasmite.cli;

import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
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
      completionCandidates = Candidates.Color.class,
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
   * Creates the command with the global options already known (the start-up fast path, which does
   * not go through picocli).
   *
   * @param streams where the verbs print
   * @param dir {@code --dir}, or null
   * @param color {@code --color}
   */
  PlsCommand(Streams streams, Path dir, ColorMode color) {
    this(streams);
    this.dir = dir;
    this.color = color;
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
    return newCommandLine(streams, null);
  }

  /**
   * Builds the parser for one command line. Building picocli's model of a verb costs reflection at
   * start-up, so when the verb is evident from {@code args} only that verb is registered; help,
   * completion, a missing or unknown verb get them all (for listings and suggestions).
   *
   * @param streams the process's streams
   * @param args the command line, or null to register every verb
   * @return a parser ready for {@link CommandLine#execute(String...)}
   */
  public static CommandLine newCommandLine(Streams streams, String[] args) {
    ErrorPrinter errors = new ErrorPrinter(streams.err(), streams.errIsTerminal());
    CommandLine cli = new CommandLine(new PlsCommand(streams));
    Class<?> only = args == null ? null : verbClass(verbOf(args));
    for (Class<?> verb : Verbs.ALL) {
      if (only == null || verb == only) {
        cli.addSubcommand(verb);
      }
    }
    cli.setExpandAtFiles(false);
    cli.setOut(writer(streams.out()));
    cli.setErr(writer(streams.err()));
    cli.setParameterExceptionHandler((error, unused) -> errors.print(UsageErrors.from(error)));
    cli.setExecutionExceptionHandler(
        (error, command, parseResult) -> errors.print(ErrorPrinter.asPlasmiteException(error)));
    cli.setExecutionStrategy(
        parseResult -> {
          // Help text is the one place picocli colors; it follows --color once that is parsed.
          // (Only then: the help machinery is costly to load on every run.)
          if (helpRequested(parseResult)) {
            cli.setColorScheme(Help.defaultColorScheme(ansi(of(parseResult.commandSpec()).color)));
          }
          return new RunLast().execute(parseResult);
        });
    return cli;
  }

  /** The verbs, in the order of the help listing (a holder: the fast path never loads picocli). */
  private static final class Verbs {
    private static final List<Class<?>> ALL =
        List.of(
            PoolCommand.class,
            FeedCommand.class,
            FetchCommand.class,
            FollowCommand.class,
            DuplexCommand.class,
            TapCommand.class,
            DoctorCommand.class,
            ServeCommand.class,
            McpCommand.class,
            VersionCommand.class,
            CompletionCommand.class,
            HelpCommand.class);
  }

  /** The first argument that is not a global option, or null. */
  private static String verbOf(String[] args) {
    int i = 0;
    while (i < args.length) {
      String a = args[i];
      if (a.equals("--dir") || a.equals("--color")) {
        i += 2;
      } else if (a.startsWith("--dir=") || a.startsWith("--color=")) {
        i++;
      } else {
        return a;
      }
    }
    return null;
  }

  /** The class of a verb that can be registered alone, or null to register all. */
  private static Class<?> verbClass(String verb) {
    if (verb == null) {
      return null;
    }
    return switch (verb) {
      case "pool" -> PoolCommand.class;
      case "feed" -> FeedCommand.class;
      case "fetch" -> FetchCommand.class;
      case "follow" -> FollowCommand.class;
      case "duplex" -> DuplexCommand.class;
      case "tap" -> TapCommand.class;
      case "doctor" -> DoctorCommand.class;
      case "serve" -> ServeCommand.class;
      case "mcp" -> McpCommand.class;
      case "version" -> VersionCommand.class;
      default -> null;
    };
  }

  private static boolean helpRequested(CommandLine.ParseResult parseResult) {
    for (CommandLine.ParseResult r = parseResult; r != null; r = r.subcommand()) {
      if (r.isUsageHelpRequested() || r.isVersionHelpRequested()) {
        return true;
      }
      if (r.commandSpec().userObject() instanceof HelpCommand) {
        return true;
      }
    }
    return false;
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
