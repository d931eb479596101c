package dev.sluice.sql;

import java.util.List;

/**
 * A SQL file split into its statements, in order. The inserts of an {@code EXECUTE STATEMENT SET}
 * block appear as separate {@link StatementKind#INSERT} statements marked {@code inStatementSet}.
 */
public record SqlScript(SourceText source, List<SqlStatement> statements) {
    public SqlScript {
        statements = List.copyOf(statements);
    }
}
