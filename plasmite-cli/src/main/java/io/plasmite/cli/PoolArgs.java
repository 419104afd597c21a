package io.plasmite.cli;

import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import io.plasmite.PoolRef;
import io.plasmite.client.RemoteClient;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * Turns a pool argument into a {@link PoolRef} ({@code cli.md}, "Naming a pool"): a name, a path
 * (anything containing {@code /}), or a server URL.
 *
 * <p>{@code http(s)://host:port/POOL} names a pool on a server for the verbs that accept remote
 * pools ({@code feed}, {@code follow}, {@code duplex}); every other URL shape is a Usage error,
 * worded like the Rust CLI's.
 */
final class PoolArgs {
  private PoolArgs() {}

  /**
   * The server and pool of a remote pool argument.
   *
   * @param arg the argument as typed
   * @return the server's URL and the pool name, or null for a local pool
   * @throws PlasmiteException Usage for a URL of another shape
   */
  static RemoteClient.PoolUrl remote(String arg) {
    if (arg.startsWith("http://") || arg.startsWith("https://")) {
      checkShorthand(arg);
      return RemoteClient.PoolUrl.parse(arg);
    }
    if (arg.contains("://")) {
      throw PlasmiteException.of(ErrorKind.USAGE, "remote pool ref must use http or https scheme")
          .withHint("Use shorthand: http(s)://host:port/<pool>.");
    }
    return null;
  }

  /**
   * Resolves the pool argument of a verb that works on local pools only.
   *
   * @param arg the argument as typed
   * @param verb the verb, for the message
   * @return the pool reference
   * @throws PlasmiteException Usage for a URL or an invalid name
   */
  static PoolRef localOnly(String arg, String verb) {
    if (arg.contains("://")) {
      throw PlasmiteException.of(ErrorKind.USAGE, verb + " accepts local pool refs only")
          .withHint("Use a local pool name or path.");
    }
    return PoolRef.name(arg);
  }

  /** Checks the one accepted URL shape: scheme, host, port, exactly one path segment. */
  private static void checkShorthand(String arg) {
    URI uri;
    try {
      uri = new URI(arg);
    } catch (URISyntaxException e) {
      throw PlasmiteException.of(ErrorKind.USAGE, "invalid remote pool ref")
          .withHint("Use shorthand: http(s)://host:port/<pool>.");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw PlasmiteException.of(
              ErrorKind.USAGE, "remote pool ref must not include query or fragment")
          .withHint("Use shorthand: http(s)://host:port/<pool>.");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String segment = path.startsWith("/") ? path.substring(1) : path;
    if (uri.getHost() == null
        || segment.isEmpty()
        || segment.contains("/")
        || segment.toLowerCase(java.util.Locale.ROOT).contains("%2f")) {
      throw PlasmiteException.of(
              ErrorKind.USAGE, "remote pool ref must use shorthand http(s)://host:port/<pool>")
          .withHint("API-shaped URLs are not accepted as pool refs.");
    }
  }
}
