package io.plasmite.cli;

import io.plasmite.Durability;
import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import io.plasmite.json.CanonicalJsonWriter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pls duplex POOL}: follows a pool on stdout while sending stdin into it.
 *
 * <p>Terminal stdin needs {@code --me NAME}: each non-blank line is sent as {@code
 * {"from":NAME,"msg":LINE}}, and the user's own messages are hidden unless {@code --echo-self}.
 * Piped stdin is a JSON stream, read like {@code feed} ({@code --in auto --errors stop}, no
 * receipts). At the end of piped input, duplex prints what arrived up to that moment and exits 0;
 * it exits earlier on an error of either side, or 124 on {@code --timeout}.
 */
@Command(
    name = "duplex",
    description = "Send stdin to a pool and follow it, from one command.",
    footer = {
      "",
      "Terminal input requires --me and sends one chat message per non-empty line;",
      "piped input is a JSON stream. Exits 124 on timeout."
    })
public final class DuplexCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;
  @Mixin private HelpOption help;

  @Parameters(paramLabel = "POOL", description = "Pool name, path, or http(s)://host:port/POOL.")
  private String pool;

  @Mixin private RemoteOptions remote;

  @Option(
      names = "--me",
      paramLabel = "NAME",
      description = "Sender identity for terminal input and self-suppression.")
  private String me;

  @Option(names = "--create", description = "Create the pool if it is missing.")
  private boolean create;

  @Option(
      names = {"-n", "--tail"},
      paramLabel = "N",
      description = "Print the last N messages first.")
  private long tail;

  @Option(names = "--jsonl", description = "Emit JSON Lines (one object per line).")
  private boolean jsonl;

  @Option(names = "--json", description = "Emit JSON Lines (same as --format jsonl).")
  private boolean json;

  @Option(
      names = "--timeout",
      paramLabel = "DUR",
      description = "Exit 124 if no output within the duration.")
  private String timeout;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      completionCandidates = Candidates.Format.class,
      description = "Output format: pretty or jsonl.")
  private String format;

  @Option(
      names = "--since",
      paramLabel = "TIME",
      description = "Start at or after TIME (RFC 3339, or relative like 5m).")
  private String since;

  @Option(names = "--echo-self", description = "Also show your own messages.")
  private boolean echoSelf;

  /** Creates the command; picocli instantiates it. */
  public DuplexCommand() {}

  @Override
  public Integer call() throws InterruptedException {
    PlsCommand pls = PlsCommand.of(spec);
    Streams streams = pls.streams();
    boolean pretty = FollowCommand.prettyOutput(pls, format, jsonl, json);
    if (streams.inIsTerminal() && me == null) {
      throw PlasmiteException.of(ErrorKind.USAGE, "TTY input requires --me for duplex")
          .withHint("Provide --me NAME to send TTY line-mode messages.");
    }
    if (since != null && tail > 0) {
      throw PlasmiteException.of(
              ErrorKind.USAGE, "the argument '--since <TIME>' cannot be used with '--tail <N>'")
          .withHint("Use either --since or --tail.");
    }
    long sinceNs = since == null ? -1 : Args.since(since, Args.nowNs());
    Duration idle = timeout == null ? null : Args.duration(timeout);
    try (PoolTarget p = FollowCommand.openTarget(pls, pool, remote, create, "duplex")) {
      Follower follower = new Follower(pls, pretty);
      follower.cmd = "duplex";
      follower.tail = tail;
      follower.sinceNs = sinceNs;
      follower.timeout = idle;
      follower.color = pretty && pls.color().useColor(streams.outIsTerminal());
      follower.suppressSender = echoSelf ? null : me;
      follower.poolName = pool;
      follower.watchStdout = pls.streams().out() == System.out && !pls.streams().outIsTerminal();
      follower.poolPath = p.path();

      AtomicReference<RuntimeException> sendError = new AtomicReference<>();
      Thread sender =
          new Thread(
              () -> {
                try {
                  send(streams, p);
                  long newest = p.info().newestSeq();
                  follower.stopAfter(newest);
                } catch (RuntimeException e) {
                  sendError.set(e);
                  follower.stop();
                }
              },
              "pls-duplex-send");
      sender.setDaemon(true);
      sender.start();
      int status = follower.run(p);
      RuntimeException failure = sendError.get();
      if (failure != null) {
        throw failure;
      }
      return status;
    }
  }

  private void send(Streams streams, PoolTarget p) {
    if (streams.inIsTerminal()) {
      BufferedReader lines =
          new BufferedReader(new InputStreamReader(streams.in(), StandardCharsets.UTF_8));
      try {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          if (line.isBlank()) {
            continue;
          }
          CanonicalJsonWriter data = new CanonicalJsonWriter(false);
          data.startObject().key("from").value(me).key("msg").value(line).endObject();
          p.appendJsonNow(data.toString(), List.of(), Durability.FAST);
        }
      } catch (IOException e) {
        throw PlasmiteException.of(ErrorKind.IO, "failed to read line from stdin", e);
      }
      return;
    }
    FeedIngest ingest = new FeedIngest(p, List.of(), Durability.FAST, false, 0, null);
    FeedIngest.Outcome outcome = ingest.run(new FeedInput(streams.in(), FeedInput.Mode.AUTO));
    if (outcome.total() == 0) {
      throw FeedCommand.missingData();
    }
  }
}
