package io.plasmite.cli;

import io.plasmite.LocalClient;
import io.plasmite.server.AccessMode;
import io.plasmite.server.McpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code pls mcp}: a Model Context Protocol server over stdio for the pool directory — one JSON-RPC
 * message per line on stdin, one answer per line on stdout, until stdin ends.
 */
@Command(
    name = "mcp",
    description = "Serve the pool directory to an MCP client over stdio.",
    footer = {
      "",
      "Tools: plasmite_pool_list/create/info/delete, plasmite_feed, plasmite_fetch,",
      "plasmite_read, plasmite_wait. Resources: plasmite:///pools/NAME."
    })
public final class McpCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;
  @Mixin private HelpOption help;

  /** Creates the command; picocli instantiates it. */
  public McpCommand() {}

  @Override
  public Integer call() throws IOException {
    PlsCommand pls = PlsCommand.of(spec);
    McpServer mcp =
        new McpServer(new LocalClient().withPoolDir(pls.poolDir()), AccessMode.READ_WRITE);
    PrintStream out = pls.streams().out();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(pls.streams().in(), StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.isBlank()) {
        continue;
      }
      String reply = mcp.handle(line);
      if (reply != null) {
        byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
        out.write(bytes, 0, bytes.length);
        out.write('\n');
        out.flush();
      }
    }
    return 0;
  }
}
