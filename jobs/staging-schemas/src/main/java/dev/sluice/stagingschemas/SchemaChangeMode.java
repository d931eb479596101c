package dev.sluice.stagingschemas;

import java.util.Locale;
import java.util.Optional;

/**
 * What a pipeline sink does when a staging table it reads changes its columns (see
 * docs/schema-changes.md). Ordered from the most lenient to the strictest: a staging table read by
 * several sinks follows the strictest of their modes.
 */
public enum SchemaChangeMode {
    /** Keep running with the sink's columns; a new column is dropped, logged once per version. */
    IGNORE,
    /** Stop, add or widen the column in staging and in the sink, then run again. */
    EVOLVE,
    /** Stop with an error naming the table, the change and how to proceed. */
    FAIL;

    /** {@code ignore}: today's behaviour, never lets a new column flow (docs/schema-changes.md). */
    public static final SchemaChangeMode DEFAULT = IGNORE;

    /** The name as written in a header or an option. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The allowed values, for messages: {@code evolve, ignore or fail}. */
    public static String allowed() {
        return "evolve, ignore or fail";
    }

    public static Optional<SchemaChangeMode> parse(String text) {
        for (SchemaChangeMode mode : values()) {
            if (mode.value().equals(text)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }

    /** The stricter of two modes: fail over evolve over ignore. */
    public SchemaChangeMode strictest(SchemaChangeMode other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
