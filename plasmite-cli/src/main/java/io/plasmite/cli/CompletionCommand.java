package io.plasmite.cli;

import io.plasmite.ErrorKind;
import io.plasmite.PlasmiteException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pls completion bash|zsh|fish}: prints a completion script for both program names, {@code
 * plasmite} and {@code pls}. Bash comes from picocli's generator; zsh and fish scripts are written
 * from the same command model (verbs, sub-verbs, options and their values).
 */
@Command(
    name = "completion",
    description = "Generate shell completions.",
    footer = {
      "",
      "Examples:",
      "  plasmite completion bash > ~/.local/share/bash-completion/completions/plasmite",
      "  plasmite completion zsh > ~/.zfunc/_plasmite",
      "  plasmite completion fish > ~/.config/fish/completions/plasmite.fish"
    })
public final class CompletionCommand implements Callable<Integer> {
  private static final List<String> PROGRAMS = List.of("plasmite", "pls");

  @Spec private CommandSpec spec;
  @Mixin private HelpOption help;

  @Parameters(
      paramLabel = "SHELL",
      completionCandidates = Shells.class,
      description = "Shell to generate completions for: bash, zsh or fish.")
  private String shell;

  /** Creates the command; picocli instantiates it. */
  public CompletionCommand() {}

  /** The supported shells, for completion of this command itself. */
  static final class Shells extends ArrayList<String> {
    private static final long serialVersionUID = 1L;

    Shells() {
      super(List.of("bash", "zsh", "fish"));
    }
  }

  @Override
  public Integer call() {
    PlsCommand pls = PlsCommand.of(spec);
    CommandLine root = spec.root().commandLine();
    String script =
        switch (shell.toLowerCase(Locale.ROOT)) {
          case "bash" -> bash(root);
          case "zsh" -> zsh(root.getCommandSpec());
          case "fish" -> fish(root.getCommandSpec());
          default ->
              throw PlasmiteException.of(
                      ErrorKind.USAGE,
                      "invalid value '" + shell + "' for '<SHELL>': use bash, zsh or fish")
                  .withHint("Try `plasmite completion --help`.");
        };
    pls.streams().out().print(script);
    pls.streams().out().flush();
    return 0;
  }

  private static String bash(CommandLine root) {
    String script = AutoComplete.bash("plasmite", root);
    return script
        + "\n# The same completion for the short name.\ncomplete -F _complete_plasmite -o default pls\n";
  }

  // ---- zsh ----

  private static String zsh(CommandSpec root) {
    StringBuilder out = new StringBuilder();
    out.append("#compdef plasmite pls\n\n");
    zshFunction(out, root, "_plasmite");
    out.append("_plasmite \"$@\"\n");
    return out.toString();
  }

  private static void zshFunction(StringBuilder out, CommandSpec cmd, String fn) {
    List<CommandSpec> subs = subcommands(cmd);
    for (CommandSpec sub : subs) {
      zshFunction(out, sub, fn + "_" + sub.name());
    }
    out.append(fn).append("() {\n");
    out.append("  local curcontext=\"$curcontext\" state line\n");
    out.append("  typeset -A opt_args\n");
    out.append("  _arguments -C -s \\\n");
    for (OptionSpec option : cmd.options()) {
      if (option.hidden()) {
        continue;
      }
      out.append("    ").append(zshOption(option)).append(" \\\n");
    }
    if (!subs.isEmpty()) {
      out.append("    '1: :->cmds' \\\n");
      out.append("    '*::arg:->args'\n");
      out.append("  case $state in\n");
      out.append("    cmds)\n      local -a cmds\n      cmds=(\n");
      for (CommandSpec sub : subs) {
        out.append("        '")
            .append(sub.name())
            .append(':')
            .append(zshQuote(description(sub)))
            .append("'\n");
      }
      out.append("      )\n      _describe -t commands 'command' cmds\n      ;;\n");
      out.append("    args)\n      case $line[1] in\n");
      for (CommandSpec sub : subs) {
        out.append("        ")
            .append(sub.name())
            .append(") ")
            .append(fn)
            .append('_')
            .append(sub.name())
            .append(" ;;\n");
      }
      out.append("      esac\n      ;;\n  esac\n");
    } else {
      out.append("    '*:argument:_files'\n");
    }
    out.append("}\n\n");
  }

