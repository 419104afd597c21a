package io.plasmite.cli;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import io.plasmite.lite3.Lite3Encoder;
import io.plasmite.lite3.Lite3Validator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of {@code feed}'s input framing ({@link FeedInput}) and the encoding of
 * each framed record, as {@code pls feed} does it.
 *
 * <p>The first input byte picks the mode and how the bytes arrive (all at once, or in small reads
 * with pauses, as from a pipe); the rest is the input. Rules: framing throws nothing; records are
 * pieces of the input (their lengths add up to at most its length) and there are at most as many
 * entries as input bytes plus one; in every mode but auto (which decides on what has arrived), the
 * same input framed from a slow stream gives the same records and failures; a record either encodes
 * to a valid envelope or fails as a Usage {@link PlasmiteException}. Seeds: {@code
 * src/test/resources/io/plasmite/cli/FeedInputFuzzTestInputs}.
 */
class FeedInputFuzzTest {
  private static final FeedInput.Mode[] MODES = FeedInput.Mode.values();

  @FuzzTest
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void framing(byte[] input) throws IOException {
    if (input.length == 0) {
      return;
    }
    int control = input[0] & 0xFF;
    FeedInput.Mode mode = MODES[control % MODES.length];
    int readBytes = 1 + (control / MODES.length) % 32;
    byte[] text = Arrays.copyOfRange(input, 1, input.length);

    Framed whole = frame(new ByteArrayInputStream(text), mode, 1024, true);
    if (whole.recordBytes() > text.length || whole.entries().size() > text.length + 1) {
      throw new AssertionError(
          whole.entries().size()
              + " entries of "
              + whole.recordBytes()
              + " bytes from "
              + text.length
              + " input bytes");
    }
    if (mode == FeedInput.Mode.AUTO) {
      // Auto detection decides as soon as the first line is complete (a live pipe may send no
      // more for long), so what it picks rightly depends on what has arrived.
      return;
    }
    Framed trickled = frame(new Trickle(text, readBytes), mode, 1 + control % 7, false);
    if (!whole.entries().equals(trickled.entries())) {
      throw new AssertionError(
          "framing depends on how the bytes arrive (mode "
              + mode
              + ", reads of "
              + readBytes
              + "): "
              + whole.entries()
              + " / "
              + trickled.entries());
    }
  }

  /** Framed entries (records as text, failures as {@code !kind@index}) and the records' bytes. */
  private record Framed(List<String> entries, long recordBytes) {}

  /** Frames (and, if asked, encodes) every record. */
  private static Framed frame(InputStream in, FeedInput.Mode mode, int batch, boolean encode)
      throws IOException {
    FeedInput input = new FeedInput(in, mode);
    List<String> out = new ArrayList<>();
    long recordBytes = 0;
    Lite3Encoder encoder = new Lite3Encoder();
    for (FeedInput.Batch b = input.next(batch); b != null; b = input.next(batch)) {
      for (int i = 0; i < b.count; i++) {
        if (b.failKind[i] != null) {
          out.add("!" + b.failKind[i] + "@" + b.index[i]);
          continue;
        }
        recordBytes += b.len[i];
        out.add(b.text(i));
        if (encode) {
          encodeOrUsage(encoder, b, i);
        }
      }
    }
    return new Framed(out, recordBytes);
  }

  private static void encodeOrUsage(Lite3Encoder encoder, FeedInput.Batch b, int i) {
    byte[] payload;
    try {
      payload = encoder.envelope(List.of("fuzz"), b.data, b.off[i], b.len[i]);
    } catch (PlasmiteException e) {
      if (e.kind() != ErrorKind.USAGE) {
        throw new AssertionError("record " + i + " failed as " + e.kind(), e);
      }
      return;
    }
    Lite3Validator.validateEnvelope(payload);
  }

  /**
   * A stream that hands out at most {@code readBytes} per read and has nothing ready every other.
   */
  private static final class Trickle extends InputStream {
    private final byte[] bytes;
    private final int readBytes;
    private int pos;
    private boolean pause;

    Trickle(byte[] bytes, int readBytes) {
      this.bytes = bytes;
      this.readBytes = readBytes;
    }

    @Override
    public int read() {
      return pos < bytes.length ? bytes[pos++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      if (pos >= bytes.length) {
        return -1;
      }
      int n = Math.min(Math.min(len, readBytes), bytes.length - pos);
      System.arraycopy(bytes, pos, b, off, n);
      pos += n;
      pause = !pause;
      return n;
    }

    @Override
    public int available() {
      return pause ? 0 : Math.min(readBytes, bytes.length - pos);
    }
  }
}
