package dev.sluice.stagingschemas;

import java.util.List;

/**
 * What changed between a staging topic's previous columns and its current ones. A type change is
 * {@code widened} when every old value fits the new type (INT to BIGINT, FLOAT to DOUBLE, a larger
 * DECIMAL precision), {@code narrowed} when some may not, {@code retyped} otherwise.
 */
public record SchemaChange(
        List<String> added,
        List<String> dropped,
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

    public boolean isEmpty() {
        return added.isEmpty()
                && dropped.isEmpty()
                && widened.isEmpty()
                && narrowed.isEmpty()
                && retyped.isEmpty();
    }

    /** A column whose type changed, with Flink SQL types. */
    public record TypeChange(String name, String from, String to) {}
}
