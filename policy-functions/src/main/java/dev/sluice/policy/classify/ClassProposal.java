package dev.sluice.policy.classify;

import dev.sluice.policy.detect.SensitiveClass;
import java.util.List;

/**
 * A proposed class for a column with its confidence in (0, 1] and the reasons, in words, that led
 * to it (name signals, value matches, type).
 */
public record ClassProposal(
        SensitiveClass sensitiveClass, double confidence, List<String> reasons) {

    public ClassProposal {
        reasons = List.copyOf(reasons);
    }

    public String code() {
        return sensitiveClass.code();
    }
}
