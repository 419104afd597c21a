package io.plasmite;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code doctor} found in a pool.
 *
 * @param path the pool file
 * @param messagesChecked frames walked
 * @param issues problems found, in file order; empty when the pool is valid
 */
public record ValidationReport(Path path, long messagesChecked, List<Issue> issues) {
  /** Copies the issue list. */
  public ValidationReport {
    issues = List.copyOf(issues);
  }

  /**
   * One problem.
   *
   * @param code a stable identifier, e.g. {@code frame_magic}
   * @param message what is wrong, stated as facts
   * @param seq the message concerned, or -1
   * @param offset the file position concerned, or -1
   */
  public record Issue(String code, String message, long seq, long offset) {}

  /**
   * Whether nothing is wrong.
   *
   * @return true when there are no issues
   */
  public boolean ok() {
    return issues.isEmpty();
  }
}
