package io.plasmite.cli.conformance;

import io.plasmite.Durability;
import io.plasmite.LocalClient;
import io.plasmite.Message;
import io.plasmite.PlasmiteException;
import io.plasmite.Pool;
import io.plasmite.PoolInfo;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import io.plasmite.Tail;
import io.plasmite.TailOptions;
import io.plasmite.cli.conformance.ManifestJson.Null;
import io.plasmite.cli.conformance.ManifestJson.Num;
import io.plasmite.cli.conformance.ManifestJson.Obj;
import io.plasmite.lite3.Lite3Encoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Runs the steps of one manifest against one work directory ({@code conformance.md}).
 *
 * <p>Strictness: every {@code expect} member is checked, and a member the runner does not know, in
 * {@code expect} or {@code input}, fails the step rather than being ignored. {@code tags} may also
 * be spelled {@code descrips}, as in the Rust project's older manifests. A relative path (a pool
 * name with {@code /}, {@code chmod_path}'s {@code path}) is resolved in the work directory.
 */
final class StepRunner {
  /** {@code create_pool}'s default size: 1 MiB. */
  static final long DEFAULT_POOL_SIZE = 1L << 20;

  /** {@code retention_gap}'s default pool size. */
  static final long DEFAULT_GAP_POOL_SIZE = 65536;

  private final LocalClient client;
  private final Path workdir;
  private final List<String> feedCommand;

  /**
   * Creates a runner for one manifest.
   *
   * @param workdir the (freshly emptied) work directory, where pool names resolve
   * @param feedCommand the program and leading arguments of a plasmite CLI, for {@code spawn_poke}
   */
  StepRunner(Path workdir, List<String> feedCommand) {
    this.workdir = workdir;
    this.client = new LocalClient().withPoolDir(workdir);
    this.feedCommand = List.copyOf(feedCommand);
  }

  /** One library operation whose failure may be the expected outcome. */
  @FunctionalInterface
  private interface Operation<T> {
    T run() throws Mismatch;
  }

  /**
   * Runs one step and checks its expectations.
   *
   * @param step the step object
   * @throws Mismatch on the first unmet expectation, or when the step cannot be carried out
   */
  void run(Obj step) throws Mismatch {
    String op = Expect.string(step, "op", "op");
    if (op == null) {
      throw new Mismatch("manifest: the step has no op");
    }
    Obj input = Expect.object(step, "input", "input");
    Obj expect = Expect.object(step, "expect", "expect");
    switch (op) {
      case "create_pool" -> createPool(step, input, expect);
      case "append" -> append(step, input, expect);
      case "get" -> get(step, input, expect);
      case "tail" -> tail(step, input, expect);
      case "list_pools" -> listPools(input, expect);
      case "pool_info" -> poolInfo(step, input, expect);
      case "delete_pool" -> deletePool(step, input, expect);
      case "spawn_poke" -> spawnPoke(step, input, expect);
      case "corrupt_pool_header" -> corruptPoolHeader(step, input, expect);
      case "chmod_path" -> chmodPath(input, expect);
      case "retention_gap" -> retentionGap(step, input, expect);
      default -> throw new Mismatch("manifest: unknown op \"" + op + "\"");
    }
  }

  private void createPool(Obj step, Obj input, Obj expect) throws Mismatch {
    Expect.onlyKeys(input, "input", "size_bytes");
    Expect.onlyKeys(expect, "expect", "created", "error");
    String pool = pool(step);
    long size = Expect.count(input, "size_bytes", "input.size_bytes", DEFAULT_POOL_SIZE);
    Boolean created = Expect.bool(expect, "created", "expect.created");
    if (Boolean.TRUE.equals(created) && expect.has("error")) {
      throw new Mismatch("manifest: expect.created true contradicts expect.error");
    }
    if (Boolean.FALSE.equals(created) && !expect.has("error")) {
      // Not created, with no word on why: any failure will do, success will not.
      try {
        client.create(ref(pool), PoolOptions.ofSize(size));
      } catch (PlasmiteException e) {
        return;
      }
      throw new Mismatch("expected the pool not to be created, but it was");
    }
    attempt(expect, () -> client.create(ref(pool), PoolOptions.ofSize(size)));
  }

