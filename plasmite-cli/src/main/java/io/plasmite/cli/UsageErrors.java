package io.plasmite.cli;

import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import java.util.List;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns picocli's parse failures into Usage errors worded like the Rust CLI's, with a hint naming
 * the {@code --help} of the command that failed.
 */
final class UsageErrors {
  private UsageErrors() {}

  /**
   * The error to report for a parse failure.
   *
   * @param failure what picocli threw
   * @return a Usage error, or the {@link PlasmiteException} a converter threw
   */
  static PlasmiteException from(ParameterException failure) {
    // A converter that throws PlasmiteException has already said what is wrong.
    if (failure.getCause() instanceof PlasmiteException plasmite) {
      return plasmite;
    }
    String command = failure.getCommandLine().getCommandSpec().qualifiedName();
    String hint = "Try `" + command + " --help`.";
    if (failure instanceof UnmatchedArgumentException unmatched
        && !unmatched.getUnmatched().isEmpty()) {
      List<String> suggestions = unmatched.getSuggestions();
      if (!suggestions.isEmpty()) {
        hint = "Did you mean '" + suggestions.get(0) + "'? " + hint;
      }
      return PlasmiteException.of(ErrorKind.USAGE, unmatchedMessage(unmatched)).withHint(hint);
    }
    return PlasmiteException.of(ErrorKind.USAGE, lowerFirst(failure.getMessage())).withHint(hint);
  }

  private static String unmatchedMessage(UnmatchedArgumentException unmatched) {
    String first = unmatched.getUnmatched().get(0);
    boolean hasVerbs = !unmatched.getCommandLine().getSubcommands().isEmpty();
    if (hasVerbs && !first.startsWith("-")) {
      return "unrecognized subcommand '" + first + "'";
    }
    return "unexpected argument '" + first + "' found";
  }

  // picocli capitalises its messages; plasmite's start in lower case ("missing ...").
  private static String lowerFirst(String message) {
    if (message == null || message.isEmpty()) {
      return "invalid arguments";
    }
    boolean acronym = message.length() > 1 && Character.isUpperCase(message.charAt(1));
    return acronym ? message : Character.toLowerCase(message.charAt(0)) + message.substring(1);
  }
}
