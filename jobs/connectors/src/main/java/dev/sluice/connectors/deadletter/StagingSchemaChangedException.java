package dev.sluice.connectors.deadletter;

import java.util.Optional;
import org.apache.flink.runtime.throwable.ThrowableAnnotation;
import org.apache.flink.runtime.throwable.ThrowableType;
import org.apache.flink.util.SerializedThrowable;

/**
 * A staging table's columns changed under a sink in mode {@code fail} or {@code evolve}. Not
 * recoverable by a restart of the same job (the same record would fail it again), so Flink fails
 * the job at once instead of restarting it; {@code sluice run} replans an {@code evolve} change.
 */
@ThrowableAnnotation(ThrowableType.NonRecoverableError)
public final class StagingSchemaChangedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Starts the message of a change {@code sluice run} applies by replanning. */
    public static final String EVOLVE_MARKER = "[schema-change: evolve]";

    /** Starts the message of a change the mode {@code fail} refuses. */
    public static final String FAIL_MARKER = "[schema-change: fail]";

    private final boolean evolve;

    StagingSchemaChangedException(boolean evolve, String message) {
        super((evolve ? EVOLVE_MARKER : FAIL_MARKER) + " " + message);
        this.evolve = evolve;
    }

    public boolean evolve() {
        return evolve;
    }

    /**
     * The schema change that failed a job, from its failure cause: found by class, or by message
     * when the cause arrived serialized (a class the client cannot load).
     */
    public static Optional<Found> find(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String message = cause.getMessage();
            String className =
                    cause instanceof SerializedThrowable serialized
                            ? serialized.getOriginalErrorClassName()
                            : cause.getClass().getName();
            if (message != null
                    && (className.equals(StagingSchemaChangedException.class.getName())
                            || message.startsWith(EVOLVE_MARKER)
                            || message.startsWith(FAIL_MARKER))) {
                int start = message.indexOf("[schema-change: ");
                if (start >= 0) {
                    String own = message.substring(start);
                    boolean evolve = own.startsWith(EVOLVE_MARKER);
                    String text =
                            own.substring((evolve ? EVOLVE_MARKER : FAIL_MARKER).length()).strip();
                    return Optional.of(new Found(evolve, text));
                }
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return Optional.empty();
    }

    /** A schema change found in a job's failure. */
    public record Found(boolean evolve, String message) {}
}
