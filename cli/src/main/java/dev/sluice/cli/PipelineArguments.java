package dev.sluice.cli;

import dev.sluice.sql.Pipeline;
import dev.sluice.sql.PipelineException;
import dev.sluice.sql.PipelineLoader;
import dev.sluice.sql.SourceText;
import dev.sluice.sql.SqlFileException;
import dev.sluice.sql.SqlFiles;
import dev.sluice.sql.Variables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Loads the pipeline a command was given, turning every problem into one {@link UserError}. */
final class PipelineArguments {
    private PipelineArguments() {}

    record Loaded(Pipeline pipeline, List<SourceText> catalog, SourceText file) {}

    static Loaded load(Path file, Path catalogOption, Variables variables) {
        Path catalogFolder = SqlFileArguments.catalogFolder(catalogOption);
        try {
            List<SourceText> catalog = new ArrayList<>();
            for (String spec : SqlFileArguments.catalogFiles(catalogFolder)) {
                catalog.add(SqlFiles.read(spec));
            }
            SourceText source = SqlFiles.read(file);
            return new Loaded(PipelineLoader.load(catalog, source, variables), catalog, source);
        } catch (SqlFileException e) {
            throw new UserError(e.describe());
        } catch (PipelineException e) {
            throw new UserError(
                    e.problems().stream()
                                    .map(SqlFileException::describe)
                                    .collect(Collectors.joining("\n"))
                            + "\n"
                            + e.problems().size()
                            + (e.problems().size() == 1 ? " problem" : " problems")
                            + "; `sluice validate "
                            + file
                            + "` checks the plan too.");
        }
    }
}
