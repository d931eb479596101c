package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testing.SluiceProcess;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice run}: a local cluster with its web UI, and Ctrl-C (SIGTERM) stops with a savepoint.
 */
class RunCommandITCase {
    @TempDir static Path dir;
    static Path catalog;

    @BeforeAll
    static void writeCatalog() throws IOException {
        catalog = Files.createDirectories(dir.resolve("catalog"));
        Files.writeString(
                catalog.resolve("10_events.sql"),
                "CREATE TABLE events (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '${RATE}');\n"
                        + "CREATE TABLE finite_events (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '200');\n");
    }

    private static Path pipeline(String name, String source) throws IOException {
        Path file = dir.resolve(name + ".sql");
        Files.writeString(
                file,
                "-- @owner platform\n-- @description Run by a test\n-- @checkpoint-interval 500 ms\n"
                        + "CREATE TEMPORARY TABLE sink (id BIGINT) WITH ('connector' = 'blackhole');\n"
                        + "INSERT INTO sink SELECT id FROM "
                        + source
                        + ";\n");
        return file;
    }

    @Test
    void boundedPipelineRunsToTheEnd() throws IOException {
        DeployCommandTest.Run run =
                DeployCommandTest.sluice(
                        "run",
                        pipeline("finite", "finite_events").toString(),
                        "--catalog",
                        catalog.toString(),
                        "--var",
                        "RATE=1",
                        "--work-dir",
                        dir.resolve("work-finite").toString());
        assertThat(run.exitCode()).as(run.out() + "\n" + run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out())
                .contains("Pipeline finite (owner platform) running as job ")
                .containsPattern("Web UI: http://127\\.0\\.0\\.1:\\d+")
                .containsPattern("Job [0-9a-f]{32} finished in \\d+ ms\\.");
    }

    @Test
    void invalidFileIsRefusedBeforeAnythingStarts() throws IOException {
        DeployCommandTest.Run run =
                DeployCommandTest.sluice(
                        "run",
                        pipeline("needs_rate", "events").toString(),
                        "--catalog",
                        catalog.toString());
        assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(run.err()).contains("10_events.sql:1:85: Undefined variable ${RATE}.");
        assertThat(run.out()).doesNotContain("Web UI");
    }

    @Test
    void sigtermStopsWithASavepointAndTheRunResumesFromIt() throws Exception {
        Path file = pipeline("endless", "events");
        Path work = dir.resolve("work-endless");
        String savepoint;
        Process first = start(file, work, dir.resolve("first.out"));
        try {
            awaitRunning(dir.resolve("first.out"));
            first.destroy(); // SIGTERM, handled like Ctrl-C
            assertThat(first.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(first.exitValue()).as("a requested stop is a normal end").isZero();
        } finally {
            first.destroyForcibly();
        }
        String output = Files.readString(dir.resolve("first.out"));
        Matcher stopped = Pattern.compile("Stopped with savepoint (\\S+) ").matcher(output);
        assertThat(stopped.find()).as(output).isTrue();
        savepoint = stopped.group(1);
        assertThat(Path.of(URI.create(savepoint.replaceFirst("^file:/+", "file:///"))))
                .isDirectory();

        Process second =
                start(file, work, dir.resolve("second.out"), "--from-savepoint", savepoint);
        try {
            awaitRunning(dir.resolve("second.out"));
        } finally {
            second.destroy();
            second.waitFor(120, TimeUnit.SECONDS);
            second.destroyForcibly();
        }
        assertThat(Files.readString(dir.resolve("second.out"))).contains("Stopped with savepoint");
    }

    private static Process start(Path file, Path work, Path output, String... extra)
            throws IOException {
        List<String> arguments =
                new ArrayList<>(
                        List.of(
                                "run",
                                file.toString(),
                                "--catalog",
                                catalog.toString(),
                                "--var",
                                "RATE=50",
                                "--work-dir",
                                work.toString()));
        arguments.addAll(List.of(extra));
        return SluiceProcess.start("768m", output, work.resolve("sluice.log"), arguments);
    }

    /** Waits until the job printed by the run is RUNNING with a completed checkpoint. */
    private static void awaitRunning(Path output) throws Exception {
        SluiceProcess.awaitCheckpoint(
                output, Pattern.compile("running as job ([0-9a-f]{32})\\s+Web UI: (\\S+)"));
    }
}
