package dev.sluice.sql;

import java.util.List;

/**
 * One statement of a SQL file exactly as written (comments inside it included, the closing {@code
 * ;} excluded), with where it starts and the string literals in it.
 *
 * @param sql the statement text, a slice of the file
 * @param location where its first token starts
 * @param startOffset offset of {@code sql} in the file
 * @param kind what the statement does
 * @param stringLiterals the {@code '...'} literals, the only place variables are substituted
 * @param quotedIdentifiers the {@code `...`} identifiers, where variables are refused
 * @param inStatementSet whether it is an {@code INSERT} of an {@code EXECUTE STATEMENT SET} block
 */
public record SqlStatement(
        String sql,
        SourceLocation location,
        int startOffset,
        StatementKind kind,
        List<Span> stringLiterals,
        List<Span> quotedIdentifiers,
        boolean inStatementSet) {

    public SqlStatement {
        stringLiterals = List.copyOf(stringLiterals);
        quotedIdentifiers = List.copyOf(quotedIdentifiers);
    }

    /** A token's characters {@code [start, end)}, relative to the start of the statement. */
    public record Span(int start, int end) {}
}
