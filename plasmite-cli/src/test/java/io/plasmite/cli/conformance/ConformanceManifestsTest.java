package io.plasmite.cli.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plasmite.LocalClient;
import io.plasmite.PoolRef;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every manifest in {@code ../shared/conformance/} must pass; and the runner must be able to fail:
 * hand-written manifests with wrong expectations fail at the right step.
 */
class ConformanceManifestsTest {
  @TempDir Path tmp;

  private ConformanceRunner runner(Path workdirRoot) {
    // Our own CLI for spawn_poke, whatever PLASMITE_BIN the environment has.
    return new ConformanceRunner(workdirRoot, ConformanceRunner.defaultFeedCommand(Map.of()));
  }

  private static Path sharedConformanceDir() {
    String shared = System.getProperty("plasmite.shared.dir");
    assertNotNull(shared, "surefire sets plasmite.shared.dir");
    return Path.of(shared, "conformance");
  }

  @TestFactory
  Stream<DynamicTest> sharedManifestsPass() throws IOException {
    List<Path> manifests;
    try (Stream<Path> files = Files.list(sharedConformanceDir())) {
      manifests = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertFalse(manifests.isEmpty(), "no manifests in " + sharedConformanceDir());
    return manifests.stream()
        .map(
            manifest ->
                DynamicTest.dynamicTest(
                    manifest.getFileName().toString(),
                    () -> {
                      Path root = tmp.resolve(manifest.getFileName().toString());
                      ManifestResult result = runner(root).run(manifest);
                      assertTrue(result.passed(), result.line());
                      assertTrue(result.line().startsWith("PASS "), result.line());
                    }));
  }

  private Path manifest(String name, String json) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("manifests"));
    return Files.writeString(dir.resolve(name), json);
  }

  private ManifestResult run(String json) throws IOException {
    return runner(null).run(manifest("m.json", json));
  }

  @Test
  void aWrongExpectationFailsAtItsStep() throws IOException {
    ManifestResult result =
        run(
            """
            {"conformance_version": 0, "name": "wrong data", "steps": [
              {"op": "create_pool", "id": "create", "pool": "p", "input": {"size_bytes": 65536}},
              {"op": "append", "id": "append", "pool": "p", "input": {"data": {"a": 1}, "tags": ["t"]},
               "expect": {"seq": 1}},
              {"op": "get", "id": "wrong", "pool": "p", "input": {"seq": 1},
               "expect": {"data": {"a": 2}, "tags": ["t"]}},
              {"op": "get", "id": "never-reached", "pool": "p", "input": {"seq": 9},
               "expect": {"data": {"a": 1}}}
            ]}
            """);

    assertFalse(result.passed());
    assertEquals(2, result.failedStep());
    assertEquals("wrong", result.failedStepId());
    assertEquals(4, result.steps());
    assertTrue(result.line().startsWith("FAIL wrong data: step 2 (wrong): "), result.line());
    assertTrue(result.reason().contains("data mismatch"), result.reason());
  }

  @Test
  void everyKindOfExpectationCanFail() throws IOException {
    String prefix =
        """
        {"conformance_version": 0, "name": "n", "steps": [
          {"op": "create_pool", "pool": "p", "input": {"size_bytes": 65536}},
          {"op": "append", "pool": "p", "input": {"data": {"a": -0.0}, "tags": ["t"]}},
        """;
    List<String> wrongSteps =
        List.of(
            "{\"op\": \"append\", \"pool\": \"p\", \"input\": {\"data\": {}}, \"expect\": {\"seq\": 7}}",
            "{\"op\": \"get\", \"pool\": \"p\", \"input\": {\"seq\": 1}, \"expect\": {\"data\": {\"a\": 0}}}",
            "{\"op\": \"get\", \"pool\": \"p\", \"input\": {\"seq\": 1}, \"expect\": {\"tags\": []}}",
            "{\"op\": \"get\", \"pool\": \"p\", \"input\": {\"seq\": 1}, \"expect\": {\"error\": {\"kind\": \"NotFound\"}}}",
            "{\"op\": \"get\", \"pool\": \"p\", \"input\": {\"seq\": 5}, \"expect\": {\"error\": {\"kind\": \"Corrupt\"}}}",
            "{\"op\": \"get\", \"pool\": \"p\", \"input\": {\"seq\": 5}, \"expect\": {\"error\": {\"kind\": \"NotFound\", \"has_seq\": false}}}",
            "{\"op\": \"get\", \"pool\": \"p\", \"input\": {\"seq\": 5}, \"expect\": {\"error\": {\"kind\": \"NotFound\", \"message_contains\": \"zebra\"}}}",
            "{\"op\": \"get\", \"pool\": \"nope\", \"input\": {\"seq\": 1}, \"expect\": {\"error\": {\"kind\": \"NotFound\", \"has_path\": false}}}",
            "{\"op\": \"get\", \"pool\": \"p\", \"input\": {\"seq\": 5}, \"expect\": {\"error\": {\"kind\": \"NotFound\", \"has_offset\": true}}}",
            "{\"op\": \"get\", \"pool\": \"p\", \"input\": {\"seq\": 5}}",
            "{\"op\": \"tail\", \"pool\": \"p\", \"input\": {\"since_seq\": 1}, \"expect\": {\"messages\": []}}",
            "{\"op\": \"tail\", \"pool\": \"p\", \"input\": {\"since_seq\": 1}, \"expect\": {\"messages_unordered\": [{\"data\": {\"a\": -0.0}, \"tags\": [\"u\"]}]}}",
            "{\"op\": \"list_pools\", \"expect\": {\"names\": [\"p\", \"q\"]}}",
            "{\"op\": \"pool_info\", \"pool\": \"p\", \"expect\": {\"file_size\": 65537}}",
            "{\"op\": \"pool_info\", \"pool\": \"p\", \"expect\": {\"ring_size\": 65536}}",
            "{\"op\": \"pool_info\", \"pool\": \"p\", \"expect\": {\"bounds\": {\"oldest\": null}}}",
            "{\"op\": \"pool_info\", \"pool\": \"p\", \"expect\": {\"bounds\": {\"newest\": 2}}}",
            "{\"op\": \"delete_pool\", \"pool\": \"q\"}",
            "{\"op\": \"create_pool\", \"pool\": \"p\"}",
            "{\"op\": \"create_pool\", \"pool\": \"q\", \"expect\": {\"created\": false}}",
            "{\"op\": \"corrupt_pool_header\", \"pool\": \"q\"}",
            "{\"op\": \"get\", \"pool\": \"p\", \"input\": {\"seq\": 1}, \"expect\": {\"bogus\": 1}}",
            "{\"op\": \"frobnicate\", \"pool\": \"p\"}");
    for (String wrong : wrongSteps) {
      ManifestResult result = run(prefix + wrong + "]}");
      assertFalse(result.passed(), wrong);
      assertEquals(2, result.failedStep(), wrong + " -> " + result.line());
    }
    // The same prefix passes on its own.
    ManifestResult ok =
        run(
            prefix
                + "{\"op\": \"get\", \"pool\": \"p\", \"input\": {\"seq\": 1},"
                + " \"expect\": {\"data\": {\"a\": -0.0}, \"tags\": [\"t\"]}}]}");
    assertTrue(ok.passed(), ok.line());
  }

  @Test
  void runnerSideOpsWork() throws IOException {
    ManifestResult result =
        run(
            """
            {"conformance_version": 0, "name": "runner ops", "workdir": "w", "steps": [
              {"op": "create_pool", "id": "create", "pool": "multi", "input": {"size_bytes": 262144},
               "expect": {"created": true}},
              {"op": "create_pool", "id": "again", "pool": "multi",
               "expect": {"error": {"kind": "AlreadyExists", "has_path": true}}},
              {"op": "create_pool", "id": "again-any", "pool": "multi", "expect": {"created": false}},
              {"op": "spawn_poke", "id": "poke", "pool": "multi", "input": {"messages": [
                {"data": {"writer": "alpha", "value": 1}, "tags": ["alpha"]},
                {"data": {"writer": "beta", "value": 2}, "descrips": ["beta"]},
                {"data": {"writer": "gamma", "value": 3}, "tags": ["-dash", "x y"]},
                {"data": {"writer": "delta", "value": 4}}]}},
              {"op": "tail", "id": "all", "pool": "multi", "input": {"since_seq": 1, "max": 10},
               "expect": {"messages_unordered": [
                 {"data": {"writer": "delta", "value": 4}, "tags": []},
                 {"data": {"writer": "gamma", "value": 3}, "tags": ["-dash", "x y"]},
                 {"data": {"writer": "beta", "value": 2}, "descrips": ["beta"]},
                 {"data": {"value": 1, "writer": "alpha"}}]}},
              {"op": "pool_info", "id": "info", "pool": "multi",
               "expect": {"file_size": 262144, "bounds": {"oldest": 1, "newest": 4}}},
              {"op": "create_pool", "id": "sub", "pool": "sub/dir/p.plasmite", "input": {"size_bytes": 65536}},
              {"op": "append", "id": "sub-append", "pool": "sub/dir/p.plasmite", "input": {"data": {}},
               "expect": {"seq": 1}},
              {"op": "chmod_path", "id": "chmod", "input": {"path": "sub/dir/p.plasmite", "mode": "640"}},
              {"op": "retention_gap", "id": "gap", "pool": "gap"},
              {"op": "corrupt_pool_header", "id": "corrupt", "pool": "multi"},
              {"op": "get", "id": "corrupt-get", "pool": "multi", "input": {"seq": 1},
               "expect": {"error": {"kind": "Corrupt", "has_path": true}}},
              {"op": "append", "id": "corrupt-bad-data", "pool": "multi", "input": {"data": "text"},
               "expect": {"error": {"kind": "Usage", "message_contains": "object"}}},
              {"op": "list_pools", "id": "list", "expect": {"names": ["gap-gap1", "gap-gap2", "gap-gap4", "multi"]}},
              {"op": "delete_pool", "id": "delete", "pool": "multi"},
              {"op": "delete_pool", "id": "delete-again", "pool": "multi",
               "expect": {"error": {"kind": "NotFound", "has_path": true}}}
            ]}
            """);

    assertTrue(result.passed(), result.line());
    assertEquals("PASS runner ops (16 steps)", result.line());
    Path sub = tmp.resolve("manifests/w/sub/dir/p.plasmite");
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(sub)));
    LocalClient client = new LocalClient().withPoolDir(tmp.resolve("manifests/w"));
    assertEquals(65536, client.info(PoolRef.name("gap-gap1")).fileSize());
  }

  @Test
  void aFailingFeedProcessFailsSpawnPoke() throws IOException {
    ManifestResult result =
        run(
            """
            {"conformance_version": 0, "name": "bad poke", "steps": [
              {"op": "create_pool", "pool": "p", "input": {"size_bytes": 65536}},
              {"op": "spawn_poke", "id": "poke", "pool": "p", "input": {"messages": [
                {"data": {"ok": true}}, {"data": [1, 2]}]}}
            ]}
            """);

    assertEquals(1, result.failedStep(), result.line());
    assertTrue(result.reason().contains("exited with status 2"), result.reason());
    assertTrue(result.reason().contains("data must be object"), result.reason());
  }

  @Test
  void theWorkdirIsWipedAndMustStayInsideItsRoot() throws IOException {
    Path stale = Files.createDirectories(tmp.resolve("manifests/work/sub"));
    Files.writeString(stale.resolve("old.txt"), "x");
    Files.setPosixFilePermissions(stale, PosixFilePermissions.fromString("---------"));
    Files.writeString(tmp.resolve("manifests/work/old.plasmite"), "not a pool");

    ManifestResult clean =
        run(
            """
            {"conformance_version": 0, "name": "clean", "steps": [
              {"op": "list_pools", "expect": {"names": []}}]}
            """);
    assertTrue(clean.passed(), clean.line());

    for (String workdir : List.of("..", "../x", "/tmp/x", "", ".")) {
      ManifestResult escaped =
          run(
              "{\"conformance_version\": 0, \"name\": \"escape\", \"workdir\": \""
                  + workdir
                  + "\", \"steps\": []}");
      assertFalse(escaped.passed(), workdir);
      assertEquals(-1, escaped.failedStep());
    }
  }

  @Test
  void malformedManifestsFailWithoutAStep() throws IOException {
    for (String json :
        List.of(
            "not json",
            "[]",
            "{\"name\": \"x\", \"steps\": []}",
            "{\"conformance_version\": 1, \"name\": \"x\", \"steps\": []}",
            "{\"conformance_version\": 0, \"name\": \"x\"}")) {
      ManifestResult result = run(json);
      assertFalse(result.passed(), json);
      assertEquals(-1, result.failedStep(), json);
      assertNull(result.failedStepId(), json);
    }
  }

  @Test
  void mainPrintsOneLinePerManifestAndExitsNonZeroOnAnyFailure() throws IOException {
    Path good =
        manifest(
            "good.json",
            "{\"conformance_version\": 0, \"name\": \"good\", \"steps\": ["
                + "{\"op\": \"list_pools\", \"expect\": {\"names\": []}}]}");
    Path bad =
        manifest(
            "bad.json",
            "{\"conformance_version\": 0, \"name\": \"bad\", \"workdir\": \"w2\", \"steps\": ["
                + "{\"op\": \"list_pools\", \"id\": \"l\", \"expect\": {\"names\": [\"x\"]}}]}");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
    Path root = tmp.resolve("root");

    int status =
        ConformanceMain.run(
            new String[] {"--workdir-root", root.toString(), good.toString(), bad.toString()},
            outStream,
            errStream,
            Map.of());

    assertEquals(1, status);
    assertEquals(
        "PASS good (1 steps)\nFAIL bad: step 0 (l): expected pools [x], found []\n",
        out.toString(StandardCharsets.UTF_8));
    assertTrue(Files.isDirectory(root.resolve("work")));
    assertTrue(Files.isDirectory(root.resolve("w2")));
    assertEquals(
        0, ConformanceMain.run(new String[] {good.toString()}, outStream, errStream, Map.of()));
    assertEquals(2, ConformanceMain.run(new String[] {}, outStream, errStream, Map.of()));
    assertEquals(
        2,
        ConformanceMain.run(
            new String[] {"--bogus", good.toString()}, outStream, errStream, Map.of()));
  }
}
