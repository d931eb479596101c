package dev.sluice.stagingschemas;

import java.util.List;

/**
 * What changed between two versions of a staging topic's columns, by column name: columns added,
 * dropped, widened (every old value fits the new type: INT to BIGINT, VARCHAR(n) to a longer one,
 * DECIMAL precision up at the same scale, FLOAT to DOUBLE, TIMESTAMP precision up), narrowed (the
 * reverse) and retyped (any other type change). A rename arrives as a drop plus an add: neither
 * PostgreSQL's pgoutput nor the MySQL binlog row events say that a column was renamed. A change of
 * nullability or of the primary key alone changes the version but is none of these.
 */
public record SchemaChange(
        List<StagingColumn> added,
        List<StagingColumn> dropped,
        List<TypeChange> widened,
        List<TypeChange> narrowed,
        List<TypeChange> retyped) {

    public static final SchemaChange NONE =
            new SchemaChange(List.of(), List.of(), List.of(), List.of(), List.of());

    public SchemaChange {
        added = List.copyOf(added);
        dropped = List.copyOf(dropped);
        widened = List.copyOf(widened);
        narrowed = List.copyOf(narrowed);
        retyped = List.copyOf(retyped);
    }

    /** A column whose type changed: its name, the old type and the new one. */
    public record TypeChange(String name, String from, String to) {}

    public boolean isEmpty() {
        return added.isEmpty()
                && dropped.isEmpty()
                && widened.isEmpty()
                && narrowed.isEmpty()
                && retyped.isEmpty();
    }

    /** A one-line summary, e.g. {@code added loyalty_tier STRING; dropped fax}. */
    public String summary() {
        StringBuilder out = new StringBuilder();
        for (StagingColumn c : added) {
            append(out, "added " + c.name() + " " + c.type());
        }
        for (StagingColumn c : dropped) {
            append(out, "dropped " + c.name());
        }
        for (TypeChange c : widened) {
            append(out, "widened " + c.name() + " " + c.from() + " -> " + c.to());
        }
        for (TypeChange c : narrowed) {
            append(out, "narrowed " + c.name() + " " + c.from() + " -> " + c.to());
        }
        for (TypeChange c : retyped) {
            append(out, "retyped " + c.name() + " " + c.from() + " -> " + c.to());
        }
        return out.length() == 0 ? "no column added, dropped or retyped" : out.toString();
    }

    private static void append(StringBuilder out, String part) {
        if (out.length() > 0) {
            out.append("; ");
        }
        out.append(part);
    }
}
