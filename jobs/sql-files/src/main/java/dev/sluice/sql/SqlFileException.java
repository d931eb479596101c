package dev.sluice.sql;

/**
 * A problem in a SQL file the author can fix: a message, where it is, and the source line with a
 * caret under the spot. Messages never contain the values of secret variables.
 */
public class SqlFileException extends RuntimeException {
    private final SourceLocation location;
    private final String excerpt;

    public SqlFileException(SourceLocation location, String excerpt, String message) {
        this(location, excerpt, message, null);
    }

    public SqlFileException(
            SourceLocation location, String excerpt, String message, Throwable cause) {
        super(message, cause);
        this.location = location;
        this.excerpt = excerpt;
    }

    /** Where the problem is; the file name only (line 1, column 1) when no finer place is known. */
    public SourceLocation location() {
        return location;
    }

    /** The source line and a caret under the column, or "" when there is none. */
    public String excerpt() {
        return excerpt;
    }

    /** {@code file:line:col: message}, then the excerpt on the following lines. */
    public String describe() {
        return location + ": " + getMessage() + (excerpt.isEmpty() ? "" : "\n" + excerpt);
    }
}
