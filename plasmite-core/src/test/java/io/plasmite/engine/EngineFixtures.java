package io.plasmite.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.plasmite.lite3.Lite3Encoder;
import io.plasmite.testing.SharedFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Shared helpers of the engine tests: sized payloads, raw file access, golden vectors. */
final class EngineFixtures {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private EngineFixtures() {}

  /** {@code align8(64 + len + 8)}, written out independently of the code under test. */
  static long frameBytes(long payloadBytes) {
    long raw = 64 + payloadBytes + 8;
    return raw % 8 == 0 ? raw : raw + (8 - raw % 8);
  }

  /**
   * The data JSON {@code {"i":index,"p":"xx…"}} whose envelope (no tags) is exactly {@code
   * envelopeBytes} long.
   */
  static String dataForEnvelope(int index, int envelopeBytes) {
    for (int n = 0; n <= envelopeBytes; n++) {
      String json = "{\"i\":" + index + ",\"p\":\"" + "x".repeat(n) + "\"}";
      int len = Lite3Encoder.encodeEnvelope(List.of(), json).length;
      if (len == envelopeBytes) {
        return json;
      }
      if (len > envelopeBytes) {
        break;
      }
    }
    throw new IllegalArgumentException("no envelope of exactly " + envelopeBytes + " bytes");
  }

  /** The envelope bytes of {@link #dataForEnvelope}. */
  static byte[] envelope(int index, int envelopeBytes) {
    return Lite3Encoder.encodeEnvelope(List.of(), dataForEnvelope(index, envelopeBytes));
  }

  /**
   * The data JSON of a message whose frame occupies exactly {@code frameBytes} (a multiple of 8).
   */
  static String dataForFrame(int index, int frameBytes) {
    return dataForEnvelope(index, frameBytes - 72);
  }

  static byte[] sha256(Path file) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The whole file, little-endian. */
  static ByteBuffer readLe(Path file) {
    try {
      return ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first {@code n} bytes of the file, little-endian. */
  static ByteBuffer readPrefixLe(Path file, int n) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
      while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
        // keep reading
      }
      return b.clear();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void patch(Path file, long position, byte[] bytes) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b, position + b.position());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void patchU32(Path file, long position, int value) {
    patch(
        file,
        position,
        ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array());
  }

  static void patchU64(Path file, long position, long value) {
    patch(
        file,
        position,
        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array());
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] slice(ByteBuffer b, int from, int len) {
    byte[] out = new byte[len];
    b.get(from, out);
    return out;
  }

  static boolean allZero(ByteBuffer b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b.get(i) != 0) {
        return false;
      }
    }
    return true;
  }

  /** One accepted golden vector. */
  record Vector(String name, List<String> tags, byte[] lite3, String dataOut) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** The accepted golden vectors (refused ones are skipped), in file order. */
  static List<Vector> acceptedVectors() {
    List<Vector> out = new ArrayList<>();
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(
                    Files.newInputStream(SharedFiles.file("vectors/lite3-envelopes.jsonl.gz"))),
                StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode r = MAPPER.readTree(line);
        if (r.hasNonNull("error")) {
          continue;
        }
        List<String> tags = new ArrayList<>();
        r.get("tags").forEach(t -> tags.add(t.asText()));
        out.add(
            new Vector(
                r.get("name").asText(),
                List.copyOf(tags),
                HexFormat.of().parseHex(r.get("lite3_hex").asText()),
                r.get("data_out").asText()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
