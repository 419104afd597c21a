package io.plasmite.cli;

import io.plasmite.ErrorKind;
import io.plasmite.LocalClient;
import io.plasmite.PlasmiteException;
import io.plasmite.PoolInfo;
import io.plasmite.PoolRef;
import io.plasmite.RepairReport;
import io.plasmite.ValidationReport;
import io.plasmite.json.CanonicalJsonWriter;
import io.plasmite.json.ErrorJson;
import java.io.PrintStream;
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

/**
 * {@code pls doctor POOL} / {@code pls doctor --all}: validates pools ({@link
 * LocalClient#validate}, which never modifies a file) and exits 7 when any is corrupt.
 *
 * <p>{@code --json} prints {@code {"reports":[{"issue_count":…,"issues":[…],"last_good_seq":…,
 * "path":…,"pool_ref":…,"remediation_hints":[…],"snapshot_path":null,"status":"ok"|"corrupt"}]}}.
 *
 * <p>{@code --repair} mends what a crash can leave ({@link LocalClient#repair}) and reports each
 * pool with a {@code "repair"} object: {@code {"backup_path":…|null,"changes":[{"code","message",
 * "offset","seq"}],"found":[issues before],"status":"repaired"|"unchanged"|"refused"}} (and {@code
 * "error"} when refused), the other fields describing the pool afterwards. It prints JSON when
 * stdout is not a terminal (or with {@code --json}) and text on a terminal. A single pool whose
 * damage cannot be mended without guessing is an error (Corrupt, exit 7); with {@code --all}, each
 * refusal is reported in its pool's entry and the exit status is 7.
 */
@Command(
    name = "doctor",
    description = "Validate one pool (or all pools) and report their health.",
    customSynopsis = "plasmite doctor [OPTIONS] <POOL|--all>",
    footer = {
      "",
      "Examples:",
      "  plasmite doctor foo",
      "  plasmite doctor --all --json",
      "  plasmite doctor foo --repair",
      "",
      "Exits 7 when corruption is detected (with --repair: when any is left)."
    })
