package io.plasmite.cli;

/**
 * The entry point of the {@code pls} (a.k.a. {@code plasmite}) program.
 *
 * <p>Exit statuses follow {@code json.md} §3: 0 on success, the error kind's status (Usage 2,
 * NotFound 3, ...) on failure, 1 for unexpected failures.
 */
public final class Main {
  private Main() {}

  /**
   * Runs the program and exits with its status.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    Streams streams = Streams.system();
    int status = run(args, streams);
    streams.out().flush();
    streams.err().flush();
    // Runtime.exit initialises the JDK's logging (it may log the exit), about 20 ms of a short run;
    // with the output flushed and no shutdown hook of ours left registered, halting is the same.
    // (-Dpls.exit=normal keeps the normal exit, for tools that act at shutdown such as JFR.)
    if ("normal".equals(System.getProperty("pls.exit"))) {
      System.exit(status);
    }
    Runtime.getRuntime().halt(status);
  }

  /**
   * Runs the program without exiting, for embedding and tests.
   *
   * @param args the command line
   * @param streams where to print
   * @return the exit status
   */
  public static int run(String[] args, Streams streams) {
    try {
      int fast = FastPath.tryRun(args, streams);
      if (fast >= 0) {
        streams.out().flush();
        streams.err().flush();
        return fast;
      }
      var cli = PlsCommand.newCommandLine(streams, args);
      int status = cli.execute(args);
      cli.getOut().flush();
      cli.getErr().flush();
      return status;
    } catch (RuntimeException e) {
      // Parser set-up and picocli's own defects land here; verbs' failures are handled inside.
      return new ErrorPrinter(streams.err(), streams.errIsTerminal())
          .print(ErrorPrinter.asPlasmiteException(e));
    }
  }
}
