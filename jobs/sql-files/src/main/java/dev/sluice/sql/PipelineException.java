package dev.sluice.sql;

import java.util.List;
import java.util.stream.Collectors;

/** Every problem found in the files of a pipeline, each with its file, line and column. */
public class PipelineException extends RuntimeException {
    private final List<SqlFileException> problems;

    public PipelineException(List<SqlFileException> problems) {
        super(
                problems.size()
                        + (problems.size() == 1 ? " problem" : " problems")
                        + ":\n"
                        + problems.stream()
                                .map(SqlFileException::describe)
                                .collect(Collectors.joining("\n")));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("A PipelineException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public List<SqlFileException> problems() {
        return problems;
    }
}
