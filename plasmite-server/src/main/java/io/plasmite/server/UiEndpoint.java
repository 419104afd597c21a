package io.plasmite.server;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The web UI: one page ({@code /ui}, {@code /ui/pools/{pool}}) and its script and style sheet,
 * plain files served from the jar. The page reads the API with {@code fetch} (so it can send the
 * token) and follows a pool through {@code /v0/ui/pools/{pool}/events}.
 */
final class UiEndpoint {
  private static final String ROOT = "/io/plasmite/server/ui/";
  private static final Map<String, String> TYPES =
      Map.of(
          "index.html", "text/html; charset=utf-8",
          "app.js", "text/javascript; charset=utf-8",
          "style.css", "text/css; charset=utf-8");

  private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

  /** Whether a file name is one of the UI's files. */
  static boolean isAsset(String file) {
    return TYPES.containsKey(file) && !file.equals("index.html");
  }

  void send(Exchange x, String file) {
    byte[] body = cache.computeIfAbsent(file, UiEndpoint::load);
    x.response.status(Status.OK_200);
    x.response.header(HeaderNames.CONTENT_TYPE, TYPES.get(file));
    x.response.header(HeaderNames.CACHE_CONTROL, "no-cache");
    // The page loads nothing from elsewhere and renders pool data as text.
    x.response.header(
        HeaderNames.create("Content-Security-Policy"),
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
    x.response.header(HeaderNames.create("X-Content-Type-Options"), "nosniff");
    x.response.send(body);
  }

  private static byte[] load(String file) {
    try (InputStream in = UiEndpoint.class.getResourceAsStream(ROOT + file)) {
      if (in == null) {
        throw PlasmiteException.of(ErrorKind.INTERNAL, "web UI file missing from the jar: " + file);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
