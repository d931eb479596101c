package dev.sluice.demo;

import dev.sluice.harness.Await;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;

/**
 * The demo's Flink jobs. Closing cancels them all at once and waits, within one deadline, until
 * each has ended, so that no job outlives the demo whether it ends normally or by an exception.
 */
final class RunningJobs implements AutoCloseable {

    /** How long closing waits, in all, for the jobs to end. */
    static final Duration CANCEL_TIMEOUT = Duration.ofSeconds(30);

    private final PrintStream out;
    private final Map<String, JobClient> jobs = new LinkedHashMap<>();

    RunningJobs(PrintStream out) {
        this.out = out;
    }

    /** Registers a started job under a short name ({@code ingest}, {@code pipeline}). */
    JobClient add(String name, JobClient job) {
        jobs.put(name, job);
        return job;
    }

    @Override
    public void close() throws Exception {
        if (jobs.isEmpty()) {
            return;
        }
        Map<String, CompletableFuture<Void>> cancels = new LinkedHashMap<>();
        jobs.forEach((name, job) -> cancels.put(name, job.cancel()));
        long deadline = System.nanoTime() + CANCEL_TIMEOUT.toNanos();
        List<String> ended = new ArrayList<>();
        Exception failure = null;
        for (Map.Entry<String, JobClient> entry : jobs.entrySet()) {
            String name = entry.getKey();
            JobClient job = entry.getValue();
            try {
                JobStatus status =
                        Await.value(
                                "the " + name + " job " + job.getJobID() + " to end",
                                Duration.ofNanos(Math.max(0, deadline - System.nanoTime())),
                                () -> endedStatus(job, cancels.get(name)));
                ended.add(name + " " + status);
            } catch (Exception e) {
                IllegalStateException notStopped =
                        new IllegalStateException(
                                "Could not stop the "
                                        + name
                                        + " job "
                                        + job.getJobID()
                                        + ": "
                                        + e.getMessage(),
                                e);
                if (failure == null) {
                    failure = notStopped;
                } else {
                    failure.addSuppressed(notStopped);
                }
            }
        }
        if (!ended.isEmpty()) {
            out.println("Jobs ended: " + String.join(", ", ended));
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** The job's final status, null while it runs; throws why its cancellation failed. */
    private static JobStatus endedStatus(JobClient job, CompletableFuture<Void> cancel)
            throws Exception {
        // a cancellation fails when the job ended just before; only a running job makes it count
        boolean cancelFailed = cancel.isCompletedExceptionally();
        JobStatus status = job.getJobStatus().get(10, TimeUnit.SECONDS);
        if (status.isGloballyTerminalState()) {
            return status;
        }
        if (cancelFailed) {
            cancel.get();
        }
        return null;
    }
}
