package dev.sluice.policy.detect;

/** One detected class of a value, with a confidence in (0, 1]. */
public record Detection(SensitiveClass sensitiveClass, double confidence) {

    public Detection {
        if (sensitiveClass == null) {
            throw new IllegalArgumentException("Invalid detection: sensitiveClass is null.");
        }
        if (!(confidence > 0 && confidence <= 1)) {
            throw new IllegalArgumentException(
                    "Invalid detection confidence: " + confidence + ". Use a value in (0, 1].");
        }
    }

    public String code() {
        return sensitiveClass.code();
    }
}
