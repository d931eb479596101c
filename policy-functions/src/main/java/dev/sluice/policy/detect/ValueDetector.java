package dev.sluice.policy.detect;

/**
 * Recognizes one sensitive class in a whole value. Implementations are stateless and thread-safe
 * and run in time linear in the (already capped) value length. An abstract class, not an interface:
 * the detector loop then dispatches through a virtual table rather than an interface table.
 */
abstract class ValueDetector {

    abstract SensitiveClass sensitiveClass();

    /**
     * The confidence that {@code value} (stripped, non-empty, capped) is of this class, or 0 when
     * it is not.
     */
    abstract double score(String value, ValueShape shape, ColumnContext column);

    /**
     * A fallback detector only runs when no other detector recognized the value: its evidence (such
     * as entropy) is weaker than the structure the others check.
     */
    boolean fallback() {
        return false;
    }
}
