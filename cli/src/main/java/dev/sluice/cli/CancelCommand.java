package dev.sluice.cli;

import dev.sluice.cluster.FlinkRestClient;
import dev.sluice.sql.Variables;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice cancel JOB}: cancels a job, or stops it with a savepoint. */
@Command(
        name = "cancel",
        mixinStandardHelpOptions = true,
        description = {
            "Stop a job on a Flink cluster: with --savepoint DIR it stops with a savepoint there"
                    + " (printed; a later run resumes from it), else it cancels.",
            "Exit code 0 when done, 1 when the cluster refused (unknown job, failed savepoint), 3"
                    + " when it cannot be reached."
        })
final class CancelCommand implements Callable<Integer> {
    private static final Pattern JOB_ID = Pattern.compile("[0-9a-f]{32}");
    private static final Duration SAVEPOINT_TIMEOUT = Duration.ofMinutes(10);

    @Spec CommandSpec spec;

    @Parameters(paramLabel = "JOB", description = "The job id (32 hex digits, see `sluice jobs`).")
    String jobId;

    @Option(
            names = "--savepoint",
            paramLabel = "DIR",
            description =
                    "Stop with a savepoint into this folder (a path or URI the cluster can write).")
    String savepointDir;

    @Mixin RestOptions restOptions;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (!JOB_ID.matcher(jobId).matches()) {
            throw new UserError(
                    "Invalid job id: "
                            + jobId
                            + ". A job id is 32 hex digits, as `sluice jobs` lists them.",
                    ExitCodes.USAGE,
                    null);
        }
        FlinkRestClient client = restOptions.client();
        try {
            if (savepointDir == null) {
                client.cancel(jobId);
                out.println("Cancelling job " + jobId);
                out.flush();
                return ExitCodes.OK;
            }
            String trigger = client.stopWithSavepoint(jobId, savepointDir);
            out.println(
                    "Stopping job " + jobId + " with a savepoint into " + savepointDir + " ...");
            out.flush();
            long deadline = System.nanoTime() + SAVEPOINT_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                Optional<String> location = client.savepointStatus(jobId, trigger);
                if (location.isPresent()) {
                    out.println("Stopped with savepoint " + location.get());
                    out.flush();
                    return ExitCodes.OK;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
            }
            throw new UserError(
                    "The savepoint of job "
                            + jobId
                            + " did not complete within "
                            + SAVEPOINT_TIMEOUT.toMinutes()
                            + " minutes; the job may still be running. Check the web UI.",
                    ExitCodes.UNAVAILABLE,
                    null);
        } catch (FlinkRestClient.RestException e) {
            throw RestOptions.failure(e, Variables.empty(), "Check the job id with `sluice jobs`.");
        }
    }
}
