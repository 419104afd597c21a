package io.plasmite.cli;

import java.io.IOException;
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
   * @throws IOException if the JSON writer fails
   */
  @Override
  public Integer call() throws IOException {
    Streams streams = PlsCommand.of(spec).streams();
    String version = BuildVersion.current();
    if (streams.outIsTerminal()) {
      streams.out().println("plasmite " + version);
      streams.out().flush();
    } else {
      JsonLines.print(
          streams.out(),
          json -> {
            json.writeStartObject();
            json.writeStringField("name", "plasmite");
            json.writeStringField("version", version);
            json.writeEndObject();
          });
    }
    return 0;
  }
}
