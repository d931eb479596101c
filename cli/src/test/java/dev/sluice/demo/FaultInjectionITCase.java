package dev.sluice.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.harness.EmbeddedStackExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault-injection suite ({@link ChaosSuite}) at CI size: a few thousand row changes through
 * ingest and both pipelines on a standalone cluster, each selected fault injected once at a random
 * moment; nothing may be lost or duplicated in staging, Iceberg or the JDBC mirror. The JDBC
 * password is a canary that must appear in no log file of the cluster and in no REST answer about
 * the jobs (configuration, plan, exceptions).
 *
 * <p>{@code benchmarks/run-chaos} runs the same class at full size: the system properties {@code
 * sluice.chaos.changes}, {@code sluice.chaos.injections}, {@code sluice.chaos.faults} (names of
 * {@link ChaosSuite.Fault}, comma-separated, or {@code all}), {@code sluice.chaos.outage-seconds},
 * {@code sluice.chaos.seed} and {@code sluice.chaos.report} (a file for the table).
 */
class FaultInjectionITCase {

    @RegisterExtension static final EmbeddedStackExtension STACK = new EmbeddedStackExtension();

    /** What CI runs: the faults that recover in seconds; the full command runs them all. */
    private static final String CI_FAULTS =
            "TASK_MANAGER_KILL_PIPELINE,POSTGRES_RESTART,KAFKA_RESTART,JDBC_TARGET_RESTART";

    @TempDir Path workDir;

    @Test
    void nothingIsLostOrDuplicatedUnderFaults() throws Exception {
        String faults = System.getProperty("sluice.chaos.faults", CI_FAULTS);
        ChaosSuite.Settings settings =
                new ChaosSuite.Settings(
                        Long.getLong("sluice.chaos.changes", 3_000),
                        Integer.getInteger("sluice.chaos.injections", 1),
                        faults.equals("all")
                                ? List.of(ChaosSuite.Fault.values())
                                : Arrays.stream(faults.split(","))
                                        .map(String::trim)
                                        .map(ChaosSuite.Fault::valueOf)
                                        .toList(),
                        Duration.ofSeconds(Long.getLong("sluice.chaos.outage-seconds", 30)),
                        Long.getLong("sluice.chaos.seed", 15));
        String jobJar = System.getProperty("sluice.jobJar");
        assertThat(jobJar).as("failsafe passes sluice.jobJar").isNotNull();

        List<ChaosSuite.Result> results;
        long changes;
        List<String> canary;
        String report = System.getProperty("sluice.chaos.report");
        try (ChaosSuite suite = new ChaosSuite(settings, STACK.stack(), workDir, Path.of(jobJar))) {
            try {
                results = suite.run();
                changes = suite.changes();
                canary = suite.canaryFindings();
            } catch (Exception | AssertionError e) {
                if (report != null && !report.isBlank()) {
                    keepClusterLogs(suite, Path.of(report));
                }
                throw e;
            }
            String table = ChaosSuite.table(results, changes);
            System.out.println(table);
            if (report != null && !report.isBlank()) {
                Files.writeString(
                        Path.of(report),
                        table + "\n## log\n\n" + String.join("\n", suite.log()) + "\n");
            }
        }
        assertThat(changes).isGreaterThanOrEqualTo(settings.changes());
        // the JDBC password never shows in the cluster's logs nor in its REST API
        assertThat(canary).as("where the JDBC password showed").isEmpty();
        for (ChaosSuite.Result result : results) {
            String name = result.fault == null ? "end of run" : result.fault.name();
            assertThat(result.lost).as("%s: lost (%s)", name, result.notes).isZero();
            assertThat(result.duplicated).as("%s: duplicated (%s)", name, result.notes).isZero();
            if (result.fault != null) {
                assertThat(result.injected).as(name).isEqualTo(settings.injections());
            }
        }
    }

    /**
     * A failed full-size run keeps the cluster's logs and the suite's log next to the report (the
     * temporary folder goes with the test): {@code <report>-logs/}.
     */
    private static void keepClusterLogs(ChaosSuite suite, Path report) throws IOException {
        Path folder = report.resolveSibling(report.getFileName() + "-logs");
        Files.createDirectories(folder);
        for (Path file : suite.cluster().logFiles()) {
            Files.copy(
                    file, folder.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.write(folder.resolve("chaos.log"), suite.log());
        System.out.println("[chaos] cluster logs kept in " + folder);
    }
}
