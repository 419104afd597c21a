package io.plasmite.cli;

import io.plasmite.Durability;
import io.plasmite.ErrorKind;
import io.plasmite.LocalClient;
import io.plasmite.PlasmiteException;
import io.plasmite.Pool;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import io.plasmite.client.RemoteClient;
import io.plasmite.json.CanonicalJsonWriter;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * {@code pls feed POOL [DATA]}: appends messages to a pool, local or on a server ({@code
 * http(s)://host:port/POOL}), and prints one receipt per message ({@link Receipts}).
 *
 * <p>The data is the inline {@code DATA}, the file of {@code -f/--file} ({@code -} for stdin), or
 * piped stdin; streams are split into records by {@link FeedInput} in the mode of {@code -i} and
 * appended by {@link FeedIngest} in batches. With {@code --errors stop} (the default) the first bad
 * record ends the run after the records before it were appended and their receipts printed; with
 * {@code --errors skip} each bad record gets an {@code ingest_skip} notice on stderr, a summary
 * follows, and the exit status is 1.
 */
@Command(
    name = "feed",
    description = "Append JSON messages to a pool (inline DATA, a file, or stdin).",
    footer = {
      "",
      "Examples:",
      "  plasmite feed foo '{\"hello\": \"world\"}'",
      "  plasmite feed foo --tag sev1 '{\"msg\": \"alert\"}'",
      "  jq -c '.[]' data.json | plasmite feed foo",
      "  plasmite feed foo -f events.jsonl",
      "  plasmite feed bar --create '{\"first\": \"message\"}'",
      "  plasmite feed http://127.0.0.1:9700/foo --token-file token '{\"remote\": true}'",
      "",
      "Receipts are human-readable on a terminal and JSON when piped.",
      "--errors skip continues after bad records and exits 1 if any were rejected."
    })
public final class FeedCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;
  @Mixin private HelpOption help;

  @Parameters(
      index = "0",
      paramLabel = "POOL",
      description = "Pool name, path, or http(s)://host:port/POOL.")
  private String pool;

  @Mixin private RemoteOptions remote;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "DATA",
      description = "Inline JSON object; without it, --file or stdin is read.")
  private String data;

  @Option(names = "--tag", paramLabel = "TAG", description = "Tag the messages (repeatable).")
  private List<String> tags = new ArrayList<>();

  @Option(
      names = {"-f", "--file"},
      paramLabel = "PATH",
      description = "Input file (JSON value or stream; - for stdin).")
  private String file;

  @Option(
      names = "--durability",
      paramLabel = "MODE",
      completionCandidates = Candidates.Durability.class,
      description = "fast (default) or flush (msync before the receipt).")
  private String durability = "fast";

  @Option(names = "--create", description = "Create the pool if it is missing.")
  private boolean create;

  @Option(
      names = "--create-size",
      paramLabel = "SIZE",
      description = "Pool size when creating (bytes or K/M/G; requires --create).")
  private String createSize;

  @Option(
      names = "--retry",
      paramLabel = "N",
      description = "Retry count for transient failures (default 0).")
  private int retry;

  @Option(
      names = "--retry-delay",
      paramLabel = "DUR",
      description = "Delay between retries (e.g. 50ms, 1s; requires --retry).")
  private String retryDelay;

  @Option(
      names = {"-i", "--in"},
      paramLabel = "MODE",
      completionCandidates = Candidates.InputMode.class,
      description = "Input mode for file or stdin: auto, jsonl, json, seq, jq (default auto).")
  private String input = "auto";

  @Option(
      names = {"-e", "--errors"},
      paramLabel = "POLICY",
      completionCandidates = Candidates.ErrorPolicy.class,
      description = "Bad records in file/stdin input: stop (default) or skip.")
  private String errors = "stop";

  @Option(names = "--json", description = "Print JSON receipts even on a terminal.")
  private boolean json;

  /** Creates the command; picocli instantiates it. */
  public FeedCommand() {}

  /**
   * Appends every record of the input.
   *
   * @return 0 when every record was appended, 1 when {@code --errors skip} skipped some
   * @throws PlasmiteException on the first failure, which decides the exit status
   */
  @Override
  public Integer call() throws IOException {
    PlsCommand pls = PlsCommand.of(spec);
    Streams streams = pls.streams();
    RemoteClient.PoolUrl url = PoolArgs.remote(pool);
    PoolRef ref = url == null ? PoolRef.name(pool) : null;
    if (url == null) {
      remote.requireNone("feed");
    }
    if (createSize != null && !create) {
      throw PlasmiteException.of(ErrorKind.USAGE, "--create-size requires --create")
          .withHint("Add --create or remove --create-size.");
    }
    if (retryDelay != null && retry == 0) {
      throw PlasmiteException.of(ErrorKind.USAGE, "--retry-delay requires --retry")
          .withHint("Add --retry or remove --retry-delay.");
    }
    if (retry < 0) {
      throw PlasmiteException.of(ErrorKind.USAGE, "--retry must not be negative")
          .withHint("Use --retry N with N >= 0.");
    }
    if (data != null && file != null) {
      throw PlasmiteException.of(ErrorKind.USAGE, "multiple data inputs provided")
          .withHint("Use only one of DATA, --file, or stdin.");
    }
    Durability mode = Args.durability(durability);
    Duration delay = retryDelay == null ? Duration.ofMillis(50) : Args.duration(retryDelay);
    FeedInput.Mode inMode = FeedInput.Mode.parse(input);
    boolean skip =
        switch (errors) {
          case "stop" -> false;
          case "skip" -> true;
          default ->
              throw PlasmiteException.of(
                      ErrorKind.USAGE,
                      "invalid value '" + errors + "' for '--errors': use stop or skip")
                  .withHint("Try `plasmite feed --help`.");
        };
    if (skip && inMode == FeedInput.Mode.JQ) {
      throw PlasmiteException.of(ErrorKind.USAGE, "skip is not supported for jq-style streams")
          .withHint("Use --in jsonl or --in auto for resyncable streams.");
    }
    long size = createSize == null ? PoolOptions.DEFAULT_SIZE_BYTES : Args.size(createSize);
    LocalClient client = new LocalClient().withPoolDir(pls.poolDir());
    boolean singleInput = data != null || file != null || streams.inIsTerminal();
    Receipts receipts = new Receipts(streams.out(), streams.outIsTerminal() && !json, tags);
    try (PoolTarget target =
        url == null
            ? PoolTarget.local(open(client, ref, size, mode, singleInput))
            : openRemote(url, size, mode, singleInput)) {
      if (data != null) {
        feedInline(target, mode, delay, receipts);
        return 0;
      }
      if (file == null && streams.inIsTerminal()) {
        throw missingData();
      }
      InputStream in = file == null || file.equals("-") ? streams.in() : openFile(file);
      Progress progress = null;
      if (file != null
          && !file.equals("-")
          && streams.errIsTerminal()
          && !streams.outIsTerminal()) {
        long total = Files.size(Path.of(file));
        if (total >= Progress.MIN_BYTES) {
          progress = new Progress(streams, file, total);
          in = progress.wrap(in);
        }
      }
      FeedIngest ingest = new FeedIngest(target, tags, mode, skip, retry, delay);
      ingest.onAppended(receipts::write);
      ingest.onSkipped(failure -> skipNotice(pls, target, failure));
      if (progress != null) {
        ingest.afterBatch(progress::update);
      }
      FeedIngest.Outcome outcome;
      try (InputStream source = in) {
        outcome = ingest.run(new FeedInput(source, inMode));
      } finally {
        if (progress != null) {
          progress.clear();
        }
      }
      if (outcome.total() == 0) {
        throw missingData();
      }
      if (outcome.failed() > 0) {
        Notices.emit(
            pls,
            "ingest_summary",
            "feed",
            pool,
            "Finished with "
                + outcome.failed()
                + " skipped record"
                + (outcome.failed() == 1 ? "" : "s")
                + ".",
            w -> {
              w.key("failed").value(outcome.failed());
              w.key("ok").value(outcome.ok());
              w.key("pool_path").value(target.path());
              w.key("total").value(outcome.total());
            });
        return 1;
      }
      return 0;
    }
  }

  private void feedInline(PoolTarget target, Durability mode, Duration delay, Receipts receipts) {
    if (data.getBytes(StandardCharsets.UTF_8).length > FeedInput.MAX_RECORD_BYTES) {
      throw PlasmiteException.of(ErrorKind.USAGE, "record exceeds size limit")
          .withHint(
              "A message is at most " + FeedInput.MAX_RECORD_BYTES + " bytes of JSON; split it.");
    }
    byte[] payload;
    try {
      payload = io.plasmite.lite3.Lite3Encoder.encodeEnvelope(tags, data);
    } catch (PlasmiteException e) {
      String m = String.valueOf(e.getMessage());
      if (m.startsWith("data must be object") || e.kind() != ErrorKind.USAGE) {
        throw e;
      }
      throw PlasmiteException.of(ErrorKind.USAGE, "invalid json", e)
          .withHint("Provide a single JSON value (e.g. '{\"x\":1}').");
    }
    // One record through the batch path keeps the retry rules in one place.
    FeedIngest single = new FeedIngest(target, tags, mode, false, retry, delay);
    single.onAppended(receipts::write);
    single.appendOne(payload);
  }

  private static InputStream openFile(String file) {
    try {
      return new FileInputStream(file);
    } catch (FileNotFoundException e) {
      boolean missing = !Files.exists(Path.of(file));
      throw PlasmiteException.of(
              missing ? ErrorKind.NOT_FOUND : ErrorKind.IO, "failed to read data file", e)
          .withPath(file);
    }
  }

  private void skipNotice(PlsCommand pls, PoolTarget target, FeedIngest.Failure f) {
    String message =
        switch (f.errorKind()) {
          case "Parse" -> "Skipped invalid JSON.";
          case "Oversize" -> "Skipped oversized record.";
          default -> "Skipped record: " + f.message() + ".";
        };
    Notices.emit(
        pls,
        "ingest_skip",
        "feed",
        pool,
        message,
        w -> {
          w.key("error_kind").value(f.errorKind());
          w.key("index").value(f.index());
          if (f.line() > 0) {
            w.key("line").value(f.line());
          }
          w.key("mode").value(f.mode().label());
          w.key("pool_path").value(target.path());
          if (f.snippet() != null) {
            w.key("snippet").value(f.snippet());
          }
        });
  }

  private Pool open(
      LocalClient client, PoolRef ref, long size, Durability mode, boolean singleInput) {
    try {
      return client.open(ref);
    } catch (PlasmiteException e) {
      if (e.kind() != ErrorKind.NOT_FOUND) {
        throw e;
      }
      if (!create) {
        throw e.withHint(missingPoolHint(mode, singleInput));
      }
    }
    try {
      return client.createAndOpen(ref, PoolOptions.ofSize(size));
    } catch (PlasmiteException e) {
      // Another feed --create won the race: use the pool it made.
      if (e.kind() == ErrorKind.ALREADY_EXISTS) {
        return client.open(ref);
      }
      throw e;
    }
  }

  /** Opens a pool on a server, creating it first when asked to and missing. */
  private PoolTarget openRemote(
      RemoteClient.PoolUrl url, long size, Durability mode, boolean singleInput) {
    RemoteClient client = remote.client(url.base());
    try {
      return PoolTarget.remote(client.open(url.pool()), pool);
    } catch (PlasmiteException e) {
      if (e.kind() != ErrorKind.NOT_FOUND) {
        throw e;
      }
      if (!create) {
        throw e.withHint(missingPoolHint(mode, singleInput));
      }
    }
    try {
      client.create(url.pool(), PoolOptions.ofSize(size));
    } catch (PlasmiteException e) {
      if (e.kind() != ErrorKind.ALREADY_EXISTS) {
        throw e;
      }
    }
    return PoolTarget.remote(client.open(url.pool()), pool);
  }

  /**
   * The error for an input without a single record.
   *
   * @return a Usage error, {@code missing data input}
   */
  static PlasmiteException missingData() {
    return PlasmiteException.of(ErrorKind.USAGE, "missing data input")
        .withHint("Provide JSON via DATA, --file, or pipe JSON to stdin.");
  }

  /** The Rust CLI's wording: an exact command to retry with when argv says everything. */
  private String missingPoolHint(Durability mode, boolean singleInput) {
    if (pool.contains("/") && !pool.contains("://")) {
      return "Pool path not found. Check the path, or re-run with --create to create it.";
    }
    if (!singleInput) {
      return "Pool is missing. Re-run with --create, e.g. plasmite feed "
          + token(pool)
          + " --create.";
    }
    List<String> tokens = new ArrayList<>(List.of("plasmite", "feed", pool, "--create"));
    for (String tag : tags) {
      tokens.add("--tag");
      tokens.add(tag);
    }
    if (data != null) {
      tokens.add(data);
    }
    if (file != null) {
      tokens.add("--file");
      tokens.add(file);
    }
    if (mode != Durability.FAST) {
      tokens.add("--durability");
      tokens.add("flush");
    }
    if (retry > 0) {
      tokens.add("--retry");
      tokens.add(Integer.toString(retry));
    }
    if (retryDelay != null) {
      tokens.add("--retry-delay");
      tokens.add(retryDelay);
    }
    if (!input.equals("auto")) {
      tokens.add("--in");
      tokens.add(input);
    }
    if (!errors.equals("stop")) {
      tokens.add("--errors");
      tokens.add(errors);
    }
    StringBuilder command = new StringBuilder();
    for (String t : tokens) {
      command.append(command.isEmpty() ? "" : " ").append(token(t));
    }
    return "Pool is missing. Retry with exact command: " + command;
  }

  /** A command-line token as is when it is plain, else as a JSON string (shell-agnostic). */
  static String token(String text) {
    boolean plain = !text.isEmpty();
    for (int i = 0; i < text.length() && plain; i++) {
      char c = text.charAt(i);
      plain = (c < 128 && Character.isLetterOrDigit(c)) || "-_./:=".indexOf(c) >= 0;
    }
    if (plain) {
      return text;
    }
    CanonicalJsonWriter json = new CanonicalJsonWriter(false);
    json.value(text);
    return json.toString();
  }

  /**
   * A progress line on stderr (a terminal) while a large file is fed with stdout redirected: bytes
   * read, records appended and the rate, redrawn four times a second, erased at the end.
   */
  static final class Progress {
    static final long MIN_BYTES = 8L << 20;

    private final Streams streams;
    private final String name;
    private final long total;
    private final long startNs = System.nanoTime();
    private long read;
    private long batches;
    private long lastDrawNs;

    Progress(Streams streams, String name, long total) {
      this.streams = streams;
      this.name = name;
      this.total = total;
    }

    InputStream wrap(InputStream in) {
      return new FilterInputStream(in) {
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          int n = super.read(b, off, len);
          if (n > 0) {
            read += n;
          }
          return n;
        }
      };
    }

    void update() {
      batches++;
      long now = System.nanoTime();
      if (now - lastDrawNs < 250_000_000L) {
        return;
      }
      lastDrawNs = now;
      double seconds = Math.max(1e-3, (now - startNs) / 1e9);
      long percent = total == 0 ? 100 : Math.min(100, read * 100 / total);
      streams
          .err()
          .print(
              String.format(
                  java.util.Locale.ROOT,
                  "\rfeeding %s: %d%% (%s of %s, %.1f MB/s)\u001b[K",
                  name,
                  percent,
                  Human.bytes(read),
                  Human.bytes(total),
                  read / seconds / 1e6));
      streams.err().flush();
    }

    void clear() {
      if (lastDrawNs != 0) {
        streams.err().print("\r\u001b[K");
        streams.err().flush();
      }
    }
  }
}
