package dev.sluice.deploy;

import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * A check that must pass before a pipeline is rendered for deployment: the policy gate implements
 * it. Implementations are found with {@link ServiceLoader} (a {@code
 * META-INF/services/dev.sluice.deploy.PipelineCheck} entry), so the gate plugs in without this
 * package depending on it. With none installed, {@code sluice deploy render} says so on stderr.
 */
public interface PipelineCheck {

    /** The outcome for one pipeline. */
    record Verdict(List<String> problems, Set<String> classifications) {
        public Verdict {
            problems = List.copyOf(problems);
            classifications = Set.copyOf(classifications);
        }

        public boolean passed() {
            return problems.isEmpty();
        }
    }

    /** A short name for messages, e.g. {@code policy gate}. */
    String name();

    /**
     * Checks the pipeline in {@code sqlFile}. Problems are complete messages (file:line, what, how
     * to fix); classifications are the data classes the pipeline writes, shown in the manifest
     * labels.
     */
    Verdict check(Path sqlFile);

    /**
     * Like {@link #check(Path)}, knowing which pipeline variables are secret (declared with {@code
     * --secret VAR=...}): their values must never appear in a problem.
     */
    default Verdict check(Path sqlFile, Set<String> secretVariables) {
        return check(sqlFile);
    }

    /** Every check on the class path, in the order the service loader finds them. */
    static List<PipelineCheck> installed() {
        return ServiceLoader.load(PipelineCheck.class).stream()
                .map(ServiceLoader.Provider::get)
                .toList();
    }
}
