package io.plasmite.cli.conformance;

/**
 * An unmet expectation, or a step the runner cannot carry out (a malformed step, a failed
 * preparation): either way the manifest fails at that step, with this message as the reason.
 */
final class Mismatch extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the failure.
   *
   * @param reason what was expected and what happened instead
   */
  Mismatch(String reason) {
    super(reason);
  }
}
