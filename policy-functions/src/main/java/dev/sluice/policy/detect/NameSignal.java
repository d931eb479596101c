package dev.sluice.policy.detect;

/**
 * Evidence from a column name: the words {@code matched} (joined tokens such as {@code "email"} or
 * {@code "first name"}) suggest {@code sensitiveClass} with {@code weight} in (0, 1].
 */
public record NameSignal(SensitiveClass sensitiveClass, double weight, String matched) {}
