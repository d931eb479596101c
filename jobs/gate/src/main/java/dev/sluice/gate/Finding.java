package dev.sluice.gate;

import dev.sluice.sql.SourceLocation;

/**
 * One reason the gate rejects a pipeline: where (the INSERT), which sink column and source column,
 * which class and rule, what happened and how to fix it. {@code fixFunction} is the masking
 * function to wrap the value in, when wrapping fixes it.
 */
public record Finding(
        Kind kind,
        SourceLocation location,
        String sinkTable,
        String sinkColumn,
        String sourceColumn,
        String className,
        String ruleId,
        String detail,
        String fix,
        String fixFunction) {

    /** What kind of violation a finding is; {@link #id()} is the rule id findings report. */
    public enum Kind {
        /** A classified value reaches the sink without an allowed masking function. */
        LEAK("mask"),
        /** The zone's rule denies the class outright, masked or not. */
        DENIED("deny"),
        /** No rule says the class may reach this zone: denied by default. */
        NO_RULE("no-rule"),
        /** The owning team has no grant for a dataset the pipeline reads. */
        GRANT("grant"),
        /** The sink's zone is not one the owning team writes to. */
        ZONE("team-zone"),
        /** The class may not be stored in the sink's region. */
        RESIDENCY("residency"),
        /** Classified data goes to a dataset the policy does not map to a zone and region. */
        UNMAPPED_SINK("unmapped-sink"),
        /** The pipeline reads a persistent dataset the policy does not map. */
        UNMAPPED_SOURCE("unmapped-source"),
        /** A table's connector options do not name a dataset the gate can identify. */
        IDENTITY("identity"),
        /** The policy's entries contradict each other for a dataset the pipeline uses. */
        POLICY("policy"),
        /** The pipeline redefines a masking function's name with its own code. */
        SHADOWED_FUNCTION("shadowed-function"),
        /** The gate cannot derive the lineage, so it cannot prove the INSERT compliant. */
        UNPROVABLE("unprovable");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    /**
     * One line: {@code file:line:col: KIND sink.col <- source.col [CLASS] rule R: detail. Fix:
     * ...}.
     */
    public String describe() {
        StringBuilder b = new StringBuilder();
        b.append(location).append(": ").append(kind.name().replace('_', ' '));
        if (sinkTable != null) {
            b.append(' ').append(sinkTable);
            if (sinkColumn != null) {
                b.append('.').append(sinkColumn);
            }
        }
        if (sourceColumn != null) {
            b.append(" <- ").append(sourceColumn);
        }
        if (className != null) {
            b.append(" [").append(className).append(']');
        }
        if (ruleId != null) {
            b.append(" rule ").append(ruleId);
        }
        b.append(": ").append(detail);
        if (fix != null) {
            b.append(" Fix: ").append(fix);
        }
        return b.toString();
    }
}
