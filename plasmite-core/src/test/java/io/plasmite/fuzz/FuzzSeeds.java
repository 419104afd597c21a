package io.plasmite.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.plasmite.Durability;
import io.plasmite.LocalClient;
import io.plasmite.Pool;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import io.plasmite.testing.SharedFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Writes the seed inputs of the fuzz targets into {@code src/test/resources} (run from {@code
 * plasmite-core}; see {@code docs/reliability.md}): small Lite3 envelopes and data texts from the
 * golden vectors, and small pool files written by this engine (empty, a few messages, a wrapped
 * ring, with and without an index).
 */
public final class FuzzSeeds {
  private static final int SEED_BYTES_MAX = 2048;

  private FuzzSeeds() {}

  /**
   * Writes the seeds.
   *
   * @param args optional: the resources root (default {@code src/test/resources})
   * @throws IOException if a file cannot be written
   */
  public static void main(String[] args) throws IOException {
    Path root =
        Path.of(args.length > 0 ? args[0] : "src/test/resources").resolve("io/plasmite/fuzz");
    Path lite3 = Files.createDirectories(root.resolve("Lite3FuzzTestInputs/lite3Readers"));
    Path json = Files.createDirectories(root.resolve("JsonIngestFuzzTestInputs/jsonToLite3"));
    Path pools = Files.createDirectories(root.resolve("PoolFileFuzzTestInputs/openAndRead"));
    ObjectMapper mapper = new ObjectMapper();
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
        JsonNode r = mapper.readTree(line);
        String name = "vector-" + r.get("name").asText().replaceAll("[^A-Za-z0-9_.-]", "_");
        byte[] dataIn = r.get("data_in").asText().getBytes(StandardCharsets.UTF_8);
        if (dataIn.length <= SEED_BYTES_MAX) {
          Files.write(json.resolve(name), dataIn);
        }
        if (r.hasNonNull("lite3_hex")) {
          byte[] b = HexFormat.of().parseHex(r.get("lite3_hex").asText());
          if (b.length <= SEED_BYTES_MAX) {
            Files.write(lite3.resolve(name), b);
          }
        }
      }
    }
    writePools(pools);
  }

  private static void writePools(Path out) throws IOException {
    Path work = Files.createTempDirectory("plasmite-fuzz-seeds");
    LocalClient client = new LocalClient();
    record Shape(String name, long sizeBytes, long indexSlots, int messages) {}
    for (Shape s :
        List.of(
            new Shape("empty-no-index", 8192, 0, 0),
            new Shape("empty-index", 8192, 16, 0),
            new Shape("three-no-index", 8192, 0, 3),
            new Shape("three-index", 8192, 16, 3),
            new Shape("wrapped-no-index", 8192, 0, 60),
            new Shape("wrapped-index", 8192 + 16 * 8, 8, 60))) {
      Path p = work.resolve(s.name() + ".plasmite");
      try (Pool pool =
          client.createAndOpen(
              PoolRef.path(p),
              PoolOptions.ofSize(s.sizeBytes()).withIndexCapacity(s.indexSlots()))) {
        for (int i = 0; i < s.messages(); i++) {
          pool.appendJsonNow(
              "{\"i\":" + i + ",\"s\":\"" + "x".repeat(i % 40) + "\",\"f\":1.5,\"a\":[true,null]}",
              i % 2 == 0 ? List.of() : List.of("t" + i),
              Durability.FAST);
        }
      }
      Files.copy(p, out.resolve("pool-" + s.name()));
      Files.delete(p);
    }
    Files.delete(work);
  }
}
