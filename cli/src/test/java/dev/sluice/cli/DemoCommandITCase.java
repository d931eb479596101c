package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.demo.PaymentsDemo;
import dev.sluice.harness.Await;
import dev.sluice.testing.SluiceProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice demo} in a process of its own, stopped by SIGTERM (handled like Ctrl-C): the demo
 * prints its final figures and stops everything while the stack still runs, then exits 0.
 */
class DemoCommandITCase {

    /** The dead-letter secret: it must show in neither the output nor the log file. */
    private static final String CANARY = "canary-" + java.util.UUID.randomUUID();

    @TempDir Path dir;

    @Test
    void sigtermDuringTrafficStopsTheDemoAndLeavesNothingRunning() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Path output = dir.resolve("demo.out");
        Process demo =
                SluiceProcess.start(
                        "2g",
                        output,
                        dir.resolve("sluice.log"),
                        List.of(
                                "demo",
                                "--duration",
                                "10 min",
                                "--rate",
                                "20",
                                "--customers",
                                "50",
                                "--work-dir",
                                work.toString()),
                        // a secret the demo's ingest and pipelines read (dead-letter keys)
                        java.util.Map.of("SLUICE_DEAD_LETTER_SECRET", CANARY));
        long stopRequested;
        try {
            Await.until(
                    "the demo to report its traffic in " + output,
                    Duration.ofMinutes(4),
                    IOException.class,
                    () ->
                            Files.readString(output).contains("row changes committed")
                                    || !demo.isAlive());
            assertThat(demo.isAlive()).as(Files.readString(output)).isTrue();

            stopRequested = System.nanoTime();
            demo.destroy(); // SIGTERM, the shutdown path Ctrl-C runs too
            assertThat(demo.waitFor(PaymentsDemo.STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                    .as("the demo ended within %s", PaymentsDemo.STOP_TIMEOUT)
                    .isTrue();
        } finally {
            demo.destroyForcibly();
        }
        String out = Files.readString(output);
        System.out.println(out);
        System.out.printf(
                "Stopped %d ms after SIGTERM%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopRequested));
        assertThat(demo.exitValue()).as("exit code").isEqualTo(ExitCodes.OK);
        assertThat(out).as("the demo's output").doesNotContain(CANARY);
        assertThat(Files.readString(dir.resolve("sluice.log")))
                .as("the demo's log file")
                .doesNotContain(CANARY);
        assertThat(out)
                .contains("Stopping early; a second Ctrl-C quits without the final figures ...")
                .contains("Stopped early; not waiting for Iceberg to catch up with the source.")
                .contains("final (stopped early)")
                .contains(
                        "Jobs ended: ingest CANCELED, pipeline CANCELED, crm pipeline CANCELED,"
                                + " maintenance CANCELED")
                .contains("Iceberg tables (current snapshot) and the maintenance job's actions:")
                .contains("Stopped the jobs and the embedded stack. Nothing is left running.");
        assertThat(
                        ProcessHandle.allProcesses()
                                .map(process -> process.info().commandLine().orElse(""))
                                .filter(commandLine -> commandLine.contains(work.toString())))
                .as("processes running from " + work)
                .isEmpty();
        try (Stream<Path> left = Files.list(work)) {
            assertThat(left).as("the demo's folder inside --work-dir").isEmpty();
        }
    }
}
