package io.plasmite.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.plasmite.Durability;
import io.plasmite.ErrorKind;
import io.plasmite.LocalClient;
import io.plasmite.Message;
import io.plasmite.PlasmiteException;
import io.plasmite.Pool;
import io.plasmite.PoolInfo;
import io.plasmite.PoolRef;
import io.plasmite.Tail;
import io.plasmite.TailOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of opening and reading damaged pool files: the input is written as a pool
 * file, which is then opened read-only and read-write (header checks, recovery), validated, read by
 * seq and followed, and appended to.
 *
 * <p>Rules: the only failures are {@link PlasmiteException}s of the kinds each call documents, and
 * those of opening, reading by seq and appending name the pool's path; the JVM survives (a mapping
 * beyond the end of the file would kill it); a message that an append acknowledged reads back, also
 * after reopening; the heap allocated stays within {@code 512 x input + 32 MiB} (opening a damaged
 * file re-reads its header many times, in case an appender tore it). Seeds: small pools written by
 * the engine ({@code src/test/resources/io/plasmite/fuzz/PoolFileFuzzTestInputs}).
 */
class PoolFileFuzzTest {
  private static final int READS_MAX = 16;
  private static final String DATA = "{\"fuzz\":true}";
  private static Path dir;

  @AfterAll
  static void removeDir() throws IOException {
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
      dir = null;
    }
  }

  private static Path poolPath() {
    try {
      if (dir == null) {
        dir = Files.createTempDirectory("plasmite-fuzz-pool");
      }
      return dir.resolve("fuzz.plasmite");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void openAndRead(byte[] bytes) throws Exception {
    FuzzRules.withinAllocationBound(bytes.length, 512, 32 << 20, () -> check(bytes));
  }

  private static void check(byte[] bytes) throws IOException {
    Path path = poolPath();
    Files.write(path, bytes);
    PoolRef ref = PoolRef.path(path);
    LocalClient client = new LocalClient();

    try (Pool pool = client.openReadOnly(ref)) {
      readEverything(pool);
    } catch (PlasmiteException e) {
      expectWithPath(e, path, ErrorKind.CORRUPT, ErrorKind.USAGE);
    }

    long appended = -1;
    try (Pool pool = client.open(ref)) {
      boolean intact = readEverything(pool);
      appended = appendAndReadBack(pool, path, intact);
    } catch (PlasmiteException e) {
      expectWithPath(e, path, ErrorKind.CORRUPT, ErrorKind.USAGE);
    }
    if (appended > 0) {
      // Acknowledged means kept: a fresh open finds it.
      try (Pool pool = client.openReadOnly(ref)) {
        checkMessage(pool.getMessage(appended), appended);
      }
    }
  }

  /**
   * Appends one message. In a pool that validated clean it must read back; past a damaged frame a
   * reader that has no index entry for it cannot reach it (the chain is broken), so there the
   * append only has to fail cleanly or succeed.
   */
  private static long appendAndReadBack(Pool pool, Path path, boolean intact) {
    Message m;
    try {
      m = pool.appendJsonNow(DATA, List.of("fuzz"), Durability.FAST);
    } catch (PlasmiteException e) {
      expectWithPath(e, path, ErrorKind.CORRUPT, ErrorKind.USAGE);
      return -1;
    }
    if (!intact) {
      return -1;
    }
    checkMessage(pool.getMessage(m.seq()), m.seq());
    return m.seq();
  }

  private static void checkMessage(Message m, long seq) {
    if (m.seq() != seq || !m.dataJson().equals(DATA) || !m.tags().equals(List.of("fuzz"))) {
      throw new AssertionError("appended message " + seq + " reads back as " + m);
    }
  }

  /** Reads what can be read; true if the pool validated clean. */
  private static boolean readEverything(Pool pool) {
    Path path = pool.path();
    PoolInfo info = pool.info();
    boolean intact = pool.validate().ok();
    long oldest = info.oldestSeq();
    long newest = info.newestSeq();
    for (long seq : new long[] {0, 1, oldest - 1, newest + 1, Long.MAX_VALUE, -1}) {
      readOne(pool, seq, path);
    }
    for (long seq = oldest, n = 0; seq <= newest && seq > 0 && n < READS_MAX; seq++, n++) {
      readOne(pool, seq, path);
    }
    TailOptions options =
        TailOptions.since(1).withMaxMessages(READS_MAX).withIdleTimeout(Duration.ofMillis(1));
    try (Tail tail = pool.tail(options)) {
      while (tail.hasNext()) {
        decode(tail.next());
      }
    }
    return intact;
  }

  private static void readOne(Pool pool, long seq, Path path) {
    try {
      decode(pool.getMessage(seq));
    } catch (PlasmiteException e) {
      expectWithPath(e, path, ErrorKind.NOT_FOUND, ErrorKind.CORRUPT);
    }
  }

  /** Payloads are checked when decoded: a damaged one is Corrupt. */
  private static void decode(Message m) {
    try {
      m.tags();
      m.dataJson();
      m.toJson();
    } catch (PlasmiteException e) {
      FuzzRules.expectKind(e, ErrorKind.CORRUPT);
    }
  }

  private static void expectWithPath(PlasmiteException e, Path path, ErrorKind... allowed) {
    FuzzRules.expectKind(e, allowed);
    if (!e.path().map(p -> p.equals(path.toString())).orElse(false)) {
      throw new AssertionError("error without the pool's path: " + e, e);
    }
  }
}
