package io.plasmite.cli.conformance;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The conformance runner's command line, started by {@code ./pls-conformance}:
 *
 * <pre>
 * pls-conformance [--workdir-root DIR] MANIFEST...
 * </pre>
 *
 * <p>Runs every manifest and prints one line for each, {@code PASS name (N steps)} or {@code FAIL
 * name: step i (id): reason}. Exit status: 0 when all pass, 1 when any fails, 2 for a usage error.
 * {@code --workdir-root DIR} puts each manifest's work directory under {@code DIR} instead of next
 * to the manifest (for manifests in read-only places). {@code spawn_poke} runs the CLI named by
 * {@code $PLASMITE_BIN}, else this project's own.
 */
public final class ConformanceMain {
  private static final String USAGE = "usage: pls-conformance [--workdir-root DIR] MANIFEST...";

  private ConformanceMain() {}

  /**
   * Runs the manifests and exits with the status.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err, System.getenv()));
  }

  /**
   * Runs the manifests without exiting.
   *
   * @param args the command line
   * @param out where the result lines go
   * @param err where usage errors go
   * @param env the environment ({@code PLASMITE_BIN})
   * @return 0 when every manifest passed, 1 when one failed, 2 for a usage error
   */
  public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
    Path workdirRoot = null;
    List<Path> manifests = new ArrayList<>();
    boolean options = true;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (options && arg.equals("--")) {
        options = false;
      } else if (options && (arg.equals("-h") || arg.equals("--help"))) {
        out.println(USAGE);
        out.println();
        out.println("Runs conformance manifests (shared/spec/conformance.md); one line each,");
        out.println("PASS name (N steps) or FAIL name: step i (id): reason.");
        out.println("  --workdir-root DIR  make work directories under DIR, not next to manifests");
        out.println("Environment: PLASMITE_BIN, the CLI spawn_poke runs (default: this one).");
        out.println("Exit status: 0 all passed, 1 some failed, 2 usage error.");
        return 0;
      } else if (options && arg.equals("--workdir-root")) {
        if (i + 1 >= args.length) {
          err.println("pls-conformance: --workdir-root needs a directory");
          err.println(USAGE);
          return 2;
        }
        workdirRoot = Path.of(args[++i]);
      } else if (options && arg.startsWith("--workdir-root=")) {
        workdirRoot = Path.of(arg.substring("--workdir-root=".length()));
      } else if (options && arg.startsWith("-") && arg.length() > 1) {
        err.println("pls-conformance: unknown option " + arg);
        err.println(USAGE);
        return 2;
      } else {
        manifests.add(Path.of(arg));
      }
    }
    if (manifests.isEmpty()) {
      err.println("pls-conformance: no manifest given");
      err.println(USAGE);
      return 2;
    }
    ConformanceRunner runner =
        new ConformanceRunner(workdirRoot, ConformanceRunner.defaultFeedCommand(env));
    boolean allPassed = true;
    for (Path manifest : manifests) {
      ManifestResult result = runner.run(manifest);
      out.println(result.line());
      out.flush();
      allPassed &= result.passed();
    }
    return allPassed ? 0 : 1;
  }
}
