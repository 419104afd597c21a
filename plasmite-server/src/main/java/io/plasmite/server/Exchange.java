package io.plasmite.server;

import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import io.plasmite.json.CanonicalJsonWriter;
import io.plasmite.json.ErrorJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * One request and its response, with the helpers every endpoint uses: query parameters, the body
 * (bounded by {@code --max-body-bytes}), JSON and error responses.
 */
final class Exchange {
  static final HeaderName PLASMITE_SEQ = HeaderNames.create("plasmite-seq");

  /** {@code plasmite-version: 0}, on every response; made once (its bytes are cached). */
  static final Header PLASMITE_VERSION = HeaderValues.createCached("plasmite-version", "0");

  static final String JSON = "application/json";

  final ServerRequest request;
  final ServerResponse response;
  private final long maxBodyBytes;

  Exchange(ServerRequest request, ServerResponse response, long maxBodyBytes) {
    this.request = request;
    this.response = response;
    this.maxBodyBytes = maxBodyBytes;
  }

  /** The value of a request header, or null. */
  String header(HeaderName name) {
    return request.headers().first(name).orElse(null);
  }

  /** The values of a repeated query parameter. */
  List<String> queryAll(String name) {
    return request.query().contains(name) ? request.query().all(name) : List.of();
  }

  /** A query parameter, or null; Usage when it is given twice. */
  String query(String name) {
    List<String> all = queryAll(name);
    if (all.size() > 1) {
      throw PlasmiteException.of(ErrorKind.USAGE, "query parameter " + name + " given twice");
    }
    return all.isEmpty() ? null : all.getFirst();
  }

  /** A non-negative integer query parameter, if present; Usage when it is not one. */
  OptionalLong queryLong(String name) {
    String text = query(name);
    if (text == null) {
      return OptionalLong.empty();
    }
    try {
      long value = Long.parseLong(text);
      if (value >= 0) {
        return OptionalLong.of(value);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw PlasmiteException.of(
            ErrorKind.USAGE,
            "invalid query parameter " + name + ": expected a non-negative integer")
        .withHint(name + "=" + text + " is not a number of this server's range.");
  }

  /**
   * The request body, read whole.
   *
   * @return the bytes
   * @throws BodyTooLarge when it is longer than the limit
   */
  byte[] body() {
    OptionalLong declared = request.headers().contentLength();
    if (declared.isPresent() && declared.getAsLong() > maxBodyBytes) {
      throw new BodyTooLarge(maxBodyBytes);
    }
    if (!request.content().hasEntity()) {
      return new byte[0];
    }
    try (InputStream in = request.content().inputStream()) {
      if (declared.isPresent()) {
        // The usual case: one array of the declared size, no copy.
        int length = (int) declared.getAsLong();
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
          throw PlasmiteException.of(ErrorKind.IO, "the request body ended early");
        }
        return body;
      }
      // Chunked: read one byte past the limit to tell "at the limit" from "over it".
      byte[] body = in.readNBytes((int) maxBodyBytes + 1);
      if (body.length > maxBodyBytes) {
        throw new BodyTooLarge(maxBodyBytes);
      }
      return body;
    } catch (IOException | UncheckedIOException e) {
      throw PlasmiteException.of(ErrorKind.IO, "failed to read the request body", e);
    }
  }

  /** Sends 200 with a JSON object written by {@code body}. */
  void json(Consumer<CanonicalJsonWriter> body) {
    CanonicalJsonWriter json = new CanonicalJsonWriter(false);
    body.accept(json);
    response.status(Status.OK_200);
    response.header(HeaderValues.CONTENT_TYPE_JSON);
    response.send(json.toByteArray());
  }

  /** Sends an error with the status of its kind ({@code json.md} §3). */
  void error(PlasmiteException error) {
    error(statusOf(error), error);
  }

  /** Sends an error body with a given status. */
  void error(int status, PlasmiteException error) {
    response.status(Status.create(status));
    response.header(HeaderValues.CONTENT_TYPE_JSON);
    response.send(errorBody(error));
  }

  /** {@code {"error":{…}}} as bytes. */
  static byte[] errorBody(PlasmiteException error) {
    CanonicalJsonWriter json = new CanonicalJsonWriter(false);
    json.startObject().key("error");
    ErrorJson.write(json, error);
    json.endObject();
    return json.toByteArray();
  }

  /** The HTTP status of an error: its kind's, or 403 for access-mode refusals. */
  static int statusOf(PlasmiteException error) {
    if (error.kind() == ErrorKind.PERMISSION
        && String.valueOf(error.getMessage()).startsWith("forbidden:")) {
      return 403;
    }
    return error.kind().httpStatus();
  }

  /** A request body over the limit (413). */
  static final class BodyTooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BodyTooLarge(long limit) {
      super("request body exceeds " + limit + " bytes", null, false, false);
    }
  }
}
