package dev.sluice.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns SQL files into a {@link Pipeline}: reads the header, splits, substitutes variables, checks
 * {@code SET} keys and what each kind of file may contain, and collects every problem of every file
 * instead of stopping at the first.
 */
public final class PipelineLoader {

    /** What a file is for, which decides the statements it may hold. */
    public enum Role {
        /** Shared declarations: catalogs, databases, tables, views, functions, modules, SET. */
        CATALOG,
        /** One pipeline: its own declarations and the INSERTs that make its job. */
        PIPELINE
    }

    private PipelineLoader() {}

    /**
     * Loads a pipeline and its catalog files.
     *
     * @throws PipelineException with every problem found, in file order
     */
    public static Pipeline load(
            List<SourceText> catalogFiles, SourceText pipelineFile, Variables variables) {
        List<SqlFileException> problems = new ArrayList<>();
        List<BoundScript> catalog = new ArrayList<>();
        for (SourceText file : catalogFiles) {
            catalog.add(bind(file, Role.CATALOG, variables, problems));
        }
        PipelineMetadata metadata = null;
        try {
            metadata = PipelineMetadataParser.parse(pipelineFile);
        } catch (SqlFileException e) {
            problems.add(redacted(e, variables));
        }
        BoundScript pipeline = bind(pipelineFile, Role.PIPELINE, variables, problems);
        if (!problems.isEmpty()) {
            throw new PipelineException(problems);
        }
        return new Pipeline(metadata, catalog, pipeline, variables);
    }

    /**
     * Splits and binds one file, adding its problems to {@code problems}; the statements that bound
     * without a problem are returned.
     */
    public static BoundScript bind(
            SourceText file, Role role, Variables variables, List<SqlFileException> problems) {
        SqlScript script;
        try {
            script = SqlScriptParser.parse(file);
        } catch (SqlFileException e) {
            problems.add(redacted(e, variables));
            return new BoundScript(file, List.of());
        }
        List<BoundStatement> bound = new ArrayList<>();
        boolean hasInsert = false;
        for (SqlStatement statement : script.statements()) {
            String misplaced = misplaced(statement.kind(), role);
            if (misplaced != null) {
                SourceLocation at = statement.location();
                problems.add(new SqlFileException(at, file.excerpt(at), misplaced));
                continue;
            }
            hasInsert |= statement.kind() == StatementKind.INSERT;
            try {
                BoundStatement b = VariableSubstitution.bind(statement, file, variables);
                ConfigKeys.check(b);
                bound.add(b);
            } catch (SqlFileException e) {
                problems.add(redacted(e, variables));
            }
        }
        if (role == Role.PIPELINE
                && !hasInsert
                && script.statements().stream().noneMatch(s -> misplaced(s.kind(), role) != null)) {
            problems.add(
                    new SqlFileException(
                            new SourceLocation(file.name(), Math.max(1, file.lineCount()), 1),
                            "",
                            "A pipeline file needs at least one INSERT INTO: it is what the job"
                                    + " writes. Add INSERT INTO <sink table> SELECT ... FROM <staging"
                                    + " table>;"));
        }
        return new BoundScript(file, bound);
    }

    private static String misplaced(StatementKind kind, Role role) {
        if (role == Role.CATALOG
                && (kind == StatementKind.INSERT
                        || kind == StatementKind.QUERY
                        || kind == StatementKind.OTHER)) {
            return "A catalog file may only declare shared objects (CREATE, USE, SET, LOAD MODULE),"
                    + " not run "
                    + (kind == StatementKind.INSERT ? "an INSERT" : "a query or command")
                    + ". Move it into a pipeline file.";
        }
        if (role == Role.PIPELINE && kind == StatementKind.QUERY) {
            return "A query without INSERT INTO has no sink, so a pipeline cannot run it. Write"
                    + " INSERT INTO <table> SELECT ... instead.";
        }
        if (role == Role.PIPELINE && kind == StatementKind.OTHER) {
            return "This statement (SHOW, DESCRIBE, EXPLAIN, ADD JAR, ...) has no place in a"
                    + " pipeline file. Remove it; `sluice validate --explain FILE` prints the plan.";
        }
        return null;
    }

    static SqlFileException redacted(SqlFileException e, Variables variables) {
        String message = variables.redact(e.getMessage());
        String excerpt = variables.redact(e.excerpt());
        if (message.equals(e.getMessage()) && excerpt.equals(e.excerpt())) {
            return e;
        }
        return new SqlFileException(e.location(), excerpt, message);
    }
}
