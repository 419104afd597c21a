package io.plasmite.cli;

import io.plasmite.ErrorKind;
import io.plasmite.LocalClient;
import io.plasmite.PlasmiteException;
import io.plasmite.Pool;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import io.plasmite.client.RemoteClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pls follow POOL}: streams messages as they arrive ({@link Follower}), from a local pool or
 * one on a server ({@code http(s)://host:port/POOL}).
 *
 * <p>Output: pretty JSON on a terminal (coloured per {@code --color}), one compact JSON object per
 * line when piped; {@code --format}, {@code --jsonl} and {@code --json} choose explicitly.
 */
@Command(
    name = "follow",
    description = "Follow messages from a pool.",
    footer = {
      "",
      "Examples:",
      "  plasmite follow foo                                   # follow live",
      "  plasmite follow foo --tail 10                         # last 10 + live",
      "  plasmite follow foo --where '.data.ok == true' --one  # match & exit",
      "  plasmite follow foo --since 5m",
      "  plasmite follow foo --tail 100 --replay 1",
      "  plasmite follow foo --format jsonl | jq '.data'",
      "  plasmite follow https://host:9700/foo --token-file token --tls-ca cert.pem",
      "",
      "Exits 124 when --timeout passes without output."
    })
public final class FollowCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;
  @Mixin private HelpOption help;

  @Parameters(paramLabel = "POOL", description = "Pool name, path, or http(s)://host:port/POOL.")
  private String pool;

  @Mixin private RemoteOptions remote;

  @Option(names = "--create", description = "Create the pool if it is missing.")
  private boolean create;

  @Option(
      names = {"-n", "--tail"},
      paramLabel = "N",
      description = "Print the last N messages first, then keep following.")
  private long tail;

  @Option(names = "--one", description = "Exit after emitting one matching message.")
  private boolean one;

  @Option(names = "--jsonl", description = "Emit JSON Lines (one object per line).")
  private boolean jsonl;

  @Option(names = "--json", description = "Emit JSON Lines (same as --format jsonl).")
  private boolean json;

  @Option(
      names = "--timeout",
      paramLabel = "DUR",
      description = "Exit 124 if no output within the duration (e.g. 500ms, 5s, 1m).")
  private String timeout;

  @Option(names = "--data-only", description = "Emit only the .data payload.")
  private boolean dataOnly;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      completionCandidates = Candidates.Format.class,
      description = "Output format: pretty or jsonl.")
  private String format;

  @Option(
      names = "--since",
      paramLabel = "TIME",
      description = "Only messages at or after TIME (RFC 3339, or relative like 5m).")
  private String since;

  @Option(
      names = "--where",
      paramLabel = "EXPR",
      description = "jq expression over the message that must yield true (repeatable; AND).")
  private List<String> where = new ArrayList<>();

  @Option(
      names = "--tag",
      paramLabel = "TAG",
      description = "Only messages with this exact tag (repeatable; AND).")
  private List<String> tags = new ArrayList<>();

  @Option(names = "--quiet-drops", description = "Suppress drop notices on stderr.")
  private boolean quietDrops;

  @Option(names = "--no-notify", description = "Accepted for compatibility (no effect here).")
  private boolean noNotify;

  @Option(
      names = "--replay",
      paramLabel = "SPEED",
      description = "Replay history at SPEED >= 0 (0 = no delay); needs --tail or --since.")
  private Double replay;

  /** Creates the command; picocli instantiates it. */
  public FollowCommand() {}

  @Override
  public Integer call() {
    PlsCommand pls = PlsCommand.of(spec);
    boolean pretty = prettyOutput(pls, format, jsonl, json);
    if (tail < 0) {
      throw PlasmiteException.of(ErrorKind.USAGE, "--tail must not be negative")
          .withHint("Use --tail N with N >= 0.");
    }
    if (since != null && tail > 0) {
      throw PlasmiteException.of(
              ErrorKind.USAGE, "the argument '--since <TIME>' cannot be used with '--tail <N>'")
          .withHint("Use either --since or --tail.");
    }
    long sinceNs = since == null ? -1 : Args.since(since, Args.nowNs());
    Duration idle = timeout == null ? null : Args.duration(timeout);
    if (replay != null) {
      if (replay.isNaN() || replay.isInfinite()) {
        throw PlasmiteException.of(ErrorKind.USAGE, "--replay speed must be a finite number")
            .withHint("Use --replay 1 for realtime, --replay 2 for 2x, --replay 0 for no delay.");
      }
      if (replay < 0) {
        throw PlasmiteException.of(ErrorKind.USAGE, "--replay speed must be non-negative")
            .withHint("Use --replay 1 for realtime, --replay 2 for 2x, --replay 0 for no delay.");
      }
      if (tail == 0 && since == null) {
        throw PlasmiteException.of(ErrorKind.USAGE, "--replay requires --tail or --since")
            .withHint("Replay needs historical messages. Use --tail N or --since DURATION.");
      }
    }
    WhereFilter filter = where.isEmpty() ? null : WhereFilter.compile(where);
    try (PoolTarget p = openTarget(pls, pool, remote, create, "follow")) {
      Follower follower = new Follower(pls, pretty);
      follower.tail = tail;
      follower.sinceNs = sinceNs;
      follower.one = one;
      follower.timeout = idle;
      follower.dataOnly = dataOnly;
      follower.color = pretty && pls.color().useColor(pls.streams().outIsTerminal());
      follower.tags = List.copyOf(tags);
      follower.where = filter;
      follower.quietDrops = quietDrops;
      follower.replaySpeed = replay;
      follower.poolName = pool;
      follower.watchStdout = pls.streams().out() == System.out && !pls.streams().outIsTerminal();
      follower.poolPath = p.path();
      int status = follower.run(p);
      if (status == Follower.TIMEOUT_STATUS && pretty && pls.streams().errIsTerminal()) {
        pls.streams().err().println("No messages received (timed out after " + timeout + ").");
        pls.streams().err().flush();
      }
      return status;
    }
  }

  /**
   * Decides pretty or JSON Lines output from the flags and stdout.
   *
   * @param pls the run
   * @param format {@code --format}, or null
   * @param jsonl {@code --jsonl}
   * @param json {@code --json}
   * @return true for pretty
   */
  static boolean prettyOutput(PlsCommand pls, String format, boolean jsonl, boolean json) {
    if (format != null && !format.equals("pretty") && !format.equals("jsonl")) {
      throw PlasmiteException.of(
              ErrorKind.USAGE, "invalid value '" + format + "' for '--format': use pretty or jsonl")
          .withHint("Try `plasmite follow --help`.");
    }
    if (jsonl && format != null) {
      throw PlasmiteException.of(ErrorKind.USAGE, "conflicting output options")
          .withHint("Use --format jsonl (or --jsonl), but not both.");
    }
    if (json && "pretty".equals(format)) {
      throw PlasmiteException.of(ErrorKind.USAGE, "--json conflicts with --format pretty")
          .withHint("Use --json for JSONL, or omit it for human-readable output.");
    }
    if (format != null) {
      return format.equals("pretty");
    }
    if (jsonl || json) {
      return false;
    }
    return pls.streams().outIsTerminal();
  }

  /**
   * Opens the pool of {@code follow} or {@code duplex}, local or remote, creating it with the
   * default size when asked to and missing.
   *
   * @param pls the run
   * @param arg the pool argument
   * @param remote the remote options
   * @param create whether to create a missing pool
   * @param verb the verb, for hints
   * @return the open pool
   */
  static PoolTarget openTarget(
      PlsCommand pls, String arg, RemoteOptions remote, boolean create, String verb) {
    RemoteClient.PoolUrl url = PoolArgs.remote(arg);
    if (url == null) {
      remote.requireNone(verb);
      return PoolTarget.local(openOrCreate(pls, PoolRef.name(arg), arg, create, verb));
    }
    RemoteClient client = remote.client(url.base());
    try {
      return PoolTarget.remote(client.open(url.pool()), arg);
    } catch (PlasmiteException e) {
      if (e.kind() != ErrorKind.NOT_FOUND || !create) {
        throw e.kind() == ErrorKind.NOT_FOUND
            ? e.withHint(
                "Pool is missing on the server. Re-run with --create, e.g. plasmite "
                    + verb
                    + " "
                    + FeedCommand.token(arg)
                    + " --create.")
            : e;
      }
    }
    try {
      client.create(url.pool(), PoolOptions.DEFAULTS);
    } catch (PlasmiteException e) {
      if (e.kind() != ErrorKind.ALREADY_EXISTS) {
        throw e;
      }
    }
    return PoolTarget.remote(client.open(url.pool()), arg);
  }

  /**
   * Opens a pool for reading (and appending, when allowed), creating it with the default size when
   * asked to and missing.
   *
   * @param pls the run
   * @param ref the pool
   * @param name the pool argument
   * @param create whether to create a missing pool
   * @param verb the verb, for the hint
   * @return the open pool
   */
  static Pool openOrCreate(PlsCommand pls, PoolRef ref, String name, boolean create, String verb) {
    LocalClient client = new LocalClient().withPoolDir(pls.poolDir());
    try {
      return client.open(ref);
    } catch (PlasmiteException e) {
      if (e.kind() != ErrorKind.NOT_FOUND) {
        throw Hints.io(e);
      }
      if (!create) {
        if (name.contains("/")) {
          throw e.withHint(
              "Pool path not found. Check the path or pass --dir for a different pool directory.");
        }
        throw e.withHint(
            "Pool is missing. Re-run with --create, e.g. plasmite "
                + verb
                + " "
                + FeedCommand.token(name)
                + " --create.");
      }
    }
    try {
      return client.createAndOpen(ref, PoolOptions.DEFAULTS);
    } catch (PlasmiteException e) {
      if (e.kind() == ErrorKind.ALREADY_EXISTS) {
        return client.open(ref);
      }
      throw e;
    }
  }
}
