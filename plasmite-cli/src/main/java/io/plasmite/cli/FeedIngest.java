package io.plasmite.cli;

import io.plasmite.Durability;
import io.plasmite.ErrorKind;
import io.plasmite.Message;
import io.plasmite.PlasmiteException;
import io.plasmite.lite3.Lite3Encoder;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Appends a stream of records to a pool, fast and in order: a reader thread frames records ({@link
 * FeedInput}) into batches of up to {@link #BATCH_RECORDS}, encoder threads turn each batch into
 * Lite3 payloads in parallel, and the calling thread appends the batches in input order, one lock
 * and one {@code appendPayloads} per batch, and reports each record: a receipt for an appended one,
 * a notice ({@code --errors skip}) or the run's error ({@code --errors stop}) for a bad one.
 *
 * <p>Memory stays bounded whatever the input's length: at most {@link #QUEUED_BATCHES} batches are
 * in flight.
 *
 * <pre>{@code
 * FeedIngest ingest = new FeedIngest(pool, tags, Durability.FAST, false, 0, null);
 * ingest.onAppended(receipts::write);
 * FeedIngest.Outcome outcome = ingest.run(new FeedInput(System.in, FeedInput.Mode.AUTO));
 * }</pre>
 */
final class FeedIngest {
  /** Records per batch at most. */
  static final int BATCH_RECORDS = 1024;

  /** Batches read and encoded ahead of the appender at most. */
  static final int QUEUED_BATCHES = 8;

  private static final Future<FeedInput.Batch> END = CompletableFuture.completedFuture(null);

  /**
   * Counts of one run.
   *
   * @param total records seen, good and bad
   * @param ok records appended
   * @param failed records skipped
   */
  record Outcome(long total, long ok, long failed) {}

  /**
   * A record that was skipped.
   *
   * @param index 1-based record number in the input
   * @param line line number for line-based modes, or 0
   * @param mode the input mode
   * @param errorKind {@code Parse}, {@code Oversize} or an error kind such as {@code Usage}
   * @param message what was wrong
   * @param snippet an excerpt of the record, or null
   */
  record Failure(
      long index,
      long line,
      FeedInput.Mode mode,
      String errorKind,
      String message,
      String snippet) {}

  private final PoolTarget pool;
  private final List<String> tags;
  private final Durability durability;
  private final boolean skip;
  private final int retries;
  private final Duration retryDelay;
  private Consumer<List<Message>> appended = m -> {};
  private Consumer<Failure> skipped = f -> {};
  private Runnable afterBatch = () -> {};
  private volatile boolean cancelled;

  /**
   * Prepares a run.
   *
   * @param pool the pool, open for appending
   * @param tags tags of every message
   * @param durability FAST or FLUSH
   * @param skip skip bad records (true) or stop at the first (false)
   * @param retries how often to retry an append that failed for a transient reason
   * @param retryDelay the pause between retries
   */
  FeedIngest(
      PoolTarget pool,
      List<String> tags,
      Durability durability,
      boolean skip,
      int retries,
      Duration retryDelay) {
    this.pool = pool;
    this.tags = List.copyOf(tags);
    this.durability = durability;
    this.skip = skip;
    this.retries = retries;
    this.retryDelay = retryDelay == null ? Duration.ofMillis(50) : retryDelay;
  }

  /**
   * Sets what happens with each appended batch (receipts).
   *
   * @param sink gets the stored messages, in order
   * @return this
   */
  FeedIngest onAppended(Consumer<List<Message>> sink) {
    this.appended = sink;
    return this;
  }

  /**
   * Sets what happens with each skipped record (notices).
   *
   * @param sink gets the failures, in order
   * @return this
   */
  FeedIngest onSkipped(Consumer<Failure> sink) {
    this.skipped = sink;
    return this;
  }

  /**
   * Sets a hook run after every batch (progress display).
   *
   * @param hook the hook
   * @return this
   */
  FeedIngest afterBatch(Runnable hook) {
    this.afterBatch = hook;
    return this;
  }

  /**
   * Appends one encoded record (inline DATA), with the retry rules of a run.
   *
   * @param payload the Lite3 envelope
   */
  void appendOne(byte[] payload) {
    appended.accept(appendWithRetry(List.of(payload)));
  }

  /** Stops the run soon, from any thread; {@link #run} returns what it did so far. */
  void cancel() {
    cancelled = true;
  }

  /**
   * Reads, encodes and appends the whole input.
   *
   * @param input the framed input
   * @return the counts
   * @throws PlasmiteException the first bad record with {@code --errors stop}, any append failure,
   *     or Io when reading fails
   */
  Outcome run(FeedInput input) {
    int encoders = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    ExecutorService pool =
        Executors.newFixedThreadPool(
            encoders,
            r -> {
              Thread t = new Thread(r, "pls-feed-encode");
              t.setDaemon(true);
              return t;
            });
    BlockingQueue<Future<FeedInput.Batch>> queue = new ArrayBlockingQueue<>(QUEUED_BATCHES);
    AtomicBoolean stop = new AtomicBoolean();
    Thread reader = new Thread(() -> read(input, pool, queue, stop), "pls-feed-read");
    reader.setDaemon(true);
    reader.start();
    long ok = 0;
    long failed = 0;
    try {
      while (!cancelled) {
        Future<FeedInput.Batch> next = queue.take();
        if (next == END) {
          break;
        }
        FeedInput.Batch batch = await(next);
        long[] counts = append(batch);
        ok += counts[0];
        failed += counts[1];
        afterBatch.run();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw PlasmiteException.of(ErrorKind.INTERNAL, "interrupted while feeding", e);
    } finally {
      stop.set(true);
      pool.shutdownNow();
      reader.interrupt();
    }
    return new Outcome(ok + failed, ok, failed);
  }

  private void read(
      FeedInput input,
      ExecutorService encoders,
      BlockingQueue<Future<FeedInput.Batch>> queue,
      AtomicBoolean stop) {
    try {
      while (!stop.get()) {
        FeedInput.Batch batch = input.next(BATCH_RECORDS);
        if (batch == null) {
          break;
        }
        Future<FeedInput.Batch> encoded = encoders.submit(() -> encode(batch));
        while (!queue.offer(encoded, 100, TimeUnit.MILLISECONDS)) {
          if (stop.get()) {
            return;
          }
        }
      }
      while (!queue.offer(END, 100, TimeUnit.MILLISECONDS)) {
        if (stop.get()) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException e) {
      Throwable failure =
          e instanceof IOException io
              ? PlasmiteException.of(ErrorKind.IO, "failed to read the input", io)
              : e;
      CompletableFuture<FeedInput.Batch> failed = CompletableFuture.failedFuture(failure);
      try {
        while (!queue.offer(failed, 100, TimeUnit.MILLISECONDS)) {
          if (stop.get()) {
            return;
          }
        }
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static final ThreadLocal<Lite3Encoder> ENCODER =
      ThreadLocal.withInitial(Lite3Encoder::new);

  private FeedInput.Batch encode(FeedInput.Batch batch) {
    Lite3Encoder encoder = ENCODER.get();
    batch.payload = new byte[batch.count][];
    batch.error = new PlasmiteException[batch.count];
    for (int i = 0; i < batch.count; i++) {
      if (batch.failKind[i] != null) {
        continue;
      }
      try {
        batch.payload[i] = encoder.envelope(tags, batch.data, batch.off[i], batch.len[i]);
      } catch (PlasmiteException e) {
        batch.error[i] = e;
      } catch (RuntimeException e) {
        batch.error[i] = PlasmiteException.of(ErrorKind.USAGE, "invalid json input: " + e, e);
      }
    }
    return batch;
  }

  private static FeedInput.Batch await(Future<FeedInput.Batch> next) throws InterruptedException {
    try {
      return next.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof PlasmiteException p) {
        throw p;
      }
      throw ErrorPrinter.asPlasmiteException(cause);
    }
  }

  /** Appends a batch; returns {appended, skipped}. */
  private long[] append(FeedInput.Batch batch) {
    long ok = 0;
    long failed = 0;
    List<byte[]> run = new ArrayList<>(batch.count);
    for (int i = 0; i < batch.count; i++) {
      if (batch.failKind[i] == null && batch.error[i] == null) {
        run.add(batch.payload[i]);
        continue;
      }
      ok += flush(run);
      Failure failure = failure(batch, i);
      if (!skip) {
        throw stopError(failure, batch.error[i]);
      }
      failed++;
      skipped.accept(failure);
    }
    ok += flush(run);
    return new long[] {ok, failed};
  }

  private Failure failure(FeedInput.Batch batch, int i) {
    if (batch.failKind[i] != null) {
      return new Failure(
          batch.index[i],
          batch.line[i],
          batch.mode,
          batch.failKind[i],
          batch.failMessage[i],
          batch.snippet[i]);
    }
    PlasmiteException e = batch.error[i];
    boolean value = isValueError(e);
    String snippet = FeedInput.snippet(batch.data, batch.off[i], batch.off[i] + batch.len[i]);
    return new Failure(
        batch.index[i],
        batch.line[i],
        batch.mode,
        value ? e.kind().wireName() : "Parse",
        value ? String.valueOf(e.getMessage()) : "invalid json input",
        snippet);
  }

  /** True for JSON that parses but cannot be a message (not an object, too deep, ...). */
  private static boolean isValueError(PlasmiteException e) {
    String m = String.valueOf(e.getMessage());
    return e.kind() != ErrorKind.USAGE
        || m.startsWith("data must be object")
        || m.contains("deep")
        || m.contains("nest")
        || m.contains("out of range");
  }

  private static PlasmiteException stopError(Failure failure, PlasmiteException cause) {
    return switch (failure.errorKind()) {
      case "Parse" ->
          (cause == null
                  ? PlasmiteException.of(ErrorKind.USAGE, "invalid json input")
                  : PlasmiteException.of(ErrorKind.USAGE, "invalid json input", cause))
              .withHint(
                  failure.mode() == FeedInput.Mode.JQ
                      ? "Use --in jsonl for line-delimited input."
                      : "Use -e skip to continue or select the correct input mode.");
      case "Oversize" ->
          PlasmiteException.of(ErrorKind.USAGE, "record exceeds size limit")
              .withHint(
                  "A message is at most "
                      + FeedInput.MAX_RECORD_BYTES
                      + " bytes of JSON; split it.");
      default -> cause;
    };
  }

  /** Appends a run of good records (clearing it); returns how many. */
  private int flush(List<byte[]> run) {
    if (run.isEmpty()) {
      return 0;
    }
    int n = run.size();
    try {
      appended.accept(appendWithRetry(run));
    } catch (PlasmiteException e) {
      if (n == 1) {
        throw e;
      }
      // All or nothing failed: append one by one so that those before the culprit are stored.
      for (byte[] payload : run) {
        appended.accept(appendWithRetry(List.of(payload)));
      }
    } finally {
      run.clear();
    }
    return n;
  }

  private List<Message> appendWithRetry(List<byte[]> payloads) {
    int attempt = 0;
    long waitedMs = 0;
    while (true) {
      try {
        return pool.appendPayloads(payloads, durability);
      } catch (PlasmiteException e) {
        boolean transientFailure = e.kind() == ErrorKind.BUSY || e.kind() == ErrorKind.IO;
        if (attempt < retries && transientFailure) {
          attempt++;
          try {
            Thread.sleep(retryDelay);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw e;
          }
          waitedMs += retryDelay.toMillis();
          continue;
        }
        if (attempt > 0) {
          String info = "Retry attempts: " + (attempt + 1) + " (waited " + waitedMs + "ms).";
          throw e.withHint(e.hint().map(h -> h + " " + info).orElse(info));
        }
        throw e;
      }
    }
  }
}
