package io.plasmite.server;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import java.nio.charset.StandardCharsets;

/**
 * {@code POST /mcp}: MCP's HTTP transport with one JSON-RPC message per request; the answer is
 * {@code application/json}, or 202 without a body for a notification.
 */
final class McpEndpoint {
  private final McpServer mcp;

  McpEndpoint(McpServer mcp) {
    this.mcp = mcp;
  }

  void handle(Exchange x) {
    String reply = mcp.handle(new String(x.body(), StandardCharsets.UTF_8));
    if (reply == null) {
      x.response.status(Status.ACCEPTED_202);
      x.response.send();
      return;
    }
    x.response.status(Status.OK_200);
    x.response.header(HeaderNames.CONTENT_TYPE, Exchange.JSON);
    x.response.send(reply.getBytes(StandardCharsets.UTF_8));
  }
}
