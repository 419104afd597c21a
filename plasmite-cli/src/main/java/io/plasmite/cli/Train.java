package io.plasmite.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The training run for the JVM's ahead-of-time cache (JEP 483/514): runs the common verbs in one
 * process against a scratch pool directory, output discarded, so that the classes (and method
 * profiles) a typical {@code pls} run needs are recorded. The {@code ./pls} launcher runs it with
 * {@code -XX:AOTCacheOutput=…} after each build; later runs start with {@code -XX:AOTCache=…}.
 *
 * <p>It deliberately does not use {@code --where}: jackson-jq stays out of the cache and is loaded
 * only by runs that need it.
 */
public final class Train {
  private Train() {}

  /**
   * Runs the training workload.
   *
   * @param args ignored
   * @throws IOException if the scratch directory cannot be made or removed
   */
  public static void main(String[] args) throws IOException {
    // The terminal checks of every real run (their classes belong in the cache too).
    Streams.system();
    Path dir = Files.createTempDirectory("pls-train");
    try {
      String d = dir.toString();
      for (int round = 0; round < 3; round++) {
        run("", "version");
        run("", "--dir", d, "pool", "create", "t" + round, "--size", "256K");
        run("", "--dir", d, "pool", "create", "--json", "j" + round);
        run(
            "",
            "--dir",
            d,
            "feed",
            "t" + round,
            "{\"a\":1,\"b\":[true,null,1.5,\"x\"]}",
            "--tag",
            "x");
        run(
            "{\"n\":1}\n{\"n\":2,\"s\":\"é\"}\n{\n  \"n\": 3\n}\n",
            "--dir",
            d,
            "feed",
            "t" + round);
        run("", "--dir", d, "fetch", "t" + round, "1");
        run("", "--dir", d, "fetch", "t" + round, "99");
        run("", "--dir", d, "pool", "info", "t" + round);
        run("", "--dir", d, "pool", "info", "--json", "t" + round);
        run("", "--dir", d, "pool", "list");
        run("", "--dir", d, "pool", "list", "--json");
        run("", "--dir", d, "follow", "t" + round, "--tail", "2", "--timeout", "1ms");
        run("", "--dir", d, "follow", "t" + round, "--tail", "1", "--one", "--tag", "x");
        run("", "--dir", d, "doctor", "t" + round, "--json");
        run("", "--dir", d, "fetch", "missing", "1");
        run("", "frobnicate");
        run("", "--dir", d, "pool", "delete", "j" + round);
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static void run(String stdin, String... args) {
    PrintStream nowhere =
        new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    Streams streams =
        new Streams(
            nowhere,
            nowhere,
            false,
            false,
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            stdin.isEmpty());
    Main.run(List.of(args).toArray(String[]::new), streams);
  }
}
