package dev.sluice.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sluice.cluster.FlinkRestClient;
import dev.sluice.sql.Variables;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice jobs}: the jobs of a Flink cluster. */
@Command(
        name = "jobs",
        mixinStandardHelpOptions = true,
        description = {
            "List the jobs of a Flink cluster: id, state, start time, duration, name (a pipeline's"
                    + " job is named after the pipeline).",
            "Exit code 0, or 3 when the cluster cannot be reached."
        })
final class JobsCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin RestOptions restOptions;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    ValidateCommand.Format format = ValidateCommand.Format.human;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        FlinkRestClient client = restOptions.client();
        List<FlinkRestClient.JobSummary> jobs;
        try {
            jobs = client.jobs();
        } catch (FlinkRestClient.RestException e) {
            throw RestOptions.failure(e, Variables.empty(), "");
        }
        if (format == ValidateCommand.Format.json) {
            out.println(
                    new ObjectMapper()
                            .enable(SerializationFeature.INDENT_OUTPUT)
                            .writeValueAsString(jobs));
        } else if (jobs.isEmpty()) {
            out.println("No jobs on " + client.base());
        } else {
            out.printf(
                    "%-32s  %-10s  %-20s  %-10s  %s%n",
                    "JOB ID", "STATE", "STARTED (UTC)", "DURATION", "NAME");
            for (FlinkRestClient.JobSummary job : jobs) {
                out.printf(
                        "%-32s  %-10s  %-20s  %-10s  %s%n",
                        job.id(),
                        job.state(),
                        job.startTime() > 0
                                ? Instant.ofEpochMilli(job.startTime())
                                        .toString()
                                        .substring(0, 19)
                                        .replace('T', ' ')
                                : "-",
                        Duration.ofMillis(Math.max(0, job.duration())).toSeconds() + " s",
                        job.name());
            }
        }
        out.flush();
        return ExitCodes.OK;
    }
}
