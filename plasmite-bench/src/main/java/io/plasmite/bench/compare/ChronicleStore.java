package io.plasmite.bench.compare;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Chronicle Queue as a {@link Store}: JSON text as a document's UTF-8 bytes, payloads with {@code
 * writeBytes}; the follower busy-spins on {@code readingDocument()}, Chronicle's usual way to
 * follow a queue.
 */
final class ChronicleStore implements Store {
  private final SingleChronicleQueue queue;
  private final ExcerptAppender appender;
  private final ExcerptTailer tailer;

  ChronicleStore(Path dir, boolean follow) {
    queue = ChronicleQueues.open(dir.resolve("queue"), false);
    appender = follow ? null : queue.createAppender();
    tailer = follow ? queue.createTailer().toEnd() : null;
  }

  @Override
  public void appendJson(String json) {
    try (DocumentContext dc = appender.writingDocument()) {
      dc.wire().bytes().appendUtf8(json);
    }
  }

  @Override
  public void appendPayload(byte[] payload) {
    appender.writeBytes(BytesStore.wrap(payload));
  }

  @Override
  public String nextJson() {
    byte[] bytes;
    while ((bytes = ChronicleQueues.readNext(tailer)) == null) {
      Thread.onSpinWait();
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Override
  public String firstJson() {
    try (ExcerptTailer t = queue.createTailer()) {
      return new String(ChronicleQueues.readNext(t), StandardCharsets.UTF_8);
    }
  }

  /**
   * The span from the first document's start to the last one's end in the cycle file (headers,
   * padding and the index blocks Chronicle interleaves included), per message.
   */
  @Override
  public double bytesPerMessage(long count) {
    try (ExcerptTailer t = queue.createTailer()) {
      long first;
      try (DocumentContext dc = t.readingDocument()) {
        // The 4-byte header precedes the document's bytes.
        first = dc.wire().bytes().readPosition() - 4;
      }
      long last = first;
      while (true) {
        try (DocumentContext dc = t.readingDocument()) {
          if (!dc.isPresent()) {
            break;
          }
          Bytes<?> bytes = dc.wire().bytes();
          last = bytes.readLimit();
        }
      }
      return (double) (last - first) / count;
    }
  }

  @Override
  public void close() {
    if (appender != null) {
      appender.close();
    }
    if (tailer != null) {
      tailer.close();
    }
    queue.close();
  }
}
