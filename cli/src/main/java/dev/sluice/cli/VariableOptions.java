package dev.sluice.cli;

import dev.sluice.sql.Variables;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/** The variable options shared by every command that reads SQL files. */
final class VariableOptions {
    @Option(
            names = "--var",
            paramLabel = "NAME=value",
            description = "A variable for $${NAME} references (wins over files and environment).")
    List<String> vars = new ArrayList<>();

    @Option(
            names = "--var-file",
            paramLabel = "FILE",
            description = "A file of NAME=value lines (Java properties syntax).")
    List<Path> varFiles = new ArrayList<>();

    @Option(
            names = "--secret-file",
            paramLabel = "FILE",
            description =
                    "A file of NAME=value lines whose values are secret: never printed, logged or"
                            + " shown in plans.")
    List<Path> secretFiles = new ArrayList<>();

    @Option(
            names = "--secret-env",
            paramLabel = "NAME",
            description = "An environment variable whose value is secret.")
    List<String> secretEnv = new ArrayList<>();

    /** Environment, then files, then secret files, then {@code --var}, then {@code overrides}. */
    Variables resolve(Map<String, String> environment, Variables overrides) {
        Variables.Builder builder =
                Variables.builder().environment(environment, Set.copyOf(secretEnv));
        try {
            for (Path file : varFiles) {
                builder.file(file, false);
            }
            for (Path file : secretFiles) {
                builder.file(file, true);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UserError(
                    "Invalid --var-file/--secret-file: "
                            + e.getFile()
                            + " does not exist. Give a file of NAME=value lines.",
                    ExitCodes.USAGE,
                    null);
        } catch (IOException e) {
            throw new UserError(
                    "Cannot read variable file: "
                            + e.getMessage()
                            + ". Check the path given to --var-file / --secret-file.");
        } catch (IllegalArgumentException e) {
            // an invalid name in a variable file
            throw new UserError(e.getMessage());
        }
        Variables fromFiles = builder.build();
        Variables.Builder explicit = Variables.builder();
        for (String assignment : vars) {
            try {
                explicit.assignment(assignment, false, "--var");
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage(), ExitCodes.USAGE, null);
            }
        }
        Variables resolved = fromFiles.with(overrides).with(explicit.build());
        OutputSecrets.current().addAll(resolved);
        return resolved;
    }

    /** The {@code --var} names, which win even over a command's own stand-ins. */
    List<String> explicitNames() {
        return vars.stream()
                .map(v -> v.contains("=") ? v.substring(0, v.indexOf('=')) : v)
                .toList();
    }
}
