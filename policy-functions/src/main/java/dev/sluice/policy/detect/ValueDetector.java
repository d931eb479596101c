package dev.sluice.policy.detect;

/**
 * Recognizes one sensitive class in a whole value. Implementations are stateless and thread-safe
 * and run in time linear in the (already capped) value length.
 */
interface ValueDetector {

    SensitiveClass sensitiveClass();

    /**
     * The confidence that {@code value} (stripped, non-empty, capped) is of this class, or 0 when
     * it is not.
     */
    double score(String value, ValueShape shape, ColumnContext column);
}
