package io.plasmite.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code pls version}: {@code plasmite X.Y.Z} on a terminal, {@code
 * {"name":"plasmite","version":"X.Y.Z"}} otherwise.
 */
@Command(name = "version", description = "Print the plasmite version.")
public final class VersionCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;
  @Mixin private HelpOption help;

  /** Creates the command; picocli instantiates it. */
  public VersionCommand() {}

  /**
   * Prints the version.
   *
   * @return 0
   */
  @Override
  public Integer call() {
    return print(PlsCommand.of(spec).streams());
  }

  /**
   * Prints the version the adaptive way.
   *
   * @param streams where to print
   * @return 0
   */
  static int print(Streams streams) {
    String version = BuildInfo.version();
    if (streams.outIsTerminal()) {
      streams.out().println("plasmite " + version);
      streams.out().flush();
    } else {
      io.plasmite.json.CanonicalJsonWriter json = new io.plasmite.json.CanonicalJsonWriter(false);
      json.startObject().key("name").value("plasmite").key("version").value(version).endObject();
      JsonOut.print(streams.out(), json, false);
    }
    return 0;
  }
}
