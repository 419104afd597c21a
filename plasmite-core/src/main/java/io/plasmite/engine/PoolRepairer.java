package io.plasmite.engine;

import static io.plasmite.format.PoolHeaderDescriptor.HEAD_OFFSET;
import static io.plasmite.format.PoolHeaderDescriptor.NEWEST_SEQ_OFFSET;
import static io.plasmite.format.PoolHeaderDescriptor.OLDEST_SEQ_OFFSET;
import static io.plasmite.format.PoolHeaderDescriptor.TAIL_NEXT_OFFSET;
import static io.plasmite.format.PoolHeaderDescriptor.TAIL_OFFSET;

import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import io.plasmite.RepairReport;
import io.plasmite.RepairReport.Change;
import io.plasmite.ValidationReport;
import io.plasmite.ValidationReport.Issue;
import io.plasmite.format.FrameDescriptor;
import io.plasmite.format.IndexDescriptor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Mends the damage a crash can leave in a pool, and refuses everything else ({@code pls doctor
 * --repair}).
 *
 * <p>Under the writer lock (so no writer, ours or the reference's, runs meanwhile): (1) validate
 * ({@link PoolValidator}); nothing to do when the pool is sound. (2) Find the header the frames
 * support: the same pointers with the right {@code tail_next_off} when only that word or index
 * slots are wrong; else the chain of whole committed frames ending at {@code newest_seq} with the
 * smallest oldest seq not below the header's ({@link HeaderRepair}: a writer killed while
 * overwriting the oldest frames, or between two header stores); else, when {@code oldest_seq} is
 * one above {@code newest_seq} (a writer killed while publishing a frame that filled the ring), the
 * chain ending at that frame; else, when the chain from the tail stops at frames that were never
 * completely written (state Writing or Empty, no commit marker, a torn length), the chain up to the
 * last whole message. One rule bounds every choice: a seq the header claims is dropped only when no
 * whole frame of it survives anywhere in the ring. (3) Validate the ring against that header: any
 * issue but a wrong index slot is refused. (4) Copy the file to {@code NAME.plasmite.bak-<UTC
 * time>} beside it and sync the copy. (5) Publish the header, rewrite the wrong index slots, sync.
 * Frames are never touched.
 *
 * <p>Refused, with a Corrupt error and no change: damaged geometry words, a committed frame whose
 * payload is damaged, a damaged frame with an intact claimed message on either side, a header
 * claiming more messages than fit before its head, a header whose seqs no chain supports — anything
 * whose repair would mean guessing.
 */
public final class PoolRepairer {
  private static final DateTimeFormatter BACKUP_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final long COPY_CHUNK_BYTES = 1L << 20;
  private static final String REFUSED_HINT =
      "The file was not modified. Copy out what is still readable (plasmite follow POOL --tail N),"
          + " then recreate the pool.";

  private PoolRepairer() {}

  /**
   * Repairs a pool file.
   *
   * @param path the pool file
   * @return what was found and changed
   * @throws PlasmiteException Corrupt when the damage cannot be mended without guessing (the file
   *     is then untouched); NotFound, Permission, Usage or Io
   */
  public static RepairReport repair(Path path) {
    PoolFile pool;
    try {
      pool = PoolFile.openForRepair(path);
    } catch (PlasmiteException e) {
      throw e.kind() == ErrorKind.CORRUPT ? e.withHint(REFUSED_HINT) : e;
    }
    try (pool) {
      pool.lock();
      try {
        return repairLocked(pool);
      } finally {
        pool.unlock();
      }
    }
  }

  /** A repair worked out before anything is written. */
  private record Plan(HeaderState header, List<long[]> indexFixes, List<Change> notes) {}

