package io.plasmite.bench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the side-by-side harness in its smoke mode (a moment per lane: real child JVMs, real files,
 * JMH forks with Chronicle's flags) so that it cannot rot, and checks that every lane it ran has a
 * figure for each of the three systems. The figures themselves are not checked: they are timings.
 */
class CompareSmokeTest {
  @Test
  void everyLaneHasAFigureForEachSystem(@TempDir Path out) throws Exception {
    Compare.main(
        new String[] {"--smoke", "--out", out.toString(), "--lanes", "jmh,writers,latency,bytes"});

    Path json;
    try (Stream<Path> files = Files.list(out)) {
      json = files.filter(p -> p.toString().endsWith("-compare-smoke.json")).findFirst().get();
    }
    Map<?, ?> report = (Map<?, ?>) read(json);
    List<String> ids = new ArrayList<>();
    for (Object o : (List<?>) report.get("lanes")) {
      Map<?, ?> lane = (Map<?, ?>) o;
      ids.add((String) lane.get("id"));
      Map<?, ?> systems = (Map<?, ?>) lane.get("systems");
      assertEquals(
          List.of("ours", "chronicle", "floor"), List.copyOf(systems.keySet()), lane.toString());
      for (Object s : systems.values()) {
        double median = ((Number) ((Map<?, ?>) s).get("median")).doubleValue();
        assertTrue(median >= 0, lane.toString());
      }
    }
    assertEquals(
        List.of(
            "appendPreEncodedBatch/small",
            "writers-2",
            "latency-p50",
            "latency-p99",
            "latency-p99.9",
            "latency-max",
            "latency-idle-cpu",
            "latency-busy-cpu",
            "bytes/json/small",
            "bytes/payload/small"),
        ids);
    String markdown =
        Files.readString(
            json.resolveSibling(json.getFileName().toString().replace(".json", ".md")));
    assertTrue(markdown.contains("| lane | unit | ours | Chronicle | floor |"), markdown);
  }

  /** Reads a JSON document into maps, lists, strings, numbers, booleans and nulls. */
  private static Object read(Path file) throws IOException {
    try (JsonParser p = new JsonFactory().createParser(file.toFile())) {
      p.nextToken();
      return value(p);
    }
  }

  private static Object value(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        Map<String, Object> m = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          m.put(name, value(p));
        }
        return m;
      }
      case START_ARRAY -> {
        List<Object> l = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          l.add(value(p));
        }
        return l;
      }
      case VALUE_STRING -> {
        return p.getText();
      }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
        return p.getNumberValue();
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return p.getBooleanValue();
      }
      case VALUE_NULL -> {
        return null;
      }
      default -> throw new IOException("unexpected " + t);
    }
  }
}
