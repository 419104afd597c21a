package io.plasmite.json;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Eight bytes at a time: the constants, masks and key prefix shared by the JSON scanner, the JSON
 * writer, the UTF-8 check and the Lite3 decoder, which all test a whole {@code long} of text per
 * step (SWAR).
 */
public final class ByteWords {
  /** 0x01 in every byte. */
  public static final long ONES = 0x0101010101010101L;

  /** The high bit of every byte. */
  public static final long HIGHS = 0x8080808080808080L;

  private static final VarHandle BIG_ENDIAN_LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private ByteWords() {}

  /**
   * The low {@code n} bytes of a little-endian word, as a mask: the first {@code n} bytes of text.
   *
   * @param n 0 to 7
   * @return the mask
   */
  public static long lowBytes(int n) {
    return (1L << (8 * n)) - 1;
  }

  /**
   * The first 8 bytes of {@code [off, off + len)}, big-endian and zero-padded: keys whose prefixes
   * differ compare (unsigned, by bytes) as their prefixes do. One read when the array has 8 bytes
   * there, the bytes past the text masked off.
   *
   * @param buf the bytes
   * @param off first byte
   * @param len number of bytes (0 gives 0)
   * @return the prefix
   */
  public static long prefix(byte[] buf, int off, int len) {
    if (len == 0) {
      return 0;
    }
    if (off <= buf.length - 8) {
      long x = (long) BIG_ENDIAN_LONGS.get(buf, off);
      return len >= 8 ? x : x & (-1L << (8 * (8 - len)));
    }
    long x = 0;
    for (int i = 0, n = Math.min(len, 8); i < n; i++) {
      x |= (buf[off + i] & 0xFFL) << (56 - 8 * i);
    }
    return x;
  }
}
