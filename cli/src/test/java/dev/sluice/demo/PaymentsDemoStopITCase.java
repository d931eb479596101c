package dev.sluice.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.harness.Await;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice demo} stopped early (what Ctrl-C does): it ends within {@link
 * PaymentsDemo#STOP_TIMEOUT} although its traffic was to run for minutes, without waiting for
 * Iceberg to catch up, and leaves no job, thread, server or folder behind.
 */
class PaymentsDemoStopITCase {

    @TempDir Path base;

    @Test
    void aStopDuringTrafficEndsTheDemoPromptlyAndLeavesNothingRunning() throws Exception {
        Path workDir = base.resolve("demo");
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        PaymentsDemo demo =
                new PaymentsDemo(
                        new PaymentsDemo.Settings(Duration.ofMinutes(10), 20, 50, workDir), out);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread running =
                new Thread(
                        () -> {
                            try {
                                demo.run();
                            } catch (Throwable e) {
                                failure.set(e);
                            }
                        },
                        "demo-under-test");
        running.start();
        try {
            Await.until(
                    "the demo to report its traffic",
                    Duration.ofMinutes(4),
                    () -> output(buffer).contains("row changes committed") || !running.isAlive());
            assertThat(running.isAlive()).as("the demo runs: %s", failure.get()).isTrue();

            long stopRequested = System.nanoTime();
            demo.requestStop();
            running.join(PaymentsDemo.STOP_TIMEOUT.toMillis());
            Duration stopped = Duration.ofNanos(System.nanoTime() - stopRequested);
            System.out.println(output(buffer));
            System.out.println("Stopped " + stopped.toMillis() + " ms after the request");

            assertThat(running.isAlive())
                    .as("the demo ended within %s", PaymentsDemo.STOP_TIMEOUT)
                    .isFalse();
            assertThat(failure.get()).as("the demo's failure").isNull();
        } finally {
            demo.requestStop();
            running.join();
        }
        assertThat(output(buffer))
                .contains("Stopped early; not waiting for Iceberg to catch up with the source.")
                .doesNotContain(
                        "waiting for Iceberg and the CRM table to catch up with the source ...")
                .contains("final (stopped early)")
                .contains(
                        "Jobs ended: ingest CANCELED, pipeline CANCELED, crm pipeline CANCELED,"
                                + " maintenance CANCELED")
                .contains("Iceberg tables (current snapshot) and the maintenance job's actions:")
                .endsWith("Nothing is left running." + System.lineSeparator());
        assertThat(Thread.getAllStackTraces().keySet())
                .extracting(Thread::getName)
                .doesNotContain("demo-traffic", "iceberg-commit-lag", "staging-topic-counter");
        assertThat(
                        ProcessHandle.allProcesses()
                                .map(process -> process.info().commandLine().orElse(""))
                                .filter(commandLine -> commandLine.contains(workDir.toString())))
                .as("processes running from " + workDir)
                .isEmpty();
        assertThat(workDir).doesNotExist();
    }

    private static String output(ByteArrayOutputStream buffer) {
        return buffer.toString(StandardCharsets.UTF_8);
    }
}
