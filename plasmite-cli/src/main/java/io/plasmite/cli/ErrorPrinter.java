package io.plasmite.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * Prints a {@link PlasmiteException} to stderr the way every plasmite tool does ({@code json.md}
 * §3): human lines ({@code error: …}, {@code hint: …}) on a terminal, otherwise one compact JSON
 * line {@code {"error":{"kind":…,"message":…,"hint":…,"path":…,"seq":…,"offset":…,"causes":[…]}}}
 * with absent fields left out.
 *
 * <pre>{@code
 * ErrorPrinter printer = new ErrorPrinter(streams.err(), streams.errIsTerminal());
 * int status = printer.print(error); // the exit status for error.kind()
 * }</pre>
 */
public final class ErrorPrinter {
  private final PrintStream err;
  private final boolean human;

  /**
   * Creates a printer for one stream.
   *
   * @param err where errors go, normally stderr
   * @param isTerminal whether {@code err} is a terminal (human text) or not (JSON)
   */
  public ErrorPrinter(PrintStream err, boolean isTerminal) {
    this.err = Objects.requireNonNull(err, "err");
    this.human = isTerminal;
  }

  /**
   * Prints an error.
   *
   * @param error the error
   * @return the process exit status for its kind
   */
  public int print(PlasmiteException error) {
    if (human) {
      err.print(humanText(error));
      err.flush();
    } else {
      try {
        JsonLines.print(err, json -> writeError(json, error));
      } catch (IOException e) {
        // Rendering into memory does not fail; a failure here is a defect.
        throw new UncheckedIOException(e);
      }
    }
    return error.kind().exitCode();
  }

  /**
   * Wraps a failure that is not a {@link PlasmiteException} as an error of kind Internal: it can
   * only come from a defect, since every expected failure is a {@code PlasmiteException}.
   *
   * @param failure anything thrown
   * @return {@code failure} itself when it is a {@code PlasmiteException}, otherwise an Internal
   *     error naming it
   */
  public static PlasmiteException asPlasmiteException(Throwable failure) {
    if (failure instanceof PlasmiteException plasmite) {
      return plasmite;
    }
    return PlasmiteException.of(ErrorKind.INTERNAL, "unexpected error: " + failure, failure)
        .withHint("This is a bug in plasmite; please report it with the command that failed.");
  }

  /**
   * The human form: one {@code label: value} line per known field.
   *
   * @param error the error
   * @return lines ending in a newline
   */
  static String humanText(PlasmiteException error) {
    StringBuilder text = new StringBuilder();
    text.append("error: ").append(error.getMessage()).append('\n');
    error.hint().ifPresent(hint -> text.append("hint: ").append(hint).append('\n'));
    error.path().ifPresent(path -> text.append("path: ").append(path).append('\n'));
    error.seq().ifPresent(seq -> text.append("seq: ").append(seq).append('\n'));
    error.offset().ifPresent(offset -> text.append("offset: ").append(offset).append('\n'));
    for (String cause : error.causes()) {
      text.append("caused by: ").append(cause).append('\n');
    }
    return text.toString();
  }

  /**
   * The JSON form.
   *
   * @param error the error
   * @return one compact JSON object and a newline
   */
  static String jsonLine(PlasmiteException error) {
    try {
      return JsonLines.toLine(json -> writeError(json, error));
    } catch (IOException e) {
      // Rendering into memory does not fail; a failure here is a defect.
      throw new UncheckedIOException(e);
    }
  }

  private static void writeError(JsonGenerator json, PlasmiteException error) throws IOException {
    json.writeStartObject();
    json.writeObjectFieldStart("error");
    json.writeStringField("kind", error.kind().wireName());
    json.writeStringField("message", String.valueOf(error.getMessage()));
    if (error.hint().isPresent()) {
      json.writeStringField("hint", error.hint().get());
    }
    if (error.path().isPresent()) {
      json.writeStringField("path", error.path().get());
    }
    if (error.seq().isPresent()) {
      json.writeNumberField("seq", error.seq().getAsLong());
    }
    if (error.offset().isPresent()) {
      json.writeNumberField("offset", error.offset().getAsLong());
    }
    if (!error.causes().isEmpty()) {
      json.writeArrayFieldStart("causes");
      for (String cause : error.causes()) {
        json.writeString(cause);
      }
      json.writeEndArray();
    }
    json.writeEndObject();
    json.writeEndObject();
  }
}
