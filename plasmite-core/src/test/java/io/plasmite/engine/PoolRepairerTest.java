package io.plasmite.engine;

import static io.plasmite.engine.EngineFixtures.patch;
import static io.plasmite.engine.EngineFixtures.patchU32;
import static io.plasmite.engine.EngineFixtures.patchU64;
import static io.plasmite.engine.EngineFixtures.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plasmite.Durability;
import io.plasmite.ErrorKind;
import io.plasmite.LocalClient;
import io.plasmite.Message;
import io.plasmite.PlasmiteException;
import io.plasmite.Pool;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import io.plasmite.RepairReport;
import io.plasmite.Tail;
import io.plasmite.TailOptions;
import io.plasmite.ValidationReport;
import io.plasmite.format.FrameDescriptor;
import io.plasmite.format.IndexDescriptor;
import io.plasmite.format.PoolHeaderDescriptor;
import io.plasmite.testing.ChildJvm;
import io.plasmite.testing.LockHolderChild;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code doctor --repair} on damage crafted byte by byte: pools written by the engine, then
 * specific words overwritten at positions taken from the {@code io.plasmite.format} descriptors.
 * Repairable damage is mended (a backup of the original bytes beside the pool, frames untouched,
 * the pool valid and appendable afterwards); anything else is refused with Corrupt and the file is
 * left byte for byte as it was, with no backup.
 */
@Timeout(120)
class PoolRepairerTest {
  /** Every frame of these tests occupies exactly this many bytes. */
  private static final int FRAME = 512;

  @TempDir Path dir;

  private LocalClient client() {
    return new LocalClient().withPoolDir(dir);
  }

  private Path path(String name) {
    return dir.resolve(name + ".plasmite");
  }

  /**
   * A closed pool of {@code slots} frame slots of {@link #FRAME} bytes holding messages 1..{@code
   * messages}; message i's data is {@link EngineFixtures#dataForFrame}(i).
   */
  private Path pool(String name, int slots, int index, int messages) {
    long size = PoolHeaderDescriptor.HEADER_BYTES + (long) IndexDescriptor.SLOT_BYTES * index;
    size += (long) FRAME * slots;
    try (Pool pool =
        client()
            .createAndOpen(PoolRef.name(name), PoolOptions.ofSize(size).withIndexCapacity(index))) {
      for (int i = 1; i <= messages; i++) {
        pool.appendJsonNow(EngineFixtures.dataForFrame(i, FRAME), List.of(), Durability.FAST);
      }
    }
    return path(name);
  }

  private static long ringOffset(Path p) {
    return header(p).getLong(PoolHeaderDescriptor.RING_OFFSET_OFFSET);
  }

  private static ByteBuffer header(Path p) {
    return EngineFixtures.readPrefixLe(p, PoolHeaderDescriptor.RESERVED_OFFSET);
  }

  /** File position of the frame in ring slot {@code slot} (0-based). */
  private static long frameAt(Path p, int slot) {
    return ringOffset(p) + (long) slot * FRAME;
  }

