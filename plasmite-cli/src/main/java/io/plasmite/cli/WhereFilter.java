package io.plasmite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.plasmite.ErrorKind;
import io.plasmite.Message;
import io.plasmite.PlasmiteException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import net.thisptr.jackson.jq.BuiltinFunctionLoader;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Versions;
import net.thisptr.jackson.jq.exception.JsonQueryException;

/**
 * {@code --where} expressions: real jq (jackson-jq, jq 1.7 dialect) over the whole envelope {@code
 * {"data":…,"meta":{"tags":[…]},"seq":N,"time":"…"}}.
 *
 * <p>Rules, as in the Rust CLI: every expression must compile (else Usage {@code invalid filter
 * expression}); a message passes when every expression yields at least one {@code true} and only
 * booleans; a non-boolean result is a Usage error; a runtime error (a type mismatch, say) counts as
 * no match. This class, and jackson-jq with it, is loaded only when {@code --where} is given.
 */
final class WhereFilter {
  private final List<String> sources;
  private final List<JsonQuery> queries;
  private final Scope scope;
  private final ObjectMapper mapper = new ObjectMapper();

  private WhereFilter(List<String> sources, List<JsonQuery> queries, Scope scope) {
    this.sources = sources;
    this.queries = queries;
    this.scope = scope;
  }

  /**
   * Compiles the expressions.
   *
   * @param expressions jq source texts
   * @return the filter
   * @throws PlasmiteException Usage when one does not compile
   */
  static WhereFilter compile(List<String> expressions) {
    Scope root = Scope.newEmptyScope();
    BuiltinFunctionLoader.getInstance().loadFunctions(Versions.JQ_1_7, root);
    Scope scope = Scope.newChildScope(root);
    List<JsonQuery> queries = new ArrayList<>();
    for (String expression : expressions) {
      try {
        queries.add(JsonQuery.compile(expression, Versions.JQ_1_7));
      } catch (JsonQueryException | RuntimeException e) {
        throw PlasmiteException.of(ErrorKind.USAGE, "invalid filter expression", e)
            .withHint(
                "Failed to parse/compile `"
                    + expression
                    + "`. Example: --where '.data.kind == \"ping\"'");
      }
    }
    return new WhereFilter(List.copyOf(expressions), queries, scope);
  }

  /**
   * Whether a message passes every expression.
   *
   * @param message the message
   * @return true when it passes
   * @throws PlasmiteException Usage when an expression yields a non-boolean
   */
  boolean matches(Message message) {
    JsonNode envelope;
    try {
      envelope = mapper.readTree(message.toJson());
    } catch (IOException e) {
      throw PlasmiteException.of(ErrorKind.INTERNAL, "cannot read a message as JSON", e);
    }
    for (int i = 0; i < queries.size(); i++) {
      List<JsonNode> out = new ArrayList<>();
      try {
        queries.get(i).apply(scope, envelope, out::add);
      } catch (JsonQueryException | RuntimeException e) {
        return false;
      }
      boolean anyTrue = false;
      for (JsonNode value : out) {
        if (!value.isBoolean()) {
          throw PlasmiteException.of(ErrorKind.USAGE, "filter expression must yield booleans")
              .withHint("Expression `" + sources.get(i) + "` yielded non-boolean value: " + value);
        }
        anyTrue |= value.booleanValue();
      }
      if (!anyTrue) {
        return false;
      }
    }
    return true;
  }
}
