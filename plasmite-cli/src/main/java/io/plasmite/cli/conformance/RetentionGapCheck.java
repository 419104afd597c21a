package io.plasmite.cli.conformance;

import io.plasmite.Durability;
import io.plasmite.ErrorKind;
import io.plasmite.GapPolicy;
import io.plasmite.LocalClient;
import io.plasmite.Message;
import io.plasmite.PlasmiteException;
import io.plasmite.Pool;
import io.plasmite.PoolInfo;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import io.plasmite.Tail;
import io.plasmite.TailOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * {@code retention_gap}: the four checks of {@code conformance.md}, each on a fresh pool named from
 * the step's {@code pool} ({@code POOL-gap1}, {@code -gap2}, {@code -gap4}; before the extension
 * when the name has one), all of {@code size_bytes}:
 *
 * <ol>
 *   <li>{@code -gap1}: seq 1 is appended, then {@code {"i":n,"padding":"x"*4096}} until seq 1 is
 *       overwritten; a tail from seq 1 with gap policy continue must deliver only seqs above 1 —
 *       and, to be useful, exactly the retained ones, oldest to newest;
 *   <li>{@code -gap2}: the same pool state; a tail from seq 1 with policy error and a tag filter
 *       matching nothing must fail with RetentionGap carrying seq 1 (the stale start),
 *   <li>and must then end: its next {@code hasNext()} is false, without another error;
 *   <li>{@code -gap4}: two messages; a tail with policy error reads seq 1; a second handle (the
 *       writer) appends padded messages until seq 2, the one the tail wants next, is overwritten;
 *       the tail must then fail with RetentionGap carrying seq 2.
 * </ol>
 *
 * Tails here have an idle timeout of zero: they end when nothing more is available.
 */
final class RetentionGapCheck {
  private static final String PADDING = "x".repeat(4096);
  private static final String NO_SUCH_TAG = "conformance-retention-gap-matches-nothing";
  private static final int MAX_APPENDS = 100_000;

  private final LocalClient client;
  private final Function<String, PoolRef> refs;
  private final String pool;
  private final long sizeBytes;
  private long counter;

  /**
   * Prepares the checks.
   *
   * @param client the client on the work directory
   * @param refs how the manifest's pool names become references
   * @param pool the step's pool name, the stem of the pools made here
   * @param sizeBytes the size of each pool
   */
  RetentionGapCheck(
      LocalClient client, Function<String, PoolRef> refs, String pool, long sizeBytes) {
    this.client = client;
    this.refs = refs;
    this.pool = pool;
    this.sizeBytes = sizeBytes;
  }

  /**
   * Runs the four checks in order.
   *
   * @throws Mismatch naming the first check that failed
   */
  void run() throws Mismatch {
    staleStartWithContinue();
    staleStartWithError();
    overrunReader();
  }

  private void staleStartWithContinue() throws Mismatch {
    String check = "(1) tail from a stale since_seq with gap policy continue: ";
    try (Pool p = fresh("-gap1", check)) {
      long stale = append(p, check).seq();
      fillUntilGone(p, stale, check);
      PoolInfo info = p.info();
      List<Long> seqs = new ArrayList<>();
      try (Tail t = p.tail(TailOptions.since(stale).withIdleTimeout(Duration.ZERO))) {
        while (t.hasNext()) {
          seqs.add(t.next().seq());
        }
      } catch (PlasmiteException e) {
        throw new Mismatch(check + "the tail failed: " + Expect.describe(e));
      }
      if (seqs.isEmpty()) {
        throw new Mismatch(check + "nothing was delivered");
      }
      for (long seq : seqs) {
        if (seq <= stale) {
          throw new Mismatch(check + "delivered seq " + seq + ", not above " + stale);
        }
      }
      List<Long> retained = new ArrayList<>();
      for (long s = info.oldestSeq(); s <= info.newestSeq(); s++) {
        retained.add(s);
      }
      if (!seqs.equals(retained)) {
        throw new Mismatch(
            check
                + "delivered "
                + range(seqs)
                + ", expected the retained "
                + info.oldestSeq()
                + ".."
                + info.newestSeq());
      }
    }
  }

  private void staleStartWithError() throws Mismatch {
    String check = "(2) tail from a stale since_seq with gap policy error and a tag filter: ";
    try (Pool p = fresh("-gap2", check)) {
      long stale = append(p, check).seq();
      fillUntilGone(p, stale, check);
      TailOptions options =
          TailOptions.since(stale)
              .withTags(List.of(NO_SUCH_TAG))
              .withGapPolicy(GapPolicy.ERROR)
              .withIdleTimeout(Duration.ZERO);
      try (Tail t = p.tail(options)) {
        expectGap(t, stale, check);
        try {
          if (t.hasNext()) {
            throw new Mismatch(
                "(3) after the RetentionGap error the tail did not end: it delivered seq "
                    + t.next().seq());
          }
        } catch (PlasmiteException e) {
          throw new Mismatch(
              "(3) after the RetentionGap error the tail failed again instead of ending: "
                  + Expect.describe(e));
        }
      }
    }
  }

