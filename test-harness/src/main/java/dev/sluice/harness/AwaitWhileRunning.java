package dev.sluice.harness;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;

/** Waits for a condition that a running Flink job brings about; fails at once if the job ends. */
public final class AwaitWhileRunning {
    private AwaitWhileRunning() {}

    /**
     * Returns once {@code condition} holds; throws the job's failure (or an {@link AssertionError}
     * if it ended otherwise) as soon as {@code job} has ended, and a timeout after {@code timeout}.
     */
    public static void until(
            String what, JobClient job, Duration timeout, BooleanSupplier condition)
            throws Exception {
        Await.until(
                what,
                timeout,
                () -> {
                    if (condition.getAsBoolean()) {
                        return true;
                    }
                    JobStatus status = job.getJobStatus().get(10, TimeUnit.SECONDS);
                    if (status.isGloballyTerminalState()) {
                        job.getJobExecutionResult().get(10, TimeUnit.SECONDS); // the job's failure
                        throw new AssertionError("Job ended (" + status + ") before: " + what);
                    }
                    return false;
                });
    }
}