  private static RepairReport repairLocked(PoolFile pool) {
    HeaderState h = pool.header();
    ValidationReport before = PoolValidator.walk(pool, h).report();
    if (before.ok()) {
      return new RepairReport(pool.path(), List.of(), List.of(), null, before);
    }
    Plan plan = plan(pool, h, before);
    List<Change> changes = new ArrayList<>(plan.notes());
    changes.addAll(headerChanges(h, plan.header()));
    MemorySegment file = pool.file();
    for (long[] fix : plan.indexFixes()) {
      changes.add(
          new Change(
              "index_slot",
              "index slot for seq "
                  + fix[1]
                  + " pointed at ring offset "
                  + IndexDescriptor.ringOffset(file, fix[0])
                  + ", now at "
                  + fix[2],
              fix[1],
              fix[0]));
    }
    Path backup = backup(pool);
    if (!plan.header().equals(h)) {
      plan.header().publishPointers(file);
    }
    long[] ranges = new long[2 * plan.indexFixes().size()];
    for (int i = 0; i < plan.indexFixes().size(); i++) {
      long[] fix = plan.indexFixes().get(i);
      IndexDescriptor.write(file, fix[0], fix[1], fix[2]);
      ranges[2 * i] = fix[0];
      ranges[2 * i + 1] = IndexDescriptor.SLOT_BYTES;
    }
    pool.sync(ranges);
    ValidationReport after = PoolValidator.validate(pool);
    return new RepairReport(pool.path(), before.issues(), changes, backup, after);
  }

  private static Plan plan(PoolFile pool, HeaderState h, ValidationReport before) {
    MemorySegment ring = pool.ring();
    List<Change> notes = new ArrayList<>();
    boolean chainSound =
        before.issues().stream()
            .allMatch(i -> i.code().equals("index_slot") || i.code().equals("tail_next"));
    HeaderState mended;
    if (chainSound) {
      mended =
          h.withPointers(
              h.head(),
              h.tail(),
              HeaderRepair.expectedTailNext(ring, h.ringSize(), h.tail()),
              h.oldestSeq(),
              h.newestSeq());
    } else {
      long[] run = intactRunFromTail(ring, h);
      mended = HeaderRepair.chainEndingAt(ring, h, h.newestSeq(), false);
      if (mended == null && h.oldestSeq() != 0 && h.oldestSeq() == h.newestSeq() + 1) {
        mended = HeaderRepair.chainEndingAt(ring, h, h.oldestSeq(), false);
        if (mended != null) {
          notes.add(
              new Change(
                  "published_seq",
                  "seq "
                      + mended.newestSeq()
                      + " was completely written by an append interrupted while publishing it;"
                      + " it is now published",
                  mended.newestSeq(),
                  h.ringOffset() + mended.tail()));
        }
      }
      if (mended == null) {
        mended = withoutTornEnd(pool, h, before, run, notes);
      } else if (claims(h) && Long.compareUnsigned(mended.oldestSeq(), h.oldestSeq()) > 0) {
        // The chain starts after the header's oldest seq: fine when the messages in between
        // are gone (overwritten by an append that did not finish), refused when one survives.
        refuseIfIntact(pool, h, run, h.oldestSeq() - 1, mended.oldestSeq() - 1);
        notes.add(
            new Change(
                "overwritten_seqs",
                (mended.oldestSeq() - h.oldestSeq() == 1
                        ? "seq " + h.oldestSeq() + " had"
                        : "seqs " + h.oldestSeq() + ".." + (mended.oldestSeq() - 1) + " had")
                    + " already been overwritten by an append that did not finish;"
                    + " the pool now starts at seq "
                    + mended.oldestSeq(),
                h.oldestSeq(),
                h.ringOffset() + h.tail()));
      }
    }
    PoolValidator.Walk check = PoolValidator.walk(pool, mended);
    Map<Long, Long> frameOffsets = new HashMap<>();
    for (long[] frame : check.frames()) {
      frameOffsets.put(frame[0], frame[1]);
    }
    List<long[]> indexFixes = new ArrayList<>();
    for (Issue issue : check.report().issues()) {
      if (!issue.code().equals("index_slot")) {
        throw refused(pool, issue);
      }
      indexFixes.add(new long[] {issue.offset(), issue.seq(), frameOffsets.get(issue.seq())});
    }
    return new Plan(mended, indexFixes, notes);
  }

