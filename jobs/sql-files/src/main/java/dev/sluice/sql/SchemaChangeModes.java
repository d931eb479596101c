package dev.sluice.sql;

import dev.sluice.stagingschemas.SchemaChangeMode;
import java.util.Map;
import java.util.Objects;

/**
 * The schema-change modes of a pipeline's sinks, from its header: {@code -- @schema-changes evolve}
 * for every sink, {@code -- @schema-changes warehouse.payments.customers=fail} for one.
 *
 * @param pipeline the mode of sinks not named, {@link SchemaChangeMode#DEFAULT} when not set
 * @param bySink per-sink modes, by the sink's name as written in the header
 */
public record SchemaChangeModes(SchemaChangeMode pipeline, Map<String, SchemaChangeMode> bySink) {

    public static final SchemaChangeModes DEFAULT =
            new SchemaChangeModes(SchemaChangeMode.DEFAULT, Map.of());

    public SchemaChangeModes {
        Objects.requireNonNull(pipeline, "pipeline");
        bySink = Map.copyOf(bySink);
    }

    /**
     * The mode of a sink by its full {@code catalog.database.table} name: a per-sink entry written
     * as the full name or as its last parts ({@code payments.customers}), else the pipeline's.
     */
    public SchemaChangeMode forSink(String fullName) {
        SchemaChangeMode found = bySink.get(fullName);
        if (found != null) {
            return found;
        }
        for (Map.Entry<String, SchemaChangeMode> entry : bySink.entrySet()) {
            if (fullName.endsWith("." + entry.getKey())) {
                return entry.getValue();
            }
        }
        return pipeline;
    }

    /** Whether a per-sink entry names this sink (see {@link #forSink}). */
    public static boolean names(String entry, String fullName) {
        return fullName.equals(entry) || fullName.endsWith("." + entry);
    }
}
