package io.plasmite.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A scripted MCP session over {@code POST /mcp}. */
class McpHttpTest {
  @TempDir Path dir;
  ServerFixture s;
  int id;

  @BeforeEach
  void start() {
    s = new ServerFixture(dir, b -> b.token("t0k", false));
  }

  @AfterEach
  void stop() {
    s.close();
  }

  private ServerFixture.Reply rpc(String body) {
    return s.send(
        s.request("/mcp")
            .header("Authorization", "Bearer t0k")
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  private JsonNode call(String method, String params) {
    ServerFixture.Reply r =
        rpc(
            "{\"jsonrpc\":\"2.0\",\"id\":"
                + (++id)
                + ",\"method\":\""
                + method
                + "\""
                + (params == null ? "" : ",\"params\":" + params)
                + "}");
    assertEquals(200, r.status(), r.body());
    JsonNode reply = r.json();
    assertEquals("2.0", reply.path("jsonrpc").asText());
    assertEquals(id, reply.path("id").asInt());
    return reply;
  }

  private JsonNode tool(String name, String args) {
    JsonNode result =
        call("tools/call", "{\"name\":\"" + name + "\",\"arguments\":" + args + "}").path("result");
    assertFalse(result.path("isError").asBoolean(), result.toString());
    JsonNode structured = result.path("structuredContent");
    assertEquals(structured.toString(), result.path("content").get(0).path("text").asText());
    return structured;
  }

  @Test
  void aSession() {
    JsonNode init =
        call(
            "initialize",
            "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}");
    assertEquals("2025-06-18", init.path("result").path("protocolVersion").asText());
    assertEquals("plasmite", init.path("result").path("serverInfo").path("name").asText());
    assertTrue(init.path("result").path("capabilities").has("tools"));

    ServerFixture.Reply notified =
        rpc("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    assertEquals(202, notified.status());
    assertEquals("", notified.body());
    assertEquals("{}", call("ping", null).path("result").toString());

    List<String> names = new ArrayList<>();
    call("tools/list", null)
        .path("result")
        .path("tools")
        .forEach(t -> names.add(t.path("name").asText()));
    assertEquals(
        List.of(
            "plasmite_pool_list",
            "plasmite_pool_create",
            "plasmite_pool_info",
            "plasmite_pool_delete",
            "plasmite_feed",
            "plasmite_fetch",
            "plasmite_read",
            "plasmite_wait"),
        names);

    assertEquals(
        "chat",
        tool("plasmite_pool_create", "{\"name\":\"chat\"}").path("pool").path("name").asText());
    for (int i = 1; i <= 5; i++) {
      JsonNode fed =
          tool(
              "plasmite_feed",
              "{\"pool\":\"chat\",\"data\":{\"n\":"
                  + i
                  + "},\"tags\":[\""
                  + (i % 2 == 0 ? "even" : "odd")
                  + "\"]}");
      assertEquals(i, fed.path("message").path("seq").asLong());
    }
    assertEquals(
        1,
        tool("plasmite_feed", "{\"pool\":\"new\",\"create\":true,\"data\":{}}")
            .path("message")
            .path("seq")
            .asLong());
    assertEquals(2, tool("plasmite_pool_list", "{}").path("pools").size());
    assertEquals(
        5,
        tool("plasmite_pool_info", "{\"pool\":\"chat\"}")
            .path("pool")
            .path("bounds")
            .path("newest")
            .asLong());
    assertEquals(
        3,
        tool("plasmite_fetch", "{\"pool\":\"chat\",\"seq\":3}")
            .path("message")
            .path("data")
            .path("n")
            .asLong());

    JsonNode last2 = tool("plasmite_read", "{\"pool\":\"chat\",\"count\":2}");
    assertEquals(List.of(4L, 5L), seqs(last2));
    assertEquals(5, last2.path("next_after_seq").asLong());
    JsonNode page = tool("plasmite_read", "{\"pool\":\"chat\",\"after_seq\":1,\"count\":2}");
    assertEquals(List.of(2L, 3L), seqs(page));
    JsonNode odd = tool("plasmite_read", "{\"pool\":\"chat\",\"tags\":[\"odd\"]}");
    assertEquals(List.of(1L, 3L, 5L), seqs(odd));
    assertEquals(5, seqs(tool("plasmite_read", "{\"pool\":\"chat\",\"since\":\"1h\"}")).size());

    JsonNode waited =
        tool("plasmite_wait", "{\"pool\":\"chat\",\"after_seq\":3,\"timeout_ms\":5000}");
    assertEquals(List.of(4L, 5L), seqs(waited));
    JsonNode idle = tool("plasmite_wait", "{\"pool\":\"chat\",\"timeout_ms\":50}");
    assertTrue(idle.path("timed_out").asBoolean());
    assertEquals(5, idle.path("next_after_seq").asLong());

    JsonNode resources = call("resources/list", null).path("result").path("resources");
    assertEquals("plasmite:///pools/chat", resources.get(0).path("uri").asText());
    JsonNode read =
        call("resources/read", "{\"uri\":\"plasmite:///pools/chat\"}")
            .path("result")
            .path("contents")
            .get(0);
    assertEquals("application/json", read.path("mimeType").asText());
    assertTrue(read.path("text").asText().contains("\"next_after_seq\":5"));

    assertEquals(
        "{\"pool\":\"new\"}",
        tool("plasmite_pool_delete", "{\"pool\":\"new\"}").path("deleted").toString());
  }

  @Test
  void failuresAreToolErrorsOrProtocolErrors() {
    JsonNode missing =
        call(
                "tools/call",
                "{\"name\":\"plasmite_fetch\",\"arguments\":{\"pool\":\"nope\",\"seq\":1}}")
            .path("result");
    assertTrue(missing.path("isError").asBoolean());
    assertEquals("NotFound", missing.path("structuredContent").path("error").path("kind").asText());
    JsonNode notObject =
        call(
                "tools/call",
                "{\"name\":\"plasmite_feed\",\"arguments\":{\"pool\":\"x\",\"data\":[1],\"create\":true}}")
            .path("result");
    assertEquals(
        "data must be object",
        notObject.path("structuredContent").path("error").path("message").asText());

    assertEquals(-32601, call("no/such", null).path("error").path("code").asInt());
    assertEquals(
        -32602, call("tools/call", "{\"name\":\"nope\"}").path("error").path("code").asInt());
    assertEquals(
        -32602,
        call("resources/read", "{\"uri\":\"file:///etc/passwd\"}")
            .path("error")
            .path("code")
            .asInt());
    ServerFixture.Reply garbage = rpc("{not json");
    assertEquals(200, garbage.status());
    assertEquals(-32700, garbage.json().path("error").path("code").asInt());
    // U+0666 ends in the byte of 'f', and is still no hex digit.
    ServerFixture.Reply badEscape =
        rpc(
            "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/list\",\"params\":{\"x\":\"\\u006\u0666\"}}");
    assertEquals(-32700, badEscape.json().path("error").path("code").asInt());
    assertEquals(401, s.post("/mcp", "{}").status());
  }

  private static List<Long> seqs(JsonNode result) {
    List<Long> out = new ArrayList<>();
    result.path("messages").forEach(m -> out.add(m.path("seq").asLong()));
    return out;
  }
}
