package io.plasmite.cli;

import io.plasmite.ErrorKind;
import io.plasmite.LocalClient;
import io.plasmite.PlasmiteException;
import io.plasmite.PoolInfo;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import io.plasmite.json.ErrorJson;
import io.plasmite.json.PoolInfoJson;
import io.plasmite.json.Rfc3339;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pls pool create|info|list|delete}: pool files in the pool directory. */
@Command(
    name = "pool",
    description = "Manage pool files.",
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {
      PoolCommand.Create.class,
      PoolCommand.Info.class,
      PoolCommand.ListPools.class,
      PoolCommand.Delete.class
    },
    footer = {
      "",
      "Examples:",
      "  plasmite pool create foo",
      "  plasmite pool create --size 8M bar baz",
      "  plasmite pool info foo --json",
      "  plasmite pool list",
      "  plasmite pool delete foo bar"
    })
public final class PoolCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;
  @Mixin private HelpOption help;

  /** Creates the command; picocli instantiates it. */
  public PoolCommand() {}

  /**
   * Runs without a sub-verb: a usage error.
   *
   * @return never
   */
  @Override
  public Integer call() {
    throw PlasmiteException.of(ErrorKind.USAGE, "missing pool command")
        .withHint("Try `plasmite pool --help`.");
  }

  private static LocalClient client(PlsCommand pls) {
    return new LocalClient().withPoolDir(pls.poolDir());
  }

  /** {@code pool create NAME...}. */
  @Command(name = "create", description = "Create one or more pools.")
  public static final class Create implements Callable<Integer> {
    @Spec private CommandSpec spec;
    @Mixin private HelpOption help;

    @Parameters(arity = "1..*", paramLabel = "NAME", description = "Pool name(s) to create.")
    private List<String> names = new ArrayList<>();

    @Option(names = "--size", paramLabel = "SIZE", description = "Pool size: bytes or K/M/G.")
    private String size;

    @Option(
        names = "--index-capacity",
        paramLabel = "N",
        description = "Inline index slots (default: auto; 0 disables; at most half the pool).")
    private Long indexCapacity;

    @Option(names = "--json", description = "Emit JSON instead of human-readable output.")
    private boolean json;

    /** Creates the command; picocli instantiates it. */
    public Create() {}

    @Override
    public Integer call() {
      PlsCommand pls = PlsCommand.of(spec);
      long bytes = size == null ? PoolOptions.DEFAULT_SIZE_BYTES : Args.size(size);
      PoolOptions options = PoolOptions.ofSize(bytes);
      if (indexCapacity != null) {
        if (indexCapacity < 0 || indexCapacity * 16 > bytes / 2) {
          throw PlasmiteException.of(ErrorKind.USAGE, "index capacity is too large for pool size")
              .withHint(
                  "Reduce --index-capacity or increase --size (index region must be <= 50% of"
                      + " the pool file).");
        }
        options = options.withIndexCapacity(indexCapacity);
      }
      LocalClient client = client(pls);
      List<String> created = new ArrayList<>();
      List<PoolInfo> infos = new ArrayList<>();
      for (String name : names) {
        PoolRef ref = PoolArgs.localOnly(name, "pool create");
        infos.add(client.create(ref, options));
        created.add(name);
      }
      long now = Args.nowNs();
      if (json) {
        JsonOut.emit(
            pls,
            w -> {
              w.startObject().key("created").startArray();
              for (int i = 0; i < infos.size(); i++) {
                PoolInfoJson.write(w, created.get(i), infos.get(i), now);
              }
              w.endArray().endObject();
            });
        return 0;
      }
      PrintStream out = pls.streams().out();
      Path dir = pls.poolDir();
      if (pls.streams().outIsTerminal()) {
        if (infos.size() == 1) {
          PoolInfo info = infos.get(0);
          out.println(
              "Created "
                  + Human.literal(created.get(0))
                  + " ("
                  + Human.bytes(info.fileSize())
                  + ", "
                  + info.indexCapacity()
                  + " index slots)");
          out.println("  path: " + Human.literal(Human.shortPath(info.path(), dir)));
        } else {
          out.println("Created " + infos.size() + " pools (" + Human.bytes(bytes) + " each)");
          for (int i = 0; i < infos.size(); i++) {
            out.println(
                "  - "
                    + Human.literal(created.get(i))
                    + " ("
                    + Human.literal(Human.shortPath(infos.get(i).path(), dir))
                    + ")");
          }
        }
      } else {
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < infos.size(); i++) {
          PoolInfo info = infos.get(i);
          rows.add(
              List.of(
                  created.get(i),
                  Long.toString(info.fileSize()),
                  Long.toString(info.indexCapacity()),
                  Human.shortPath(info.path(), dir)));
        }
        out.println(Human.table(List.of("NAME", "SIZE", "INDEX", "PATH"), rows));
      }
      out.flush();
      return 0;
    }
  }

  /** {@code pool info NAME}. */
  @Command(name = "info", description = "Show pool metadata, bounds and metrics.")
  public static final class Info implements Callable<Integer> {
    @Spec private CommandSpec spec;
    @Mixin private HelpOption help;

    @Parameters(paramLabel = "NAME", description = "Pool name or path.")
    private String name;

    @Option(names = "--json", description = "Emit JSON instead of human-readable output.")
    private boolean json;

    /** Creates the command; picocli instantiates it. */
    public Info() {}

    @Override
    public Integer call() {
      PlsCommand pls = PlsCommand.of(spec);
      PoolInfo info;
      try {
        info = client(pls).info(PoolArgs.localOnly(name, "pool info"));
      } catch (PlasmiteException e) {
        throw Hints.missingPool(e, name);
      }
      long now = Args.nowNs();
      if (json) {
        JsonOut.emit(pls, w -> PoolInfoJson.write(w, name, info, now));
        return 0;
      }
      PrintStream out = pls.streams().out();
      long pct = PoolInfoJson.usedPercentHundredths(info);
      String percent = pct / 100 + "." + String.format("%02d", pct % 100) + "%";
      String oldest = info.isEmpty() ? "-" : Rfc3339.format(info.oldestTimeNs());
      String newest = info.isEmpty() ? "-" : Rfc3339.format(info.newestTimeNs());
      long oldestAge = info.isEmpty() ? -1 : Math.max(0, now - info.oldestTimeNs()) / 1_000_000;
      long newestAge = info.isEmpty() ? -1 : Math.max(0, now - info.newestTimeNs()) / 1_000_000;
      if (pls.streams().outIsTerminal()) {
        out.println(Human.literal(name));
        out.println(
            "  path:      " + Human.literal(Human.shortPath(info.path(), info.path().getParent())));
        out.println(
            "  size:      "
                + Human.bytes(info.fileSize())
                + " ("
                + Human.bytes(info.usedBytes())
                + " used, "
                + percent
                + ")");
        out.println(
            "  messages:  "
                + (info.isEmpty()
                    ? "empty"
                    : info.messageCount()
                        + " (seq "
                        + info.oldestSeq()
                        + ".."
                        + info.newestSeq()
                        + ")"));
        out.println(
            "  oldest:    " + (info.isEmpty() ? "-" : Human.age(oldestAge) + " (" + oldest + ")"));
        out.println(
            "  newest:    " + (info.isEmpty() ? "-" : Human.age(newestAge) + " (" + newest + ")"));
      } else {
        out.println("Pool: " + Human.literal(name));
        out.println("Path: " + Human.literal(info.path().toAbsolutePath().toString()));
        out.println(
            "Size: "
                + info.fileSize()
                + " bytes (index: offset="
                + info.indexOffset()
                + " slots="
                + info.indexCapacity()
                + " bytes="
                + info.indexSizeBytes()
                + ", ring: offset="
                + info.ringOffset()
                + " size="
                + info.ringSize()
                + ")");
        out.println(
            "Bounds: oldest="
                + (info.isEmpty() ? "-" : info.oldestSeq())
                + " newest="
                + (info.isEmpty() ? "-" : info.newestSeq())
                + " count="
                + info.messageCount());
        out.println(
            "Utilization: used="
                + info.usedBytes()
                + "B free="
                + Math.max(0, info.freeBytes())
                + "B ("
                + percent
                + ")");
        out.println("Oldest: " + oldest + " (" + Human.age(oldestAge) + ")");
        out.println("Newest: " + newest + " (" + Human.age(newestAge) + ")");
      }
      out.flush();
      return 0;
    }
  }

  /** {@code pool list}. */
  @Command(name = "list", description = "List pools in the pool directory.")
  public static final class ListPools implements Callable<Integer> {
    @Spec private CommandSpec spec;
    @Mixin private HelpOption help;

    @Option(names = "--json", description = "Emit JSON instead of human-readable output.")
    private boolean json;

    /** Creates the command; picocli instantiates it. */
    public ListPools() {}

    /** One listed pool: its info, or why it could not be read. */
    private record Entry(
        String name, Path path, PoolInfo info, String mtime, PlasmiteException error) {}

    @Override
    public Integer call() {
      PlsCommand pls = PlsCommand.of(spec);
      LocalClient client = client(pls);
      List<Entry> entries = new ArrayList<>();
      for (Path path : client.poolFiles()) {
        String file = path.getFileName().toString();
        String name = file.substring(0, file.length() - PoolRef.EXTENSION.length());
        String mtime = null;
        try {
          mtime =
              Rfc3339.format(
                  Files.getLastModifiedTime(path).toInstant().getEpochSecond() * 1_000_000_000L
                      + Files.getLastModifiedTime(path).toInstant().getNano());
        } catch (NoSuchFileException e) {
          continue;
        } catch (IOException e) {
          mtime = null;
        }
        try {
          entries.add(new Entry(name, path, client.info(PoolRef.path(path)), mtime, null));
        } catch (PlasmiteException e) {
          entries.add(new Entry(name, path, null, mtime, Hints.io(e)));
        }
      }
      if (json) {
        JsonOut.emit(
            pls,
            w -> {
              w.startObject().key("pools").startArray();
              for (Entry e : entries) {
                w.startObject();
                if (e.info() != null) {
                  w.key("bounds");
                  PoolInfoJson.bounds(w, e.info());
                  w.key("file_size").value(e.info().fileSize());
                  w.key("mtime");
                  if (e.mtime() == null) {
                    w.nullValue();
                  } else {
                    w.value(e.mtime());
                  }
                  w.key("name").value(e.name());
                  w.key("path").value(e.path().toAbsolutePath().toString());
                } else {
                  w.key("error");
                  w.startObject().key("error");
                  ErrorJson.write(w, e.error());
                  w.endObject();
                  w.key("name").value(e.name());
                  w.key("path").value(e.path().toAbsolutePath().toString());
                }
                w.endObject();
              }
              w.endArray().endObject();
            });
        return 0;
      }
      PrintStream out = pls.streams().out();
      boolean tty = pls.streams().outIsTerminal();
      Path dir = pls.poolDir();
      if (tty && entries.isEmpty()) {
        out.println("No pools found in " + dir);
        out.println();
        out.println("  Create one: plasmite pool create <name>");
        out.flush();
        return 0;
      }
      boolean errors = entries.stream().anyMatch(e -> e.error() != null);
      boolean compact = tty && !errors;
      List<List<String>> rows = new ArrayList<>();
      long now = Args.nowNs();
      for (Entry e : entries) {
        String path = Human.shortPath(e.path(), dir);
        if (e.error() != null) {
          rows.add(
              List.of(
                  e.name(),
                  "ERR",
                  "-",
                  "-",
                  "-",
                  "-",
                  path,
                  String.valueOf(e.error().getMessage())));
          continue;
        }
        PoolInfo info = e.info();
        if (compact) {
          String modified = "-";
          if (e.mtime() != null) {
            long mt = java.time.Instant.parse(e.mtime()).toEpochMilli();
            modified = Human.age(Math.max(0, now / 1_000_000 - mt));
          }
          rows.add(
              List.of(
                  e.name(),
                  Human.bytes(info.fileSize()),
                  Long.toString(info.messageCount()),
                  modified,
                  path));
        } else {
          rows.add(
              List.of(
                  e.name(),
                  "OK",
                  Long.toString(info.fileSize()),
                  info.isEmpty() ? "-" : Long.toString(info.oldestSeq()),
                  info.isEmpty() ? "-" : Long.toString(info.newestSeq()),
                  e.mtime() == null ? "-" : e.mtime(),
                  path,
                  ""));
        }
      }
      List<String> headers =
          compact
              ? List.of("NAME", "SIZE", "MSGS", "MODIFIED", "PATH")
              : List.of("NAME", "STATUS", "SIZE", "OLDEST", "NEWEST", "MTIME", "PATH", "DETAIL");
      out.println(Human.table(headers, rows));
      out.flush();
      return 0;
    }
  }

  /** {@code pool delete NAME...}. */
  @Command(name = "delete", description = "Delete one or more pool files (cannot be undone).")
  public static final class Delete implements Callable<Integer> {
    @Spec private CommandSpec spec;
    @Mixin private HelpOption help;

    @Parameters(arity = "1..*", paramLabel = "NAME", description = "Pool name(s) or path(s).")
    private List<String> names = new ArrayList<>();

    @Option(names = "--json", description = "Emit JSON instead of human-readable output.")
    private boolean json;

    /** Creates the command; picocli instantiates it. */
    public Delete() {}

    @Override
    public Integer call() {
      PlsCommand pls = PlsCommand.of(spec);
      LocalClient client = client(pls);
      List<String> deleted = new ArrayList<>();
      List<Path> deletedPaths = new ArrayList<>();
      List<String> failed = new ArrayList<>();
      List<PlasmiteException> failures = new ArrayList<>();
      for (String name : names) {
        try {
          PoolRef ref = PoolArgs.localOnly(name, "pool delete");
          Path path = client.resolve(ref);
          try {
            client.delete(ref);
          } catch (PlasmiteException e) {
            if (e.kind() == ErrorKind.NOT_FOUND) {
              throw PlasmiteException.of(ErrorKind.NOT_FOUND, "pool not found")
                  .withPath(path)
                  .withHint("Create the pool first or check --dir.");
            }
            throw e;
          }
          deleted.add(name);
          deletedPaths.add(path);
        } catch (PlasmiteException e) {
          failed.add(name);
          failures.add(e);
        }
      }
      if (json) {
        JsonOut.emit(
            pls,
            w -> {
              w.startObject().key("deleted").startArray();
              for (int i = 0; i < deleted.size(); i++) {
                w.startObject();
                w.key("path").value(deletedPaths.get(i).toAbsolutePath().toString());
                w.key("pool").value(deleted.get(i));
                w.endObject();
              }
              w.endArray().key("failed").startArray();
              for (int i = 0; i < failed.size(); i++) {
                w.startObject().key("error");
                ErrorJson.write(w, failures.get(i));
                w.key("pool").value(failed.get(i));
                w.endObject();
              }
              w.endArray().endObject();
            });
      } else {
        printHuman(pls, deleted, deletedPaths, failed, failures);
      }
      return failures.isEmpty() ? 0 : failures.get(0).kind().exitCode();
    }

    private void printHuman(
        PlsCommand pls,
        List<String> deleted,
        List<Path> deletedPaths,
        List<String> failed,
        List<PlasmiteException> failures) {
      PrintStream out = pls.streams().out();
      Path dir = pls.poolDir();
      if (!pls.streams().outIsTerminal()) {
        List<List<String>> rows = new ArrayList<>();
        int d = 0;
        int f = 0;
        for (String name : names) {
          if (d < deleted.size() && deleted.get(d).equals(name)) {
            rows.add(List.of(name, "OK", Human.shortPath(deletedPaths.get(d), dir), ""));
            d++;
          } else if (f < failed.size()) {
            PlasmiteException e = failures.get(f);
            String path = e.path().map(p -> Human.shortPath(Path.of(p), dir)).orElse("-");
            rows.add(List.of(name, "ERR", path, String.valueOf(e.getMessage())));
            f++;
          }
        }
        out.println(Human.table(List.of("NAME", "STATUS", "PATH", "DETAIL"), rows));
        out.flush();
        return;
      }
      if (names.size() == 1) {
        String name = Human.literal(names.get(0));
        if (!deleted.isEmpty()) {
          out.println("Deleted pool \"" + name + "\".");
        } else if (failures.get(0).kind() == ErrorKind.NOT_FOUND) {
          out.println("Pool \"" + name + "\" not found. Nothing to delete.");
          out.println();
          out.println("  Pool directory: " + dir);
          out.println("  List pools:     pls pool list");
        } else {
          out.println("Failed to delete pool \"" + name + "\".");
          out.println();
          out.println("  Reason:         " + failures.get(0).getMessage());
          out.println("  Pool directory: " + dir);
        }
      } else {
        out.println(
            failed.isEmpty()
                ? "Deleted " + deleted.size() + " pools."
                : "Deleted " + deleted.size() + " of " + names.size() + " pools.");
        out.println();
        for (String name : deleted) {
          out.println("  ✓ " + Human.literal(name));
        }
        for (int i = 0; i < failed.size(); i++) {
          out.println("  ✗ " + Human.literal(failed.get(i)) + " — " + failures.get(i).getMessage());
        }
        out.println();
        out.println("  Pool directory: " + dir);
      }
      out.flush();
    }
  }
}
