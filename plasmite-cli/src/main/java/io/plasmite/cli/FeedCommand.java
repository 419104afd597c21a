package io.plasmite.cli;

import io.plasmite.Durability;
import io.plasmite.ErrorKind;
import io.plasmite.LocalClient;
import io.plasmite.Message;
import io.plasmite.PlasmiteException;
import io.plasmite.Pool;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import io.plasmite.json.CanonicalJsonWriter;
import io.plasmite.json.Rfc3339;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pls feed POOL [DATA]}: appends messages to a local pool and prints one receipt per
 * message, {@code {"meta":{"tags":[...]},"seq":N,"time":"..."}} when stdout is not a terminal, a
 * short human line when it is.
 *
 * <p>The data comes from {@link FeedInput}: the inline {@code DATA}, or JSON Lines on stdin. Each
 * record is appended as soon as it is read, so with several records a failure (say a record that is
 * not an object: Usage, exit 2) leaves the earlier ones appended and their receipts printed.
 */
@Command(
    name = "feed",
    description = "Append JSON messages to a pool (inline DATA, or JSON Lines on stdin).")
public final class FeedCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;
  @Mixin private HelpOption help;

  @Parameters(index = "0", paramLabel = "POOL", description = "Pool name or path.")
  private String pool;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "DATA",
      description = "A JSON object; without it, JSON Lines are read from stdin.")
  private String data;

  @Option(names = "--tag", paramLabel = "TAG", description = "Tag the message (repeatable).")
  private List<String> tags = new ArrayList<>();

  @Option(
      names = "--durability",
      paramLabel = "MODE",
      defaultValue = "fast",
      description = "fast (default) or flush (msync before the receipt).")
  private String durability = "fast";

  @Option(
      names = "--create",
      description = "Create the pool (default size 1M) if it does not exist.")
  private boolean create;

  @Option(
      names = "--create-size",
      paramLabel = "SIZE",
      description = "Size of a pool made by --create: bytes, or N with K, M or G.")
  private String createSize;

  /** Creates the command; picocli instantiates it. */
  public FeedCommand() {}

  /**
   * Appends every record of the input.
   *
   * @return 0 when every record was appended
   * @throws PlasmiteException on the first failure, which decides the exit status
   */
  @Override
  public Integer call() {
    PlsCommand pls = PlsCommand.of(spec);
    Streams streams = pls.streams();
    if (createSize != null && !create) {
      throw PlasmiteException.of(ErrorKind.USAGE, "--create-size requires --create")
          .withHint("Add --create or remove --create-size.");
    }
    Durability mode = parseDurability(durability);
    long size = createSize == null ? PoolOptions.DEFAULT_SIZE_BYTES : parseSize(createSize);
    if (pool.contains("://")) {
      throw PlasmiteException.of(ErrorKind.USAGE, "remote pools are not supported by feed yet")
          .withHint("Name a local pool, or a path to one.");
    }
    PoolRef ref = PoolRef.name(pool);
    LocalClient client = new LocalClient().withPoolDir(pls.poolDir());
    boolean singleInput = data != null || streams.inIsTerminal();
    try (Pool target = open(client, ref, size, mode, singleInput)) {
      FeedInput input = FeedInput.select(data, streams);
      for (String record = input.next(); record != null; record = input.next()) {
        printReceipt(streams, target.appendJsonNow(record, tags, mode));
      }
      if (input.recordsRead() == 0) {
        throw FeedInput.missingData();
      }
    }
    return 0;
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

  /** The Rust CLI's wording: an exact command to retry with when argv says everything. */
  private String missingPoolHint(Durability mode, boolean singleInput) {
    if (pool.contains("/")) {
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
    if (mode != Durability.FAST) {
      tokens.add("--durability");
      tokens.add("flush");
    }
    StringBuilder command = new StringBuilder();
    for (String t : tokens) {
      command.append(command.isEmpty() ? "" : " ").append(token(t));
    }
    return "Pool is missing. Retry with exact command: " + command;
  }

  /** A command-line token as is when it is plain, else as a JSON string (shell-agnostic). */
  private static String token(String text) {
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

  private static Durability parseDurability(String text) {
    return switch (text) {
      case "fast" -> Durability.FAST;
      case "flush" -> Durability.FLUSH;
      default ->
          throw PlasmiteException.of(ErrorKind.USAGE, "invalid durability: " + text)
              .withHint("Use --durability fast or --durability flush.");
    };
  }

  /**
   * Parses {@code N[K|M|G]}: bytes, or binary kilo-, mega- or gigabytes (case-insensitive, an
   * optional trailing {@code B}).
   */
  static long parseSize(String text) {
    String s = text.strip().toUpperCase(Locale.ROOT);
    if (s.length() > 1 && s.endsWith("B")) {
      s = s.substring(0, s.length() - 1);
    }
    int shift = 0;
    if (!s.isEmpty()) {
      switch (s.charAt(s.length() - 1)) {
        case 'K' -> shift = 10;
        case 'M' -> shift = 20;
        case 'G' -> shift = 30;
        default -> {}
      }
    }
    String digits = shift == 0 ? s : s.substring(0, s.length() - 1);
    if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw invalidSize(text);
    }
    try {
      long n = Long.parseLong(digits);
      if (n > (Long.MAX_VALUE >> shift)) {
        throw invalidSize(text);
      }
      return n << shift;
    } catch (NumberFormatException e) {
      throw invalidSize(text);
    }
  }

  private static PlasmiteException invalidSize(String text) {
    return PlasmiteException.of(ErrorKind.USAGE, "invalid size: " + text)
        .withHint("Use bytes or a number with K, M or G, e.g. --create-size 4M.");
  }

  private static void printReceipt(Streams streams, Message message) {
    if (streams.outIsTerminal()) {
      String line = "fed seq=" + message.seq() + " at " + Rfc3339.format(message.timeNs());
      if (!message.tags().isEmpty()) {
        line += "  tags: " + String.join(",", message.tags());
      }
      streams.out().println(line);
      streams.out().flush();
      return;
    }
    CanonicalJsonWriter json = new CanonicalJsonWriter(false);
    json.startObject().key("meta").startObject().key("tags").startArray();
    for (String tag : message.tags()) {
      json.value(tag);
    }
    json.endArray().endObject();
    json.key("seq").value(message.seq());
    json.key("time").value(Rfc3339.format(message.timeNs()));
    json.endObject();
    byte[] bytes = json.toByteArray();
    streams.out().write(bytes, 0, bytes.length);
    streams.out().write('\n');
    streams.out().flush();
  }
}
