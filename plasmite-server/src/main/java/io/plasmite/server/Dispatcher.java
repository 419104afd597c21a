package io.plasmite.server;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every request goes through here: the common headers, CORS, routing (with JSON 404 and 405
 * answers), the bearer token, then the endpoint. Failures become {@code {"error":…}} bodies with
 * the status of their kind.
 */
final class Dispatcher implements Handler {
  private static final Logger LOG = Logger.getLogger(Dispatcher.class.getName());
  private static final String ALLOW_HEADERS = "authorization, content-type, last-event-id";

  /** What a route needs before it runs. */
  enum Guard {
    NONE,
    TOKEN
  }

  /** The routes of remote-v0.md, plus the UI's and MCP's. */
  enum Route {
    HEALTH(Method.GET, Guard.NONE),
    UI_PAGE(Method.GET, Guard.NONE),
    UI_ASSET(Method.GET, Guard.NONE),
    POOLS_LIST(Method.GET, Guard.TOKEN),
    POOLS_CREATE(Method.POST, Guard.TOKEN),
    POOLS_OPEN(Method.POST, Guard.TOKEN),
    POOL_INFO(Method.GET, Guard.TOKEN),
    POOL_DELETE(Method.DELETE, Guard.TOKEN),
    APPEND(Method.POST, Guard.TOKEN),
    APPEND_LITE3(Method.POST, Guard.TOKEN),
    MESSAGE(Method.GET, Guard.TOKEN),
    MESSAGE_LITE3(Method.GET, Guard.TOKEN),
    TAIL(Method.GET, Guard.TOKEN),
    TAIL_LITE3(Method.GET, Guard.TOKEN),
    EVENTS(Method.GET, Guard.TOKEN),
    MCP(Method.POST, Guard.TOKEN);

    final Method method;
    final Guard guard;

    Route(Method method, Guard guard) {
      this.method = method;
      this.guard = guard;
    }
  }

  /** A route with the values taken from the path. */
  record Match(Route route, String pool, String seq) {}

  private final ServerContext ctx;
  private final byte[] expectedAuthorization;
  private final PoolEndpoints pools;
  private final MessageEndpoints messages;
  private final TailEndpoint tails;
  private final UiEndpoint ui = new UiEndpoint();
  private final McpEndpoint mcp;

  Dispatcher(ServerContext ctx) {
    this.ctx = ctx;
    this.expectedAuthorization =
        ctx.config.token() == null
            ? null
            : ("Bearer " + ctx.config.token()).getBytes(StandardCharsets.UTF_8);
    this.pools = new PoolEndpoints(ctx);
    this.messages = new MessageEndpoints(ctx);
    this.tails = new TailEndpoint(ctx);
    this.mcp = new McpEndpoint(new McpServer(ctx.client, ctx.config.access()));
  }

