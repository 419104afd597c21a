package io.plasmite.engine;

import static io.plasmite.format.PoolHeaderDescriptor.*;

import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import io.plasmite.format.IndexDescriptor;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/** The open-time checks of the pool header ({@code pool-format-v3.md} §2). */
final class HeaderChecks {
  private HeaderChecks() {}

  /**
   * Checks the fields of the first 104 bytes that are fixed at creation (all but the pointer words,
   * see {@link #checkPointers}).
   *
   * @param path for error messages
   * @param b the header bytes, little-endian
   * @param actualSize the file's real length
   */
  static void checkGeometry(Path path, ByteBuffer b, long actualSize) {
    int magic = b.getInt(MAGIC_OFFSET);
    if (magic != MAGIC) {
      throw PoolFile.corrupt(
          path, String.format("not a pool file: expected magic PLSM, found 0x%08x", magic));
    }
    int version = b.getInt(VERSION_OFFSET);
    if (version != FORMAT_VERSION) {
      throw PlasmiteException.of(
              ErrorKind.USAGE,
              "unsupported pool format version "
                  + Integer.toUnsignedString(version)
                  + " (supported: "
                  + FORMAT_VERSION
                  + ")")
          .withPath(path)
          .withHint("open it with a plasmite release that supports that version");
    }
    if (b.get(ENDIANNESS_OFFSET) != ENDIANNESS_LITTLE) {
      throw PoolFile.corrupt(path, "endianness byte is " + b.get(ENDIANNESS_OFFSET) + ", not 1");
    }
    long fileSize = b.getLong(FILE_SIZE_OFFSET);
    if (fileSize != actualSize) {
      throw PoolFile.corrupt(
          path, "header says " + fileSize + " bytes, the file has " + actualSize);
    }
    if (b.getLong(INDEX_OFFSET_OFFSET) != HEADER_BYTES) {
      throw PoolFile.corrupt(path, "index offset is " + b.getLong(INDEX_OFFSET_OFFSET));
    }
    long capacity = Integer.toUnsignedLong(b.getInt(INDEX_CAPACITY_OFFSET));
    long ringOffset = b.getLong(RING_OFFSET_OFFSET);
    long ringSize = b.getLong(RING_SIZE_OFFSET);
    if (ringOffset != HEADER_BYTES + capacity * IndexDescriptor.SLOT_BYTES) {
      throw PoolFile.corrupt(
          path,
          "ring offset: expected "
              + (HEADER_BYTES + capacity * IndexDescriptor.SLOT_BYTES)
              + ", found "
              + ringOffset);
    }
    if (ringSize <= 0 || ringOffset + ringSize != fileSize) {
      throw PoolFile.corrupt(
          path, "ring of " + ringSize + " bytes at " + ringOffset + " does not end the file");
    }
    long flags = b.getLong(FLAGS_OFFSET);
    if (flags != 0) {
      throw PlasmiteException.of(
              ErrorKind.USAGE,
              "pool uses header flags 0x" + Long.toHexString(flags) + " unknown here")
          .withPath(path)
          .withHint("open it with a plasmite release that supports those features");
    }
  }

  /**
   * The checks of the five pointer words, which a reader racing an appender can see torn.
   *
   * @param path for error messages
   * @param b the header bytes, little-endian
   * @param ringSize the ring size
   */
  static void checkPointers(Path path, ByteBuffer b, long ringSize) {
    long head = b.getLong(HEAD_OFFSET);
    long tail = b.getLong(TAIL_OFFSET);
    long tailNext = b.getLong(TAIL_NEXT_OFFSET);
    long oldest = b.getLong(OLDEST_SEQ_OFFSET);
    long newest = b.getLong(NEWEST_SEQ_OFFSET);
    for (long off : new long[] {head, tail, tailNext}) {
      if (off < 0 || off >= ringSize || off % 8 != 0) {
        throw PoolFile.corrupt(path, "ring pointer " + off + " outside or misaligned in the ring");
      }
    }
    if (oldest != 0 && Long.compareUnsigned(oldest, newest) > 0) {
      throw PoolFile.corrupt(path, "oldest seq " + oldest + " above newest seq " + newest);
    }
    if (oldest == 0 && (head != tail || tailNext != tail)) {
      throw PoolFile.corrupt(path, "empty pool with head, tail and tail_next apart");
    }
  }
}
