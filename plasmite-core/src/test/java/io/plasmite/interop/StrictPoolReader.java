package io.plasmite.interop;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict, independent reading of a pool file, written from {@code pool-format-v3.md} alone: it
 * uses none of the engine's format or engine classes, only a little-endian {@link ByteBuffer} over
 * the file's bytes, and every constant below is copied from the spec text.
 *
 * <p>{@link #read} checks every field of the header (§2), walks the ring from the tail to the head
 * (§4: every frame's fields, alignment and commit marker, dense seqs, wrap markers and the implicit
 * wrap of fewer than 64 bytes, each wrap taken only when the next frame did not fit before the ring
 * end, §5), checks {@code tail_next_off} and every index slot (§3), and throws {@link Violation}
 * naming the first rule broken.
 */
final class StrictPoolReader {
  // §2
  static final int HEADER_BYTES = 4096;
  static final int VERSION = 3;
  // §3
  static final int SLOT_BYTES = 16;
  // §4
  static final int FRAME_HEADER_BYTES = 64;
  static final int MARKER_BYTES = 8;
  static final int STATE_COMMITTED = 2;
  static final int STATE_WRAP = 3;
  static final long PAYLOAD_MAX = 256L * 1024 * 1024;
  static final byte[] POOL_MAGIC = "PLSM".getBytes(StandardCharsets.US_ASCII);
  static final byte[] FRAME_MAGIC = "FRM1".getBytes(StandardCharsets.US_ASCII);
  static final byte[] COMMIT_MARKER = "PLSMCMIT".getBytes(StandardCharsets.US_ASCII);

  private StrictPoolReader() {}

  /** A rule of the spec that the file breaks. */
  static final class Violation extends AssertionError {
    private static final long serialVersionUID = 1L;

    Violation(String message) {
      super(message);
    }
  }

  /**
   * One retained message as the file holds it.
   *
   * @param seq its seq
   * @param ringOffset where its frame starts, relative to the ring
   * @param timestampNs its timestamp
   * @param payload its payload bytes
   */
  record Frame(long seq, long ringOffset, long timestampNs, byte[] payload) {}

  /**
   * What the file holds.
   *
   * @param ringOffset file position of the ring
   * @param ringSize ring length
   * @param indexCapacity index slots
   * @param head head_off
   * @param tail tail_off
   * @param tailNext tail_next_off
   * @param oldestSeq oldest_seq (0: empty)
   * @param newestSeq newest_seq
   * @param frames the retained frames, oldest first
   * @param wraps ring offsets of the wrap markers and implicit-wrap gaps walked, in walk order
   */
  record Pool(
      long ringOffset,
      long ringSize,
      long indexCapacity,
      long head,
      long tail,
      long tailNext,
      long oldestSeq,
      long newestSeq,
      List<Frame> frames,
      List<Long> wraps) {}

  static long align8(long n) {
    return (n + 7) / 8 * 8;
  }

  /** The bytes a frame with this payload length occupies (§4). */
  static long frameBytes(long payloadBytes) {
    return align8(FRAME_HEADER_BYTES + payloadBytes + MARKER_BYTES);
  }

  private static void require(boolean rule, String what) {
    if (!rule) {
      throw new Violation(what);
    }
  }

  private static boolean bytesAt(ByteBuffer b, long pos, byte[] expected) {
    for (int i = 0; i < expected.length; i++) {
      if (b.get((int) pos + i) != expected[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean zeros(ByteBuffer b, long from, long to) {
    for (long i = from; i < to; i++) {
      if (b.get((int) i) != 0) {
        return false;
      }
    }
    return true;
  }

  private static long u32(ByteBuffer b, long pos) {
    return Integer.toUnsignedLong(b.getInt((int) pos));
  }

  private static long u64(ByteBuffer b, long pos) {
    return b.getLong((int) pos);
  }

  /**
   * Reads and checks a whole pool file.
   *
   * @param file the file's bytes
   * @return what it holds
   * @throws Violation at the first rule broken
   */
  static Pool read(byte[] file) {
    ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    require(file.length >= HEADER_BYTES, "file shorter than the 4096-byte header");
    // §2, field by field
    require(bytesAt(b, 0, POOL_MAGIC), "header magic is not PLSM");
    require(u32(b, 4) == VERSION, "version is " + u32(b, 4));
    require(b.get(8) == 1, "endianness byte is " + b.get(8));
    require(zeros(b, 9, 16), "reserved bytes 9..16 are not zero");
    require(u64(b, 16) == file.length, "file_size " + u64(b, 16) + " != " + file.length);
    require(u64(b, 24) == HEADER_BYTES, "index_offset is " + u64(b, 24));
    long capacity = u32(b, 32);
    require(zeros(b, 36, 40), "pad bytes 36..40 are not zero");
    long ringOffset = u64(b, 40);
    require(ringOffset == HEADER_BYTES + SLOT_BYTES * capacity, "ring_offset " + ringOffset);
    long ringSize = u64(b, 48);
    require(ringSize > 0 && ringOffset + ringSize == file.length, "ring_size " + ringSize);
    require(u64(b, 56) == 0, "flags are " + u64(b, 56));
    long head = u64(b, 64);
    long tail = u64(b, 72);
    long tailNext = u64(b, 80);
    long oldest = u64(b, 88);
    long newest = u64(b, 96);
    require(zeros(b, 104, HEADER_BYTES), "reserved header bytes 104..4096 are not zero");
    for (long pointer : new long[] {head, tail, tailNext}) {
      require(pointer >= 0 && pointer < ringSize && pointer % 8 == 0, "ring pointer " + pointer);
    }
    List<Frame> frames = new ArrayList<>();
    List<Long> wraps = new ArrayList<>();
    if (oldest == 0) {
      require(head == tail && tailNext == tail, "empty pool with head, tail, tail_next apart");
    } else {
      require(Long.compareUnsigned(oldest, newest) <= 0, "oldest_seq above newest_seq");
      walk(b, ringOffset, ringSize, head, tail, oldest, newest, frames, wraps);
      require(tailNext == expectedTailNext(b, ringOffset, ringSize, tail), "tail_next_off");
    }
    checkIndex(b, capacity, ringSize, oldest, newest, frames);
    return new Pool(
        ringOffset, ringSize, capacity, head, tail, tailNext, oldest, newest, frames, wraps);
  }

  /** §2: 0 when the tail is a wrap marker or the short end gap, else the end of the tail frame. */
  private static long expectedTailNext(ByteBuffer b, long ringOffset, long ringSize, long tail) {
    if (ringSize - tail < FRAME_HEADER_BYTES) {
      return 0;
    }
    long at = ringOffset + tail;
    if (u32(b, at + 4) == STATE_WRAP) {
      return 0;
    }
    long end = tail + frameBytes(u32(b, at + 32));
    return end == ringSize ? 0 : end;
  }

  private static void walk(
      ByteBuffer b,
      long ringOffset,
      long ringSize,
      long head,
      long tail,
      long oldest,
      long newest,
      List<Frame> frames,
      List<Long> wraps) {
    long pos = tail;
    long expect = oldest;
    long wrappedFrom = -1;
    long walked = 0;
    while (true) {
      require(walked <= ringSize, "the chain from the tail never reaches newest_seq");
      if (ringSize - pos < FRAME_HEADER_BYTES) {
        // §4: the implicit wrap; nothing is written there
        require(wrappedFrom < 0, "two wraps in a row at ring offset " + pos);
        wraps.add(pos);
        wrappedFrom = pos;
        walked += ringSize - pos;
        pos = 0;
        continue;
      }
      long at = ringOffset + pos;
      require(bytesAt(b, at, FRAME_MAGIC), "no FRM1 at ring offset " + pos);
      long state = u32(b, at + 4);
      require(u32(b, at + 8) == 0, "frame flags at ring offset " + pos);
      require(u32(b, at + 12) == FRAME_HEADER_BYTES, "hlen at ring offset " + pos);
      long len = u32(b, at + 32);
      require((len ^ u32(b, at + 36)) == 0xFFFF_FFFFL, "~len at ring offset " + pos);
      require(u32(b, at + 40) == 0, "crc32c without the checksum flag at ring offset " + pos);
      require(zeros(b, at + 44, at + 64), "frame header bytes 44..64 at ring offset " + pos);
      if (state == STATE_WRAP) {
        // §4: a wrap marker is a lone header with zero seq, timestamp and length
        require(pos != 0, "wrap marker at ring offset 0");
        require(wrappedFrom < 0, "two wraps in a row at ring offset " + pos);
        require(u64(b, at + 16) == 0 && u64(b, at + 24) == 0 && len == 0, "wrap marker fields");
        wraps.add(pos);
        wrappedFrom = pos;
        walked += ringSize - pos;
        pos = 0;
        continue;
      }
      require(state == STATE_COMMITTED, "state " + state + " at ring offset " + pos);
      long seq = u64(b, at + 16);
      require(seq == expect, "seq " + seq + " where " + expect + " belongs, ring offset " + pos);
      require(len <= Math.min(ringSize - 72, PAYLOAD_MAX), "payload length " + len);
      long size = frameBytes(len);
      require(pos + size <= ringSize, "frame of seq " + seq + " runs past the ring end");
      require(
          bytesAt(b, at + FRAME_HEADER_BYTES + len, COMMIT_MARKER), "commit marker of seq " + seq);
      if (wrappedFrom >= 0) {
        // §4/§5: a wrap is taken only when the next frame does not fit before the ring end
        require(size > ringSize - wrappedFrom, "wrap before seq " + seq + " although it fit");
        wrappedFrom = -1;
      }
      byte[] payload = new byte[(int) len];
      b.get((int) (at + FRAME_HEADER_BYTES), payload);
      frames.add(new Frame(seq, pos, u64(b, at + 24), payload));
      walked += size;
      long next = pos + size == ringSize ? 0 : pos + size;
      if (seq == newest) {
        require(next == head, "the chain ends at " + next + ", head_off is " + head);
        return;
      }
      pos = next;
      expect++;
    }
  }

  /**
   * §3 and §5: slot {@code seq % capacity} is written at every append, so each slot holds the
   * newest seq written for it — pointing at that frame when the frame is retained — and a slot no
   * seq has reached yet is zero.
   */
  private static void checkIndex(
      ByteBuffer b, long capacity, long ringSize, long oldest, long newest, List<Frame> frames) {
    Map<Long, Long> offsets = new HashMap<>();
    for (Frame f : frames) {
      offsets.put(f.seq(), f.ringOffset());
    }
    for (long slot = 0; slot < capacity; slot++) {
      long pos = HEADER_BYTES + SLOT_BYTES * slot;
      long seq = u64(b, pos);
      long off = u64(b, pos + 8);
      long expected = newest < slot ? 0 : newest - Long.remainderUnsigned(newest - slot, capacity);
      if (expected == 0) {
        require(seq == 0 && off == 0, "index slot " + slot + " written though no seq reached it");
        continue;
      }
      require(seq == expected, "index slot " + slot + " holds seq " + seq + ", not " + expected);
      require(off < ringSize && off % 8 == 0, "index slot " + slot + " offset " + off);
      if (oldest != 0 && seq >= oldest) {
        require(off == offsets.get(seq), "index slot of seq " + seq + " points at " + off);
      }
    }
  }
}
