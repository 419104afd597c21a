package io.plasmite.testing;

/**
 * A reader process for overwrite races: runs one {@link RaceReader} and prints {@code counts
 * <Counts.line()>}, preceded by {@code bad <first failure>} if any message failed its check.
 *
 * <p>Arguments ({@code key=value}): {@code pool} path; {@code mode} {@code tail} or {@code get};
 * {@code seed} and {@code w} of the single writer; {@code reads} to check; {@code seconds} hang
 * guard; {@code random} seed of the seqs picked.
 */
public final class RaceReaderChild {
  private RaceReaderChild() {}

  /**
   * Runs the reader.
   *
   * @param args see the class comment
   */
  public static void main(String[] args) {
    ChildArgs a = new ChildArgs(args);
    RaceReader.Mode mode =
        a.get("mode").equals("tail") ? RaceReader.Mode.TAIL : RaceReader.Mode.GET;
    long deadline = System.nanoTime() + a.getLong("seconds", 600) * 1_000_000_000L;
    RaceReader reader =
        new RaceReader(
            java.nio.file.Path.of(a.get("pool")),
            mode,
            a.getLong("seed", 1),
            (int) a.getLong("w", 1),
            a.getLong("random", 1),
            deadline);
    RaceReader.Counts c = reader.run(a.getLong("reads", 1_000_000));
    if (c.firstBad != null) {
      System.out.println("bad " + c.firstBad);
    }
    System.out.println("counts " + c.line());
    System.out.flush();
  }
}
