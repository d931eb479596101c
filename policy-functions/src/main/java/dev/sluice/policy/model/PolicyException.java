package dev.sluice.policy.model;

import java.util.List;
import java.util.stream.Collectors;

/** A policy that cannot be used, with every problem found in every file. */
public final class PolicyException extends RuntimeException {
    private final List<PolicyProblem> problems;

    public PolicyException(List<PolicyProblem> problems) {
        super(
                problems.size()
                        + (problems.size() == 1 ? " problem" : " problems")
                        + " in the policy:\n"
                        + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<PolicyProblem> problems() {
        return problems;
    }
}