  private static byte[] ringBytes(Path p) {
    try {
      byte[] all = Files.readAllBytes(p);
      return Arrays.copyOfRange(all, (int) ringOffset(p), all.length);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private List<Path> backups() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().contains(".bak-")).sorted().toList();
    }
  }

  private static List<String> codes(List<? extends Record> items) {
    return items.stream()
        .map(
            r ->
                r instanceof ValidationReport.Issue i ? i.code() : ((RepairReport.Change) r).code())
        .toList();
  }

  /**
   * The repair mended the pool: a backup holding exactly the damaged bytes, the ring untouched, the
   * pool valid with messages {@code oldest..newest} readable by get and tail, and appendable.
   */
  private RepairReport repairAndCheck(String name, long oldest, long newest) throws IOException {
    Path p = path(name);
    byte[] damaged = Files.readAllBytes(p);
    byte[] ringBefore = ringBytes(p);
    // doctor reports the damage, or (header words no open accepts) refuses the file as Corrupt
    try {
      assertFalse(client().validate(PoolRef.name(name)).ok(), "the damage is reported");
    } catch (PlasmiteException e) {
      assertEquals(ErrorKind.CORRUPT, e.kind(), e::toString);
    }
    assertArrayEquals(damaged, Files.readAllBytes(p), "validation modified the file");

    RepairReport report = client().repair(PoolRef.name(name));

    assertTrue(report.repaired(), report::toString);
    assertFalse(report.found().isEmpty(), report::toString);
    assertTrue(report.after().ok(), () -> "after: " + report.after().issues());
    assertEquals(p.getParent(), report.backupPath().getParent(), "backup beside the pool");
    assertTrue(
        report.backupPath().getFileName().toString().startsWith(name + ".plasmite.bak-"),
        report.backupPath().toString());
    assertArrayEquals(damaged, Files.readAllBytes(report.backupPath()), "backup = the old bytes");
    assertEquals(List.of(report.backupPath()), backups());
    assertArrayEquals(ringBefore, ringBytes(p), "frames are never touched");
    ValidationReport valid = client().validate(PoolRef.name(name));
    assertTrue(valid.ok(), () -> valid.issues().toString());
    assertEquals(List.of(), client().repair(PoolRef.name(name)).changes(), "second repair");

    try (Pool pool = client().open(PoolRef.name(name))) {
      assertEquals(oldest, pool.info().oldestSeq());
      assertEquals(newest, pool.info().newestSeq());
      for (long seq = oldest; seq <= newest; seq++) {
        assertEquals(
            EngineFixtures.dataForFrame((int) seq, FRAME), pool.getMessage(seq).dataJson());
      }
      try (Tail tail = pool.tail(TailOptions.since(1).withIdleTimeout(Duration.ZERO))) {
        List<Long> seqs = tail.stream().map(Message::seq).toList();
        assertEquals(newest - oldest + 1, seqs.size(), seqs.toString());
        assertEquals(oldest, seqs.get(0));
      }
      Message next =
          pool.appendJsonNow(EngineFixtures.dataForFrame(1000, FRAME), List.of(), Durability.FLUSH);
      assertEquals(newest + 1, next.seq());
      assertTrue(pool.validate().ok(), () -> pool.validate().issues().toString());
    }
    return report;
  }

  private void assertRefused(String name, String messagePart) throws IOException {
    Path p = path(name);
    byte[] before = sha256(p);
    PlasmiteException e =
        assertThrows(PlasmiteException.class, () -> client().repair(PoolRef.name(name)));
    assertEquals(ErrorKind.CORRUPT, e.kind(), e::toString);
    assertTrue(e.getMessage().contains(messagePart), e::toString);
    assertEquals(p.toString(), e.path().orElseThrow());
    assertTrue(e.hint().orElseThrow().contains("not modified"), e::toString);
    assertArrayEquals(before, sha256(p), "a refused repair changed the file");
    assertEquals(List.of(), backups(), "a refused repair left a backup");
  }

  // ---------------------------------------------------------------- nothing to do

  @Test
  void soundPoolIsLeftAloneWithoutBackup() throws IOException {
    Path p = pool("sound", 4, 16, 9);
    byte[] before = sha256(p);
    RepairReport report = client().repair(PoolRef.name("sound"));
    assertFalse(report.repaired());
    assertEquals(List.of(), report.found());
    assertNull(report.backupPath());
    assertTrue(report.after().ok());
    assertArrayEquals(before, sha256(p));
    assertEquals(List.of(), backups());
  }

  // ---------------------------------------------------------------- header vs frame chain

  /**
   * A writer that publishes its header last (the reference) was killed while writing frame 4 over
   * frame 1 of a full ring ({@code pool-format-v3.md} §11 item 7): the header's tail names a frame
   * in state Writing. The repair moves the tail past it; messages 2 and 3 stay.
   */
  @ParameterizedTest(name = "index {0}")
  @ValueSource(ints = {0, 16})
  void headerLeftBehindByACrashMidOverwrite(int index) throws IOException {
    Path p = pool("overwrite" + index, 3, index, 3);
    long frame1 = frameAt(p, 0);
    patchU32(p, frame1 + FrameDescriptor.STATE_OFFSET, FrameDescriptor.STATE_WRITING);
    patchU64(p, frame1 + FrameDescriptor.SEQ_OFFSET, 4);
    patch(p, frame1 + FrameDescriptor.HEADER_BYTES + 100, new byte[200]);

    RepairReport r = repairAndCheck("overwrite" + index, 2, 3);

    assertEquals(List.of("frame_state"), codes(r.found()));
    assertEquals(
        List.of("overwritten_seqs", "header", "header", "header"), codes(r.changes()), r::toString);
    assertEquals(
        List.of("tail_off 0 -> 512", "tail_next_off 512 -> 1024", "oldest_seq 1 -> 2"),
        r.changes().stream().skip(1).map(RepairReport.Change::message).toList());
    assertEquals(1, r.changes().get(0).seq());
  }

  /**
   * A writer killed between two stores of a header publication can leave words no open accepts; the
   * repair rebuilds them from the frame chain.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"headMisaligned", "tailOutside", "emptyApart", "oldestAboveNewest"})
  void tornHeaderWordsThatNoOpenAccepts(String damage) throws IOException {
    Path p = pool(damage, 8, 16, 5);
    switch (damage) {
      case "headMisaligned" -> patchU64(p, PoolHeaderDescriptor.HEAD_OFFSET, 5 * FRAME + 4);
      case "tailOutside" -> patchU64(p, PoolHeaderDescriptor.TAIL_OFFSET, 1L << 40);
      case "emptyApart" -> patchU64(p, PoolHeaderDescriptor.OLDEST_SEQ_OFFSET, 0);
      case "oldestAboveNewest" -> patchU64(p, PoolHeaderDescriptor.OLDEST_SEQ_OFFSET, 7);
      default -> throw new IllegalArgumentException(damage);
    }
    PlasmiteException refused =
        assertThrows(PlasmiteException.class, () -> client().open(PoolRef.name(damage)));
    assertEquals(ErrorKind.CORRUPT, refused.kind());

    RepairReport r = repairAndCheck(damage, 1, 5);
    assertEquals(List.of("header"), codes(r.changes()).stream().distinct().toList());
    assertEquals(1, r.changes().size(), r::toString);
  }

  /**
   * Messages of more than half the ring: each append drops the previous one. A writer killed after
   * storing {@code oldest_seq = 2} but before {@code newest_seq} leaves oldest above newest and no
   * frame 1 at all; frame 2 is whole, and the repair finishes its publication.
   */
  @Test
  void frameWhosePublicationWasInterruptedIsPublished() throws IOException {
    long size = PoolHeaderDescriptor.HEADER_BYTES + 2 * 700;
    try (Pool pool =
        client()
            .createAndOpen(PoolRef.name("big"), PoolOptions.ofSize(size).withIndexCapacity(0))) {
      for (int i = 1; i <= 2; i++) {
        pool.appendJsonNow(EngineFixtures.dataForFrame(i, 800), List.of(), Durability.FAST);
      }
      assertEquals(2, pool.info().oldestSeq());
    }
    Path p = path("big");
    byte[] ring = ringBytes(p);
    patchU64(p, PoolHeaderDescriptor.NEWEST_SEQ_OFFSET, 1);
    assertThrows(PlasmiteException.class, () -> client().open(PoolRef.name("big")));

    RepairReport r = client().repair(PoolRef.name("big"));

    assertEquals(List.of("header_seqs"), codes(r.found()));
    assertEquals(List.of("published_seq", "header"), codes(r.changes()), r::toString);
    assertEquals("newest_seq 1 -> 2", r.changes().get(1).message());
    assertTrue(r.after().ok(), () -> r.after().issues().toString());
    assertArrayEquals(ring, ringBytes(p));
    try (Pool pool = client().open(PoolRef.name("big"))) {
      assertEquals(EngineFixtures.dataForFrame(2, 800), pool.getMessage(2).dataJson());
      assertEquals(3, pool.appendJsonNow("{}", List.of(), Durability.FAST).seq());
    }
  }

  @ParameterizedTest(name = "index {0}")
  @ValueSource(ints = {0, 16})
  void wrongTailNextIsRewritten(int index) throws IOException {
    Path p = pool("tailnext" + index, 8, index, 5);
    patchU64(p, PoolHeaderDescriptor.TAIL_NEXT_OFFSET, 3 * FRAME);
    RepairReport r = repairAndCheck("tailnext" + index, 1, 5);
    assertEquals(List.of("tail_next"), codes(r.found()));
    assertEquals("tail_next_off 1536 -> 512", r.changes().get(0).message());
  }

  // ---------------------------------------------------------------- torn last messages

  /**
   * The newest message was never completely written (a power loss after the header page reached the
   * disk but not the frame's, or a damaged write): it is dropped from the header, and the next
   * append takes its seq.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"writing", "empty", "noMarker", "tornLength", "zeroed", "staleSeq"})
  void tornLastMessageIsDropped(String damage) throws IOException {
    Path p = pool("torn" + damage, 8, 16, 5);
    long frame5 = frameAt(p, 4);
    switch (damage) {
      case "writing" ->
          patchU32(p, frame5 + FrameDescriptor.STATE_OFFSET, FrameDescriptor.STATE_WRITING);
      case "empty" -> patchU32(p, frame5 + FrameDescriptor.STATE_OFFSET, 0);
      case "noMarker" -> patch(p, frame5 + FRAME - 8, new byte[8]);
      case "tornLength" -> patchU32(p, frame5 + FrameDescriptor.LEN_COMPLEMENT_OFFSET, 0);
      case "zeroed" -> patch(p, frame5, new byte[FRAME]);
      case "staleSeq" -> patchU64(p, frame5 + FrameDescriptor.SEQ_OFFSET, 1);
      default -> throw new IllegalArgumentException(damage);
    }
    RepairReport r = repairAndCheck("torn" + damage, 1, 4);
    assertEquals(List.of("torn_seqs", "header", "header"), codes(r.changes()), r::toString);
    assertTrue(r.changes().get(0).message().startsWith("seq 5 was never completely written"));
    assertEquals(frame5, r.changes().get(0).offset());
    assertEquals("head_off 2560 -> 2048", r.changes().get(1).message());
    assertEquals("newest_seq 5 -> 4", r.changes().get(2).message());
  }

  @Test
  void severalTornMessagesAtTheEndAreDropped() throws IOException {
    Path p = pool("torn2", 8, 16, 6);
    patchU32(p, frameAt(p, 4) + FrameDescriptor.STATE_OFFSET, FrameDescriptor.STATE_WRITING);
    patch(p, frameAt(p, 5), new byte[FRAME]);
    RepairReport r = repairAndCheck("torn2", 1, 4);
    assertTrue(r.changes().get(0).message().startsWith("seqs 5..6 were never"), r::toString);
  }

  @Test
  void onlyMessageTornLeavesAnEmptyPool() throws IOException {
    Path p = pool("single", 8, 16, 1);
    patchU32(p, frameAt(p, 0) + FrameDescriptor.STATE_OFFSET, FrameDescriptor.STATE_WRITING);
    RepairReport r = client().repair(PoolRef.name("single"));
    assertTrue(r.after().ok(), () -> r.after().issues().toString());
    try (Pool pool = client().open(PoolRef.name("single"))) {
      assertTrue(pool.info().isEmpty());
      assertEquals(1, pool.appendJsonNow("{}", List.of(), Durability.FAST).seq());
      assertEquals("{}", pool.getMessage(1).dataJson());
    }
  }

  // ---------------------------------------------------------------- index

  @Test
  void indexSlotsPointingAtWrongFramesAreRewritten() throws IOException {
    Path p = pool("index", 8, 16, 6);
    long slot3 = IndexDescriptor.slotPosition(16, 3);
    long slot5 = IndexDescriptor.slotPosition(16, 5);
    patchU64(p, slot3 + 8, FRAME); // frame 2
    patchU64(p, slot5 + 8, 4 * FRAME + 8); // misaligned into frame 5
    RepairReport r = repairAndCheck("index", 1, 6);
    assertEquals(List.of("index_slot", "index_slot"), codes(r.changes()));
    assertEquals(slot3, r.changes().get(0).offset());
    assertEquals(3, r.changes().get(0).seq());
    assertEquals(
        "index slot for seq 3 pointed at ring offset 512, now at 1024",
        r.changes().get(0).message());
    ByteBuffer b = EngineFixtures.readPrefixLe(p, (int) slot5 + 16);
    assertEquals(2 * FRAME, b.getLong((int) slot3 + 8));
    assertEquals(4 * FRAME, b.getLong((int) slot5 + 8));
  }

  // ---------------------------------------------------------------- refused

  @Test
  void damagedFrameWithIntactMessagesAfterItIsRefused() throws IOException {
    Path p = pool("middle", 8, 16, 5);
    patchU32(p, frameAt(p, 2) + FrameDescriptor.STATE_OFFSET, FrameDescriptor.STATE_WRITING);
    assertRefused("middle", "seq 3 is damaged but seq 1, also claimed by the header, is intact");
  }

  @ParameterizedTest(name = "frame {0}")
  @ValueSource(ints = {3, 5})
  void committedFrameWithADamagedPayloadIsRefused(int seq) throws IOException {
    Path p = pool("payload" + seq, 8, 16, 5);
    byte[] junk = new byte[64];
    Arrays.fill(junk, (byte) 0xEE);
    patch(p, frameAt(p, seq - 1) + FrameDescriptor.HEADER_BYTES, junk);
    assertRefused("payload" + seq, "(payload)");
  }

  @Test
  void damagedGeometryIsRefused() throws IOException {
    Path p = pool("geometry", 8, 16, 5);
    patchU64(p, PoolHeaderDescriptor.RING_SIZE_OFFSET, 4 * FRAME);
    assertRefused("geometry", "does not end the file");
  }

  @Test
  void headerWhoseNewestSeqNoFrameCarriesIsRefused() throws IOException {
    Path p = pool("newest", 8, 16, 5);
    patchU64(p, PoolHeaderDescriptor.NEWEST_SEQ_OFFSET, 40);
    assertRefused("newest", "cannot repair without guessing");
  }

  // ---------------------------------------------------------------- lock

  /**
   * Another process holds the writer lock: the repair waits for it (no backup, no change meanwhile)
   * and goes on once that process is gone.
   */
  @Test
  void repairWaitsForTheWriterLock() throws Exception {
    Path p = pool("locked", 8, 16, 5);
    patchU64(p, IndexDescriptor.slotPosition(16, 2) + 8, 0);
    byte[] damaged = sha256(p);
    try (ChildJvm holder =
        ChildJvm.start(dir, "holder", LockHolderChild.class, List.of("pool=" + p))) {
      holder.expectLine("locked", Duration.ofSeconds(30));
      Thread[] worker = new Thread[1];
      CompletableFuture<RepairReport> repair = new CompletableFuture<>();
      worker[0] =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      repair.complete(client().repair(PoolRef.name("locked")));
                    } catch (Throwable t) {
                      repair.completeExceptionally(t);
                    }
                  });
      awaitInFlock(worker[0]);
      assertFalse(repair.isDone());
      assertEquals(List.of(), backups(), "backup taken without the lock");
      assertArrayEquals(damaged, sha256(p), "changed without the lock");
      holder.kill();
      RepairReport r = repair.get(30, TimeUnit.SECONDS);
      assertEquals(List.of("index_slot"), codes(r.changes()));
      assertTrue(r.after().ok());
    }
  }

  /** Waits until the thread is inside the blocking {@code flock} call. */
  private static void awaitInFlock(Thread t) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      for (StackTraceElement e : t.getStackTrace()) {
        if (e.getClassName().equals(NativeIo.class.getName())
            && e.getMethodName().equals("flock")) {
          return;
        }
      }
      java.util.concurrent.locks.LockSupport.parkNanos(100_000);
    }
    throw new AssertionError(
        "the repair never reached flock: " + Arrays.toString(t.getStackTrace()));
  }
}