  @Override
  public void handle(ServerRequest req, ServerResponse res) {
    Exchange x = new Exchange(req, res, ctx.config.maxBodyBytes());
    res.header(Exchange.PLASMITE_VERSION);
    try {
      String origin = x.header(HeaderNames.ORIGIN);
      boolean corsAllowed = origin != null && ctx.config.corsOrigins().contains(origin);
      if (corsAllowed) {
        res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        res.header(HeaderNames.VARY, "Origin");
        res.header(HeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, "plasmite-version, plasmite-seq");
      }
      List<Match> matches = match(segments(req.path().rawPath()));
      if (matches.isEmpty()) {
        throw PlasmiteException.of(ErrorKind.NOT_FOUND, "no such endpoint: " + req.path().path())
            .withHint("See remote-v0: /v0/pools, /v0/pools/{pool}/append, /tail, /ui, /mcp.");
      }
      Method method = req.prologue().method();
      if (origin != null && !corsAllowed && !sameOrigin(x, origin)) {
        // A page elsewhere must not drive this server through a user's browser.
        throw PlasmiteException.of(ErrorKind.PERMISSION, "forbidden: origin not allowed: " + origin)
            .withHint("Start the server with --cors-origin " + origin + " to allow it.");
      }
      if (method == Method.OPTIONS) {
        preflight(x, matches);
        return;
      }
      Match m = null;
      for (Match candidate : matches) {
        if (candidate.route.method == method
            || (method == Method.HEAD && candidate.route.method == Method.GET)) {
          m = candidate;
        }
      }
      if (m == null) {
        res.header(HeaderNames.ALLOW, allow(matches));
        x.error(
            405,
            PlasmiteException.of(
                    ErrorKind.USAGE,
                    "method " + method.text() + " not allowed on " + req.path().path())
                .withHint("Allowed: " + allow(matches) + "."));
        return;
      }
      if (m.route.guard == Guard.TOKEN) {
        authorize(x);
      }
      run(x, m);
    } catch (Exchange.BodyTooLarge e) {
      fail(
          x,
          413,
          PlasmiteException.of(ErrorKind.USAGE, "request body too large")
              .withHint("The server accepts at most " + ctx.config.maxBodyBytes() + " bytes."));
    } catch (PlasmiteException e) {
      fail(x, Exchange.statusOf(e), e);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "request failed: " + req.prologue(), e);
      fail(x, 500, PlasmiteException.of(ErrorKind.INTERNAL, "internal error: " + e));
    }
  }

  private static void fail(Exchange x, int status, PlasmiteException e) {
    if (!x.response.isSent()) {
      x.error(status, e);
    }
  }

  private void run(Exchange x, Match m) {
    switch (m.route) {
      case HEALTH -> x.json(w -> w.startObject().key("ok").value(true).endObject());
      case UI_PAGE -> ui.send(x, "index.html");
      case UI_ASSET -> ui.send(x, m.pool);
      case POOLS_LIST -> pools.list(x);
      case POOLS_CREATE -> pools.create(x);
      case POOLS_OPEN -> pools.open(x);
      case POOL_INFO -> pools.info(x, m.pool);
      case POOL_DELETE -> pools.delete(x, m.pool);
      case APPEND -> messages.append(x, m.pool);
      case APPEND_LITE3 -> messages.appendLite3(x, m.pool);
      case MESSAGE -> messages.get(x, m.pool, seq(m.seq));
      case MESSAGE_LITE3 -> messages.getLite3(x, m.pool, seq(m.seq));
      case TAIL -> tails.stream(x, m.pool, TailEndpoint.Format.JSONL);
      case TAIL_LITE3 -> tails.stream(x, m.pool, TailEndpoint.Format.LITE3);
      case EVENTS -> tails.stream(x, m.pool, TailEndpoint.Format.SSE);
      case MCP -> mcp.handle(x);
    }
  }

  /** The routes a path can take, one per method. */
  static List<Match> match(List<String> s) {
    List<Match> out = new ArrayList<>(2);
    int n = s.size();
    if (n == 1 && s.get(0).equals("healthz")) {
      out.add(new Match(Route.HEALTH, null, null));
    } else if (n == 1 && s.get(0).equals("mcp")) {
      out.add(new Match(Route.MCP, null, null));
    } else if (n >= 1 && s.get(0).equals("ui")) {
      if (n == 1 || (n == 3 && s.get(1).equals("pools") && !s.get(2).isEmpty())) {
        out.add(new Match(Route.UI_PAGE, null, null));
      } else if (n == 2 && UiEndpoint.isAsset(s.get(1))) {
        out.add(new Match(Route.UI_ASSET, s.get(1), null));
      }
    } else if (n >= 2 && s.get(0).equals("v0") && s.get(1).equals("pools")) {
      matchPools(s.subList(2, n), false, out);
    } else if (n >= 3
        && s.get(0).equals("v0")
        && s.get(1).equals("ui")
        && s.get(2).equals("pools")) {
      matchPools(s.subList(3, n), true, out);
    }
    return out;
  }

  private static void matchPools(List<String> s, boolean ui, List<Match> out) {
    int n = s.size();
    if (n == 0) {
      out.add(new Match(Route.POOLS_LIST, null, null));
      if (!ui) {
        out.add(new Match(Route.POOLS_CREATE, null, null));
      }
      return;
    }
    String pool = s.get(0);
    if (n == 1 && !ui) {
      if (pool.equals("open")) {
        out.add(new Match(Route.POOLS_OPEN, null, null));
      }
      out.add(new Match(Route.POOL_DELETE, pool, null));
    } else if (n == 2) {
      Route r =
          switch (s.get(1)) {
            case "info" -> Route.POOL_INFO;
            case "append" -> ui ? null : Route.APPEND;
            case "append_lite3" -> ui ? null : Route.APPEND_LITE3;
            case "tail" -> ui ? null : Route.TAIL;
            case "tail_lite3" -> ui ? null : Route.TAIL_LITE3;
            case "events" -> ui ? Route.EVENTS : null;
            default -> null;
          };
      if (r != null) {
        out.add(new Match(r, pool, null));
      }
    } else if (!ui && n == 3 && s.get(1).equals("messages")) {
      out.add(new Match(Route.MESSAGE, pool, s.get(2)));
    } else if (!ui && n == 4 && s.get(1).equals("messages") && s.get(3).equals("lite3")) {
      out.add(new Match(Route.MESSAGE_LITE3, pool, s.get(2)));
    }
  }

  /** The decoded segments of a raw path; Usage for a malformed escape. */
  static List<String> segments(String rawPath) {
    List<String> out = new ArrayList<>(6);
    String path = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
    if (path.isEmpty()) {
      return out;
    }
    for (String part : path.split("/", -1)) {
      if (part.indexOf('%') < 0) {
        out.add(part); // nothing to decode (a '+' is itself in a path)
        continue;
      }
      try {
        out.add(URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw PlasmiteException.of(ErrorKind.USAGE, "malformed percent-encoding in the path");
      }
    }
    return out;
  }

  private static long seq(String text) {
    try {
      long seq = Long.parseLong(text);
      if (seq >= 0) {
        return seq;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw PlasmiteException.of(ErrorKind.USAGE, "invalid seq: " + text)
        .withHint("A seq is a non-negative integer.");
  }

  private void authorize(Exchange x) {
    if (expectedAuthorization == null) {
      return;
    }
    String given = x.header(HeaderNames.AUTHORIZATION);
    if (given == null) {
      throw PlasmiteException.of(ErrorKind.PERMISSION, "missing bearer token")
          .withHint("Send Authorization: Bearer <token>.");
    }
    // Constant time: the comparison does not stop at the first wrong byte.
    if (!MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expectedAuthorization)) {
      throw PlasmiteException.of(ErrorKind.PERMISSION, "invalid bearer token");
    }
  }

  private static boolean sameOrigin(Exchange x, String origin) {
    String host = x.header(HeaderNames.HOST);
    if (host == null) {
      return false;
    }
    String scheme = x.request.isSecure() ? "https://" : "http://";
    return origin.toLowerCase(Locale.ROOT).equals(scheme + host.toLowerCase(Locale.ROOT));
  }

  /** A CORS preflight (the origin was checked by the caller) or a plain OPTIONS. */
  private static void preflight(Exchange x, List<Match> matches) {
    String methods = allow(matches);
    x.response.header(HeaderNames.ALLOW, methods);
    if (x.header(HeaderNames.ORIGIN) != null
        && x.header(HeaderNames.ACCESS_CONTROL_REQUEST_METHOD) != null) {
      x.response.header(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, methods);
      x.response.header(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, ALLOW_HEADERS);
      x.response.header(HeaderNames.ACCESS_CONTROL_MAX_AGE, "600");
    }
    x.response.status(Status.NO_CONTENT_204);
    x.response.send();
  }

  private static String allow(List<Match> matches) {
    StringBuilder sb = new StringBuilder();
    for (Match m : matches) {
      String name = m.route.method.text();
      if (sb.indexOf(name) < 0) {
        sb.append(sb.isEmpty() ? "" : ", ").append(name);
      }
    }
    return sb.append(", OPTIONS").toString();
  }
}