public final class DoctorCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;
  @Mixin private HelpOption help;

  @Parameters(arity = "0..1", paramLabel = "POOL", description = "Pool name or path.")
  private String pool;

  @Option(names = "--all", description = "Validate all pools in the pool directory.")
  private boolean all;

  @Option(names = "--json", description = "Emit JSON instead of human-readable output.")
  private boolean json;

  @Option(
      names = "--repair",
      description =
          "Mend what a crash can leave (header pointers, a torn last message, index slots) under"
              + " the writer lock, after copying the pool to POOL.plasmite.bak-<time> beside it;"
              + " refuse anything else, changing nothing. JSON when piped.")
  private boolean repair;

  /** Creates the command; picocli instantiates it. */
  public DoctorCommand() {}

  /** One pool's outcome. */
  private record Report(
      String label, Path path, boolean ok, List<ValidationReport.Issue> issues, PoolInfo info) {}

  @Override
  public Integer call() {
    if (all && pool != null) {
      throw PlasmiteException.of(ErrorKind.USAGE, "--all cannot be combined with a pool name")
          .withHint("Use --all by itself, or provide a single pool.");
    }
    if (!all && pool == null) {
      throw PlasmiteException.of(ErrorKind.USAGE, "doctor requires a pool name or --all")
          .withHint("Use `plasmite doctor <pool>` or `plasmite doctor --all`.");
    }
    PlsCommand pls = PlsCommand.of(spec);
    LocalClient client = new LocalClient().withPoolDir(pls.poolDir());
    if (repair) {
      return repair(pls, client);
    }
    List<Report> reports = new ArrayList<>();
    if (pool != null) {
      PoolRef ref = PoolArgs.localOnly(pool, "doctor");
      reports.add(check(client, ref, pool, client.resolve(ref)));
    } else {
      for (Path path : client.poolFiles()) {
        reports.add(check(client, PoolRef.path(path), path.toString(), path));
      }
    }
    if (json) {
      JsonOut.emit(
          pls,
          w -> {
            w.startObject().key("reports").startArray();
            for (Report r : reports) {
              writeReport(w, r);
            }
            w.endArray().endObject();
          });
    } else {
      printHuman(pls, reports);
    }
    return reports.stream().allMatch(Report::ok) ? 0 : ErrorKind.CORRUPT.exitCode();
  }

  /** One pool's repair: its report, or the refusal. */
  private record Repaired(
      String label, Path path, RepairReport report, PlasmiteException refusal, PoolInfo info) {
    boolean ok() {
      return refusal == null && report.after().ok();
    }

    String status() {
      return refusal != null ? "refused" : report.repaired() ? "repaired" : "unchanged";
    }

    Report after() {
      List<ValidationReport.Issue> issues =
          refusal != null
              ? List.of(
                  new ValidationReport.Issue(
                      "corrupt",
                      String.valueOf(refusal.getMessage()),
                      refusal.seq().orElse(-1),
                      refusal.offset().orElse(-1)))
              : report.after().issues();
      return new Report(label, path, ok(), issues, info);
    }
  }

  private int repair(PlsCommand pls, LocalClient client) {
    List<Repaired> results = new ArrayList<>();
    if (pool != null) {
      PoolRef ref = PoolArgs.localOnly(pool, "doctor");
      try {
        results.add(repairOne(client, ref, pool, client.resolve(ref), false));
      } catch (PlasmiteException e) {
        throw Hints.missingPool(e, pool);
      }
    } else {
      for (Path path : client.poolFiles()) {
        results.add(repairOne(client, PoolRef.path(path), path.toString(), path, true));
      }
    }
    if (json || !pls.streams().outIsTerminal()) {
      JsonOut.emit(
          pls,
          w -> {
            w.startObject().key("reports").startArray();
            for (Repaired r : results) {
              writeReport(w, r.after(), r);
            }
            w.endArray().endObject();
          });
    } else {
      printRepairHuman(pls, results);
    }
    return results.stream().allMatch(Repaired::ok) ? 0 : ErrorKind.CORRUPT.exitCode();
  }

  private static Repaired repairOne(
      LocalClient client, PoolRef ref, String label, Path path, boolean keepRefusal) {
    try {
      RepairReport report = client.repair(ref);
      PoolInfo info = null;
      try {
        info = client.info(ref);
      } catch (PlasmiteException e) {
        // Only for the counts of the summary.
      }
      return new Repaired(label, path, report, null, info);
    } catch (PlasmiteException e) {
      if (!keepRefusal || e.kind() != ErrorKind.CORRUPT) {
        throw e;
      }
      return new Repaired(label, path, null, e, null);
    }
  }

  private static Report check(LocalClient client, PoolRef ref, String label, Path path) {
    try {
      ValidationReport report = client.validate(ref);
      PoolInfo info = null;
      try {
        info = client.info(ref);
      } catch (PlasmiteException e) {
        // The counts are only for the summary; a pool that validates but cannot be read for info
        // is reported without them.
      }
      return new Report(label, path, report.ok(), report.issues(), info);
    } catch (PlasmiteException e) {
      if (e.kind() != ErrorKind.CORRUPT) {
        throw Hints.missingPool(e, label);
      }
      return new Report(
          label,
          path,
          false,
          List.of(
              new ValidationReport.Issue(
                  "corrupt",
                  String.valueOf(e.getMessage()),
                  e.seq().orElse(-1),
                  e.offset().orElse(-1))),
          null);
    }
  }

  private static long lastGoodSeq(Report r) {
    if (r.info() == null || r.info().isEmpty()) {
      return -1;
    }
    if (r.ok()) {
      return r.info().newestSeq();
    }
    long first = Long.MAX_VALUE;
    for (ValidationReport.Issue issue : r.issues()) {
      if (issue.seq() > 0) {
        first = Math.min(first, issue.seq());
      }
    }
    return first == Long.MAX_VALUE || first <= r.info().oldestSeq() ? -1 : first - 1;
  }

  private static void writeReport(CanonicalJsonWriter w, Report r) {
    writeReport(w, r, null);
  }

  private static void writeIssue(
      CanonicalJsonWriter w, String code, String message, long seq, long offset) {
    w.startObject();
    w.key("code").value(code);
    w.key("message").value(message);
    w.key("offset");
    if (offset >= 0) {
      w.value(offset);
    } else {
      w.nullValue();
    }
    w.key("seq");
    if (seq >= 0) {
      w.value(seq);
    } else {
      w.nullValue();
    }
    w.endObject();
  }

  private static void writeRepair(CanonicalJsonWriter w, Repaired r) {
    w.startObject();
    w.key("backup_path");
    if (r.report() != null && r.report().backupPath() != null) {
      w.value(r.report().backupPath().toString());
    } else {
      w.nullValue();
    }
    w.key("changes").startArray();
    if (r.report() != null) {
      for (RepairReport.Change c : r.report().changes()) {
        writeIssue(w, c.code(), c.message(), c.seq(), c.offset());
      }
    }
    w.endArray();
    if (r.refusal() != null) {
      w.key("error");
      ErrorJson.write(w, r.refusal());
    }
    w.key("found").startArray();
    if (r.report() != null) {
      for (ValidationReport.Issue issue : r.report().found()) {
        writeIssue(w, issue.code(), issue.message(), issue.seq(), issue.offset());
      }
    }
    w.endArray();
    w.key("status").value(r.status());
    w.endObject();
  }

  private static void writeReport(CanonicalJsonWriter w, Report r, Repaired repaired) {
    w.startObject();
    w.key("issue_count").value(r.issues().size());
    w.key("issues").startArray();
    for (ValidationReport.Issue issue : r.issues()) {
      writeIssue(w, issue.code(), issue.message(), issue.seq(), issue.offset());
    }
    w.endArray();
    long lastGood = lastGoodSeq(r);
    w.key("last_good_seq");
    if (lastGood >= 0) {
      w.value(lastGood);
    } else {
      w.nullValue();
    }
    w.key("path").value(r.path().toAbsolutePath().toString());
    w.key("pool_ref").value(r.label());
    w.key("remediation_hints").startArray();
    if (!r.ok()) {
      if (repaired == null) {
        w.value(
            "Run `plasmite doctor POOL --repair` to mend what a crash can leave (a backup is"
                + " kept beside the pool).");
      }
      w.value(
          "Copy out what is still readable (plasmite follow POOL --tail N), then recreate the pool.");
    }
    w.endArray();
    if (repaired != null) {
      w.key("repair");
      writeRepair(w, repaired);
    }
    w.key("snapshot_path").nullValue();
    w.key("status").value(r.ok() ? "ok" : "corrupt");
    w.endObject();
  }

  private void printHuman(PlsCommand pls, List<Report> reports) {
    PrintStream out = pls.streams().out();
    boolean tty = pls.streams().outIsTerminal();
    if (all && reports.isEmpty()) {
      out.println("No pools found.");
    } else if (!tty) {
      for (Report r : reports) {
        if (r.ok()) {
          out.println("OK: " + Human.literal(r.label()));
        } else {
          long lastGood = lastGoodSeq(r);
          out.println(
              "CORRUPT: "
                  + Human.literal(r.label())
                  + (lastGood >= 0 ? " last_good_seq=" + lastGood : "")
                  + (r.issues().isEmpty() ? "" : " issue=" + r.issues().get(0).message()));
        }
      }
    } else if (!all) {
      Report r = reports.get(0);
      String label = displayLabel(r);
      out.println(label + (r.ok() ? ": healthy" : ": corrupt"));
      out.println("  messages:  " + messages(r));
      out.println("  checked:   header, index, ring — " + r.issues().size() + " issues");
      if (!r.ok()) {
        out.println(
            "  detail:    "
                + (r.issues().isEmpty() ? "corruption detected" : r.issues().get(0).message()));
      }
    } else {
      long corrupt = reports.stream().filter(r -> !r.ok()).count();
      int width = reports.stream().mapToInt(r -> displayLabel(r).length()).max().orElse(0);
      int countWidth = reports.stream().mapToInt(r -> countLabel(r).length()).max().orElse(0);
      out.println(
          corrupt == 0
              ? "All " + reports.size() + " pools healthy."
              : corrupt + " of " + reports.size() + " pools unhealthy.");
      out.println();
      for (Report r : reports) {
        String label = displayLabel(r);
        String row =
            String.format("%-" + width + "s   %-" + countWidth + "s   ", label, countLabel(r));
        if (r.ok()) {
          out.println((corrupt == 0 ? "  " : "  ✓ ") + row + "0 issues");
        } else {
          out.println(
              "  ✗ "
                  + row
                  + r.issues().size()
                  + " issues (run `pls doctor "
                  + label
                  + "` for detail)");
        }
      }
    }
    out.flush();
  }

  private void printRepairHuman(PlsCommand pls, List<Repaired> results) {
    PrintStream out = pls.streams().out();
    if (all && results.isEmpty()) {
      out.println("No pools found.");
    }
    for (Repaired r : results) {
      String label = displayLabel(r.after());
      if (r.refusal() != null) {
        out.println(label + ": not repaired");
        out.println("  reason:    " + r.refusal().getMessage());
        out.println("  the file was not modified");
        continue;
      }
      RepairReport report = r.report();
      if (!report.repaired()) {
        out.println(label + ": healthy, nothing to repair");
        out.println("  messages:  " + messages(r.after()));
        continue;
      }
      out.println(label + ": repaired");
      List<ValidationReport.Issue> found = report.found();
      out.println(
          "  found:     "
              + found.get(0).message()
              + (found.size() > 1 ? " (and " + (found.size() - 1) + " more)" : ""));
      String prefix = "  changed:   ";
      for (RepairReport.Change c : report.changes()) {
        out.println(prefix + c.message());
        prefix = "             ";
      }
      out.println("  backup:    " + Human.literal(report.backupPath().toString()));
      out.println(
          "  now:       "
              + (report.after().ok() ? "healthy" : "still corrupt")
              + ", messages "
              + messages(r.after()));
    }
    out.flush();
  }

  private static String displayLabel(Report r) {
    if (!r.label().contains("/")) {
      return Human.literal(r.label());
    }
    String file = r.path().getFileName().toString();
    return Human.literal(
        file.endsWith(PoolRef.EXTENSION)
            ? file.substring(0, file.length() - PoolRef.EXTENSION.length())
            : file);
  }

  private static String messages(Report r) {
    if (r.info() == null) {
      return "visible count unavailable";
    }
    if (r.info().isEmpty()) {
      return "empty";
    }
    return r.info().messageCount()
        + " (seq "
        + r.info().oldestSeq()
        + ".."
        + r.info().newestSeq()
        + ")";
  }

  private static String countLabel(Report r) {
    return r.info() == null ? "messages unknown" : r.info().messageCount() + " messages";
  }
}