  private void overrunReader() throws Mismatch {
    String check = "(4) reader overrun by the writer: ";
    try (Pool reader = fresh("-gap4", check);
        Pool writer = open(check)) {
      append(writer, check);
      append(writer, check);
      TailOptions options =
          TailOptions.since(1).withGapPolicy(GapPolicy.ERROR).withIdleTimeout(Duration.ZERO);
      try (Tail t = reader.tail(options)) {
        long read;
        try {
          if (!t.hasNext()) {
            throw new Mismatch(check + "the tail delivered nothing");
          }
          read = t.next().seq();
        } catch (PlasmiteException e) {
          throw new Mismatch(check + "the first read failed: " + Expect.describe(e));
        }
        if (read != 1) {
          throw new Mismatch(check + "the tail's first message is seq " + read + ", not 1");
        }
        long wanted = read + 1;
        fillUntilGone(writer, wanted, check);
        expectGap(t, wanted, check);
      }
    }
  }

  /** The tail's next {@code hasNext()} must fail with RetentionGap at {@code seq}. */
  private static void expectGap(Tail t, long seq, String check) throws Mismatch {
    PlasmiteException gap;
    try {
      if (t.hasNext()) {
        throw new Mismatch(
            check + "expected RetentionGap at seq " + seq + ", got seq " + t.next().seq());
      }
      throw new Mismatch(check + "expected RetentionGap at seq " + seq + ", the tail just ended");
    } catch (PlasmiteException e) {
      gap = e;
    }
    if (gap.kind() != ErrorKind.RETENTION_GAP) {
      throw new Mismatch(
          check + "expected RetentionGap at seq " + seq + ", got " + Expect.describe(gap));
    }
    if (gap.seq().isEmpty() || gap.seq().getAsLong() != seq) {
      throw new Mismatch(
          check
              + "expected the RetentionGap to carry seq "
              + seq
              + ", got "
              + Expect.describe(gap));
    }
  }

  private Pool fresh(String suffix, String check) throws Mismatch {
    String name = derived(suffix);
    try {
      PoolRef ref = refs.apply(name);
      try {
        client.delete(ref);
      } catch (PlasmiteException e) {
        if (e.kind() != ErrorKind.NOT_FOUND) {
          throw e;
        }
      }
      return client.createAndOpen(ref, PoolOptions.ofSize(sizeBytes));
    } catch (PlasmiteException e) {
      throw new Mismatch(check + "cannot create pool " + name + ": " + Expect.describe(e));
    }
  }

  private Pool open(String check) throws Mismatch {
    try {
      return client.open(refs.apply(derived("-gap4")));
    } catch (PlasmiteException e) {
      throw new Mismatch(check + "cannot open a second handle: " + Expect.describe(e));
    }
  }

  /**
   * {@code gap} + {@code -gap1} is {@code gap-gap1}; {@code q.plasmite} gives {@code
   * q-gap1.plasmite}.
   */
  private String derived(String suffix) {
    if (pool.endsWith(PoolRef.EXTENSION)) {
      return pool.substring(0, pool.length() - PoolRef.EXTENSION.length())
          + suffix
          + PoolRef.EXTENSION;
    }
    return pool + suffix;
  }

  private Message append(Pool p, String check) throws Mismatch {
    counter++;
    String json = "{\"i\":" + counter + ",\"padding\":\"" + PADDING + "\"}";
    try {
      return p.appendJsonNow(json, List.of(), Durability.FAST);
    } catch (PlasmiteException e) {
      throw new Mismatch(check + "append failed: " + Expect.describe(e));
    }
  }

  /** Appends padded messages until {@code seq} is no longer retained. */
  private void fillUntilGone(Pool p, long seq, String check) throws Mismatch {
    for (int i = 0; i < MAX_APPENDS; i++) {
      PoolInfo info = p.info();
      if (!info.isEmpty() && info.oldestSeq() > seq) {
        return;
      }
      append(p, check);
    }
    throw new Mismatch(
        check + "seq " + seq + " was still retained after " + MAX_APPENDS + " appends");
  }

  private static String range(List<Long> seqs) {
    if (seqs.size() > 12) {
      return seqs.getFirst() + ".." + seqs.getLast() + " (" + seqs.size() + " seqs)";
    }
    return seqs.toString();
  }
}
