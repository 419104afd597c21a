package io.plasmite.cli;

import io.plasmite.Durability;
import io.plasmite.ErrorKind;
import io.plasmite.LocalClient;
import io.plasmite.PlasmiteException;
import io.plasmite.Pool;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import io.plasmite.json.CanonicalJsonWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pls tap POOL -- CMD...}: runs a command and records its life in a pool: a {@code
 * lifecycle}-tagged {@code {"cmd":[…],"kind":"start"}}, one {@code
 * {"kind":"line","line":…,"stream":"stdout"|"stderr"}} per output line (tagged with {@code --tag}),
 * and a {@code lifecycle}-tagged {@code {"code":N,"elapsed_ms":…,"kind":"exit"}} (or {@code
 * "signal":"SIGTERM"} instead of {@code code}). The child's output is passed through unless {@code
 * --quiet}; tap exits with the child's status (128+signal for a signal).
 *
 * <p>A SIGINT or SIGTERM to tap ends the child too (SIGTERM) and still records its exit.
 */
@Command(
    name = "tap",
    description = "Run a command and capture its output lines into a pool.",
    customSynopsis = "plasmite tap [OPTIONS] <POOL> -- <COMMAND>...",
    footer = {
      "",
      "Examples:",
      "  plasmite tap build --create -- make",
      "  plasmite follow build --where '.data.stream == \"stderr\"'",
      "  plasmite tap deploy --tag prod -- ./deploy.sh",
      "",
      "`--` is required before the wrapped command; tap exits with its status."
    })
public final class TapCommand implements java.util.concurrent.Callable<Integer> {
  private static final List<String> LIFECYCLE = List.of("lifecycle");

  @Spec private CommandSpec spec;
  @Mixin private HelpOption help;

  @Parameters(index = "0", paramLabel = "POOL", description = "Pool name or path.")
  private String pool;

  @Parameters(
      index = "1..*",
      paramLabel = "COMMAND",
      description = "The wrapped command and its arguments (after --).")
  private List<String> command = new ArrayList<>();

  @Option(names = "--create", description = "Create the pool if it is missing.")
  private boolean create;

  @Option(
      names = "--create-size",
      paramLabel = "SIZE",
      description = "Pool size when creating (bytes or K/M/G; requires --create).")
  private String createSize;

  @Option(names = "--tag", paramLabel = "TAG", description = "Tag for captured lines (repeatable).")
  private List<String> tags = new ArrayList<>();

  @Option(
      names = {"-q", "--quiet"},
      description = "Do not pass the child's stdout/stderr through.")
  private boolean quiet;

  @Option(
      names = "--durability",
      paramLabel = "MODE",
      completionCandidates = Candidates.Durability.class,
      description = "fast (default) or flush.")
  private String durability = "fast";

  /** Creates the command; picocli instantiates it. */
  public TapCommand() {}

  /** A captured line, or the end of one stream. */
  private record Line(String stream, String text) {}

  @Override
  public Integer call() throws InterruptedException {
    PlsCommand pls = PlsCommand.of(spec);
    if (createSize != null && !create) {
      throw PlasmiteException.of(ErrorKind.USAGE, "--create-size requires --create")
          .withHint("Add --create or remove --create-size.");
    }
    PoolRef ref = PoolArgs.localOnly(pool, "tap");
    List<String> args = spec.commandLine().getParseResult().originalArgs();
    if (command.isEmpty() || !args.contains("--")) {
      throw PlasmiteException.of(ErrorKind.USAGE, "tap requires a wrapped command after `--`")
          .withHint("Use `plasmite tap <pool> -- <command...>`.");
    }
    Durability mode = Args.durability(durability);
    long size = createSize == null ? PoolOptions.DEFAULT_SIZE_BYTES : Args.size(createSize);
    try (Pool p = open(pls, ref, size)) {
      return run(pls, p, mode);
    }
  }

  private Pool open(PlsCommand pls, PoolRef ref, long size) {
    LocalClient client = new LocalClient().withPoolDir(pls.poolDir());
    try {
      return client.open(ref);
    } catch (PlasmiteException e) {
      if (e.kind() != ErrorKind.NOT_FOUND) {
        throw Hints.io(e);
      }
      if (!create) {
        throw e.withHint(
            pool.contains("/")
                ? "Pool path not found. Check the path or pass --dir for a different pool"
                    + " directory."
                : "Pool is missing. Re-run with --create, e.g. plasmite tap "
                    + FeedCommand.token(pool)
                    + " --create -- ...");
      }
    }
    try {
      return client.createAndOpen(ref, PoolOptions.ofSize(size));
    } catch (PlasmiteException e) {
      if (e.kind() == ErrorKind.ALREADY_EXISTS) {
        return client.open(ref);
      }
      throw e;
    }
  }

