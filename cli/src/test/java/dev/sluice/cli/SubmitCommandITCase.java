package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.cluster.FlinkRestClient;
import dev.sluice.harness.Await;
import dev.sluice.pipeline.PipelineJob;
import dev.sluice.testing.StandaloneFlinkCluster;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice submit}, {@code jobs} and {@code cancel} against a real standalone Flink cluster (a
 * JobManager and a TaskManager in their own JVMs), with the shaded job jar of this build.
 */
class SubmitCommandITCase {
    private static final Pattern JOB_ID = Pattern.compile("as job ([0-9a-f]{32})");

    @TempDir static Path dir;
    static StandaloneFlinkCluster cluster;
    static Path jar;
    static Path catalog;

    record Run(int exitCode, String out, String err) {}

    @BeforeAll
    static void startCluster() throws Exception {
        jar = jobJar();
        cluster = StandaloneFlinkCluster.start(Files.createDirectories(dir.resolve("cluster")), 4);
        catalog = Files.createDirectories(dir.resolve("catalog"));
        Files.writeString(
                catalog.resolve("10_events.sql"),
                "CREATE TABLE events (id BIGINT, kind STRING) WITH (\n"
                        + "  'connector' = 'datagen', 'rows-per-second' = '${RATE}');\n"
                        + "CREATE TABLE finite_events (id BIGINT) WITH (\n"
                        + "  'connector' = 'datagen', 'number-of-rows' = '500');\n");
    }

    @AfterAll
    static void stopCluster() throws InterruptedException {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Path jobJar() {
        String built = System.getProperty("sluice.jobJar");
        assertThat(built).as("failsafe passes sluice.jobJar").isNotNull();
        Path jar = Path.of(built);
        assertThat(jar)
                .as("the job jar of jobs/job-jar: this test runs after its `package`")
                .isRegularFile();
        return jar;
    }

    static Run sluice(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code =
                SluiceCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    private static Path pipeline(String name, String body) throws IOException {
        Path file = dir.resolve(name + ".sql");
        Files.writeString(
                file,
                "-- @owner platform\n-- @description Submitted by a test\n-- @checkpoint-interval 1 s\n"
                        + "CREATE TEMPORARY TABLE sink (id BIGINT) WITH ('connector' = 'blackhole');\n"
                        + body);
        return file;
    }

    /** {@code sluice submit FILE} to the test cluster with the test jar and catalog, then extra. */
    private static String[] submitArgs(Path file, String... extra) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "submit",
                                file.toString(),
                                "--rest",
                                cluster.rest().toString(),
                                "--jar",
                                jar.toString(),
                                "--catalog",
                                catalog.toString()));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    private static String submit(Path file, String... extra) {
        Run run = sluice(submitArgs(file, extra));
        assertThat(run.exitCode())
                .as(run.out() + run.err() + "\nlogs: " + cluster.workDir())
                .isEqualTo(ExitCodes.OK);
        Matcher id = JOB_ID.matcher(run.out());
        assertThat(id.find()).as(run.out()).isTrue();
        assertThat(run.out())
                .contains(
                        "Web UI: " + cluster.rest() + "#/job/running/" + id.group(1) + "/overview");
        return id.group(1);
    }

    private static String awaitState(String jobId, String state) throws Exception {
        return Await.value(
                "job " + jobId + " " + state,
                Duration.ofSeconds(120),
                IOException.class,
                () ->
                        state.equals(cluster.get("jobs/" + jobId).path("state").asText())
                                ? state
                                : null);
    }

    @Test
    void submitListAndStopWithSavepoint() throws Exception {
        Path file = pipeline("events_to_sink", "INSERT INTO sink SELECT id FROM events;\n");
        String jobId = submit(file, "--var", "RATE=20");
        awaitState(jobId, "RUNNING");

        Run jobs = sluice("jobs", "--rest", cluster.rest().toString());
        assertThat(jobs.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(jobs.out()).containsPattern(jobId + "\\s+RUNNING\\s+.*events_to_sink");

        // the job takes its first checkpoints before it can stop with a savepoint
        Await.until(
                "a completed checkpoint of " + jobId,
                Duration.ofSeconds(60),
                IOException.class,
                () ->
                        cluster.get("jobs/" + jobId + "/checkpoints")
                                        .path("counts")
                                        .path("completed")
                                        .asInt()
                                > 0);
        Path savepoints = dir.resolve("savepoints");
        Run cancel =
                sluice(
                        "cancel",
                        jobId,
                        "--savepoint",
                        savepoints.toUri().toString(),
                        "--rest",
                        cluster.rest().toString());
        assertThat(cancel.exitCode()).as(cancel.out() + cancel.err()).isEqualTo(ExitCodes.OK);
        assertThat(cancel.out())
                .contains("Stopped with savepoint file:" + savepoints + "/savepoint-");
        awaitState(jobId, "FINISHED");
        try (var entries = Files.list(savepoints)) {
            assertThat(entries.toList())
                    .singleElement()
                    .satisfies(
                            p -> assertThat(p.getFileName().toString()).startsWith("savepoint-"));
        }
    }

    @Test
    void waitFollowsABoundedPipelineToTheEndAndTheJarIsUploadedOnce() throws Exception {
        Path file = pipeline("finite", "INSERT INTO sink SELECT id FROM finite_events;\n");
        submit(file, "--var", "RATE=1");
        String[] args = submitArgs(file, "--var", "RATE=1", "--wait");
        Run run = sluice(args);
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out())
                .doesNotContain("Uploading")
                .containsPattern("Job [0-9a-f]{32} FINISHED");
    }

