package io.plasmite.cli;

import io.plasmite.ErrorKind;
import io.plasmite.LocalClient;
import io.plasmite.Message;
import io.plasmite.PlasmiteException;
import io.plasmite.Pool;
import io.plasmite.json.CanonicalJsonWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pls fetch POOL SEQ}: prints one message envelope, pretty (coloured per {@code --color}) on
 * a terminal, one compact JSON line otherwise.
 */
@Command(
    name = "fetch",
    description = "Fetch one message by sequence number.",
    footer = {"", "Examples:", "  plasmite fetch foo 1", "  plasmite fetch foo 42 | jq '.data'"})
public final class FetchCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;
  @Mixin private HelpOption help;

  @Parameters(index = "0", paramLabel = "POOL", description = "Pool name or path.")
  private String pool;

  @Parameters(index = "1", paramLabel = "SEQ", description = "Sequence number.")
  private String seq;

  @Option(names = "--json", description = "Print compact JSON even on a terminal.")
  private boolean json;

  /** Creates the command; picocli instantiates it. */
  public FetchCommand() {}

  @Override
  public Integer call() {
    return fetch(PlsCommand.of(spec), pool, seq, json);
  }

  /**
   * Prints one message (also the start-up fast path of {@link FastPath}).
   *
   * @param pls the run
   * @param pool the pool argument
   * @param seq the seq argument
   * @param json compact JSON even on a terminal
   * @return 0
   */
  static int fetch(PlsCommand pls, String pool, String seq, boolean json) {
    long n;
    try {
      n = Long.parseUnsignedLong(seq);
    } catch (NumberFormatException e) {
      throw PlasmiteException.of(ErrorKind.USAGE, "invalid value '" + seq + "' for '<SEQ>'")
          .withHint("Try `plasmite fetch --help`.");
    }
    Message message;
    try (Pool p = openPool(pls, pool)) {
      try {
        message = p.getMessage(n);
        message.tags();
      } catch (PlasmiteException e) {
        if (e.kind() == ErrorKind.NOT_FOUND && e.hint().isEmpty()) {
          throw e.withHint(
              "Check available messages: plasmite pool info "
                  + pool
                  + " (or plasmite follow "
                  + pool
                  + " --tail 10).");
        }
        throw e;
      }
    }
    Streams streams = pls.streams();
    boolean pretty = streams.outIsTerminal() && !json;
    CanonicalJsonWriter out = new CanonicalJsonWriter(pretty);
    message.writeJson(out);
    JsonOut.print(streams.out(), out, pretty && pls.color().useColor(true));
    return 0;
  }

  private static Pool openPool(PlsCommand pls, String pool) {
    try {
      return new LocalClient()
          .withPoolDir(pls.poolDir())
          .openReadOnly(PoolArgs.localOnly(pool, "fetch"));
    } catch (PlasmiteException e) {
      throw Hints.missingPool(e, pool);
    }
  }
}
