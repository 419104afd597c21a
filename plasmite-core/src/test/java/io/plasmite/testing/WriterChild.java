package io.plasmite.testing;

import io.plasmite.Durability;
import io.plasmite.LocalClient;
import io.plasmite.Message;
import io.plasmite.PlasmiteException;
import io.plasmite.Pool;
import io.plasmite.PoolRef;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A writer process: appends {@link Payloads} messages to a pool and prints {@code a <seq> <w> <n>}
 * for each one, after the append call returned (so a printed line is an acknowledged message).
 *
 * <p>Arguments ({@code key=value}): {@code pool} path; {@code w} writer id; {@code count} messages
 * (-1: until killed); {@code seed}; {@code durability} {@code flush}, {@code fast} or {@code mixed}
 * (a quarter FLUSH); {@code batch} largest batch (1: single appends only); {@code go} {@code true}
 * to wait for a {@code go} line on stdin after printing {@code ready}; {@code ack} {@code false} to
 * print no line per message (for writers that run flat out until killed); {@code acks} a file to
 * which each {@code a} line is also appended, with one {@code write(2)} per append call, before it
 * is printed (a SIGKILL cannot lose what reached the file, while the tail of a pipe can be lost
 * with the process). Prints {@code done} at the end; on an error prints {@code error <kind>
 * <message>} and exits with status 3.
 */
public final class WriterChild {
  private WriterChild() {}

  /**
   * Runs the writer.
   *
   * @param args see the class comment
   * @throws Exception on unexpected failures
   */
  public static void main(String[] args) throws Exception {
    ChildArgs a = new ChildArgs(args);
    Path path = Path.of(a.get("pool"));
    int w = (int) a.getLong("w", 0);
    long count = a.getLong("count", -1);
    long seed = a.getLong("seed", 1);
    String durability = a.get("durability", "mixed");
    int maxBatch = (int) a.getLong("batch", 1);
    boolean waitGo = Boolean.parseBoolean(a.get("go", "false"));
    boolean ack = Boolean.parseBoolean(a.get("ack", "true"));
    String acksPath = a.get("acks", "");
    FileOutputStream acks = acksPath.isEmpty() ? null : new FileOutputStream(acksPath, true);
    StringBuilder acked = new StringBuilder();
    PrintStream out =
        new PrintStream(
            new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
            false,
            StandardCharsets.UTF_8);
    SplittableRandom control = new SplittableRandom(seed ^ (0x5DEECE66DL * (w + 1)));
    try (Pool pool = new LocalClient().open(PoolRef.path(path))) {
      out.println("ready");
      out.flush();
      if (waitGo) {
        BufferedReader in =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line = in.readLine();
        if (!"go".equals(line)) {
          throw new IllegalStateException("expected go, got " + line);
        }
      }
      long n = 0;
      while (count < 0 || n < count) {
        Durability d =
            switch (durability) {
              case "flush" -> Durability.FLUSH;
              case "fast" -> Durability.FAST;
              default -> control.nextInt(4) == 0 ? Durability.FLUSH : Durability.FAST;
            };
        int b = maxBatch <= 1 || control.nextInt(4) != 0 ? 1 : control.nextInt(2, maxBatch + 1);
        if (count >= 0) {
          b = (int) Math.min(b, count - n);
        }
        if (b == 1) {
          Message m = pool.appendJsonNow(Payloads.json(seed, w, n), Payloads.tags(w), d);
          if (ack) {
            acked.append("a ").append(m.seq()).append(' ').append(w).append(' ').append(n);
            acked.append('\n');
          }
          n++;
        } else {
          List<Pool.BatchEntry> batch = new ArrayList<>(b);
          for (int i = 0; i < b; i++) {
            batch.add(new Pool.BatchEntry(Payloads.json(seed, w, n + i), Payloads.tags(w)));
          }
          List<Message> done = pool.append(batch, d);
          for (int i = 0; ack && i < b; i++) {
            acked.append("a ").append(done.get(i).seq()).append(' ').append(w).append(' ');
            acked.append(n + i).append('\n');
          }
          n += b;
        }
        if (ack) {
          if (acks != null) {
            acks.write(acked.toString().getBytes(StandardCharsets.UTF_8));
          }
          out.print(acked);
          out.flush();
          acked.setLength(0);
        }
      }
      out.println("done");
      out.flush();
    } catch (PlasmiteException e) {
      out.println("error " + e.kind().wireName() + " " + e);
      out.flush();
      e.printStackTrace();
      System.exit(3);
    }
  }
}
