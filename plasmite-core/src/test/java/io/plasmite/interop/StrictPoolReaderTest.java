package io.plasmite.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plasmite.lite3.Lite3Encoder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The strict reader is strict: a file from {@link SpecWriter} with two frames and a wrap marker
 * reads cleanly, and each single-word change that breaks a rule of the spec is caught and named.
 */
class StrictPoolReaderTest {
  private static final int RING = 3 * 512 + 200;

  /**
   * Frames 2, 3 and 4 retained, with a wrap marker between 3 and 4, laid out by the spec writer.
   */
  private static byte[] sample() {
    ByteBuffer file = ByteBuffer.allocate(4096 + 16 * 4 + RING);
    SpecWriter spec = SpecWriter.create(file, 4);
    for (int i = 1; i <= 4; i++) {
      spec.append(Lite3Encoder.encodeEnvelope(List.of(), "{\"i\":" + i + "}"), 1000 + i);
    }
    return spec.bytes();
  }

  @ParameterizedTest(name = "{0} at {1}")
  @CsvSource({
    "header reserved byte, 200, 1, reserved header bytes",
    "endianness, 8, 2, endianness",
    "flags, 56, 1, flags",
    "newest_seq, 96, 9, where 5 belongs",
    "tail_next_off, 80, 8, tail_next_off",
    "index slot seq, 4112, 7, index slot 1",
    "frame flags, 4168, 1, frame flags",
    "frame crc32c, 4200, 1, crc32c",
    "frame padding of the header, 4210, 1, bytes 44..64",
    "frame seq, 4176, 9, seq 9",
    "commit marker, 4160, 0, commit marker",
  })
  void everyBrokenRuleIsNamed(String what, int position, int value, String named) {
    StrictPoolReader.Pool sound = StrictPoolReader.read(sample());
    assertEquals(List.of(2L, 3L, 4L), sound.frames().stream().map(f -> f.seq()).toList());
    assertTrue(sound.wraps().size() == 1, sound.toString());
    byte[] broken = sample();
    ByteBuffer b = ByteBuffer.wrap(broken).order(ByteOrder.LITTLE_ENDIAN);
    int at = position;
    if (what.equals("commit marker")) {
      at = markerOf(b, sound);
    } else if (what.startsWith("frame")) {
      at = (int) (sound.ringOffset() + sound.frames().get(0).ringOffset()) + (position - 4160);
    }
    b.put(at, (byte) value);
    StrictPoolReader.Violation v =
        assertThrows(StrictPoolReader.Violation.class, () -> StrictPoolReader.read(broken));
    assertTrue(v.getMessage().contains(named), what + ": " + v.getMessage());
  }

  private static int markerOf(ByteBuffer b, StrictPoolReader.Pool pool) {
    StrictPoolReader.Frame f = pool.frames().get(1);
    return (int) (pool.ringOffset() + f.ringOffset() + 64 + f.payload().length);
  }
}
