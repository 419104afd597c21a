package io.plasmite.lite3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How the decoder reads object keys, which it scans eight bytes at a time: the key ends at its
 * first 0 byte, which must come within the key's stored size, and a non-ASCII byte anywhere before
 * that 0 byte is checked as UTF-8. Every key length from 1 to 24 and every byte position, with the
 * payload at the very end of its array and with spare bytes after it.
 */
class Lite3DecoderKeysTest {
  // Capitals and digits: no run of them occurs in the envelope's own keys (meta, tags, data).
  private static final String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

  /** A message payload whose data is {@code {"KEY":1}}, with the offset of the key's first byte. */
  private record Doc(byte[] bytes, int keyAt) {}

  private static Doc doc(String key) {
    byte[] bytes = Lite3Encoder.encodeEnvelope(List.of(), "{\"" + key + "\":1}");
    byte[] k = (key + "\0").getBytes(StandardCharsets.UTF_8);
    // The key's bytes follow its one-byte tag: the stored size (with the 0 byte) times 4.
    byte tag = (byte) (k.length << 2);
    for (int i = 1; i + k.length <= bytes.length; i++) {
      if (bytes[i - 1] == tag && Arrays.equals(bytes, i, i + k.length, k, 0, k.length)) {
        return new Doc(bytes, i);
      }
    }
    throw new AssertionError("key not found in its document");
  }

  /** Decodes the payload's data at the end of its array (slack 0) or with spare bytes after it. */
  private static String decode(byte[] payload, int slack) {
    byte[] buf = Arrays.copyOf(payload, payload.length + slack);
    return new Lite3Decoder().data(buf, 0, payload.length, false).toString();
  }

  @Test
  void keysOfEveryLengthDecode() {
    for (int n = 1; n <= 24; n++) {
      String key = LETTERS.substring(0, n);
      Doc doc = doc(key);
      for (int slack : new int[] {0, 16}) {
        assertEquals("{\"" + key + "\":1}", decode(doc.bytes(), slack), key);
      }
    }
  }

  @Test
  void aKeyEndsAtItsFirstZeroByte() {
    for (int n = 1; n <= 24; n++) {
      for (int p = 0; p < n; p++) {
        Doc doc = doc(LETTERS.substring(0, n));
        doc.bytes()[doc.keyAt() + p] = 0;
        for (int slack : new int[] {0, 16}) {
          assertEquals(
              "{\"" + LETTERS.substring(0, p) + "\":1}",
              decode(doc.bytes(), slack),
              "length " + n + ", 0 at " + p);
        }
      }
    }
  }

  @Test
  void aKeyWithoutItsZeroByteIsCorrupt() {
    for (int n = 1; n <= 24; n++) {
      Doc doc = doc(LETTERS.substring(0, n));
      doc.bytes()[doc.keyAt() + n] = 'z';
      for (int slack : new int[] {0, 16}) {
        PlasmiteException e =
            assertThrows(PlasmiteException.class, () -> decode(doc.bytes(), slack));
        assertEquals(ErrorKind.CORRUPT, e.kind());
        assertTrue(e.getMessage().contains("terminating 0 byte"), e.getMessage());
      }
    }
  }

  @Test
  void aBadUtf8ByteBeforeTheZeroByteIsCorruptAndOneAfterItIsNot() {
    for (int n = 2; n <= 24; n++) {
      for (int p = 0; p < n; p++) {
        Doc bad = doc(LETTERS.substring(0, n));
        bad.bytes()[bad.keyAt() + p] = (byte) 0xFF;
        for (int slack : new int[] {0, 16}) {
          PlasmiteException e =
              assertThrows(PlasmiteException.class, () -> decode(bad.bytes(), slack));
          assertEquals(ErrorKind.CORRUPT, e.kind());
          assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
        }
        // The same byte after an earlier 0 byte is not part of the key.
        Doc cut = doc(LETTERS.substring(0, n));
        cut.bytes()[cut.keyAt() + p] = 0;
        if (p + 1 < n) {
          cut.bytes()[cut.keyAt() + p + 1] = (byte) 0xFF;
        }
        for (int slack : new int[] {0, 16}) {
          assertEquals("{\"" + LETTERS.substring(0, p) + "\":1}", decode(cut.bytes(), slack));
        }
      }
    }
  }

  @Test
  void multiByteKeysDecode() {
    for (int n = 1; n <= 12; n++) {
      String key = "é".repeat(n) + "X";
      for (int slack : new int[] {0, 16}) {
        assertEquals("{\"" + key + "\":1}", decode(doc(key).bytes(), slack), key);
      }
    }
  }
}
