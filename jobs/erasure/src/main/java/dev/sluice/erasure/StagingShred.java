package dev.sluice.erasure;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.stagingkeys.SubjectKeys;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Function;

/**
 * The step "shred" of a request: destroys each id's data key in the key store, so that every replay
 * of the staging topics yields the subject's encrypted columns as NULL (crypto-shredding). Recorded
 * in {@link ErasureState} under target {@link #TARGET}: a finished step is not redone; an
 * interrupted one is rerun, and destroying an already destroyed key is a no-op (counted as absent),
 * so a rerun completes.
 */
public final class StagingShred {

    /** The state's target name of this step. */
    public static final String TARGET = "staging-keys";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Keys destroyed now, ids that had none (never keyed, or destroyed before), and resumption. */
    public record Result(long destroyed, long absent, boolean resumed) {}

    private StagingShred() {}

    /**
     * Runs the step.
     *
     * @param audit builds the audit record of an action (request, pass, subject filled in) and
     *     appends nothing; the caller's sink appends what this returns
     */
    public static Result run(
            ErasureState state,
            SubjectKeys keys,
            String requestId,
            int pass,
            String subject,
            List<String> ids,
            Function<String, ObjectNode> audit,
            java.util.function.Consumer<ObjectNode> append)
            throws SQLException {
        String done = state.done(requestId, pass, TARGET, "shred");
        if (done != null) {
            try {
                var previous = JSON.readTree(done);
                return new Result(
                        previous.path("keysDestroyed").asLong(),
                        previous.path("keysAbsent").asLong(),
                        true);
            } catch (java.io.IOException e) {
                return new Result(0, 0, true);
            }
        }
        state.record(requestId, pass, TARGET, "shred", "started", null);
        long destroyed = 0;
        long absent = 0;
        for (String id : ids) {
            if (keys.destroy(subject, id)) {
                destroyed++;
            } else {
                absent++;
            }
        }
        ObjectNode a = audit.apply("shred");
        a.put("keyStore", keys.store().describe());
        a.put("keysDestroyed", destroyed);
        a.put("keysAbsent", absent);
        append.accept(a);
        state.record(requestId, pass, TARGET, "shred", "done", a.toString());
        return new Result(destroyed, absent, false);
    }
}
