package dev.sluice.gate;

/** A column of a table a pipeline reads, by the table's full {@code catalog.database.table}. */
public record SourceColumn(String table, String column) {
    @Override
    public String toString() {
        return table + "." + column;
    }
}