  private static String zshOption(OptionSpec option) {
    String desc = zshQuote(first(option.description()));
    String[] names = option.names();
    boolean repeatable = option.isMultiValue();
    StringBuilder spec = new StringBuilder();
    String value = "";
    if (option.arity().max() > 0) {
      List<String> candidates = candidates(option);
      String action = candidates.isEmpty() ? "_files" : "(" + String.join(" ", candidates) + ")";
      if (option.paramLabel().equals("DIR")) {
        action = "_files -/";
      }
      value = ":" + zshQuote(option.paramLabel()) + ":" + action;
    }
    if (names.length == 1) {
      spec.append('\'').append(repeatable ? "*" : "").append(names[0]);
      spec.append('[').append(desc).append(']').append(value).append('\'');
    } else {
      spec.append(repeatable ? "'*'" : "'(" + String.join(" ", names) + ")'");
      spec.append('{').append(String.join(",", names)).append('}');
      spec.append("'[").append(desc).append(']').append(value).append('\'');
    }
    return spec.toString();
  }

  private static String zshQuote(String text) {
    return text.replace("'", "'\\''").replace("[", "\\[").replace("]", "\\]").replace(":", "\\:");
  }

  // ---- fish ----

  private static String fish(CommandSpec root) {
    StringBuilder out = new StringBuilder();
    out.append("# fish completion for plasmite (also installed as pls)\n");
    for (String program : PROGRAMS) {
      out.append("complete -c ").append(program).append(" -f\n");
      fishCommand(out, program, root, List.of());
    }
    return out.toString();
  }

  private static void fishCommand(
      StringBuilder out, String program, CommandSpec cmd, List<String> path) {
    String condition = fishCondition(cmd, path);
    for (OptionSpec option : cmd.options()) {
      if (option.hidden()) {
        continue;
      }
      out.append("complete -c ").append(program).append(" -n ").append(fishQuote(condition));
      for (String name : option.names()) {
        if (name.startsWith("--")) {
          out.append(" -l ").append(name.substring(2));
        } else {
          out.append(" -s ").append(name.substring(1));
        }
      }
      if (option.arity().max() > 0) {
        List<String> candidates = candidates(option);
        if (candidates.isEmpty()) {
          out.append(" -r -F");
        } else {
          out.append(" -x -a ").append(fishQuote(String.join(" ", candidates)));
        }
      }
      out.append(" -d ").append(fishQuote(first(option.description()))).append('\n');
    }
    List<CommandSpec> subs = subcommands(cmd);
    for (CommandSpec sub : subs) {
      out.append("complete -c ")
          .append(program)
          .append(" -n ")
          .append(fishQuote(condition))
          .append(" -a ")
          .append(sub.name())
          .append(" -d ")
          .append(fishQuote(description(sub)))
          .append('\n');
    }
    if (subs.isEmpty() && !cmd.positionalParameters().isEmpty()) {
      out.append("complete -c ")
          .append(program)
          .append(" -n ")
          .append(fishQuote(condition))
          .append(" -F\n");
    }
    for (CommandSpec sub : subs) {
      List<String> next = new ArrayList<>(path);
      next.add(sub.name());
      fishCommand(out, program, sub, next);
    }
  }

  /** True when the words typed so far lead to {@code path} and no deeper sub-verb. */
  private static String fishCondition(CommandSpec cmd, List<String> path) {
    List<String> parts = new ArrayList<>();
    if (path.isEmpty()) {
      parts.add("__fish_use_subcommand");
    } else {
      for (String word : path) {
        parts.add("__fish_seen_subcommand_from " + word);
      }
      List<CommandSpec> subs = subcommands(cmd);
      if (!subs.isEmpty()) {
        List<String> names = new ArrayList<>();
        subs.forEach(s -> names.add(s.name()));
        parts.add("not __fish_seen_subcommand_from " + String.join(" ", names));
      }
    }
    return String.join("; and ", parts);
  }

  private static String fishQuote(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  // ---- shared ----

  private static List<CommandSpec> subcommands(CommandSpec cmd) {
    List<CommandSpec> out = new ArrayList<>();
    for (var entry : cmd.subcommands().entrySet()) {
      CommandSpec sub = entry.getValue().getCommandSpec();
      // Aliases appear under each name; keep the primary one.
      if (entry.getKey().equals(sub.name()) && !sub.usageMessage().hidden()) {
        out.add(sub);
      }
    }
    return out;
  }

  private static List<String> candidates(OptionSpec option) {
    List<String> out = new ArrayList<>();
    Iterable<String> candidates = option.completionCandidates();
    if (candidates != null) {
      candidates.forEach(out::add);
    }
    return out;
  }

  private static String description(CommandSpec cmd) {
    return first(cmd.usageMessage().description());
  }

  private static String first(String[] lines) {
    if (lines == null || lines.length == 0) {
      return "";
    }
    String line = lines[0];
    return line.endsWith(".") ? line.substring(0, line.length() - 1) : line;
  }
}
