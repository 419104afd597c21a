package io.plasmite.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import io.plasmite.format.FrameDescriptor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pure planner ({@code pool-format-v3.md} §5 step 3) on hand-built rings: where the frame goes,
 * what is dropped, the five header words after, and refusal of impossible or corrupt inputs.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class AppendPlannerTest {
  private Arena arena;

  @BeforeEach
  void openArena() {
    arena = Arena.ofConfined();
  }

  @AfterEach
  void closeArena() {
    arena.close();
  }

  private MemorySegment ring(long size) {
    return arena.allocate(size, 8);
  }

  private static HeaderState header(
      long ringSize, long head, long tail, long tailNext, long oldest, long newest) {
    return new HeaderState(
        4096 + ringSize, 0, 4096, ringSize, 0, head, tail, tailNext, oldest, newest);
  }

  /** Writes a committed frame whose total size is {@code frameBytes} (a multiple of 8, ≥ 72). */
  private static void frame(MemorySegment ring, long off, long seq, long frameBytes) {
    int len = (int) frameBytes - 72;
    FrameDescriptor.writeHeaderFields(ring, off, seq, 1000 + seq, len, 0);
    FrameDescriptor.writeCommitMarker(ring, off, len);
    FrameDescriptor.setStateRelease(ring, off, FrameDescriptor.STATE_COMMITTED);
  }

  private static void wrapMarker(MemorySegment ring, long off) {
    FrameDescriptor.writeHeaderFields(ring, off, 0, 0, 0, 0);
    FrameDescriptor.setStateRelease(ring, off, FrameDescriptor.STATE_WRAP);
  }

  private static long payloadFor(long frameBytes) {
    return frameBytes - 72;
  }

  private static String pointers(HeaderState h) {
    return "head "
        + h.head()
        + ", tail "
        + h.tail()
        + ", tail_next "
        + h.tailNext()
        + ", oldest "
        + h.oldestSeq()
        + ", newest "
        + h.newestSeq();
  }

  private static void assertPointers(
      HeaderState h, long head, long tail, long tailNext, long oldest, long newest) {
    assertEquals(
        pointers(h.withPointers(head, tail, tailNext, oldest, newest)), pointers(h), "pointers");
  }

  private static void assertPlan(
      AppendPlan plan, long seq, long frameOffset, long frameBytes, long wrapOffset, int drops) {
    assertEquals(
        "seq "
            + seq
            + " at "
            + frameOffset
            + " ("
            + frameBytes
            + " bytes), wrap "
            + wrapOffset
            + ", drops "
            + drops,
        "seq "
            + plan.seq()
            + " at "
            + plan.frameOffset()
            + " ("
            + plan.frameBytes()
            + " bytes), wrap "
            + plan.wrapOffset()
            + ", drops "
            + plan.droppedFrames());
  }

  private static PlasmiteException expect(
      ErrorKind kind, HeaderState h, MemorySegment ring, long p) {
    PlasmiteException e =
        assertThrows(PlasmiteException.class, () -> AppendPlanner.plan(h, ring, p));
    assertEquals(kind, e.kind(), e::toString);
    return e;
  }

  // ---------------------------------------------------------------- basic placement

  @Test
  void emptyPool() {
    MemorySegment ring = ring(2048);
    HeaderState h = header(2048, 0, 0, 0, 0, 0);
    AppendPlan plan = AppendPlanner.plan(h, ring, 100);
    long f = EngineFixtures.frameBytes(100);
    assertEquals(176, f);
    assertPlan(plan, 1, 0, f, -1, 0);
    assertPointers(plan.next(), f, 0, f, 1, 1);
    assertPointers(plan.afterDrops(), 0, 0, 0, 0, 0);
  }

  @Test
  void emptyPoolAfterEverythingWasDroppedContinuesTheSeqs() {
    MemorySegment ring = ring(2048);
    // empty, but 41 messages were written before: pointers together mid-ring
    HeaderState h = header(2048, 512, 512, 512, 0, 41);
    AppendPlan plan = AppendPlanner.plan(h, ring, payloadFor(256));
    assertPlan(plan, 42, 512, 256, -1, 0);
    assertPointers(plan.next(), 768, 512, 768, 42, 42);
  }

  @Test
  void secondFrameFollowsTheFirstAndKeepsTailNext() {
    MemorySegment ring = ring(2048);
    frame(ring, 0, 1, 256);
    HeaderState h = header(2048, 256, 0, 256, 1, 1);
    AppendPlan plan = AppendPlanner.plan(h, ring, payloadFor(512));
    assertPlan(plan, 2, 256, 512, -1, 0);
    assertPointers(plan.next(), 768, 0, 256, 1, 2);
  }

  @Test
  void exactFitFillsTheRingAndTheHeadWrapsToZero() {
    MemorySegment ring = ring(512);
    HeaderState h = header(512, 0, 0, 0, 0, 0);
    AppendPlan plan = AppendPlanner.plan(h, ring, payloadFor(512));
    assertPlan(plan, 1, 0, 512, -1, 0);
    assertPointers(plan.next(), 0, 0, 0, 1, 1);

    // The next append into that full single-frame ring drops it (slow path: tail_next is 0).
    frame(ring, 0, 1, 512);
    AppendPlan second = AppendPlanner.plan(plan.next(), ring, payloadFor(128));
    assertPlan(second, 2, 0, 128, -1, 1);
    assertPointers(second.afterDrops(), 0, 0, 0, 0, 1);
    assertPointers(second.next(), 128, 0, 128, 2, 2);
  }

  @Test
  void exactFitAtTheEndOfTheRingWrapsTheHeadWithoutAMarker() {
    MemorySegment ring = ring(1024);
    frame(ring, 0, 1, 512);
    HeaderState h = header(1024, 512, 0, 512, 1, 1);
    AppendPlan plan = AppendPlanner.plan(h, ring, payloadFor(512));
    assertPlan(plan, 2, 512, 512, -1, 0);
    assertPointers(plan.next(), 0, 0, 512, 1, 2);
  }

  // ---------------------------------------------------------------- wraps

  @Test
  void emptyPoolWithTheHeadNearTheEndWritesAWrapMarker() {
    long f = 256;
    long ringSize = 3 * f + 64;
    MemorySegment ring = ring(ringSize);
    long head = ringSize - 64;
    HeaderState h = header(ringSize, head, head, head, 0, 9);
    AppendPlan plan = AppendPlanner.plan(h, ring, payloadFor(f));
    assertPlan(plan, 10, 0, f, head, 0);
    assertPointers(plan.next(), f, 0, f, 10, 10);
  }

  /** Frames 1..3 of 512 bytes in a ring of 1640: 104 bytes remain, enough for a marker. */
  @Test
  void wrapWithMarker() {
    MemorySegment ring = ring(1640);
    frame(ring, 0, 1, 512);
    frame(ring, 512, 2, 512);
    frame(ring, 1024, 3, 512);
    HeaderState h = header(1640, 1536, 0, 512, 1, 3);
    AppendPlan plan = AppendPlanner.plan(h, ring, payloadFor(512));
    assertPlan(plan, 4, 0, 512, 1536, 1);
    assertPointers(plan.afterDrops(), 1536, 512, 1024, 2, 3);
    assertPointers(plan.next(), 512, 512, 1024, 2, 4);
  }

  /** Frames 1..3 of 512 bytes in a ring of 1576: 40 bytes remain, too few for a marker. */
  @Test
  void implicitWrap() {
    MemorySegment ring = ring(1576);
    frame(ring, 0, 1, 512);
    frame(ring, 512, 2, 512);
    frame(ring, 1024, 3, 512);
    HeaderState h = header(1576, 1536, 0, 512, 1, 3);
    AppendPlan plan = AppendPlanner.plan(h, ring, payloadFor(512));
    assertPlan(plan, 4, 0, 512, -1, 1);
    assertPointers(plan.afterDrops(), 1536, 512, 1024, 2, 3);
    assertPointers(plan.next(), 512, 512, 1024, 2, 4);
  }

  /** A wrap must also drop frames at the ring start that the new frame would overwrite. */
  @Test
  void wrapDropsEveryFrameTheNewFrameCovers() {
    MemorySegment ring = ring(2048);
    frame(ring, 0, 5, 128);
    frame(ring, 128, 6, 128);
    frame(ring, 256, 7, 128);
    frame(ring, 384, 8, 1536); // ends at 1920; 128 bytes left before the end
    HeaderState h = header(2048, 1920, 0, 128, 5, 8);
    AppendPlan plan = AppendPlanner.plan(h, ring, payloadFor(320));
    // free space (128) is short of 320 + 64: dropping 5 and 6 frees 384 bytes (enough space),
    // and the tail (256) still sits before the new frame's end (320), so 7 goes too
    assertPlan(plan, 9, 0, 320, 1920, 3);
    // tail_next: the slot after frame 8, where the marker sits
    assertPointers(plan.next(), 320, 384, 1920, 8, 9);
  }

  // ---------------------------------------------------------------- drops

  /** tail_next is trusted: the dropped frame's bytes are never read (here they are garbage). */
  @Test
  void dropThroughTailNextWithoutReadingTheTailFrame() {
    MemorySegment ring = ring(1536);
    ring.asSlice(0, 512).fill((byte) 0x5A); // frame 1 unreadable
    frame(ring, 512, 2, 512);
    frame(ring, 1024, 3, 512);
    HeaderState h = header(1536, 0, 0, 512, 1, 3);
    AppendPlan plan = AppendPlanner.plan(h, ring, payloadFor(512));
    assertPlan(plan, 4, 0, 512, -1, 1);
    assertPointers(plan.afterDrops(), 0, 512, 1024, 2, 3);
    assertPointers(plan.next(), 512, 512, 1024, 2, 4);
  }

  /** Without a usable tail_next the tail frame is parsed; the result is the same. */
  @ParameterizedTest(name = "tail_next {0}")
  @ValueSource(longs = {0, 8, 516, 1528, 1536, 0x7fff_ffff_ffff_fff8L})
  void dropByParsingTheTailWhenTailNextIsUnusable(long tailNext) {
    MemorySegment ring = ring(1536);
    frame(ring, 0, 1, 512);
    frame(ring, 512, 2, 512);
    frame(ring, 1024, 3, 512);
    // unusable: 0, closer than a header to the tail, misaligned, in the last 64 bytes, outside
    HeaderState h = header(1536, 0, 0, tailNext, 1, 3);
    AppendPlan plan = AppendPlanner.plan(h, ring, payloadFor(512));
    assertPlan(plan, 4, 0, 512, -1, 1);
    assertPointers(plan.next(), 512, 512, 1024, 2, 4);
  }

  @Test
  void slowPathDropsSeveralFramesAndComputesTailNext() {
    MemorySegment ring = ring(2048);
    frame(ring, 0, 1, 256);
    frame(ring, 256, 2, 256);
    frame(ring, 512, 3, 256);
    frame(ring, 768, 4, 1280);
    // full ring: head == tail, tail_next 0 forces parsing
    HeaderState h = header(2048, 0, 0, 0, 1, 4);
    AppendPlan plan = AppendPlanner.plan(h, ring, payloadFor(592));
    // 592 bytes: frames 1, 2 and 3 (768 bytes) must go
    assertPlan(plan, 5, 0, 592, -1, 3);
    assertPointers(plan.afterDrops(), 0, 768, 0, 4, 4);
    assertPointers(plan.next(), 592, 768, 0, 4, 5);
  }

  @Test
  void droppingUntilEmpty() {
    MemorySegment ring = ring(1024);
    frame(ring, 0, 1, 256);
    frame(ring, 256, 2, 256);
    HeaderState h = header(1024, 512, 0, 256, 1, 2);
    AppendPlan plan = AppendPlanner.plan(h, ring, payloadFor(1024));
    // both frames go; the pool is momentarily empty (pointers together at the old head); the
    // frame does not fit before the ring end, so a marker goes at 512 and the frame at 0
    assertPlan(plan, 3, 0, 1024, 512, 2);
    assertPointers(plan.afterDrops(), 512, 512, 512, 0, 2);
    assertPointers(plan.next(), 0, 0, 0, 3, 3);
  }

  @Test
  void droppingTheOnlyFrameThenWrapping() {
    MemorySegment ring = ring(1024);
    frame(ring, 0, 7, 512);
    HeaderState h = header(1024, 512, 0, 512, 7, 7);
    // 768 bytes do not fit in the free 512: drop 7 → empty at 512; 512 remain before the end
    // (< 768) so it wraps with a marker
    AppendPlan plan = AppendPlanner.plan(h, ring, payloadFor(768));
    assertPlan(plan, 8, 0, 768, 512, 1);
    assertPointers(plan.afterDrops(), 512, 512, 512, 0, 7);
    assertPointers(plan.next(), 768, 0, 768, 8, 8);
  }

  /** The tail rests on a wrap marker (tail_next 0): the marker is dropped, then frame 4. */
  @Test
  void tailRestingOnAWrapMarker() {
    MemorySegment ring = ring(1640);
    frame(ring, 0, 4, 512);
    frame(ring, 512, 5, 512);
    frame(ring, 1024, 6, 512);
    wrapMarker(ring, 1536);
    HeaderState h = header(1640, 1536, 1536, 0, 4, 6);
    AppendPlan plan = AppendPlanner.plan(h, ring, payloadFor(512));
    assertPlan(plan, 7, 0, 512, 1536, 2);
    assertPointers(plan.afterDrops(), 1536, 512, 1024, 5, 6);
    assertPointers(plan.next(), 512, 512, 1024, 5, 7);
  }

  /** The tail rests on the 40-byte end gap (tail_next 0): the gap is skipped, then frame 4. */
  @Test
  void tailRestingOnTheShortEndGap() {
    MemorySegment ring = ring(1576);
    frame(ring, 0, 4, 512);
    frame(ring, 512, 5, 512);
    frame(ring, 1024, 6, 512);
    HeaderState h = header(1576, 1536, 1536, 0, 4, 6);
    AppendPlan plan = AppendPlanner.plan(h, ring, payloadFor(512));
    assertPlan(plan, 7, 0, 512, -1, 2);
    assertPointers(plan.afterDrops(), 1536, 512, 1024, 5, 6);
    assertPointers(plan.next(), 512, 512, 1024, 5, 7);
  }

  /** A small frame that fits before the tail at rest on the marker: nothing is dropped. */
  @Test
  void tailOnAWrapMarkerWithRoomLeft() {
    MemorySegment ring = ring(1640);
    frame(ring, 0, 4, 512);
    frame(ring, 512, 5, 512);
    wrapMarker(ring, 1536);
    HeaderState h = header(1640, 1024, 1536, 0, 4, 5);
    AppendPlan plan = AppendPlanner.plan(h, ring, payloadFor(256));
    assertPlan(plan, 6, 1024, 256, -1, 0);
    assertPointers(plan.next(), 1280, 1536, 0, 4, 6);
  }

  // ---------------------------------------------------------------- refusals

  @Test
  void payloadLargerThanRingMinus72IsUsage() {
    MemorySegment ring = ring(1024);
    HeaderState h = header(1024, 0, 0, 0, 0, 0);
    AppendPlan ok = AppendPlanner.plan(h, ring, 1024 - 72);
    assertPlan(ok, 1, 0, 1024, -1, 0);
    for (long p : new long[] {1024 - 71, 1024, 1L << 31, 1L << 40, Long.MAX_VALUE}) {
      PlasmiteException e = expect(ErrorKind.USAGE, h, ring, p);
      assertTrue(e.getMessage().startsWith("payload exceeds ring capacity"), e.getMessage());
    }
    // also on a non-empty pool, and without touching the ring
    frame(ring, 0, 1, 256);
    expect(ErrorKind.USAGE, header(1024, 256, 0, 256, 1, 1), ring, 1024 - 71);
  }

  @Test
  void payloadAbove256MiBIsUsageWhateverTheRing() {
    long ringSize = 1L << 30;
    MemorySegment ring = ring(64); // never read for an empty pool
    HeaderState h = header(ringSize, 0, 0, 0, 0, 0);
    AppendPlan ok = AppendPlanner.plan(h, ring, 256L << 20);
    assertEquals(EngineFixtures.frameBytes(256L << 20), ok.frameBytes());
    expect(ErrorKind.USAGE, h, ring, (256L << 20) + 1);
  }

  /**
   * A ring whose size is not a multiple of 8 (e.g. a 4196-byte pool without index): a payload of
   * ring_size - 72 makes a frame of align8(ring_size) bytes, larger than the ring. The reference
   * refuses it as Usage ("frame larger than ring"); it can never succeed, so it must not be Busy.
   */
  @Test
  void frameLargerThanAnUnalignedRingIsUsage() {
    MemorySegment ring = ring(1024);
    HeaderState h = header(1020, 0, 0, 0, 0, 0);
    expect(ErrorKind.USAGE, h, ring, 1020 - 72);
    frame(ring, 0, 1, 256);
    expect(ErrorKind.USAGE, header(1020, 256, 0, 256, 1, 1), ring, 1020 - 72);
    // one byte less still fits exactly
    AppendPlan ok = AppendPlanner.plan(h, ring, 1020 - 72 - 4);
    assertEquals(1016, ok.frameBytes());
  }

  // ---------------------------------------------------------------- corrupt rings

  /**
   * frame 1 at 0, a wrap marker at 512 and the head at 1024: dropping 1 then the marker brings the
   * tail back to frame "1" forever. The reference loops without bound here.
   */
  @Test
  void frameChainThatLoopsIsCorrupt() {
    MemorySegment ring = ring(2048);
    frame(ring, 0, 1, 512);
    wrapMarker(ring, 512);
    HeaderState h = header(2048, 1024, 0, 0, 1, 5);
    expect(ErrorKind.CORRUPT, h, ring, payloadFor(1536));
  }

  @Test
  void frameChainLoopingThroughTailNextIsCorrupt() {
    MemorySegment ring = ring(2048);
    frame(ring, 0, 1, 512);
    wrapMarker(ring, 512);
    // tail_next says the frame after the tail is the marker: the fast path is taken first
    HeaderState h = header(2048, 1024, 0, 512, 1, 5);
    expect(ErrorKind.CORRUPT, h, ring, payloadFor(1536));
  }

  @Test
  void zeroFilledRingAtTheTailIsCorrupt() {
    MemorySegment ring = ring(1024);
    HeaderState h = header(1024, 512, 0, 0, 1, 3);
    PlasmiteException e = expect(ErrorKind.CORRUPT, h, ring, payloadFor(768));
    assertEquals(0, e.offset().orElseThrow());
  }

  @Test
  void badMagicAtTheTailIsCorrupt() {
    MemorySegment ring = ring(1024);
    frame(ring, 256, 1, 256);
    ring.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 256, (byte) 'X');
    frame(ring, 512, 2, 256);
    HeaderState h = header(1024, 768, 256, 0, 1, 2);
    PlasmiteException e = expect(ErrorKind.CORRUPT, h, ring, payloadFor(768));
    assertEquals(256, e.offset().orElseThrow());
  }

  @ParameterizedTest(name = "state {0}")
  @ValueSource(ints = {0, 1, 4, -1})
  void tailFrameInAnUnexpectedStateIsCorrupt(int state) {
    MemorySegment ring = ring(1024);
    frame(ring, 0, 1, 256);
    FrameDescriptor.setStateRelease(ring, 0, state);
    frame(ring, 256, 2, 256);
    HeaderState h = header(1024, 512, 0, 0, 1, 2);
    expect(ErrorKind.CORRUPT, h, ring, payloadFor(768));
  }

  @Test
  void tornLengthAtTheTailIsCorrupt() {
    MemorySegment ring = ring(1024);
    frame(ring, 0, 1, 256);
    ring.set(
        java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, FrameDescriptor.LEN_COMPLEMENT_OFFSET, 0);
    HeaderState h = header(1024, 256, 0, 0, 1, 1);
    expect(ErrorKind.CORRUPT, h, ring, payloadFor(1024));
  }

  @Test
  void tailFrameRunningPastTheRingEndIsCorrupt() {
    MemorySegment ring = ring(1024);
    frame(ring, 768, 1, 256);
    // rewrite its length so the frame would end 256 bytes past the ring end
    FrameDescriptor.writeHeaderFields(ring, 768, 1, 0, 512 - 72, 0);
    FrameDescriptor.setStateRelease(ring, 768, FrameDescriptor.STATE_COMMITTED);
    HeaderState h = header(1024, 256, 768, 0, 1, 1);
    expect(ErrorKind.CORRUPT, h, ring, payloadFor(1024));
  }

  @Test
  void oversizedLengthAtTheTailIsCorrupt() {
    MemorySegment ring = ring(1024);
    FrameDescriptor.writeHeaderFields(ring, 0, 1, 0, -8, 0); // len 0xFFFFFFF8, ~len consistent
    FrameDescriptor.setStateRelease(ring, 0, FrameDescriptor.STATE_COMMITTED);
    HeaderState h = header(1024, 512, 0, 0, 1, 1);
    expect(ErrorKind.CORRUPT, h, ring, payloadFor(768));
  }

  @Test
  void pointersOutsideTheRingAreCorrupt() {
    MemorySegment ring = ring(1024);
    expect(ErrorKind.CORRUPT, header(1024, 1024, 1024, 1024, 0, 0), ring, 8);
    expect(ErrorKind.CORRUPT, header(1024, 0, 4096, 0, 1, 1), ring, 8);
    expect(ErrorKind.CORRUPT, header(1024, -8, 0, 0, 1, 1), ring, 8);
    expect(ErrorKind.CORRUPT, header(1024, 0, -8, 0, 1, 1), ring, 8);
  }

  @Test
  void emptyPoolWithHeadAwayFromTailIsCorrupt() {
    MemorySegment ring = ring(1024);
    expect(ErrorKind.CORRUPT, header(1024, 256, 0, 0, 0, 3), ring, 8);
  }

  /**
   * The planner re-reads the header on every append, not only at open: a misaligned head or tail
   * (the format requires 8-aligned pointers) must be refused as Corrupt, not planned nor turned
   * into a misaligned-access error.
   */
  @Test
  void misalignedHeadIsCorrupt() {
    MemorySegment ring = ring(1024);
    expect(ErrorKind.CORRUPT, header(1024, 4, 4, 4, 0, 0), ring, 100);
    expect(ErrorKind.CORRUPT, header(1024, 2, 2, 2, 0, 0), ring, 100);
  }

  @Test
  void misalignedTailIsCorrupt() {
    MemorySegment ring = ring(1024);
    // a frame written at the misaligned tail, so that only the alignment is wrong
    FrameDescriptor.writeHeaderFields(ring, 2, 1, 0, 256 - 72, 0);
    ring.set(
        java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED,
        2 + FrameDescriptor.STATE_OFFSET,
        FrameDescriptor.STATE_COMMITTED);
    HeaderState h = header(1024, 512, 2, 0, 1, 1);
    expect(ErrorKind.CORRUPT, h, ring, payloadFor(768));
  }

  // ---------------------------------------------------------------- a model check

  /**
   * Applies thousands of random plans to a ring, writing what the appender writes, and checks after
   * each one that the chain from the tail holds exactly oldest..newest and ends at the head, that
   * tail_next names the slot after the tail.
   */
  @ParameterizedTest(name = "ring {0}")
  @ValueSource(ints = {1024, 1640, 1576, 4096, 4100, 8192})
  void randomPlansKeepTheChainIntact(int ringSize) {
    SplittableRandom random = new SplittableRandom(ringSize);
    MemorySegment ring = ring(ringSize);
    HeaderState h = header(ringSize, 0, 0, 0, 0, 0);
    long maxPayload = FrameDescriptor.maxPayloadBytes(ringSize);
    for (int step = 0; step < 5000; step++) {
      long payload =
          random.nextInt(4) == 0
              ? random.nextLong(maxPayload - 8, maxPayload + 1)
              : random.nextLong(0, Math.min(maxPayload, 400) + 1);
      while (EngineFixtures.frameBytes(payload) > ringSize) {
        payload--; // unaligned ring: keep within what can ever fit
      }
      AppendPlan plan = AppendPlanner.plan(h, ring, payload);
      if (plan.wrapOffset() >= 0) {
        wrapMarker(ring, plan.wrapOffset());
      }
      FrameDescriptor.writeHeaderFields(ring, plan.frameOffset(), plan.seq(), 0, (int) payload, 0);
      FrameDescriptor.writeCommitMarker(ring, plan.frameOffset(), payload);
      FrameDescriptor.setStateRelease(ring, plan.frameOffset(), FrameDescriptor.STATE_COMMITTED);
      h = plan.next();
      assertEquals(h.newestSeq(), plan.seq());
      List<Long> chain = walk(ring, h);
      long expected = h.newestSeq() - h.oldestSeq() + 1;
      assertEquals(expected, chain.size(), "step " + step + ": " + pointers(h));
    }
  }

  /** The seqs from the tail to the head; fails on any break. */
  private static List<Long> walk(MemorySegment ring, HeaderState h) {
    long ringSize = h.ringSize();
    List<Long> seqs = new ArrayList<>();
    long off = h.tail();
    long expect = h.oldestSeq();
    boolean first = true;
    for (int guard = 0; guard < ringSize / 64 + 4; guard++) {
      if (ringSize - off < 64) {
        if (first) {
          assertEquals(0, h.tailNext(), "tail_next when the tail rests on the short gap");
          first = false;
        }
        off = 0;
        continue;
      }
      if (FrameDescriptor.stateAcquire(ring, off) == FrameDescriptor.STATE_WRAP) {
        if (first) {
          assertEquals(0, h.tailNext(), "tail_next when the tail rests on a wrap marker");
          first = false;
        }
        assertTrue(off != 0, "wrap marker at 0");
        off = 0;
        continue;
      }
      assertEquals(FrameDescriptor.MAGIC, FrameDescriptor.magic(ring, off), "magic at " + off);
      assertEquals(FrameDescriptor.STATE_COMMITTED, FrameDescriptor.stateAcquire(ring, off));
      assertEquals(expect, FrameDescriptor.seq(ring, off), "seq at " + off);
      long next = off + EngineFixtures.frameBytes(FrameDescriptor.payloadBytes(ring, off));
      assertTrue(next <= ringSize, "frame inside the ring");
      if (next == ringSize) {
        next = 0;
      }
      if (first) {
        assertEquals(next, h.tailNext(), "tail_next after the tail frame at " + off);
        first = false;
      }
      seqs.add(expect);
      if (expect == h.newestSeq()) {
        assertEquals(h.head(), next, "chain ends at the head");
        return seqs;
      }
      off = next;
      expect++;
    }
    throw new AssertionError("chain does not reach the head: " + pointers(h));
  }
}
