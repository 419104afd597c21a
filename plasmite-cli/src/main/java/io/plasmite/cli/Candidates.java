package io.plasmite.cli;

import java.util.ArrayList;
import java.util.List;

/** Fixed option values, offered by the completion scripts. */
final class Candidates {
  private Candidates() {}

  /** {@code --durability}. */
  static final class Durability extends ArrayList<String> {
    private static final long serialVersionUID = 1L;

    Durability() {
      super(List.of("fast", "flush"));
    }
  }

  /** {@code feed -i}. */
  static final class InputMode extends ArrayList<String> {
    private static final long serialVersionUID = 1L;

    InputMode() {
      super(List.of("auto", "jsonl", "json", "seq", "jq"));
    }
  }

  /** {@code feed -e}. */
  static final class ErrorPolicy extends ArrayList<String> {
    private static final long serialVersionUID = 1L;

    ErrorPolicy() {
      super(List.of("stop", "skip"));
    }
  }

  /** {@code follow --format}. */
  static final class Format extends ArrayList<String> {
    private static final long serialVersionUID = 1L;

    Format() {
      super(List.of("pretty", "jsonl"));
    }
  }

  /** {@code --color}. */
  static final class Color extends ArrayList<String> {
    private static final long serialVersionUID = 1L;

    Color() {
      super(List.of("auto", "always", "never"));
    }
  }

  /** Values of {@code --access}. */
  static final class Access extends ArrayList<String> {
    private static final long serialVersionUID = 1L;

    Access() {
      super(List.of("read-only", "write-only", "read-write"));
    }
  }
}