  private void append(Obj step, Obj input, Obj expect) throws Mismatch {
    Expect.onlyKeys(input, "input", "data", "tags", "descrips");
    Expect.onlyKeys(expect, "expect", "seq", "error");
    exclusive(expect, "seq");
    String pool = pool(step);
    Object data = input.get("data");
    if (data == null) {
      throw new Mismatch("manifest: input.data is required");
    }
    String json = ManifestJson.write(data);
    List<String> tags = Expect.tags(input, "input").orElse(List.of());
    long seq = Expect.count(expect, "seq", "expect.seq", -1);
    Optional<Message> appended =
        attempt(
            expect,
            () -> {
              // The input is checked before the pool is touched, as the reference does: bad data
              // is a Usage error even when the pool is damaged or missing.
              byte[] payload = Lite3Encoder.encodeEnvelope(tags, json);
              try (Pool p = client.open(ref(pool))) {
                return p.appendLite3(payload, Durability.FAST);
              }
            });
    if (appended.isPresent() && seq >= 0 && appended.get().seq() != seq) {
      throw new Mismatch("expected seq " + seq + ", got " + appended.get().seq());
    }
  }

  private void get(Obj step, Obj input, Obj expect) throws Mismatch {
    Expect.onlyKeys(input, "input", "seq");
    Expect.onlyKeys(expect, "expect", "data", "tags", "descrips", "error");
    exclusive(expect, "data", "tags", "descrips");
    String pool = pool(step);
    long seq = Expect.count(input, "seq", "input.seq", -1);
    if (seq < 0) {
      throw new Mismatch("manifest: input.seq is required");
    }
    Optional<Message> found =
        attempt(
            expect,
            () -> {
              try (Pool p = client.open(ref(pool))) {
                return decoded(p.getMessage(seq));
              }
            });
    if (found.isPresent()) {
      String problem = difference(expectedMessage(expect, "expect"), found.get());
      if (problem != null) {
        throw new Mismatch("message " + seq + ": " + problem);
      }
    }
  }

