package dev.sluice.sql;

/** A place in a SQL file: 1-based line and column, printed the way compilers do ({@code f:l:c}). */
public record SourceLocation(String file, int line, int column) {

    public SourceLocation {
        if (line < 1 || column < 1) {
            throw new IllegalArgumentException(
                    "Invalid source location: "
                            + line
                            + ":"
                            + column
                            + ". Lines and columns start at 1.");
        }
    }

    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
