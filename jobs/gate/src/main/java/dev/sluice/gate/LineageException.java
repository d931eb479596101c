package dev.sluice.gate;

/**
 * The plan holds something whose lineage the gate cannot derive; the gate then rejects the pipeline
 * as unprovable instead of passing it.
 */
public final class LineageException extends RuntimeException {
    private final String node;

    public LineageException(String message) {
        this("plan", message);
    }

    /** {@code node} names the plan node or expression the gate cannot follow. */
    public LineageException(String node, String message) {
        super(message);
        this.node = node;
    }

    public String node() {
        return node;
    }
}
