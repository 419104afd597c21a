package io.plasmite.testing;

import io.plasmite.engine.PoolFile;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Takes a pool's writer lock ({@link PoolFile#lock()}: the exclusive {@code flock}), prints {@code
 * locked} and holds it until stdin closes or the process is killed.
 *
 * <p>Argument: {@code pool=<path>}.
 */
public final class LockHolderChild {
  private LockHolderChild() {}

  /**
   * Runs the lock holder.
   *
   * @param args {@code pool=<path>}
   * @throws IOException if stdin fails
   */
  public static void main(String[] args) throws IOException {
    ChildArgs a = new ChildArgs(args);
    try (PoolFile pool = PoolFile.open(Path.of(a.get("pool")), true)) {
      pool.lock();
      System.out.println("locked");
      System.out.flush();
      while (System.in.read() >= 0) {
        // hold the lock until stdin ends or SIGKILL
      }
      pool.unlock();
    }
  }
}
