package io.plasmite.testing;

import io.plasmite.GapPolicy;
import io.plasmite.LocalClient;
import io.plasmite.Message;
import io.plasmite.PlasmiteException;
import io.plasmite.Pool;
import io.plasmite.PoolRef;
import io.plasmite.Tail;
import io.plasmite.TailOptions;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A reader process: tails a pool and prints {@code m <seq> <w> <n> ok} per message, or {@code m
 * <seq> bad <reason>} when a message fails {@link Payloads#check}.
 *
 * <p>Arguments ({@code key=value}): {@code pool} path; {@code since} a seq, or {@code new} for
 * messages appended after the tail starts; {@code until} stop after a message with this seq or
 * higher; {@code count} stop after this many messages; {@code idleMs} safety idle timeout; {@code
 * seed} of the writers; {@code idleCheck} {@code true} to then run an idle tail with a 300 ms
 * timeout and print {@code idle timedOut=<bool> got=<n>}; {@code stamp} {@code true} to end each
 * good line with {@code @<System.nanoTime() when hasNext returned>} (the monotonic clock is shared
 * by all processes on Linux). Prints {@code ready} once the tail exists and {@code end
 * timedOut=<bool> delivered=<n>} at the end.
 */
public final class ReaderChild {
  private ReaderChild() {}

  /**
   * Runs the reader.
   *
   * @param args see the class comment
   */
  public static void main(String[] args) {
    ChildArgs a = new ChildArgs(args);
    Path path = Path.of(a.get("pool"));
    String since = a.get("since", "1");
    long until = a.getLong("until", Long.MAX_VALUE);
    long count = a.getLong("count", -1);
    long idleMs = a.getLong("idleMs", 30_000);
    long seed = a.getLong("seed", 1);
    boolean idleCheck = Boolean.parseBoolean(a.get("idleCheck", "false"));
    boolean stamp = Boolean.parseBoolean(a.get("stamp", "false"));
    PrintStream out =
        new PrintStream(
            new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
            false,
            StandardCharsets.UTF_8);
    try (Pool pool = new LocalClient().openReadOnly(PoolRef.path(path))) {
      TailOptions options =
          (since.equals("new")
                  ? TailOptions.newMessages()
                  : TailOptions.since(Long.parseLong(since)))
              .withGapPolicy(GapPolicy.CONTINUE)
              .withIdleTimeout(Duration.ofMillis(idleMs));
      if (count >= 0) {
        options = options.withMaxMessages(count);
      }
      long delivered = 0;
      boolean timedOut;
      try (Tail tail = pool.tail(options)) {
        out.println("ready");
        out.flush();
        while (tail.hasNext()) {
          long woke = System.nanoTime();
          Message m = tail.next();
          delivered++;
          try {
            Payloads.Data d = Payloads.check(m, seed);
            out.println(
                "m " + m.seq() + " " + d.w() + " " + d.n() + " ok" + (stamp ? " @" + woke : ""));
          } catch (IllegalStateException e) {
            out.println("m " + m.seq() + " bad " + e.getMessage());
          }
          out.flush();
          if (m.seq() >= until) {
            break;
          }
        }
        timedOut = tail.timedOut();
      }
      out.println("end timedOut=" + timedOut + " delivered=" + delivered);
      out.flush();
      if (idleCheck) {
        try (Tail idle =
            pool.tail(TailOptions.newMessages().withIdleTimeout(Duration.ofMillis(300)))) {
          long got = 0;
          while (idle.hasNext()) {
            idle.next();
            got++;
          }
          out.println("idle timedOut=" + idle.timedOut() + " got=" + got);
          out.flush();
        }
      }
    } catch (PlasmiteException e) {
      out.println("error " + e.kind().wireName() + " " + e);
      out.flush();
      e.printStackTrace();
      System.exit(3);
    }
  }
}
