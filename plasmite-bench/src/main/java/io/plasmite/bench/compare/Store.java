package io.plasmite.bench.compare;

import io.plasmite.Durability;
import io.plasmite.LocalClient;
import io.plasmite.Message;
import io.plasmite.Pool;
import io.plasmite.PoolInfo;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import io.plasmite.Tail;
import io.plasmite.TailOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One system's store, as the child processes of {@link Compare} use it: append (JSON text or
 * pre-encoded bytes), follow new messages, and say how many bytes its messages take. Chronicle's
 * implementation is only loaded by children started with its flags.
 */
interface Store extends AutoCloseable {
  /** Bytes of our pools and of floor files in the process lanes. */
  long SIZE_BYTES = 256L << 20;

  /** Our pool file in a lane's directory. */
  String POOL_FILE = "pool.plasmite";

  /** The floor's file in a lane's directory. */
  String FLOOR_FILE = "floor.bin";

  /**
   * Appends JSON text (ours encodes it; the others store its UTF-8 bytes).
   *
   * @param json the text
   */
  void appendJson(String json);

  /**
   * Appends pre-encoded bytes.
   *
   * @param payload our Lite3 envelope
   */
  void appendPayload(byte[] payload);

  /**
   * Waits for the next message appended after the follower started and returns its JSON text.
   *
   * @return the text
   */
  String nextJson();

  /**
   * The first message's JSON text (what a fetch prints).
   *
   * @return the text
   */
  String firstJson();

  /**
   * Bytes the store used for the messages appended so far, divided by their count.
   *
   * @param count messages appended
   * @return bytes per message
   */
  double bytesPerMessage(long count);

  @Override
  void close();

  /**
   * Opens a system's store in a directory (created by {@link #create} beforehand).
   *
   * @param system {@code ours}, {@code ours-spin} (a follower that keeps spinning 10 ms after each
   *     message), {@code chronicle} or {@code floor}
   * @param dir the directory
   * @param follow whether {@link #nextJson()} will be used (a follower starts at the end)
   * @return the store
   * @throws IOException if it cannot be opened
   */
  static Store open(String system, Path dir, boolean follow) throws IOException {
    return switch (system) {
      case "ours" -> new Ours(dir, follow, Duration.ZERO);
      case "ours-spin" -> new Ours(dir, follow, Duration.ofMillis(10));
      case "chronicle" -> new ChronicleStore(dir, follow);
      case "floor" -> new Floor(dir);
      default -> throw new IllegalArgumentException("unknown system: " + system);
    };
  }

  /**
   * Creates a system's empty store in a directory; Chronicle's is made by its first opener.
   *
   * @param system the system
   * @param dir the directory (exists)
   * @throws IOException if it cannot be made
   */
  static void create(String system, Path dir) throws IOException {
    if (system.startsWith("ours")) {
      new LocalClient()
          .create(
              PoolRef.path(dir.resolve(POOL_FILE)),
              PoolOptions.ofSize(SIZE_BYTES).withIndexCapacity(1 << 18));
    } else if (system.equals("floor")) {
      FloorFile.open(dir.resolve(FLOOR_FILE), SIZE_BYTES).close();
    }
  }

  /** Ours: a pool, FAST durability; the follower is a tail of new messages. */
  final class Ours implements Store {
    private final Pool pool;
    private final Tail tail;

    Ours(Path dir, boolean follow, Duration spin) {
      pool = new LocalClient().open(PoolRef.path(dir.resolve(POOL_FILE)));
      tail =
          follow
              ? pool.tail(
                  TailOptions.newMessages()
                      .withIdleTimeout(Duration.ofMinutes(5))
                      .withBusySpin(spin))
              : null;
    }

    @Override
    public void appendJson(String json) {
      pool.appendJsonNow(json, List.of(), Durability.FAST);
    }

    @Override
    public void appendPayload(byte[] payload) {
      pool.appendPayloads(List.of(payload), -1, Durability.FAST);
    }

    @Override
    public String nextJson() {
      if (!tail.hasNext()) {
        throw new IllegalStateException("the tail ended");
      }
      Message m = tail.next();
      return m.dataJson();
    }

    @Override
    public String firstJson() {
      return pool.getMessage(pool.info().oldestSeq()).dataJson();
    }

    @Override
    public double bytesPerMessage(long count) {
      PoolInfo info = pool.info();
      return (double) info.usedBytes() / info.messageCount();
    }

    @Override
    public void close() {
      if (tail != null) {
        tail.close();
      }
      pool.close();
    }
  }

  /** The floor: one mapped file; the follower busy-spins on the next record's length. */
  final class Floor implements Store {
    private final FloorFile file;
    private long nextOffset;

    Floor(Path dir) throws IOException {
      file = FloorFile.open(dir.resolve(FLOOR_FILE), SIZE_BYTES);
      nextOffset = FloorFile.firstOffset() + file.appendedBytes();
    }

    @Override
    public void appendJson(String json) {
      file.append(json.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void appendPayload(byte[] payload) {
      file.append(payload);
    }

    @Override
    public String nextJson() {
      int length;
      while ((length = file.lengthAt(nextOffset)) == 0) {
        Thread.onSpinWait();
      }
      byte[] bytes = file.read(nextOffset, length);
      nextOffset += FloorFile.recordBytes(length);
      return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public String firstJson() {
      long offset = FloorFile.firstOffset();
      return new String(file.read(offset, file.lengthAt(offset)), StandardCharsets.UTF_8);
    }

    @Override
    public double bytesPerMessage(long count) {
      return (double) file.appendedBytes() / count;
    }

    @Override
    public void close() {
      file.close();
    }
  }
}
