package io.plasmite;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code doctor --repair} ({@link LocalClient#repair}) found in a pool and changed.
 *
 * <p>A pool that needed no change has no changes and no backup. Otherwise the file was first copied
 * to {@link #backupPath()}, then mended; {@link #after()} is the validation of the mended file.
 *
 * @param path the pool file
 * @param found the issues the pool had before the repair, as {@code doctor} reports them
 * @param changes what was changed, in the order it was done; empty when nothing was
 * @param backupPath the copy of the file taken before any change, beside it; null when nothing was
 *     changed
 * @param after the validation of the pool after the repair
 */
public record RepairReport(
    Path path,
    List<ValidationReport.Issue> found,
    List<Change> changes,
    Path backupPath,
    ValidationReport after) {
  /** Copies the lists. */
  public RepairReport {
    found = List.copyOf(found);
    changes = List.copyOf(changes);
  }

  /**
   * One change made to the file.
   *
   * @param code a stable identifier: {@code header} (a pointer word), {@code index_slot}, {@code
   *     overwritten_seqs} (messages an unfinished append had already overwritten, now no longer
   *     claimed), {@code torn_seqs} (messages never completely written, no longer claimed) or
   *     {@code published_seq} (a completely written message whose publication was interrupted)
   * @param message what changed, stated as facts
   * @param seq the message concerned, or -1
   * @param offset the file position changed or concerned, or -1
   */
  public record Change(String code, String message, long seq, long offset) {}

  /**
   * Whether anything was changed.
   *
   * @return true when the file was modified (and a backup kept)
   */
  public boolean repaired() {
    return !changes.isEmpty();
  }
}
