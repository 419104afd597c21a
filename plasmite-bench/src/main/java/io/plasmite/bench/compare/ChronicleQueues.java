package io.plasmite.bench.compare;

import java.nio.file.Path;
import java.util.List;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * How the side-by-side suite runs Chronicle Queue: the JVM flags it needs on JDK 25 and how a queue
 * is opened. Only JVMs started with {@link #JVM_FLAGS} load this class.
 */
public final class ChronicleQueues {
  /** Turns off Chronicle's usage analytics (its module is also excluded from the class path). */
  public static final String NO_ANALYTICS = "-Dchronicle.analytics.disable=true";

  /** Chronicle maps files through {@code sun.nio.ch}'s private {@code map0}. */
  public static final String EXPORT_NIO = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED";

  /** Chronicle frees mapped memory through the JDK's cleaner internals. */
  public static final String EXPORT_REF = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";

  /** Chronicle's off-heap access. */
  public static final String EXPORT_MISC = "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED";

  /** Chronicle Wire's run-time compiler. */
  public static final String EXPORT_JAVAC =
      "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED";

  /** Chronicle Wire's run-time compiler. */
  public static final String OPEN_JAVAC =
      "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED";

  /** Reflection into {@code java.lang} (string internals, {@code Thread}). */
  public static final String OPEN_LANG = "--add-opens=java.base/java.lang=ALL-UNNAMED";

  /** Reflection into {@code java.lang.reflect} (used to make {@code map0} accessible). */
  public static final String OPEN_REFLECT = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED";

  /** Reflection into {@code java.io}. */
  public static final String OPEN_IO = "--add-opens=java.base/java.io=ALL-UNNAMED";

  /** Reflection into {@code java.util}. */
  public static final String OPEN_UTIL = "--add-opens=java.base/java.util=ALL-UNNAMED";

  /** Reflection into {@code sun.nio.ch} ({@code FileChannelImpl}, {@code map0}). */
  public static final String OPEN_NIO = "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED";

  /** JDK 24+ warns on (and will refuse) {@code sun.misc.Unsafe} memory access without it. */
  public static final String UNSAFE = "--sun-misc-unsafe-memory-access=allow";

  /** JNA (Chronicle's posix layer) loads native code. */
  public static final String NATIVE = "--enable-native-access=ALL-UNNAMED";

  /** All of the above, for child JVMs that run Chronicle. */
  public static final List<String> JVM_FLAGS =
      List.of(
          NO_ANALYTICS,
          EXPORT_NIO,
          EXPORT_REF,
          EXPORT_MISC,
          EXPORT_JAVAC,
          OPEN_JAVAC,
          OPEN_LANG,
          OPEN_REFLECT,
          OPEN_IO,
          OPEN_UTIL,
          OPEN_NIO,
          UNSAFE,
          NATIVE);

  private ChronicleQueues() {}

  /**
   * Opens (or creates) a queue in a directory: binary wire, default roll cycle and block size.
   *
   * @param dir the queue directory
   * @param sync whether {@code sync()} msyncs synchronously ({@link SyncMode#SYNC}) or not at all
   * @return the queue
   */
  public static SingleChronicleQueue open(Path dir, boolean sync) {
    return SingleChronicleQueueBuilder.binary(dir)
        .syncMode(sync ? SyncMode.SYNC : SyncMode.NONE)
        .build();
  }

  /**
   * Reads the next document's bytes into a new array.
   *
   * @param tailer the tailer
   * @return the bytes, or null if no document is ready
   */
  public static byte[] readNext(ExcerptTailer tailer) {
    try (DocumentContext dc = tailer.readingDocument()) {
      if (!dc.isPresent()) {
        return null;
      }
      Bytes<?> bytes = dc.wire().bytes();
      byte[] out = new byte[(int) bytes.readRemaining()];
      bytes.read(out);
      return out;
    }
  }
}
