package dev.sluice.sql;

import java.util.List;

/** One SQL file after splitting and variable substitution. */
public record BoundScript(SourceText source, List<BoundStatement> statements) {
    public BoundScript {
        statements = List.copyOf(statements);
    }
}