  private void tail(Obj step, Obj input, Obj expect) throws Mismatch {
    Expect.onlyKeys(input, "input", "since_seq", "max");
    Expect.onlyKeys(expect, "expect", "messages", "messages_unordered", "error");
    exclusive(expect, "messages", "messages_unordered");
    if (expect.has("messages") && expect.has("messages_unordered")) {
      throw new Mismatch(
          "manifest: expect.messages and expect.messages_unordered exclude each other");
    }
    String pool = pool(step);
    long since = Expect.count(input, "since_seq", "input.since_seq", -1);
    long max = Expect.count(input, "max", "input.max", -1);
    TailOptions options = since >= 0 ? TailOptions.since(since) : TailOptions.newMessages();
    // Idle timeout zero: the tail ends as soon as nothing more is available.
    options = options.withMaxMessages(max).withIdleTimeout(Duration.ZERO);
    TailOptions chosen = options;
    Optional<List<Message>> read =
        attempt(
            expect,
            () -> {
              try (Pool p = client.open(ref(pool));
                  Tail t = p.tail(chosen)) {
                List<Message> messages = new ArrayList<>();
                while (t.hasNext()) {
                  messages.add(decoded(t.next()));
                }
                return messages;
              }
            });
    if (read.isEmpty()) {
      return;
    }
    List<Message> messages = read.get();
    for (int i = 1; i < messages.size(); i++) {
      if (messages.get(i).seq() <= messages.get(i - 1).seq()) {
        throw new Mismatch("tail delivered seqs out of order: " + seqs(messages));
      }
    }
    boolean ordered = expect.has("messages");
    Object expected = ordered ? expect.get("messages") : expect.get("messages_unordered");
    if (expected == null) {
      return;
    }
    String where = ordered ? "expect.messages" : "expect.messages_unordered";
    if (!(expected instanceof List<?> items)) {
      throw new Mismatch("manifest: " + where + " must be an array");
    }
    List<ExpectedMessage> wanted = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      if (!(items.get(i) instanceof Obj item)) {
        throw new Mismatch("manifest: " + where + "[" + i + "] must be an object");
      }
      Expect.onlyKeys(item, where + "[" + i + "]", "data", "tags", "descrips");
      wanted.add(expectedMessage(item, where + "[" + i + "]"));
    }
    if (messages.size() != wanted.size()) {
      throw new Mismatch(
          "expected "
              + wanted.size()
              + " messages, got "
              + messages.size()
              + " (seqs "
              + seqs(messages)
              + ")");
    }
    if (ordered) {
      for (int i = 0; i < wanted.size(); i++) {
        String problem = difference(wanted.get(i), messages.get(i));
        if (problem != null) {
          throw new Mismatch("message " + i + " (seq " + messages.get(i).seq() + "): " + problem);
        }
      }
    } else {
      int unmatched = Matching.firstUnmatched(wanted, messages, (w, m) -> difference(w, m) == null);
      if (unmatched >= 0) {
        ExpectedMessage w = wanted.get(unmatched);
        throw new Mismatch(
            "no delivered message matches "
                + where
                + "["
                + unmatched
                + "] (data "
                + Expect.shorten(String.valueOf(w.data()))
                + ", tags "
                + w.tags().map(String::valueOf).orElse("any")
                + "); delivered seqs "
                + seqs(messages));
      }
    }
  }

  private void listPools(Obj input, Obj expect) throws Mismatch {
    Expect.onlyKeys(input, "input");
    Expect.onlyKeys(expect, "expect", "names", "error");
    exclusive(expect, "names");
    List<String> names = Expect.strings(expect.get("names"), "expect.names");
    Optional<List<Path>> files = attempt(expect, client::poolFiles);
    if (files.isEmpty() || names == null) {
      return;
    }
    Set<String> actual = new TreeSet<>();
    for (Path file : files.get()) {
      String name = file.getFileName().toString();
      actual.add(name.substring(0, name.length() - PoolRef.EXTENSION.length()));
    }
    Set<String> wanted = new TreeSet<>(names);
    if (!actual.equals(wanted)) {
      throw new Mismatch("expected pools " + wanted + ", found " + actual);
    }
  }

  private void poolInfo(Obj step, Obj input, Obj expect) throws Mismatch {
    Expect.onlyKeys(input, "input");
    Expect.onlyKeys(expect, "expect", "file_size", "ring_size", "bounds", "error");
    exclusive(expect, "file_size", "ring_size", "bounds");
    String pool = pool(step);
    long fileSize = Expect.count(expect, "file_size", "expect.file_size", -1);
    long ringSize = Expect.count(expect, "ring_size", "expect.ring_size", -1);
    Obj bounds = Expect.object(expect, "bounds", "expect.bounds");
    Expect.onlyKeys(bounds, "expect.bounds", "oldest", "newest");
    Optional<PoolInfo> found = attempt(expect, () -> client.info(ref(pool)));
    if (found.isEmpty()) {
      return;
    }
    PoolInfo info = found.get();
    if (fileSize >= 0 && info.fileSize() != fileSize) {
      throw new Mismatch("expected file_size " + fileSize + ", got " + info.fileSize());
    }
    if (ringSize >= 0 && info.ringSize() != ringSize) {
      throw new Mismatch("expected ring_size " + ringSize + ", got " + info.ringSize());
    }
    Long oldest = info.isEmpty() ? null : info.oldestSeq();
    Long newest = info.isEmpty() ? null : info.newestSeq();
    bound(bounds, "oldest", oldest);
    bound(bounds, "newest", newest);
  }

  private static void bound(Obj bounds, String key, Long actual) throws Mismatch {
    Object value = bounds.get(key);
    if (value == null) {
      return;
    }
    Long wanted;
    if (value == Null.INSTANCE) {
      wanted = null;
    } else {
      long n = value instanceof Num num ? num.asNonNegativeLong() : -1;
      if (n < 0) {
        throw new Mismatch("manifest: expect.bounds." + key + " must be a seq or null");
      }
      wanted = n;
    }
    if (!Objects.equals(wanted, actual)) {
      throw new Mismatch(
          "expected bounds."
              + key
              + " "
              + (wanted == null ? "null (empty pool)" : wanted)
              + ", got "
              + (actual == null ? "null (empty pool)" : actual));
    }
  }

  private void deletePool(Obj step, Obj input, Obj expect) throws Mismatch {
    Expect.onlyKeys(input, "input");
    Expect.onlyKeys(expect, "expect", "error");
    String pool = pool(step);
    attempt(
        expect,
        () -> {
          client.delete(ref(pool));
          return Boolean.TRUE;
        });
  }

  private void spawnPoke(Obj step, Obj input, Obj expect) throws Mismatch {
    Expect.onlyKeys(input, "input", "messages");
    Expect.onlyKeys(expect, "expect");
    String pool = pool(step);
    Object value = input.get("messages");
    if (!(value instanceof List<?> items)) {
      throw new Mismatch("manifest: input.messages must be an array");
    }
    List<SpawnPoke.Poke> pokes = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String where = "input.messages[" + i + "]";
      if (!(items.get(i) instanceof Obj item)) {
        throw new Mismatch("manifest: " + where + " must be an object");
      }
      Expect.onlyKeys(item, where, "data", "tags", "descrips");
      Object data = item.get("data");
      if (data == null) {
        throw new Mismatch("manifest: " + where + ".data is required");
      }
      pokes.add(
          new SpawnPoke.Poke(ManifestJson.write(data), Expect.tags(item, where).orElse(List.of())));
    }
    String target = pool.contains("/") ? resolvePath(pool).toString() : pool;
    SpawnPoke.run(feedCommand, workdir, target, pokes);
  }

  private void corruptPoolHeader(Obj step, Obj input, Obj expect) throws Mismatch {
    Expect.onlyKeys(input, "input");
    Expect.onlyKeys(expect, "expect");
    String pool = pool(step);
    Path file;
    try {
      file = client.resolve(ref(pool));
    } catch (PlasmiteException e) {
      throw new Mismatch("cannot name the pool: " + Expect.describe(e));
    }
    try {
      // No CREATE: corrupting a pool that does not exist is a failed step, not a new file.
      Files.write(
          file,
          new byte[] {'N', 'O', 'P', 'E'},
          StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING);
    } catch (NoSuchFileException e) {
      throw new Mismatch("cannot corrupt " + file + ": no such file");
    } catch (IOException e) {
      throw new Mismatch("cannot corrupt " + file + ": " + e);
    }
  }

  private void chmodPath(Obj input, Obj expect) throws Mismatch {
    Expect.onlyKeys(input, "input", "path", "mode");
    Expect.onlyKeys(expect, "expect");
    String path = Expect.string(input, "path", "input.path");
    String mode = Expect.string(input, "mode", "input.mode");
    if (path == null || mode == null) {
      throw new Mismatch("manifest: chmod_path needs input.path and input.mode");
    }
    Set<PosixFilePermission> permissions = permissions(mode);
    Path file = resolvePath(path);
    try {
      Files.setPosixFilePermissions(file, permissions);
    } catch (UnsupportedOperationException e) {
      throw new Mismatch("chmod_path: this file system has no POSIX permissions");
    } catch (IOException e) {
      throw new Mismatch("cannot chmod " + file + ": " + e);
    }
  }

  /**
   * Octal {@code rwxrwxrwx} bits ({@code "644"}, {@code "0600"}); set-id and sticky bits are
   * refused.
   */
  static Set<PosixFilePermission> permissions(String mode) throws Mismatch {
    int bits;
    try {
      bits = mode.isEmpty() || mode.length() > 4 ? -1 : Integer.parseInt(mode, 8);
    } catch (NumberFormatException e) {
      bits = -1;
    }
    if (bits < 0 || bits > 0777) {
      throw new Mismatch(
          "manifest: input.mode must be an octal permission string such as \"600\", not \""
              + mode
              + "\"");
    }
    // PosixFilePermission lists OWNER_READ .. OTHERS_EXECUTE, i.e. bits 8 down to 0.
    Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] all = PosixFilePermission.values();
    for (int i = 0; i < all.length; i++) {
      if ((bits & (1 << (all.length - 1 - i))) != 0) {
        out.add(all[i]);
      }
    }
    return out;
  }

  private void retentionGap(Obj step, Obj input, Obj expect) throws Mismatch {
    Expect.onlyKeys(input, "input", "size_bytes");
    Expect.onlyKeys(expect, "expect");
    String pool = pool(step);
    long size = Expect.count(input, "size_bytes", "input.size_bytes", DEFAULT_GAP_POOL_SIZE);
    new RetentionGapCheck(client, this::ref, pool, size).run();
  }

  // --- helpers ---

  /**
   * Runs an operation against the expectation of an error: with {@code expect.error} the operation
   * must fail that way, without it, it must succeed.
   *
   * @return the result, or empty when the operation failed as expected
   */
  private static <T> Optional<T> attempt(Obj expect, Operation<T> operation) throws Mismatch {
    Object expectedError = expect.get("error");
    T result;
    try {
      result = operation.run();
    } catch (PlasmiteException e) {
      if (expectedError == null) {
        throw new Mismatch("unexpected error: " + Expect.describe(e));
      }
      Expect.error(expectedError, e);
      return Optional.empty();
    }
    if (expectedError != null) {
      String kind =
          expectedError instanceof Obj o && o.get("kind") instanceof String k ? k : "(no kind)";
      throw new Mismatch("expected error " + kind + ", but the operation succeeded");
    }
    return Optional.of(result);
  }

  /** An {@code error} expectation excludes expectations on a result. */
  private static void exclusive(Obj expect, String... resultKeys) throws Mismatch {
    if (!expect.has("error")) {
      return;
    }
    for (String key : resultKeys) {
      if (expect.has(key)) {
        throw new Mismatch(
            "manifest: expect.error excludes expect." + key + " " + Arrays.toString(resultKeys));
      }
    }
  }

  private static String pool(Obj step) throws Mismatch {
    String pool = Expect.string(step, "pool", "pool");
    if (pool == null) {
      throw new Mismatch("manifest: the step has no pool");
    }
    return pool;
  }

  /** The pool a manifest names: a name in the work directory, or a path (relative: to it). */
  PoolRef ref(String pool) {
    return pool.contains("/") ? PoolRef.path(resolvePath(pool)) : PoolRef.name(pool);
  }

  private Path resolvePath(String path) {
    return workdir.resolve(path);
  }

  private static Message decoded(Message m) {
    // Decode while the pool is open; the results are cached in the message.
    m.dataJson();
    m.tags();
    return m;
  }

  /**
   * What one expected message says.
   *
   * @param data canonical JSON of the expected data, or null when not checked
   * @param tags the expected tags, or empty when not checked
   */
  record ExpectedMessage(String data, Optional<List<String>> tags) {}

  private static ExpectedMessage expectedMessage(Obj obj, String where) throws Mismatch {
    Object data = obj.get("data");
    return new ExpectedMessage(
        data == null ? null : Expect.canonicalData(data), Expect.tags(obj, where));
  }

  /** Why a message differs from an expectation, or null when it matches. */
  private static String difference(ExpectedMessage expected, Message actual) {
    if (expected.data() != null && !expected.data().equals(actual.dataJson())) {
      return "data mismatch: expected "
          + Expect.shorten(expected.data())
          + ", got "
          + Expect.shorten(actual.dataJson());
    }
    if (expected.tags().isPresent() && !expected.tags().get().equals(actual.tags())) {
      return "tags mismatch: expected " + expected.tags().get() + ", got " + actual.tags();
    }
    return null;
  }

  private static String seqs(List<Message> messages) {
    if (messages.isEmpty()) {
      return "none";
    }
    List<Long> seqs = new ArrayList<>();
    for (Message m : messages) {
      seqs.add(m.seq());
    }
    if (seqs.size() > 12) {
      return seqs.getFirst() + ".." + seqs.getLast() + " (" + seqs.size() + " messages)";
    }
    return seqs.toString();
  }
}
