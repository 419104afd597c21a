package io.plasmite.cli;

import io.plasmite.Message;
import io.plasmite.json.CanonicalJsonWriter;
import io.plasmite.json.Rfc3339;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Prints {@code feed} receipts: {@code {"meta":{"tags":[...]},"seq":N,"time":"..."}} lines when
 * stdout is not a terminal, {@code fed seq=N at TIME tags: a,b} on a terminal. A batch of receipts
 * is rendered into one buffer and written at once; the tags prefix is rendered once per run and the
 * time once per distinct timestamp.
 */
final class Receipts {
  private final PrintStream out;
  private final boolean human;
  private final List<String> tags;
  private final byte[] prefix;
  private byte[] buf = new byte[64 * 1024];
  private int len;
  private long lastTimeNs = Long.MIN_VALUE;
  private byte[] lastTime;

  /**
   * Creates the printer for one run.
   *
   * @param out stdout
   * @param human whether stdout is a terminal
   * @param tags the tags every message carries
   */
  Receipts(PrintStream out, boolean human, List<String> tags) {
    this.out = out;
    this.human = human;
    this.tags = List.copyOf(tags);
    CanonicalJsonWriter json = new CanonicalJsonWriter(false);
    json.startObject().key("meta").startObject().key("tags").startArray();
    for (String tag : tags) {
      json.value(tag);
    }
    json.endArray().endObject();
    String text = json.toString() + ",\"seq\":";
    this.prefix = text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Prints one receipt per message and flushes.
   *
   * @param messages appended messages, in order
   */
  void write(List<Message> messages) {
    if (human) {
      StringBuilder text = new StringBuilder();
      for (Message m : messages) {
        text.append("fed seq=").append(m.seq()).append(" at ").append(Human.seconds(m.timeNs()));
        if (!tags.isEmpty()) {
          text.append("  tags: ");
          for (int i = 0; i < tags.size(); i++) {
            text.append(i == 0 ? "" : ",").append(Human.literal(tags.get(i)));
          }
        }
        text.append('\n');
      }
      out.print(text);
      out.flush();
      return;
    }
    len = 0;
    for (Message m : messages) {
      if (m.timeNs() != lastTimeNs) {
        lastTimeNs = m.timeNs();
        lastTime =
            (",\"time\":\"" + Rfc3339.format(lastTimeNs) + "\"}\n")
                .getBytes(StandardCharsets.US_ASCII);
      }
      put(prefix);
      putLong(m.seq());
      put(lastTime);
    }
    out.write(buf, 0, len);
    out.flush();
  }

  private void put(byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, buf, len, b.length);
    len += b.length;
  }

  private void putLong(long v) {
    ensure(20);
    if (v == 0) {
      buf[len++] = '0';
      return;
    }
    int digits = 0;
    for (long t = v; t != 0; t /= 10) {
      digits++;
    }
    int at = len + digits;
    for (long t = v; t != 0; t /= 10) {
      buf[--at] = (byte) ('0' + (t % 10));
    }
    len += digits;
  }

  private void ensure(int n) {
    if (len + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }
  }
}
