package io.plasmite.lite3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import io.plasmite.testing.SharedFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every golden vector made with the reference encoder, both directions. */
class Lite3VectorTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  record Vector(String name, String dataIn, List<String> tags, byte[] lite3, String dataOut) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Vector> vectors() throws IOException {
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
        List<String> tags = new ArrayList<>();
        r.get("tags").forEach(t -> tags.add(t.asText()));
        boolean refused = r.hasNonNull("error");
        out.add(
            new Vector(
                r.get("name").asText(),
                r.get("data_in").asText(),
                tags,
                refused ? null : HexFormat.of().parseHex(r.get("lite3_hex").asText()),
                refused ? null : r.get("data_out").asText()));
      }
    }
    return out.stream();
  }

  @Test
  void theVectorFileHoldsBothKinds() throws IOException {
    List<Vector> all = vectors().toList();
    assertTrue(all.size() > 300, "expected the full vector set, found " + all.size());
    assertTrue(all.stream().anyMatch(v -> v.lite3() == null), "no refused records");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void encodesByteForByte(Vector v) {
    if (v.lite3() == null) {
      PlasmiteException e =
          assertThrows(
              PlasmiteException.class, () -> Lite3Encoder.encodeEnvelope(v.tags(), v.dataIn()));
      assertEquals(ErrorKind.USAGE, e.kind(), e.toString());
      byte[] utf8 = v.dataIn().getBytes(StandardCharsets.UTF_8);
      PlasmiteException fromBytes =
          assertThrows(PlasmiteException.class, () -> Lite3Encoder.encodeEnvelope(v.tags(), utf8));
      assertEquals(ErrorKind.USAGE, fromBytes.kind(), fromBytes.toString());
      return;
    }
    assertArrayEquals(v.lite3(), Lite3Encoder.encodeEnvelope(v.tags(), v.dataIn()));
    assertArrayEquals(
        v.lite3(),
        Lite3Encoder.encodeEnvelope(v.tags(), v.dataIn().getBytes(StandardCharsets.UTF_8)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void decodesToTheReferencePrinting(Vector v) {
    if (v.lite3() == null) {
      return;
    }
    assertEquals(v.dataOut(), Lite3Decoder.dataJson(v.lite3()));
    assertEquals(v.tags(), Lite3Decoder.tags(v.lite3()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void referenceOutputPassesTheStrictValidator(Vector v) {
    if (v.lite3() == null) {
      return;
    }
    Lite3Validator.validateEnvelope(v.lite3());
  }
}
