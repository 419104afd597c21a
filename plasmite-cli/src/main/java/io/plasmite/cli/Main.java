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
    System.exit(run(args, Streams.system()));
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
      var cli = PlsCommand.newCommandLine(streams);
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
