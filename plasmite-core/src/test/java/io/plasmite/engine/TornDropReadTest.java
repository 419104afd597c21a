package io.plasmite.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.plasmite.Durability;
import io.plasmite.GapPolicy;
import io.plasmite.LocalClient;
import io.plasmite.Message;
import io.plasmite.Pool;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import io.plasmite.Tail;
import io.plasmite.TailOptions;
import io.plasmite.format.PoolHeaderDescriptor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A writer publishes a drop's {@code oldest_seq} before its {@code tail_off}. Between the two
 * stores — while it is descheduled there, or for good when it was killed there — readers see the
 * new oldest seq with the tail still at the frames being dropped. They must still find every
 * retained message: by {@code get} (which walks from the tail when there is no index or its slot
 * was reused) and by a tail. Found by the overwrite race: {@code get} answered NotFound for seqs
 * still retained, about once in ten thousand reads under load.
 */
class TornDropReadTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0} frames dropped, index {1}")
  @CsvSource({"1, 0", "3, 0", "1, 4", "3, 4"})
  void readersFindRetainedMessagesWhileTheTailLagsTheOldestSeq(int drops, int index) {
    Path path = dir.resolve("torn.plasmite");
    new LocalClient()
        .create(PoolRef.path(path), PoolOptions.ofSize(4096 + 8192).withIndexCapacity(index));
    try (Pool writer = new LocalClient().open(PoolRef.path(path))) {
      for (int i = 1; i <= 300; i++) {
        writer.appendJsonNow("{\"i\":" + i + "}", List.of(), Durability.FAST);
      }
    }
    long oldest;
    long newest;
    try (PoolFile file = PoolFile.open(path, true)) {
      HeaderState h = file.header();
      oldest = h.oldestSeq() + drops;
      newest = h.newestSeq();
      // The first store of a drop, as a writer killed right after it leaves it.
      PoolHeaderDescriptor.setRelease(file.file(), PoolHeaderDescriptor.OLDEST_SEQ_OFFSET, oldest);
    }
    try (Pool reader = new LocalClient().openReadOnly(PoolRef.path(path))) {
      List<Long> expected = new ArrayList<>();
      for (long s = oldest; s <= newest; s++) {
        expected.add(s);
        Message m = reader.getMessage(s);
        assertEquals("{\"i\":" + s + "}", m.dataJson(), "get " + s);
      }
      List<Long> tailed = new ArrayList<>();
      try (Tail t =
          reader.tail(
              TailOptions.since(1)
                  .withGapPolicy(GapPolicy.CONTINUE)
                  .withMaxMessages(expected.size())
                  .withIdleTimeout(Duration.ofSeconds(5)))) {
        t.forEachRemaining(m -> tailed.add(m.seq()));
      }
      assertEquals(expected, tailed, "a tail from seq 1");
    }
  }
}
