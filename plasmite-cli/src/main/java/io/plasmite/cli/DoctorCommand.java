package io.plasmite.cli;

import io.plasmite.ErrorKind;
import io.plasmite.LocalClient;
import io.plasmite.PlasmiteException;
import io.plasmite.PoolInfo;
import io.plasmite.PoolRef;
import io.plasmite.ValidationReport;
import io.plasmite.json.CanonicalJsonWriter;
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
 * io.plasmite.Pool#validate()}, which never modifies a file) and exits 7 when any is corrupt.
 *
 * <p>{@code --json} prints {@code {"reports":[{"issue_count":…,"issues":[…],"last_good_seq":…,
 * "path":…,"pool_ref":…,"remediation_hints":[…],"snapshot_path":null,"status":"ok"|"corrupt"}]}}.
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
      "",
      "Exits 7 when corruption is detected."
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
    w.startObject();
    w.key("issue_count").value(r.issues().size());
    w.key("issues").startArray();
    for (ValidationReport.Issue issue : r.issues()) {
      w.startObject();
      w.key("code").value(issue.code());
      w.key("message").value(issue.message());
      w.key("offset");
      if (issue.offset() >= 0) {
        w.value(issue.offset());
      } else {
        w.nullValue();
      }
      w.key("seq");
      if (issue.seq() >= 0) {
        w.value(issue.seq());
      } else {
        w.nullValue();
      }
      w.endObject();
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
      w.value(
          "Copy out what is still readable (plasmite follow POOL --tail N), then recreate the pool.");
    }
    w.endArray();
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
