package io.plasmite.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** A real server on a free loopback port over a temporary pool directory, and an HTTP client. */
final class ServerFixture implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  final Path dir;
  final PlasmiteServer server;
  final HttpClient http;

  ServerFixture(Path dir, UnaryOperator<ServeConfig.Builder> config) {
    this.dir = dir;
    this.server =
        PlasmiteServer.start(config.apply(ServeConfig.builder(dir).bind("127.0.0.1:0")).build());
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  ServerFixture(Path dir) {
    this(dir, b -> b);
  }

  URI uri(String path) {
    return server.baseUri().resolve(path);
  }

  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
  }

  /** A response with its body as text. */
  record Reply(int status, HttpResponse<String> response) {
    String body() {
      return response.body();
    }

    JsonNode json() {
      try {
        return JSON.readTree(response.body());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    String header(String name) {
      return response.headers().firstValue(name).orElse(null);
    }

    /** The kind of an error body. */
    String errorKind() {
      return json().path("error").path("kind").asText(null);
    }
  }

  Reply send(HttpRequest request) {
    try {
      HttpResponse<String> r =
          http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Reply(r.statusCode(), r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  Reply get(String path) {
    return send(request(path).GET().build());
  }

  Reply delete(String path) {
    return send(request(path).DELETE().build());
  }

  Reply post(String path, String json) {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  Reply postBytes(String path, String contentType, byte[] body) {
    HttpRequest.Builder b = request(path).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return send(b.build());
  }

  /** Creates a pool through the API and checks it worked. */
  void createPool(String name, long sizeBytes) {
    Reply r = post("/v0/pools", "{\"pool\":\"" + name + "\",\"size_bytes\":" + sizeBytes + "}");
    if (r.status() != 200) {
      throw new AssertionError("create failed: " + r.status() + " " + r.body());
    }
  }

  /** Appends {@code {"i":i}} through the API and returns its seq. */
  long append(String pool, String dataJson, String... tags) {
    StringBuilder t = new StringBuilder();
    for (String tag : tags) {
      t.append(t.isEmpty() ? "" : ",").append('"').append(tag).append('"');
    }
    Reply r =
        post("/v0/pools/" + pool + "/append", "{\"data\":" + dataJson + ",\"tags\":[" + t + "]}");
    if (r.status() != 200) {
      throw new AssertionError("append failed: " + r.status() + " " + r.body());
    }
    return r.json().path("message").path("seq").asLong();
  }

  @Override
  public void close() {
    server.close();
  }
}
