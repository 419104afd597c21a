package io.plasmite.lite3;

import io.plasmite.json.CanonicalJsonWriter;
import java.util.Arrays;

/**
 * The keys of a remembered object as JSON prints them: in which order (by stored index) and each
 * one already quoted and escaped, back to back. Shared by {@link KeyShapes} and {@link LeafShapes}.
 */
final class PrintedKeys {
  private final int[] order;
  private final byte[] quoted;
  private final int[] bounds;
  private final boolean nonAscii;

  private PrintedKeys(int[] order, byte[] quoted, int[] bounds, boolean nonAscii) {
    this.order = order;
    this.quoted = quoted;
    this.bounds = bounds;
    this.nonAscii = nonAscii;
  }

  /**
   * Quotes the keys of an object.
   *
   * @param quoter a writer to quote with (reset here)
   * @param buf the document's buffer
   * @param base offset of the document in {@code buf}
   * @param sorted (key offset, key length, any) triples in print order, from {@code e}
   * @param e first triple
   * @param order stored index of the key printed {@code j}-th, for each {@code j}
   * @return the printed keys
   */
  static PrintedKeys of(
      CanonicalJsonWriter quoter, byte[] buf, int base, int[] sorted, int e, int[] order) {
    int n = order.length;
    byte[] quoted = new byte[0];
    int[] bounds = new int[n + 1];
    for (int j = 0; j < n; j++) {
      quoter.reset();
      quoter.string(buf, base + sorted[e + 3 * j], sorted[e + 3 * j + 1]);
      byte[] one = quoter.toByteArray();
      quoted = Arrays.copyOf(quoted, bounds[j] + one.length);
      System.arraycopy(one, 0, quoted, bounds[j], one.length);
      bounds[j + 1] = quoted.length;
    }
    boolean nonAscii = false;
    for (byte b : quoted) {
      nonAscii |= b < 0;
    }
    return new PrintedKeys(order, quoted, bounds, nonAscii);
  }

  /** Stored index of the key printed {@code j}-th. */
  int storedIndex(int j) {
    return order[j];
  }

  /** Writes the {@code j}-th key and its colon. */
  void writeKey(CanonicalJsonWriter out, int j) {
    out.quotedKey(quoted, bounds[j], bounds[j + 1] - bounds[j], nonAscii);
  }
}
