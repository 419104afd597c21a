package io.plasmite.cli.conformance;

import java.nio.file.Path;

/**
 * The outcome of running one manifest.
 *
 * @param manifest the manifest file
 * @param name the manifest's {@code name} (its file name when it has none or could not be read)
 * @param steps how many steps the manifest has (0 if it could not be read)
 * @param failedStep index of the step that failed (0-based), or -1 when the manifest passed or
 *     failed before its first step
 * @param failedStepId the {@code id} of that step, or null
 * @param reason why it failed, or null when it passed
 */
public record ManifestResult(
    Path manifest, String name, int steps, int failedStep, String failedStepId, String reason) {

  /**
   * Whether every step met its expectations.
   *
   * @return true on success
   */
  public boolean passed() {
    return reason == null;
  }

  /**
   * The report line: {@code PASS name (N steps)}, {@code FAIL name: step i (id): reason}, or {@code
   * FAIL name: reason} for a manifest that could not be run at all.
   *
   * @return one line, without a line terminator
   */
  public String line() {
    if (passed()) {
      return "PASS " + name + " (" + steps + " steps)";
    }
    StringBuilder line = new StringBuilder("FAIL ").append(name).append(": ");
    if (failedStep >= 0) {
      line.append("step ").append(failedStep);
      if (failedStepId != null) {
        line.append(" (").append(failedStepId).append(')');
      }
      line.append(": ");
    }
    return line.append(reason).toString();
  }
}