  /** Whether the header's seq bounds say which messages it claims. */
  private static boolean claims(HeaderState h) {
    return h.oldestSeq() != 0 && Long.compareUnsigned(h.oldestSeq(), h.newestSeq()) <= 0;
  }

  /**
   * The whole messages from the header's tail on: {last seq, ring offset after it}; {oldest - 1,
   * tail} when the tail holds no whole message carrying {@code oldest_seq}.
   */
  private static long[] intactRunFromTail(MemorySegment ring, HeaderState h) {
    long ringSize = h.ringSize();
    long oldest = h.oldestSeq();
    long first = HeaderRepair.skipWrap(ring, ringSize, h.tail());
    if (!claims(h)
        || first < 0
        || !HeaderRepair.committed(ring, ringSize, first)
        || FrameDescriptor.seq(ring, first) != oldest) {
      return new long[] {oldest - 1, h.tail()};
    }
    long last = oldest;
    long end = HeaderRepair.end(ring, ringSize, first);
    for (long steps = ringSize / FrameDescriptor.HEADER_BYTES + 2;
        steps > 0 && last != h.newestSeq();
        steps--) {
      long next = HeaderRepair.skipWrap(ring, ringSize, end);
      if (next < 0
          || next == first
          || !HeaderRepair.committed(ring, ringSize, next)
          || FrameDescriptor.seq(ring, next) != last + 1) {
        break;
      }
      last++;
      end = HeaderRepair.end(ring, ringSize, next);
    }
    return new long[] {last, end};
  }

  /**
   * Refuses when a whole frame carrying a seq in {@code (after, upTo]} survives anywhere in the
   * ring: dropping that seq from the header would lose a message.
   */
  private static void refuseIfIntact(
      PoolFile pool, HeaderState h, long[] run, long after, long upTo) {
    long survivor = intactFrameAbove(pool.ring(), h.ringSize(), after, upTo);
    if (survivor < 0) {
      return;
    }
    throw PlasmiteException.of(
            ErrorKind.CORRUPT,
            "cannot repair without guessing: seq "
                + (run[0] + 1)
                + " is damaged but seq "
                + FrameDescriptor.seq(pool.ring(), survivor)
                + ", also claimed by the header, is intact")
        .withPath(pool.path())
        .withSeq(run[0] + 1)
        .withOffset(h.ringOffset() + run[1])
        .withHint(REFUSED_HINT);
  }

  /**
   * The header without the messages at the end of the chain that were never completely written,
   * provided they fit between the last whole message and the head and no later seq survives
   * anywhere in the ring (else dropping them would lose messages).
   */
  private static HeaderState withoutTornEnd(
      PoolFile pool, HeaderState h, ValidationReport before, long[] run, List<Change> notes) {
    if (!h.plausible() || !claims(h)) {
      throw refused(pool, firstChainIssue(before));
    }
    long ringSize = h.ringSize();
    long oldest = h.oldestSeq();
    long newest = h.newestSeq();
    long last = run[0];
    long end = run[1];
    // The claimed messages after the last whole one must fit between it and the head: a header
    // claiming more than that space holds is damaged, not left by a torn append.
    long room = Math.floorMod(h.head() - end, ringSize);
    if (room == 0 && last < oldest) {
      room = ringSize;
    }
    if (last == newest
        || Long.compareUnsigned(newest - last, room / FrameDescriptor.frameBytes(0)) > 0) {
      throw refused(pool, firstChainIssue(before));
    }
    refuseIfIntact(pool, h, run, last, newest);
    notes.add(
        new Change(
            "torn_seqs",
            (last + 1 == newest
                    ? "seq " + newest + " was"
                    : "seqs " + (last + 1) + ".." + newest + " were")
                + " never completely written (a writer stopped mid-append); the pool now"
                + (last >= oldest ? " ends at seq " + last : " is empty")
                + " and the next append gets seq "
                + (last + 1),
            last + 1,
            h.ringOffset() + end));
    if (last < oldest) {
      return h.withPointers(h.tail(), h.tail(), h.tail(), 0, last);
    }
    return h.withPointers(
        end,
        h.tail(),
        HeaderRepair.expectedTailNext(pool.ring(), ringSize, h.tail()),
        oldest,
        last);
  }

