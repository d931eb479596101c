package dev.sluice.gate;

/**
 * The plan holds something whose lineage the gate cannot derive; the gate then rejects the pipeline
 * as unprovable instead of passing it.
 */
public final class LineageException extends RuntimeException {
    public LineageException(String message) {
        super(message);
    }
}
