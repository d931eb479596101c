package dev.sluice.deploy;

import dev.sluice.sql.PipelineMetadata;
import dev.sluice.sql.PipelineMetadataParser;
import dev.sluice.sql.SourceText;
import dev.sluice.sql.SqlScriptParser;
import dev.sluice.sql.SqlStatement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a pipeline file for deployment: its metadata header (through {@link
 * PipelineMetadataParser}), its place inside the {@code sql/} folder, and the {@code ${NAME}}
 * variables it and the shared catalog need at run time (found in the string literals that {@link
 * SqlScriptParser} reports, the only place the pipeline job substitutes them).
 */
public final class PipelineSource {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private PipelineSource() {}

    /**
     * The deployment description of the pipeline in {@code file}, which must lie under a folder
     * named {@code sql} (the folder the image and the job jar ship).
     *
     * @throws DeployRenderException when the file is outside {@code sql/} or its name cannot become
     *     a Kubernetes name
     * @throws dev.sluice.sql.SqlFileException when the metadata header is missing or invalid
     */
    public static PipelineDeployment read(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        Path sqlRoot = sqlRoot(absolute, file);
        String text = readText(file);
        SourceText source = new SourceText(file.toString(), text);
        PipelineMetadata metadata = PipelineMetadataParser.parse(source);
        String name =
                KubernetesNames.forPipeline(metadata.name(), String.valueOf(file.getFileName()));

        SortedSet<String> variables = new TreeSet<>(variablesIn(source));
        Path catalog = sqlRoot.resolve("catalog");
        if (Files.isDirectory(catalog)) {
            // the pipeline job runs the shared catalog before the pipeline: its variables count
            try (Stream<Path> files = Files.list(catalog)) {
                for (Path catalogFile : files.filter(p -> p.toString().endsWith(".sql")).toList()) {
                    variables.addAll(
                            variablesIn(
                                    new SourceText(catalogFile.toString(), readText(catalogFile))));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot list " + catalog, e);
            }
        }
        String sqlResource = sqlRoot.relativize(absolute).toString().replace('\\', '/');
        return PipelineDeployment.of(
                        sqlResource,
                        name,
                        metadata.owner(),
                        metadata.parallelism(),
                        metadata.checkpointInterval())
                .withSecrets(variables, List.of());
    }

    /** The names of the {@code ${NAME}} references inside the string literals of {@code source}. */
    static SortedSet<String> variablesIn(SourceText source) {
        SortedSet<String> names = new TreeSet<>();
        for (SqlStatement statement : SqlScriptParser.parse(source).statements()) {
            for (SqlStatement.Span literal : statement.stringLiterals()) {
                Matcher matcher =
                        VARIABLE.matcher(statement.sql()).region(literal.start(), literal.end());
                while (matcher.find()) {
                    // $${NAME} is an escaped, literal ${NAME}
                    if (matcher.start() == 0
                            || statement.sql().charAt(matcher.start() - 1) != '$') {
                        names.add(matcher.group(1));
                    }
                }
            }
        }
        return names;
    }

    private static Path sqlRoot(Path absolute, Path asGiven) {
        for (Path dir = absolute.getParent(); dir != null; dir = dir.getParent()) {
            if (dir.getFileName() != null && dir.getFileName().toString().equals("sql")) {
                return dir;
            }
        }
        throw new DeployRenderException(
                "Invalid pipeline file: "
                        + asGiven
                        + " is not inside a folder named sql. The image and the job jar ship the"
                        + " sql/ folder only; put the pipeline under sql/pipelines/<team>/.");
    }

    private static String readText(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DeployRenderException(
                    "Cannot read pipeline file: " + file + " (" + e.getMessage() + ").");
        }
    }
}
