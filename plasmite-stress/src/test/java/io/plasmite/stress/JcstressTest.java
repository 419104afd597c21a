package io.plasmite.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jcstress.JCStress;
import org.openjdk.jcstress.Options;

/**
 * Runs every jcstress test of this module. jcstress forks its own test JVMs and throws if any test
 * saw a forbidden outcome or failed to run.
 *
 * <p>The normal suite runs jcstress's sanity mode in one JVM configuration (C2 only, where
 * reorderings are most likely, both actors compiled alike). The long form ({@code stress/run
 * jcstress}) passes other jcstress options in {@code plasmite.jcstress.args}, such as {@code -m
 * default}, which runs every JVM configuration jcstress knows. The report goes to {@code
 * target/jcstress}.
 */
class JcstressTest {
  private static final String SANITY = "-m sanity -jvmArgs -XX:-TieredCompilation -sc false";

  @Test
  void noForbiddenOutcome() throws Exception {
    List<String> args = new ArrayList<>();
    for (String a : System.getProperty("plasmite.jcstress.args", SANITY).trim().split("\\s+")) {
      args.add(a);
    }
    // The pools are locked with flock through java.lang.foreign.
    args.addAll(List.of("-jvmArgsPrepend", "--enable-native-access=ALL-UNNAMED"));
    // Relative to the working directory, target/ (see the pom).
    args.addAll(List.of("-r", "jcstress"));
    Options options = new Options(args.toArray(new String[0]));
    assertTrue(options.parse(), "jcstress options " + args);
    JCStress jcstress = new JCStress(options);
    assertEquals(
        List.of(
            "io.plasmite.stress.GetNewestWhileAppending",
            "io.plasmite.stress.GetOldestWhileAppending",
            "io.plasmite.stress.GetOldestWhileAppendingWithoutIndex",
            "io.plasmite.stress.PollNextWhileAppending",
            "io.plasmite.stress.PollOldestWhileAppending"),
        List.copyOf(jcstress.getTests()));
    jcstress.run();
  }
}