  /** The ring offset of an intact frame whose seq is in {@code (last, newest]}, or -1. */
  private static long intactFrameAbove(MemorySegment ring, long ringSize, long last, long newest) {
    for (long off = 0; ringSize - off >= FrameDescriptor.HEADER_BYTES; off += 8) {
      if (!HeaderRepair.committed(ring, ringSize, off)) {
        continue;
      }
      long seq = FrameDescriptor.seq(ring, off);
      if (Long.compareUnsigned(seq, last) > 0 && Long.compareUnsigned(seq, newest) <= 0) {
        return off;
      }
    }
    return -1;
  }

  private static Issue firstChainIssue(ValidationReport report) {
    for (Issue issue : report.issues()) {
      if (!issue.code().equals("index_slot") && !issue.code().equals("tail_next")) {
        return issue;
      }
    }
    return report.issues().get(0);
  }

  private static PlasmiteException refused(PoolFile pool, Issue issue) {
    PlasmiteException e =
        PlasmiteException.of(
                ErrorKind.CORRUPT,
                "cannot repair without guessing: " + issue.message() + " (" + issue.code() + ")")
            .withPath(pool.path())
            .withHint(REFUSED_HINT);
    if (issue.seq() >= 0) {
      e = e.withSeq(issue.seq());
    }
    return issue.offset() >= 0 ? e.withOffset(issue.offset()) : e;
  }

  private static List<Change> headerChanges(HeaderState from, HeaderState to) {
    String[] names = {"head_off", "tail_off", "tail_next_off", "oldest_seq", "newest_seq"};
    long[] offsets = {
      HEAD_OFFSET, TAIL_OFFSET, TAIL_NEXT_OFFSET, OLDEST_SEQ_OFFSET, NEWEST_SEQ_OFFSET
    };
    long[] was = {from.head(), from.tail(), from.tailNext(), from.oldestSeq(), from.newestSeq()};
    long[] now = {to.head(), to.tail(), to.tailNext(), to.oldestSeq(), to.newestSeq()};
    List<Change> out = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      if (was[i] != now[i]) {
        out.add(
            new Change(
                "header",
                names[i]
                    + " "
                    + Long.toUnsignedString(was[i])
                    + " -> "
                    + Long.toUnsignedString(now[i]),
                -1,
                offsets[i]));
      }
    }
    return out;
  }

  /**
   * Copies the file, as this process sees it under the lock, to a new file beside it and syncs the
   * copy and the directory, so that the original bytes survive whatever happens next.
   */
  private static Path backup(PoolFile pool) {
    Path path = pool.path().toAbsolutePath();
    String base = path.getFileName() + ".bak-" + BACKUP_TIME.format(Instant.now());
    MemorySegment file = pool.file();
    for (int n = 1; ; n++) {
      Path target = path.resolveSibling(n == 1 ? base : base + "-" + n);
      try (FileChannel out =
          FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        try {
          for (long pos = 0; pos < file.byteSize(); pos += COPY_CHUNK_BYTES) {
            ByteBuffer chunk =
                file.asSlice(pos, Math.min(COPY_CHUNK_BYTES, file.byteSize() - pos)).asByteBuffer();
            while (chunk.hasRemaining()) {
              out.write(chunk);
            }
          }
          out.force(true);
        } catch (IOException e) {
          Files.deleteIfExists(target);
          throw e;
        }
      } catch (FileAlreadyExistsException e) {
        continue;
      } catch (IOException e) {
        throw PlasmiteException.of(
                ErrorKind.IO, "cannot write the backup copy; the pool was not modified", e)
            .withPath(target)
            .withHint("free disk space beside the pool, or check the directory's permissions");
      }
      try (FileChannel dir = FileChannel.open(path.getParent(), StandardOpenOption.READ)) {
        dir.force(true);
      } catch (IOException e) {
        throw PlasmiteException.of(
                ErrorKind.IO,
                "cannot sync the directory of the backup; the pool was not modified",
                e)
            .withPath(target);
      }
      return target;
    }
  }
}
