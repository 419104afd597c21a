package io.plasmite.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.plasmite.Durability;
import io.plasmite.ErrorKind;
import io.plasmite.LocalClient;
import io.plasmite.Message;
import io.plasmite.PlasmiteException;
import io.plasmite.Pool;
import io.plasmite.PoolInfo;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import io.plasmite.Tail;
import io.plasmite.TailOptions;
import io.plasmite.json.CanonicalJsonWriter;
import io.plasmite.json.ErrorJson;
import io.plasmite.json.PoolInfoJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * A Model Context Protocol server for the pools of one directory: one JSON-RPC 2.0 message in, at
 * most one out, independent of the transport ({@code pls mcp} reads lines on stdin, {@code POST
 * /mcp} takes one message per request).
 *
 * <p>Methods: {@code initialize}, {@code ping}, {@code tools/list}, {@code tools/call}, {@code
 * resources/list}, {@code resources/read}; notifications get no answer. Tools: {@code
 * plasmite_pool_list}, {@code plasmite_pool_create}, {@code plasmite_pool_info}, {@code
 * plasmite_pool_delete}, {@code plasmite_feed}, {@code plasmite_fetch}, {@code plasmite_read}
 * (recent messages, or those after a seq, optionally since a time and with tags) and {@code
 * plasmite_wait} (blocks until a new message arrives, or a timeout). A tool that fails returns a
 * result with {@code isError: true} and the error object of {@code json.md} §3; the pool resources
 * are {@code plasmite:///pools/NAME} (the latest messages as JSON).
 *
 * <pre>{@code
 * McpServer mcp = new McpServer(new LocalClient().withPoolDir(dir), AccessMode.READ_WRITE);
 * String reply = mcp.handle("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
 * }</pre>
 */
public final class McpServer {
  /** The newest protocol revision spoken; older ones a client asks for are accepted as such. */
  public static final String PROTOCOL_VERSION = "2025-11-25";

  private static final List<String> PROTOCOL_VERSIONS =
      List.of(PROTOCOL_VERSION, "2025-06-18", "2025-03-26", "2024-11-05");
  private static final int DEFAULT_COUNT = 20;
  private static final int MAX_COUNT = 200;
  private static final long DEFAULT_WAIT_MS = 10_000;
  private static final long MAX_WAIT_MS = 60_000;
  private static final long WAIT_POLL_MS = 20;
  private static final String RESOURCE_PREFIX = "plasmite:///pools/";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final LocalClient client;
  private final AccessMode access;
  private final String version;

  /**
   * Creates a server.
   *
   * @param client the pools it serves
   * @param access what its tools may do
   */
  public McpServer(LocalClient client, AccessMode access) {
    this.client = Objects.requireNonNull(client, "client");
    this.access = Objects.requireNonNull(access, "access");
    String v = McpServer.class.getPackage().getImplementationVersion();
    this.version = v == null ? "dev" : v;
  }

  /**
   * Handles one JSON-RPC message.
   *
   * @param message the JSON text of a request or notification
   * @return the JSON text of the response, or null for a notification
   */
  public String handle(String message) {
    JsonNode request;
    try {
      // Jackson's byte parser: its char parser takes a character such as U+0666 in a \\u escape
      // for the hex digit of its low byte.
      request = MAPPER.readTree(message.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      return write(error(NODES.nullNode(), -32700, "parse error: invalid JSON"));
    }
    ObjectNode response = dispatch(request);
    return response == null ? null : write(response);
  }

  private ObjectNode dispatch(JsonNode request) {
    if (request == null || !request.isObject()) {
      return error(NODES.nullNode(), -32600, "request must be a JSON object");
    }
    JsonNode id = request.get("id");
    boolean notification = id == null;
    JsonNode replyId = notification ? NODES.nullNode() : id;
    if (!notification && !(id.isTextual() || id.isIntegralNumber() || id.isNull())) {
      return error(NODES.nullNode(), -32600, "id must be a string or an integer");
    }
    if (!"2.0".equals(request.path("jsonrpc").asText(null))) {
      return error(replyId, -32600, "jsonrpc must be \"2.0\"");
    }
    JsonNode methodNode = request.get("method");
    if (methodNode == null || !methodNode.isTextual()) {
      // A response from the client (we send no requests) or garbage: nothing to answer.
      return notification ? null : error(replyId, -32600, "missing method");
    }
    JsonNode params = request.get("params");
    if (params != null && !params.isObject()) {
      return notification ? null : error(replyId, -32602, "params must be an object");
    }
    ObjectNode p = params == null ? NODES.objectNode() : (ObjectNode) params;
    JsonNode result;
    try {
      result =
          switch (methodNode.asText()) {
            case "initialize" -> initialize(p);
            case "ping", "notifications/initialized", "notifications/cancelled" ->
                NODES.objectNode();
            case "tools/list" -> toolList();
            case "tools/call" -> callTool(p);
            case "resources/list" -> resourceList();
            case "resources/read" -> readResource(p);
            default -> throw new RpcError(-32601, "method not found: " + methodNode.asText());
          };
    } catch (RpcError e) {
      return notification ? null : error(replyId, e.code, e.getMessage());
    } catch (PlasmiteException e) {
      return notification ? null : error(replyId, -32603, e.getMessage());
    }
    if (notification) {
      return null;
    }
    ObjectNode out = NODES.objectNode();
    out.put("jsonrpc", "2.0");
    out.set("id", replyId);
    out.set("result", result);
    return out;
  }

  private ObjectNode initialize(ObjectNode p) {
    String asked = p.path("protocolVersion").asText(PROTOCOL_VERSION);
    ObjectNode out = NODES.objectNode();
    out.put("protocolVersion", PROTOCOL_VERSIONS.contains(asked) ? asked : PROTOCOL_VERSION);
    ObjectNode caps = out.putObject("capabilities");
    caps.putObject("tools").put("listChanged", false);
    caps.putObject("resources").put("subscribe", false).put("listChanged", false);
    out.putObject("serverInfo").put("name", "plasmite").put("version", version);
    out.put(
        "instructions",
        "Plasmite pools are persistent JSON message queues. Use plasmite_feed to append,"
            + " plasmite_read for recent messages (or after_seq to page), plasmite_wait to block"
            + " for new ones.");
    return out;
  }

  private ObjectNode toolList() {
    ArrayNode tools = NODES.arrayNode();
    tools.add(tool("plasmite_pool_list", "List the pools with their metadata.", schema()));
    tools.add(
        tool(
            "plasmite_pool_create",
            "Create a pool; returns its metadata.",
            schema("name")
                .prop("name", "string", "Pool name")
                .prop("size", "integer", "Pool file size in bytes (default 1048576)")));
    tools.add(
        tool(
            "plasmite_pool_info",
            "Metadata and metrics of a pool.",
            schema("pool").prop("pool", "string", "Pool name")));
    tools.add(
        tool(
            "plasmite_pool_delete",
            "Delete a pool.",
            schema("pool").prop("pool", "string", "Pool name")));
    Schema feed =
        schema("pool", "data")
            .prop("pool", "string", "Pool name")
            .prop("data", "object", "The message data: a JSON object")
            .strings("tags", "Tags to attach")
            .prop("create", "boolean", "Create the pool if it is missing (default false)");
    tools.add(tool("plasmite_feed", "Append a message; returns its envelope (seq, time).", feed));
    tools.add(
        tool(
            "plasmite_fetch",
            "One message by sequence number.",
            schema("pool", "seq")
                .prop("pool", "string", "Pool name")
                .prop("seq", "integer", "Sequence number")));
    tools.add(
        tool(
            "plasmite_read",
            "Messages in ascending seq order: the last `count` matches, or with after_seq the"
                + " first `count` after it. Returns next_after_seq to page on.",
            schema("pool")
                .prop("pool", "string", "Pool name")
                .prop("count", "integer", "At most this many (default 20, max 200)")
                .prop("after_seq", "integer", "Only messages with a greater seq")
                .prop("since", "string", "Only messages since a time: 5m, 2h, or RFC 3339")
                .strings("tags", "Only messages carrying all these tags")));
    tools.add(
        tool(
            "plasmite_wait",
            "Wait for messages after after_seq (default: the newest now), up to timeout_ms;"
                + " returns those that arrived (at most count), or timed_out.",
            schema("pool")
                .prop("pool", "string", "Pool name")
                .prop("after_seq", "integer", "Wait for messages with a greater seq")
                .prop("timeout_ms", "integer", "Longest wait (default 10000, max 60000)")
                .prop("count", "integer", "At most this many (default 20, max 200)")
                .strings("tags", "Only messages carrying all these tags")));
    ObjectNode out = NODES.objectNode();
    out.set("tools", tools);
    return out;
  }

  private ObjectNode callTool(ObjectNode p) {
    JsonNode name = p.get("name");
    if (name == null || !name.isTextual()) {
      throw new RpcError(-32602, "tools/call needs a tool name");
    }
    JsonNode argsNode = p.get("arguments");
    if (argsNode != null && !argsNode.isObject() && !argsNode.isNull()) {
      throw new RpcError(-32602, "arguments must be an object");
    }
    ObjectNode args =
        argsNode == null || argsNode.isNull() ? NODES.objectNode() : (ObjectNode) argsNode;
    try {
      JsonNode structured =
          switch (name.asText()) {
            case "plasmite_pool_list" -> poolList();
            case "plasmite_pool_create" -> poolCreate(args);
            case "plasmite_pool_info" -> poolInfo(args);
            case "plasmite_pool_delete" -> poolDelete(args);
            case "plasmite_feed" -> feed(args);
            case "plasmite_fetch" -> fetch(args);
            case "plasmite_read" -> read(args);
            case "plasmite_wait" -> await(args);
            default -> throw new RpcError(-32602, "unknown tool: " + name.asText());
          };
      return toolResult(structured, false);
    } catch (PlasmiteException e) {
      CanonicalJsonWriter json = new CanonicalJsonWriter(false);
      json.startObject().key("error");
      ErrorJson.write(json, e);
      json.endObject();
      return toolResult(tree(json.toString()), true);
    }
  }

  private static ObjectNode toolResult(JsonNode structured, boolean isError) {
    ObjectNode out = NODES.objectNode();
    // The JSON as text too, for clients that read only the content blocks.
    out.putArray("content").addObject().put("type", "text").put("text", write(structured));
    out.set("structuredContent", structured);
    if (isError) {
      out.put("isError", true);
    }
    return out;
  }

  private JsonNode poolList() {
    requireRead();
    CanonicalJsonWriter json = new CanonicalJsonWriter(false);
    long now = ServerContext.nowNs();
    json.startObject().key("pools").startArray();
    for (Path file : client.poolFiles()) {
      try {
        PoolInfo info = client.info(PoolRef.path(file));
        PoolInfoJson.write(json, nameOf(file), info, now);
      } catch (PlasmiteException e) {
        // Unreadable files are left out, as in GET /v0/pools.
      }
    }
    return tree(json.endArray().endObject().toString());
  }

  private JsonNode poolCreate(ObjectNode args) {
    requireWrite();
    String name = string(args, "name");
    long size = optionalLong(args, "size", PoolOptions.DEFAULT_SIZE_BYTES);
    return poolJson(name, client.create(ref(name), PoolOptions.ofSize(size)));
  }

  private JsonNode poolInfo(ObjectNode args) {
    requireRead();
    String name = string(args, "pool");
    return poolJson(name, client.info(ref(name)));
  }

  private JsonNode poolDelete(ObjectNode args) {
    requireWrite();
    String name = string(args, "pool");
    client.delete(ref(name));
    ObjectNode out = NODES.objectNode();
    out.putObject("deleted").put("pool", name);
    return out;
  }

  private JsonNode feed(ObjectNode args) {
    requireWrite();
    String name = string(args, "pool");
    JsonNode data = args.get("data");
    if (data == null) {
      throw PlasmiteException.of(ErrorKind.USAGE, "missing argument data");
    }
    List<String> tags = strings(args, "tags");
    boolean create = args.path("create").asBoolean(false);
    String dataJson = write(data);
    byte[] payload = io.plasmite.lite3.Lite3Encoder.encodeEnvelope(tags, dataJson);
    Pool pool;
    try {
      pool = client.open(ref(name));
    } catch (PlasmiteException e) {
      if (!create || e.kind() != ErrorKind.NOT_FOUND) {
        throw e;
      }
      pool = openCreated(name);
    }
    try (Pool p = pool) {
      Message m = p.appendPayloads(List.of(payload), -1, Durability.FAST).getFirst();
      ObjectNode out = NODES.objectNode();
      out.set("message", tree(m.toJson()));
      return out;
    }
  }

  private Pool openCreated(String name) {
    try {
      return client.createAndOpen(ref(name), PoolOptions.DEFAULTS);
    } catch (PlasmiteException e) {
      if (e.kind() == ErrorKind.ALREADY_EXISTS) {
        return client.open(ref(name));
      }
      throw e;
    }
  }

  private JsonNode fetch(ObjectNode args) {
    requireRead();
    String name = string(args, "pool");
    long seq = optionalLong(args, "seq", -1);
    if (seq < 0) {
      throw PlasmiteException.of(ErrorKind.USAGE, "missing argument seq");
    }
    try (Pool pool = client.openReadOnly(ref(name))) {
      ObjectNode out = NODES.objectNode();
      out.set("message", tree(pool.getMessage(seq).toJson()));
      return out;
    }
  }

  private JsonNode read(ObjectNode args) {
    requireRead();
    String name = string(args, "pool");
    int count = count(args);
    long afterSeq = optionalLong(args, "after_seq", -1);
    long sinceNs = args.hasNonNull("since") ? since(string(args, "since")) : -1;
    List<String> tags = strings(args, "tags");
    try (Pool pool = client.openReadOnly(ref(name))) {
      List<Message> found = collect(pool, afterSeq, sinceNs, tags, count);
      return messages(found, afterSeq, false);
    }
  }

  private JsonNode await(ObjectNode args) {
    requireRead();
    String name = string(args, "pool");
    int count = count(args);
    long timeoutMs = optionalLong(args, "timeout_ms", DEFAULT_WAIT_MS);
    if (timeoutMs > MAX_WAIT_MS) {
      throw PlasmiteException.of(ErrorKind.USAGE, "timeout_ms must be <= " + MAX_WAIT_MS);
    }
    List<String> tags = strings(args, "tags");
    try (Pool pool = client.openReadOnly(ref(name))) {
      long afterSeq = optionalLong(args, "after_seq", -1);
      if (afterSeq < 0) {
        PoolInfo info = pool.info();
        afterSeq = info.isEmpty() ? 0 : info.newestSeq();
      }
      // Polls and sleeps rather than blocking in the tail: a sleeping virtual thread frees its
      // carrier, a tail's futex wait would hold it.
      Message first = null;
      long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
      try (Tail tail =
          pool.tail(
              TailOptions.since(afterSeq + 1).withTags(tags).withIdleTimeout(Duration.ZERO))) {
        while (first == null) {
          if (tail.hasNext()) {
            first = tail.next();
          } else if (System.nanoTime() - deadline >= 0) {
            break;
          } else {
            sleep(WAIT_POLL_MS);
          }
        }
      }
      if (first == null) {
        return messages(List.of(), afterSeq, true);
      }
      List<Message> found = new ArrayList<>();
      found.add(first);
      found.addAll(collect(pool, first.seq(), -1, tags, count - 1));
      return messages(found, afterSeq, false);
    }
  }

  /**
   * Up to {@code count} retained messages passing the filters: the first after {@code afterSeq}
   * when it is given, else the last ones; in ascending order.
   */
  private static List<Message> collect(
      Pool pool, long afterSeq, long sinceNs, List<String> tags, int count) {
    PoolInfo info = pool.info();
    Deque<Message> out = new ArrayDeque<>();
    if (info.isEmpty() || count <= 0) {
      return List.of();
    }
    long from = afterSeq >= 0 ? Math.max(afterSeq + 1, info.oldestSeq()) : info.oldestSeq();
    TailOptions options = TailOptions.since(from).withTags(tags).withIdleTimeout(Duration.ZERO);
    try (Tail tail = pool.tail(options)) {
      while (tail.nextSeq() <= info.newestSeq() && tail.hasNext()) {
        Message m = tail.next();
        if (m.seq() > info.newestSeq()) {
          break;
        }
        if (sinceNs >= 0 && m.timeNs() < sinceNs) {
          continue;
        }
        out.addLast(m);
        if (out.size() > count) {
          if (afterSeq >= 0) {
            out.removeLast();
            break;
          }
          out.removeFirst();
        }
      }
    }
    return new ArrayList<>(out);
  }

  private static ObjectNode messages(List<Message> found, long afterSeq, boolean timedOut) {
    ObjectNode out = NODES.objectNode();
    ArrayNode list = out.putArray("messages");
    for (Message m : found) {
      list.add(tree(m.toJson()));
    }
    long next = found.isEmpty() ? afterSeq : found.getLast().seq();
    if (next >= 0) {
      out.put("next_after_seq", next);
    } else {
      out.putNull("next_after_seq");
    }
    if (timedOut) {
      out.put("timed_out", true);
    }
    return out;
  }

  private ObjectNode resourceList() {
    requireRead();
    ArrayNode resources = NODES.arrayNode();
    for (Path file : client.poolFiles()) {
      String name = nameOf(file);
      ObjectNode r = resources.addObject();
      r.put("uri", RESOURCE_PREFIX + name);
      r.put("name", name);
      r.put("description", "Plasmite pool " + name + ": its latest messages");
      r.put("mimeType", "application/json");
    }
    ObjectNode out = NODES.objectNode();
    out.set("resources", resources);
    return out;
  }

  private ObjectNode readResource(ObjectNode p) {
    requireRead();
    String uri = p.path("uri").asText("");
    if (!uri.startsWith(RESOURCE_PREFIX) || uri.length() == RESOURCE_PREFIX.length()) {
      throw new RpcError(-32602, "unknown resource: " + uri);
    }
    String name = uri.substring(RESOURCE_PREFIX.length());
    JsonNode body;
    try (Pool pool = client.openReadOnly(ref(name))) {
      body = messages(collect(pool, -1, -1, List.of(), DEFAULT_COUNT), -1, false);
    } catch (PlasmiteException e) {
      if (e.kind() == ErrorKind.NOT_FOUND) {
        throw new RpcError(-32002, "resource not found: " + uri);
      }
      throw e;
    }
    ObjectNode out = NODES.objectNode();
    ObjectNode content = out.putArray("contents").addObject();
    content.put("uri", uri);
    content.put("mimeType", "application/json");
    content.put("text", write(body));
    return out;
  }

  private void requireRead() {
    if (!access.allowsRead()) {
      throw PlasmiteException.of(ErrorKind.PERMISSION, "forbidden: access mode disallows reads");
    }
  }

  private void requireWrite() {
    if (!access.allowsWrite()) {
      throw PlasmiteException.of(ErrorKind.PERMISSION, "forbidden: access mode disallows writes");
    }
  }

  private static PoolRef ref(String name) {
    return ServerContext.poolRef(name);
  }

  private static String nameOf(Path file) {
    String f = file.getFileName().toString();
    return f.substring(0, f.length() - PoolRef.EXTENSION.length());
  }

  private JsonNode poolJson(String name, PoolInfo info) {
    CanonicalJsonWriter json = new CanonicalJsonWriter(false);
    json.startObject().key("pool");
    PoolInfoJson.write(json, name, info, ServerContext.nowNs());
    return tree(json.endObject().toString());
  }

  private static String string(ObjectNode args, String name) {
    JsonNode v = args.get(name);
    if (v == null || !v.isTextual()) {
      throw PlasmiteException.of(ErrorKind.USAGE, "argument " + name + " must be a string");
    }
    return v.asText();
  }

  private static long optionalLong(ObjectNode args, String name, long absent) {
    JsonNode v = args.get(name);
    if (v == null || v.isNull()) {
      return absent;
    }
    if (!v.canConvertToExactIntegral() || !v.canConvertToLong() || v.asLong() < 0) {
      throw PlasmiteException.of(
          ErrorKind.USAGE, "argument " + name + " must be a non-negative integer");
    }
    return v.asLong();
  }

  private static int count(ObjectNode args) {
    long count = optionalLong(args, "count", DEFAULT_COUNT);
    if (count > MAX_COUNT) {
      throw PlasmiteException.of(ErrorKind.USAGE, "count must be <= " + MAX_COUNT);
    }
    return (int) count;
  }

  private static List<String> strings(ObjectNode args, String name) {
    JsonNode v = args.get(name);
    if (v == null || v.isNull()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    if (v.isArray()) {
      for (JsonNode e : v) {
        if (!e.isTextual()) {
          out = null;
          break;
        }
        out.add(e.asText());
      }
      if (out != null) {
        return out;
      }
    }
    throw PlasmiteException.of(
        ErrorKind.USAGE, "argument " + name + " must be an array of strings");
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw PlasmiteException.of(ErrorKind.INTERNAL, "interrupted while waiting");
    }
  }

  /** {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d} ago, or an RFC 3339 time, in Unix ns. */
  static long since(String text) {
    String s = text.strip();
    if (s.matches("[0-9]{1,9}[smhdSMHD]")) {
      long n = Long.parseLong(s.substring(0, s.length() - 1));
      long unit =
          switch (Character.toLowerCase(s.charAt(s.length() - 1))) {
            case 's' -> 1;
            case 'm' -> 60;
            case 'h' -> 3600;
            default -> 86400;
          };
      return Math.max(0, ServerContext.nowNs() - n * unit * 1_000_000_000L);
    }
    try {
      OffsetDateTime t = OffsetDateTime.parse(s);
      return Math.max(0, Math.multiplyExact(t.toEpochSecond(), 1_000_000_000L) + t.getNano());
    } catch (DateTimeParseException | ArithmeticException e) {
      throw PlasmiteException.of(ErrorKind.USAGE, "invalid since: " + text)
          .withHint("Use 5m, 2h, 1d or an RFC 3339 time.");
    }
  }

  private static JsonNode tree(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw PlasmiteException.of(ErrorKind.INTERNAL, "cannot re-read our own JSON", e);
    }
  }

  private static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw PlasmiteException.of(ErrorKind.INTERNAL, "cannot write JSON", e);
    }
  }

  private static ObjectNode error(JsonNode id, int code, String message) {
    ObjectNode out = NODES.objectNode();
    out.put("jsonrpc", "2.0");
    out.set("id", id);
    out.putObject("error").put("code", code).put("message", message);
    return out;
  }

  private static ObjectNode tool(String name, String description, Schema input) {
    ObjectNode t = NODES.objectNode();
    t.put("name", name);
    t.put("description", description);
    t.set("inputSchema", input.node);
    return t;
  }

  private static Schema schema(String... required) {
    return new Schema(required);
  }

  /** A JSON Schema of a tool's arguments. */
  private static final class Schema {
    final ObjectNode node = NODES.objectNode();
    final ObjectNode props;

    Schema(String... required) {
      node.put("type", "object");
      props = node.putObject("properties");
      if (required.length > 0) {
        ArrayNode r = node.putArray("required");
        for (String name : required) {
          r.add(name);
        }
      }
    }

    Schema prop(String name, String type, String description) {
      props.putObject(name).put("type", type).put("description", description);
      return this;
    }

    Schema strings(String name, String description) {
      ObjectNode p = props.putObject(name);
      p.put("type", "array");
      p.putObject("items").put("type", "string");
      p.put("description", description);
      return this;
    }
  }

  /** A JSON-RPC error to answer with. */
  private static final class RpcError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int code;

    RpcError(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }
}
