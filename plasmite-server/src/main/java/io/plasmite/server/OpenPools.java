package io.plasmite.server;

import io.plasmite.LocalClient;
import io.plasmite.Pool;
import io.plasmite.PoolRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pools the server has open, shared by every request instead of opened per request.
 *
 * <p>Opening a pool maps the file, checks its header and makes a shared arena, whose close stops
 * every thread of the JVM for a moment (a handshake): per request, that was most of an append's
 * cost and capped the server at a few thousand appends a second. A handle stays open while its file
 * does: each use compares the file's identity (device and inode) with the one it was opened on, so
 * a pool deleted or replaced behind the server (by {@code pls pool delete}, or another server) is
 * opened anew, and its old handle closes once its last user lets it go.
 *
 * <pre>{@code
 * try (OpenPools.Lease lease = pools.forWrite(ref)) {
 *   lease.pool().appendPayloads(...);
 * }
 * }</pre>
 */
final class OpenPools {
  private final LocalClient client;
  private final ConcurrentHashMap<Path, Entry> writable = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Path, Entry> readOnly = new ConcurrentHashMap<>();

  OpenPools(LocalClient client) {
    this.client = client;
  }

  /** A pool open for appending (read-only when the file is read-only to us), as {@code open}. */
  Lease forWrite(PoolRef ref) {
    return lease(ref, writable, true);
  }

  /** A pool open for reading only: a read-only server never mends a header. */
  Lease forRead(PoolRef ref) {
    return lease(ref, readOnly, false);
  }

  /** Closes the handles of a pool this server deleted (their users keep them until done). */
  void forget(PoolRef ref) {
    Path path = client.resolve(ref);
    retire(writable, path, writable.get(path));
    retire(readOnly, path, readOnly.get(path));
  }

  /** Closes every handle once its users are done (at shutdown). */
  void close() {
    for (ConcurrentHashMap<Path, Entry> map : List.of(writable, readOnly)) {
      map.forEach((path, entry) -> retire(map, path, entry));
    }
  }

  private Lease lease(PoolRef ref, ConcurrentHashMap<Path, Entry> map, boolean write) {
    Path path = client.resolve(ref);
    while (true) {
      Object key = fileKey(path);
      Entry e = map.get(path);
      if (e != null && e.fileKey.equals(key)) {
        if (e.tryAcquire()) {
          return new Lease(e);
        }
        continue; // retired between get and acquire: look again
      }
      if (e != null) {
        retire(map, path, e);
      }
      // Missing: the open reports NotFound (or Permission, Corrupt) as a per-request open did.
      Pool pool = write ? client.open(ref) : client.openReadOnly(ref);
      Entry fresh = new Entry(pool, key == null ? new Object() : key);
      fresh.tryAcquire();
      if (key == null || map.putIfAbsent(path, fresh) != null) {
        // Not kept: the file vanished after the open, or another request opened it first.
        fresh.retire();
      }
      return new Lease(fresh);
    }
  }

  private static void retire(ConcurrentHashMap<Path, Entry> map, Path path, Entry e) {
    if (e != null && map.remove(path, e)) {
      e.retire();
    }
  }

  /** The file's identity (device and inode), or null when it does not exist. */
  private static Object fileKey(Path path) {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      return null;
    }
  }

  /** One open handle and how many hold it (the cache's own hold counts as one). */
  private static final class Entry {
    final Pool pool;
    final Object fileKey;
    private final AtomicInteger holds = new AtomicInteger(1);

    Entry(Pool pool, Object fileKey) {
      this.pool = pool;
      this.fileKey = fileKey;
    }

    /** Takes a hold unless the handle is already closed. */
    boolean tryAcquire() {
      for (int h = holds.get(); h > 0; h = holds.get()) {
        if (holds.compareAndSet(h, h + 1)) {
          return true;
        }
      }
      return false;
    }

    /** Gives a hold back; the last one closes the pool. */
    void release() {
      if (holds.decrementAndGet() == 0) {
        pool.close();
      }
    }

    /** Gives the cache's hold back (once, by whoever removed the entry from the map). */
    void retire() {
      release();
    }
  }

  /** A pool in use by one request; closing it gives the handle back, it never closes the pool. */
  static final class Lease implements AutoCloseable {
    private final Entry entry;
    private boolean closed;

    private Lease(Entry entry) {
      this.entry = entry;
    }

    /** The open pool; valid until this lease is closed. */
    Pool pool() {
      return entry.pool;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        entry.release();
      }
    }
  }
}
