package io.plasmite.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plasmite.Durability;
import io.plasmite.ErrorKind;
import io.plasmite.LocalClient;
import io.plasmite.Message;
import io.plasmite.PlasmiteException;
import io.plasmite.Pool;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import io.plasmite.Tail;
import io.plasmite.TailOptions;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pool file changes under a process that has it mapped: truncated, deleted, replaced by another
 * file. Touching a mapped page past the end of a truncated file faults; the engine turns that into
 * a Corrupt error naming the path (the JVM survives, and nothing is read from the missing pages). A
 * follower waiting on a pool that was deleted or replaced ends with NotFound or Io, after it has
 * delivered every message the file still held.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MappedFileFaultsTest {
  private static final int MESSAGES = 200;
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  private final LocalClient client = new LocalClient();

  private Path poolWithMessages(String name) {
    Path p = dir.resolve(name + ".plasmite");
    try (Pool pool = client.createAndOpen(PoolRef.path(p), PoolOptions.ofSize(2 << 20))) {
      for (int i = 1; i <= MESSAGES; i++) {
        pool.appendJsonNow(data(i), List.of(), Durability.FAST);
      }
    }
    return p;
  }

  private static String data(int i) {
    return "{\"i\":" + i + ",\"pad\":\"" + "x".repeat(4000) + "\"}";
  }

  private static void truncate(Path p, long size) throws IOException {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
      ch.truncate(size);
    }
  }

  private static PlasmiteException expect(ErrorKind kind, Path p, Executable op) {
    PlasmiteException e = assertThrows(PlasmiteException.class, op);
    assertEquals(kind, e.kind(), e.toString());
    assertEquals(p.toString(), e.path().orElseThrow(), e.toString());
    return e;
  }

  /** Reads every message many times, so that the reading code is compiled before the fault. */
  private static void warmUp(Pool pool) {
    for (int round = 0; round < 20; round++) {
      for (long seq = 1; seq <= MESSAGES; seq++) {
        pool.getMessage(seq);
      }
    }
  }

  @Test
  void truncatedUnderReadersAndWriterIsCorrupt() throws Exception {
    Path p = poolWithMessages("truncated");
    try (Pool reader = client.openReadOnly(PoolRef.path(p));
        Pool writer = client.open(PoolRef.path(p))) {
      warmUp(reader);
      // Keeps the header, the index and the first messages.
      truncate(p, reader.info().ringOffset() + 64 * 1024);
      PlasmiteException e = expect(ErrorKind.CORRUPT, p, () -> reader.getMessage(MESSAGES));
      assertTrue(e.getMessage().contains("shrank"), e.getMessage());
      assertInstanceOf(InternalError.class, e.getCause(), "the fault is kept as the cause");
      // What the shortened file still holds stays readable.
      assertEquals(1, reader.getMessage(1).seq());
      expect(ErrorKind.CORRUPT, p, reader::validate);
      expect(ErrorKind.CORRUPT, p, reader::info);
      expect(ErrorKind.CORRUPT, p, () -> drain(reader.tail(TailOptions.since(1))));
      expect(ErrorKind.CORRUPT, p, () -> writer.appendJsonNow("{}", List.of(), Durability.FAST));
      expect(ErrorKind.CORRUPT, p, () -> client.openReadOnly(PoolRef.path(p)));
    }
  }

  @Test
  void truncatedToNothingIsCorruptEvenForTheHeader() throws Exception {
    Path p = poolWithMessages("emptied");
    try (Pool reader = client.openReadOnly(PoolRef.path(p))) {
      warmUp(reader);
      truncate(p, 0);
      expect(ErrorKind.CORRUPT, p, () -> reader.getMessage(1));
      expect(ErrorKind.CORRUPT, p, reader::info);
      expect(ErrorKind.CORRUPT, p, () -> reader.tail(TailOptions.newMessages()));
    }
  }

  @Test
  void anIdleFollowerOfATruncatedPoolEndsCorrupt() throws Exception {
    Path p = poolWithMessages("idle");
    try (Pool reader = client.openReadOnly(PoolRef.path(p))) {
      Tail tail = reader.tail(TailOptions.since(1));
      CompletableFuture<List<Long>> follower = CompletableFuture.supplyAsync(() -> drain(tail));
      awaitDelivered(tail, MESSAGES + 1);
      truncate(p, 8192);
      Throwable t = failure(follower);
      PlasmiteException e = assertInstanceOf(PlasmiteException.class, t);
      assertEquals(ErrorKind.CORRUPT, e.kind(), e.toString());
      assertEquals(p.toString(), e.path().orElseThrow());
    }
  }

  @Test
  void aFollowerOfADeletedPoolDeliversWhatItHeldThenEndsNotFound() throws Exception {
    Path p = poolWithMessages("deleted");
    try (Pool reader = client.openReadOnly(PoolRef.path(p))) {
      Tail tail = reader.tail(TailOptions.since(1));
      List<Long> seen = new ArrayList<>();
      client.delete(PoolRef.path(p));
      PlasmiteException e = expect(ErrorKind.NOT_FOUND, p, () -> collect(tail, seen));
      assertTrue(e.getMessage().contains("deleted"), e.getMessage());
      assertEquals(seqs(1, MESSAGES), seen, "messages the file still held were lost");
    }
  }

  @Test
  void aFollowerOfAReplacedPoolDeliversWhatItHeldThenEndsIo() throws Exception {
    Path p = poolWithMessages("replaced");
    Path other = dir.resolve("other.plasmite");
    try (Pool pool = client.createAndOpen(PoolRef.path(other), PoolOptions.ofSize(65536))) {
      pool.appendJsonNow("{\"other\":true}", List.of(), Durability.FAST);
    }
    try (Pool reader = client.openReadOnly(PoolRef.path(p))) {
      Tail tail = reader.tail(TailOptions.since(1));
      List<Long> seen = new ArrayList<>();
      Files.move(other, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      PlasmiteException e = expect(ErrorKind.IO, p, () -> collect(tail, seen));
      assertTrue(e.getMessage().contains("replaced"), e.getMessage());
      assertEquals(seqs(1, MESSAGES), seen, "messages the old file held were lost");
    }
    // The path now names the other pool, which opens as usual.
    try (Pool now = client.openReadOnly(PoolRef.path(p))) {
      assertEquals("{\"other\":true}", now.getMessage(1).dataJson());
    }
  }

  @Test
  void anIntactPoolKeepsAnIdleFollowerWaiting() throws Exception {
    // The control: the checks above do not end a follower of a pool that is merely quiet.
    Path p = poolWithMessages("quiet");
    try (Pool reader = client.openReadOnly(PoolRef.path(p));
        Pool writer = client.open(PoolRef.path(p))) {
      Tail tail =
          reader.tail(TailOptions.since(MESSAGES + 1).withIdleTimeout(Duration.ofSeconds(1)));
      assertTrue(!tail.hasNext() && tail.timedOut(), "a quiet follower must time out, not fail");
      Tail live = reader.tail(TailOptions.since(MESSAGES + 1).withMaxMessages(1));
      writer.appendJsonNow("{\"late\":1}", List.of(), Durability.FAST);
      assertTrue(live.hasNext());
      assertEquals(MESSAGES + 1, live.next().seq());
    }
  }

  private static List<Long> seqs(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long s = from; s <= to; s++) {
      out.add(s);
    }
    return out;
  }

  private static List<Long> drain(Tail tail) {
    List<Long> seen = new ArrayList<>();
    collect(tail, seen);
    return seen;
  }

  private static void collect(Tail tail, List<Long> seen) {
    while (tail.hasNext()) {
      Message m = tail.next();
      seen.add(m.seq());
    }
  }

  /** Waits until the tail has handed out everything before {@code nextSeq} (it then waits). */
  private static void awaitDelivered(Tail tail, long nextSeq) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (tail.nextSeq() < nextSeq) {
      assertTrue(System.nanoTime() < deadline, "the follower stopped at " + tail.nextSeq());
      Thread.onSpinWait();
    }
  }

  private static Throwable failure(CompletableFuture<?> f) throws InterruptedException {
    try {
      f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("the follower neither failed nor ended", e);
    }
    throw new AssertionError("the follower ended without an error");
  }
}