    @Test
    void pipelineJobRunsAFileOfTheJarsOwnSqlFolder() throws Exception {
        // what a cluster or the Kubernetes operator starts: the entry class and a classpath file
        FlinkRestClient client = new FlinkRestClient(cluster.rest(), Duration.ofSeconds(60));
        String jarId = client.findJar(uploadedJarName()).orElseThrow();
        String jobId =
                client.runJar(
                        jarId,
                        PipelineJob.class.getName(),
                        List.of(
                                "classpath:sql/pipelines/payments/payments_to_warehouse.sql",
                                "--var",
                                "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9",
                                "--var",
                                "ICEBERG_CATALOG_TYPE=hadoop",
                                "--var",
                                "ICEBERG_WAREHOUSE="
                                        + Files.createDirectories(dir.resolve("warehouse"))
                                                .toUri()));
        assertThat(cluster.get("jobs/" + jobId).path("name").asText())
                .isEqualTo("payments_to_warehouse");
        client.cancel(jobId);
        Await.until(
                "job " + jobId + " ended",
                Duration.ofSeconds(120),
                IOException.class,
                () -> Set.of("CANCELED", "FAILED").contains(client.jobState(jobId)));
    }

    /** The name under which submit uploads this build's jar (submitting once first ensures it). */
    private static String uploadedJarName() throws Exception {
        submit(
                pipeline("ensure_upload", "INSERT INTO sink SELECT id FROM finite_events;\n"),
                "--var",
                "RATE=1");
        for (var file : cluster.get("jars").path("files")) {
            if (file.path("name").asText().startsWith("sluice-jobs-")) {
                return file.path("name").asText();
            }
        }
        throw new AssertionError("no sluice-jobs jar on the cluster");
    }

    @Test
    void cancelWithoutSavepoint() throws Exception {
        Path file = pipeline("to_cancel", "INSERT INTO sink SELECT id FROM events;\n");
        String jobId = submit(file, "--var", "RATE=5");
        awaitState(jobId, "RUNNING");
        Run cancel = sluice("cancel", jobId, "--rest", cluster.rest().toString());
        assertThat(cancel.exitCode()).isEqualTo(ExitCodes.OK);
        awaitState(jobId, "CANCELED");
    }

    @Test
    void aPipelineTheClusterRefusesIsReportedAndNothingRuns() throws Exception {
        Path file = pipeline("broken", "INSERT INTO sink SELECT id FROM no_such_table;\n");
        long before = cluster.get("jobs/overview").path("jobs").size();
        Run run = sluice(submitArgs(file, "--var", "RATE=1"));
        assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(run.err())
                .contains("Flink refused run")
                .contains("no_such_table")
                .contains("Nothing was started");
        assertThat(cluster.get("jobs/overview").path("jobs").size()).isEqualTo(before);
    }

    @Test
    void unreachableClusterAndBadInputTouchNothing() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Path file = pipeline("nowhere", "INSERT INTO sink SELECT id FROM events;\n");
        Run run =
                sluice(
                        "submit",
                        file.toString(),
                        "--rest",
                        "http://127.0.0.1:" + closedPort,
                        "--jar",
                        jar.toString(),
                        "--catalog",
                        catalog.toString(),
                        "--var",
                        "RATE=1");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(run.err())
                .contains("Cannot reach the Flink cluster at http://127.0.0.1:" + closedPort)
                .contains("Check --rest");

        Run missingVariable = sluice(submitArgs(file));
        assertThat(missingVariable.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(missingVariable.err())
                .contains("10_events.sql:2:49: Undefined variable ${RATE}.");

        Run badJob = sluice("cancel", "not-a-job", "--rest", cluster.rest().toString());
        assertThat(badJob.exitCode()).isEqualTo(ExitCodes.USAGE);
        Run unknownJob =
                sluice(
                        "cancel",
                        "0123456789abcdef0123456789abcdef",
                        "--rest",
                        cluster.rest().toString());
        assertThat(unknownJob.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(unknownJob.err()).contains("Flink refused cancel job");
        assertThat(sluice("jobs", "--rest", "http://127.0.0.1:" + closedPort).exitCode())
                .isEqualTo(ExitCodes.UNAVAILABLE);
    }
}
