package io.plasmite.testing;

import io.plasmite.Durability;
import io.plasmite.LocalClient;
import io.plasmite.PlasmiteException;
import io.plasmite.Pool;
import io.plasmite.PoolOptions;
import io.plasmite.PoolRef;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs pool operations given on the command line, one output line each: {@code ok DETAIL} or {@code
 * error KIND PATH} (PATH is {@code -} when the error names none). Started under another user by the
 * fault tests, to meet file permissions that root would bypass.
 *
 * <p>Operations: {@code create=PATH} (a 64 KiB pool), {@code read=PATH} (opens as {@link
 * LocalClient#open} does and reads message 1), {@code append=PATH} (opens and appends one message).
 */
public final class FaultChild {
  private FaultChild() {}

  /**
   * Runs the operations in order.
   *
   * @param args {@code op=path} pairs
   */
  public static void main(String[] args) {
    LocalClient client = new LocalClient();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      String op = arg.substring(0, eq);
      PoolRef ref = PoolRef.path(Path.of(arg.substring(eq + 1)));
      String line;
      try {
        line =
            switch (op) {
              case "create" -> {
                client.create(ref, PoolOptions.ofSize(64 * 1024));
                yield "ok created";
              }
              case "read" -> {
                try (Pool pool = client.open(ref)) {
                  yield "ok " + pool.getMessage(1).dataJson();
                }
              }
              case "append" -> {
                try (Pool pool = client.open(ref)) {
                  yield "ok seq "
                      + pool.appendJsonNow("{\"from\":\"child\"}", List.of(), Durability.FAST)
                          .seq();
                }
              }
              default -> throw new IllegalArgumentException("unknown operation " + op);
            };
      } catch (PlasmiteException e) {
        line = "error " + e.kind().wireName() + " " + e.path().orElse("-");
      }
      System.out.println(line);
    }
    System.out.flush();
  }
}
