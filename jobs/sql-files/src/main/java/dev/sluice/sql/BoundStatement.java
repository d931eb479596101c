package dev.sluice.sql;

import java.util.List;

/**
 * A statement with its variables substituted: the SQL to run, the same SQL with secret values
 * redacted (for anything printed), and the way back from a position in the SQL to the file.
 */
public record BoundStatement(
        SqlStatement statement,
        SourceText source,
        String sql,
        String redactedSql,
        List<Edit> edits) {

    public BoundStatement {
        edits = List.copyOf(edits);
    }

    /**
     * One substitution: {@code [originalStart, originalEnd)} became {@code [boundStart, boundEnd)}.
     */
    public record Edit(int originalStart, int originalEnd, int boundStart, int boundEnd) {}

    public StatementKind kind() {
        return statement.kind();
    }

    /** Where the statement starts in its file. */
    public SourceLocation location() {
        return statement.location();
    }

    /**
     * The file location of a 1-based line and column in {@link #sql()}, as Flink reports them in
     * validation errors ("From line 2, column 8").
     */
    public SourceLocation locate(int line, int column) {
        int boundOffset = 0;
        for (int l = 1; l < line && boundOffset < sql.length(); l++) {
            int next = nextLineStart(sql, boundOffset);
            if (next < 0) {
                break;
            }
            boundOffset = next;
        }
        boundOffset = Math.min(sql.length(), boundOffset + Math.max(0, column - 1));
        return source.location(statement.startOffset() + originalOffset(boundOffset));
    }

    /** The source line and caret of a location inside this statement. */
    public String excerpt(SourceLocation location) {
        return source.excerpt(location);
    }

    private int originalOffset(int boundOffset) {
        int delta = 0;
        for (Edit edit : edits) {
            if (boundOffset < edit.boundStart()) {
                break;
            }
            if (boundOffset < edit.boundEnd()) {
                return edit.originalStart();
            }
            delta = edit.originalEnd() - edit.boundEnd();
        }
        return boundOffset + delta;
    }

    private static int nextLineStart(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r') {
                return i + 1 < text.length() && text.charAt(i + 1) == '\n' ? i + 2 : i + 1;
            }
            if (c == '\n') {
                return i + 1;
            }
        }
        return -1;
    }
}
