package io.plasmite.cli;

import io.plasmite.json.CanonicalJsonWriter;
import io.plasmite.json.Rfc3339;
import java.util.function.Consumer;

/**
 * Non-fatal diagnostics on stderr: {@code {"notice":{"cmd":…,"details":{…},"kind":…,"message":…,
 * "pool":…,"time":…}}} when stderr is not a terminal, a {@code notice: …} line when it is. Notices
 * never touch stdout and never change the exit status.
 */
final class Notices {
  private Notices() {}

  /**
   * Prints one notice.
   *
   * @param pls the run (its streams and {@code --color})
   * @param kind e.g. {@code drop}, {@code ingest_skip}
   * @param cmd the verb
   * @param pool the pool as the user named it
   * @param message a short human summary
   * @param details writes the members of the {@code details} object, keys in byte order
   */
  static void emit(
      PlsCommand pls,
      String kind,
      String cmd,
      String pool,
      String message,
      Consumer<CanonicalJsonWriter> details) {
    Streams streams = pls.streams();
    synchronized (streams.err()) {
      if (streams.errIsTerminal()) {
        boolean color = pls.color().useColor(true);
        String label = Colors.label("notice:", Colors.YELLOW, color);
        if (cmd.equals("feed")) {
          streams.err().println(label + " " + message);
        } else {
          streams.err().println(label + " " + message + " (pool: " + pool + ")");
        }
        streams.err().flush();
        return;
      }
      CanonicalJsonWriter json = new CanonicalJsonWriter(false);
      json.startObject().key("notice").startObject();
      json.key("cmd").value(cmd);
      json.key("details").startObject();
      details.accept(json);
      json.endObject();
      json.key("kind").value(kind);
      json.key("message").value(message);
      json.key("pool").value(pool);
      json.key("time").value(Rfc3339.format(Args.nowNs()));
      json.endObject().endObject();
      JsonOut.print(streams.err(), json, false);
    }
  }
}
