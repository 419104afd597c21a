package io.plasmite.server;

import io.plasmite.ErrorKind;
import io.plasmite.LocalClient;
import io.plasmite.PlasmiteException;
import io.plasmite.PoolRef;
import java.nio.file.InvalidPathException;
import java.time.Instant;
import java.util.concurrent.Semaphore;

/** What every endpoint of one server shares: its configuration, pools and tail bookkeeping. */
final class ServerContext {
  final ServeConfig config;
  final LocalClient client;
  final Semaphore tailPermits;
  final PoolWatchers watchers;
  final OpenPools pools;

  ServerContext(ServeConfig config) {
    this.config = config;
    this.client = new LocalClient().withPoolDir(config.poolDir());
    this.tailPermits = new Semaphore(config.maxTailConcurrency());
    this.watchers = new PoolWatchers(client);
    this.pools = new OpenPools(client);
  }

  /** A pool named by a client: a plain name, never a path. */
  static PoolRef poolRef(String name) {
    if (name.contains("/") || name.contains("\\") || name.indexOf('\0') >= 0) {
      throw PlasmiteException.of(ErrorKind.USAGE, "pool name must not contain path separators")
          .withHint("Remote pools are named, not addressed by path.");
    }
    try {
      PoolRef ref = PoolRef.name(name);
      ref.resolve(java.nio.file.Path.of("."));
      return ref;
    } catch (InvalidPathException e) {
      throw PlasmiteException.of(ErrorKind.USAGE, "invalid pool name: " + name);
    }
  }

  /** Refuses unless the access mode allows reads. */
  void requireRead() {
    if (!config.access().allowsRead()) {
      throw forbidden("read operations");
    }
  }

  /** Refuses unless the access mode allows writes. */
  void requireWrite() {
    if (!config.access().allowsWrite()) {
      throw forbidden("write operations");
    }
  }

  private static PlasmiteException forbidden(String what) {
    return PlasmiteException.of(ErrorKind.PERMISSION, "forbidden: access mode disallows " + what)
        .withHint("Adjust --access to permit this operation.");
  }

  /** Now, in Unix nanoseconds. */
  static long nowNs() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  /** Ends every stream (at shutdown). */
  void shutdown() {
    watchers.close();
    pools.close();
  }
}
