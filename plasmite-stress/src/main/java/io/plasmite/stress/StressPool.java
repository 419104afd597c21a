package io.plasmite.stress;

import io.plasmite.Durability;
import io.plasmite.engine.Appender;
import io.plasmite.engine.Cursor;
import io.plasmite.engine.PoolFile;
import io.plasmite.engine.RawMessage;
import io.plasmite.format.PoolHeaderDescriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real pool file, mapped, with the engine's own {@link Appender} and {@link Cursor}: what the
 * stress tests race. One per test class and JVM; the test's writer actor is its only writer, so it
 * knows the seq its next append gets and writes that seq into the message.
 *
 * <p>Message {@code s} has timestamp {@code s} and a payload of {@code 1 + s % 23} little-endian
 * longs, each equal to {@code s}: frames of many sizes, so that the ring wraps at many offsets, and
 * a torn, stale or misplaced read shows as a wrong length, timestamp or word.
 */
final class StressPool {
  /** Outcome: the message read is exactly the one of its seq. */
  static final int OK = 0;

  /** Outcome: not found, and no longer retained: overwritten before the read finished. */
  static final int GONE = 1;

  /** Outcome: a message was returned whose content is not that of its seq. */
  static final int WRONG = 2;

  /** Outcome: not found, although the header still retained the seq after the read. */
  static final int MISSED = 3;

  /** Outcome: not published yet when the reader looked. */
  static final int NOT_YET = 4;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final PoolFile file;
  private final Appender appender;

  /**
   * Creates a pool in the temporary directory and fills its ring.
   *
   * @param ringBytes ring size
   * @param indexCapacity index slots (0: readers walk from the tail)
   */
  StressPool(long ringBytes, long indexCapacity) {
    try {
      Path dir = Files.createTempDirectory("plasmite-jcstress");
      Path path = dir.resolve("stress.plasmite");
      long fileBytes = PoolHeaderDescriptor.HEADER_BYTES + indexCapacity * 16 + ringBytes;
      file = PoolFile.create(path, fileBytes, indexCapacity);
      // Deleted at exit in the reverse order of these calls: the file first, then its folder.
      dir.toFile().deleteOnExit();
      path.toFile().deleteOnExit();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    appender = new Appender(file, () -> null);
    while (oldest() <= 1) {
      appendNext();
    }
  }

  /**
   * Appends the next message through the real appender (FAST: no sync).
   *
   * @return 1 if it got the seq written into it, else 0
   */
  int appendNext() {
    long seq = newest() + 1;
    long got = appender.append(payload(seq), seq, Durability.FAST).seqs()[0];
    return got == seq ? 1 : 0;
  }

  /**
   * The published {@code newest_seq}, with acquire semantics.
   *
   * @return newest seq
   */
  long newest() {
    return PoolHeaderDescriptor.newestSeq(file.file());
  }

  /**
   * The published {@code oldest_seq}, with acquire semantics.
   *
   * @return oldest seq
   */
  long oldest() {
    return PoolHeaderDescriptor.oldestSeq(file.file());
  }

  /**
   * Reads a seq with {@link Cursor#get} and judges the result.
   *
   * @param seq the seq
   * @return an outcome code
   */
  int get(long seq) {
    return judge(Cursor.get(file, seq), seq);
  }

  /**
   * Polls a new cursor at {@code seq} once and judges the result: a cursor at an overwritten seq
   * moves on to the oldest retained one.
   *
   * @param seq the first seq wanted
   * @return an outcome code
   */
  int poll(long seq) {
    RawMessage m = new Cursor(file, seq).poll();
    if (m == null) {
      return newest() < seq ? NOT_YET : judge(null, seq);
    }
    if (m.seq() < seq) {
      return WRONG;
    }
    return judge(m, m.seq());
  }

  private int judge(RawMessage m, long seq) {
    if (m == null) {
      return oldest() <= seq ? MISSED : GONE;
    }
    byte[] p = m.payload();
    if (m.seq() != seq || m.timestampNs() != seq || p.length != words(seq) * 8) {
      return WRONG;
    }
    for (int i = 0; i < p.length; i += 8) {
      if ((long) LONGS.get(p, i) != seq) {
        return WRONG;
      }
    }
    return OK;
  }

  private static int words(long seq) {
    return 1 + (int) (seq % 23);
  }

  private static byte[] payload(long seq) {
    byte[] p = new byte[words(seq) * 8];
    for (int i = 0; i < p.length; i += 8) {
      LONGS.set(p, i, seq);
    }
    return p;
  }
}