  private int run(PlsCommand pls, Pool p, Durability mode) throws InterruptedException {
    Streams streams = pls.streams();
    Process child;
    try {
      child = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT).start();
    } catch (IOException e) {
      String message = String.valueOf(e.getMessage());
      if (message.contains("error=2,") || message.contains("No such file")) {
        throw PlasmiteException.of(
                ErrorKind.USAGE, "wrapped command not found: " + command.get(0), e)
            .withHint("Check PATH or use an absolute executable path.");
      }
      throw PlasmiteException.of(ErrorKind.IO, "failed to spawn wrapped command", e)
          .withHint("Check command arguments and executable permissions.");
    }
    if (streams.errIsTerminal()) {
      streams.err().println("tapping " + pool + " <- " + commandText());
      streams.err().flush();
    }
    long startNs = System.nanoTime();
    CountDownLatch recorded = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              // SIGINT/SIGTERM to tap: end the child, then give the exit record a moment.
              if (child.isAlive()) {
                child.destroy();
              }
              try {
                recorded.await(2, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "pls-tap-signal");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      append(p, mode, LIFECYCLE, startData());
    } catch (PlasmiteException e) {
      child.destroyForcibly();
      throw e;
    }
    BlockingQueue<Line> lines = new LinkedBlockingQueue<>(1024);
    Thread out = reader(child.getInputStream(), "stdout", quiet ? null : streams.out(), lines);
    Thread err = reader(child.getErrorStream(), "stderr", quiet ? null : streams.err(), lines);
    long count = 0;
    int open = 2;
    try {
      while (open > 0) {
        Line line = lines.take();
        if (line.text() == null) {
          open--;
          continue;
        }
        CanonicalJsonWriter data = new CanonicalJsonWriter(false);
        data.startObject()
            .key("kind")
            .value("line")
            .key("line")
            .value(line.text())
            .key("stream")
            .value(line.stream())
            .endObject();
        append(p, mode, tags, data.toString());
        count++;
      }
    } catch (PlasmiteException e) {
      child.destroyForcibly();
      throw e;
    }
    int status = child.waitFor();
    out.join();
    err.join();
    long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;
    // The JDK reports a child killed by a signal as 128 + signal.
    boolean signaled = status > 128 && status < 128 + 65;
    CanonicalJsonWriter exit = new CanonicalJsonWriter(false);
    exit.startObject();
    if (!signaled) {
      exit.key("code").value(status);
    }
    exit.key("elapsed_ms").value(elapsedMs).key("kind").value("exit");
    if (signaled) {
      exit.key("signal").value(signalName(status - 128));
    }
    exit.endObject();
    append(p, mode, LIFECYCLE, exit.toString());
    recorded.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // Shutting down already: the hook is running.
    }
    if (streams.errIsTerminal()) {
      streams
          .err()
          .println(
              String.format(
                  java.util.Locale.ROOT,
                  "tapped %d lines (%.1fs) -> %s %s",
                  count,
                  elapsedMs / 1000.0,
                  pool,
                  signaled ? "signal " + signalName(status - 128) : "exit " + status));
      streams.err().flush();
    }
    return status;
  }

  private String startData() {
    CanonicalJsonWriter data = new CanonicalJsonWriter(false);
    data.startObject().key("cmd").startArray();
    for (String arg : command) {
      data.value(arg);
    }
    data.endArray().key("kind").value("start").endObject();
    return data.toString();
  }

  private String commandText() {
    StringBuilder text = new StringBuilder();
    for (String arg : command) {
      text.append(text.isEmpty() ? "" : " ").append(FeedCommand.token(arg));
    }
    return text.toString();
  }

  private static void append(Pool p, Durability mode, List<String> tags, String json) {
    p.appendJsonNow(json, tags, mode);
  }

  /** Reads one of the child's streams line by line, passing it through and queueing the lines. */
  private static Thread reader(
      InputStream in, String stream, PrintStream passthrough, BlockingQueue<Line> lines) {
    Thread t =
        new Thread(
            () -> {
              ByteArrayOutputStream line = new ByteArrayOutputStream();
              byte[] buf = new byte[8192];
              boolean pass = passthrough != null;
              try (in) {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                  if (pass) {
                    passthrough.write(buf, 0, n);
                    passthrough.flush();
                    pass = !passthrough.checkError();
                  }
                  for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                      lines.put(new Line(stream, text(line)));
                      line.reset();
                    } else {
                      line.write(buf[i]);
                    }
                  }
                }
                if (line.size() > 0) {
                  lines.put(new Line(stream, text(line)));
                }
              } catch (IOException e) {
                // The child's pipe broke: what was read is recorded.
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                try {
                  lines.put(new Line(stream, null));
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            },
            "pls-tap-" + stream);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static String text(ByteArrayOutputStream line) {
    byte[] bytes = line.toByteArray();
    int n = bytes.length;
    if (n > 0 && bytes[n - 1] == '\r') {
      n--;
    }
    return new String(bytes, 0, n, StandardCharsets.UTF_8);
  }

  private static String signalName(int signal) {
    return switch (signal) {
      case 1 -> "SIGHUP";
      case 2 -> "SIGINT";
      case 3 -> "SIGQUIT";
      case 6 -> "SIGABRT";
      case 9 -> "SIGKILL";
      case 11 -> "SIGSEGV";
      case 13 -> "SIGPIPE";
      case 15 -> "SIGTERM";
      default -> "SIG" + signal;
    };
  }
}
