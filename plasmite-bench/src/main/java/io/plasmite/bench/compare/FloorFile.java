package io.plasmite.bench.compare;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The raw floor: plain {@link MemorySegment} copies into a mapped file, no format. A record is a
 * 4-byte length, published with a release store after the bytes, then the bytes, padded to 8;
 * records go into a ring after a 64-byte header whose first long is the next free position, taken
 * with one atomic add, so several threads or processes can append at once. No index, no checksum,
 * no timestamps, no tags, no reader-safe wrap: what any queue must at least do.
 */
public final class FloorFile implements AutoCloseable {
  private static final long HEADER_BYTES = 64;
  private static final long PAGE_BYTES = 4096;
  private static final int MADV_RANDOM = 1;
  private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
  private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

  private final Arena arena;
  private final MemorySegment file;
  private final long ringBytes;

  private FloorFile(Arena arena, MemorySegment file) {
    this.arena = arena;
    this.file = file;
    this.ringBytes = file.byteSize() - HEADER_BYTES;
  }

  /**
   * Maps a file of the given size, creating it (zero-filled, sparse) if needed.
   *
   * @param path the file
   * @param sizeBytes its size
   * @return the mapped file
   * @throws IOException if it cannot be opened or mapped
   */
  public static FloorFile open(Path path, long sizeBytes) throws IOException {
    return open(path, sizeBytes, false);
  }

  /**
   * Maps a file of the given size, creating it if needed; preallocated means every block is written
   * (with zeros) and synced before the lane, as our pools' blocks are allocated at creation, so
   * that a later msync writes data only and allocates nothing. A preallocated file is written
   * through its mapping after {@code madvise(MADV_RANDOM)}, the advice our appenders give, so that
   * the page cache holds it in single pages: written in order without the advice, it would be read
   * ahead into large folios (2 MiB on this project's Linux 6.18 and ext4), and each msync would
   * write a whole folio back.
   *
   * @param path the file
   * @param sizeBytes its size
   * @param preallocate whether to write and sync every block first
   * @return the mapped file
   * @throws IOException if it cannot be opened, written or mapped
   */
  public static FloorFile open(Path path, long sizeBytes, boolean preallocate) throws IOException {
    Arena arena = Arena.ofShared();
    try (FileChannel ch =
        FileChannel.open(
            path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      if (ch.size() < sizeBytes) {
        ch.write(ByteBuffer.allocate(1), sizeBytes - 1);
      }
      MemorySegment file = ch.map(FileChannel.MapMode.READ_WRITE, 0, sizeBytes, arena);
      if (preallocate) {
        adviseRandom(file);
        for (long at = 0; at < sizeBytes; at += PAGE_BYTES) {
          file.set(ValueLayout.JAVA_BYTE, at, (byte) 0);
        }
        file.force();
      }
      return new FloorFile(arena, file);
    } catch (IOException | RuntimeException e) {
      arena.close();
      throw e;
    }
  }

  @SuppressWarnings("restricted")
  private static void adviseRandom(MemorySegment mapping) {
    Linker linker = Linker.nativeLinker();
    MethodHandle madvise =
        linker.downcallHandle(
            linker.defaultLookup().find("madvise").orElseThrow(),
            FunctionDescriptor.of(
                ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS,
                ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_INT));
    int result;
    try {
      result = (int) madvise.invokeExact(mapping, mapping.byteSize(), MADV_RANDOM);
    } catch (Throwable t) {
      throw new IllegalStateException("madvise", t);
    }
    if (result != 0) {
      throw new IllegalStateException("madvise(MADV_RANDOM) refused: " + result);
    }
  }

  /**
   * The bytes a record of this many payload bytes takes in the ring.
   *
   * @param length payload bytes
   * @return record bytes
   */
  public static long recordBytes(int length) {
    return (Integer.BYTES + length + 7) & ~7L;
  }

  /**
   * Appends one record: reserve, copy, publish the length.
   *
   * @param bytes the payload
   * @return the record's offset in the file
   */
  public long append(byte[] bytes) {
    long offset = reserve(recordBytes(bytes.length));
    MemorySegment.copy(bytes, 0, file, ValueLayout.JAVA_BYTE, offset + Integer.BYTES, bytes.length);
    INT.setRelease(file, offset, bytes.length);
    return offset;
  }

  /**
   * Appends one record and msyncs the pages it touched before returning.
   *
   * @param bytes the payload
   */
  public void appendDurably(byte[] bytes) {
    long offset = append(bytes);
    long pageStart = offset & ~4095L;
    long end = offset + recordBytes(bytes.length);
    file.asSlice(pageStart, end - pageStart).force();
  }

  private long reserve(long size) {
    while (true) {
      long position = (long) LONG.getAndAdd(file, 0L, size);
      long ringOffset = position % ringBytes;
      if (ringOffset + size <= ringBytes) {
        return HEADER_BYTES + ringOffset;
      }
      // A record never straddles the ring's end: skip the tail and take the next reservation.
    }
  }

  /**
   * The offset of the first record.
   *
   * @return the offset
   */
  public static long firstOffset() {
    return HEADER_BYTES;
  }

  /**
   * The bytes appended so far (all laps).
   *
   * @return the next free position
   */
  public long appendedBytes() {
    return (long) LONG.getVolatile(file, 0L);
  }

  /**
   * The length of the record at an offset, or 0 if none is published there yet.
   *
   * @param offset the record's offset
   * @return its payload length
   */
  public int lengthAt(long offset) {
    return (int) INT.getAcquire(file, offset);
  }

  /**
   * Copies a published record's payload out.
   *
   * @param offset the record's offset
   * @param length its payload length
   * @return the payload
   */
  public byte[] read(long offset, int length) {
    byte[] out = new byte[length];
    MemorySegment.copy(file, ValueLayout.JAVA_BYTE, offset + Integer.BYTES, out, 0, length);
    return out;
  }

  @Override
  public void close() {
    arena.close();
  }
}
