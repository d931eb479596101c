package dev.sluice.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CDC benchmark at tiny sizes, so that {@code benchmarks/run-cdc-benchmark} cannot rot: every
 * stage runs against its limit and the table prints. Checks no figure beyond being measured.
 */
class CdcBenchmarkITCase {

    @Test
    void everyStageRunsAgainstItsLimitAndTheTablePrints() throws Exception {
        CdcBenchmark.Settings tiny =
                new CdcBenchmark.Settings(
                        2_000, 1_000, Duration.ofSeconds(4), List.of(200), 2, 10, 100);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        CdcBenchmark.Report report;
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            report = new CdcBenchmark(tiny, out, false).run();
        }
        String table = printed.toString(StandardCharsets.UTF_8);
        assertThat(report.stages())
                .extracting(CdcBenchmark.Stage::limitName)
                .containsExactly(
                        "COPY (SELECT *) TO STDOUT",
                        "raw pgoutput read (PgJDBC)",
                        "plain Kafka consumer",
                        "Iceberg append, same rows",
                        "batched INSERT … ON CONFLICT");
        assertThat(report.stages())
                .allSatisfy(
                        stage -> {
                            assertThat(stage.oursPerSecond()).isPositive();
                            assertThat(stage.limitPerSecond()).isPositive();
                        });
        assertThat(report.stages().get(1).units()).isGreaterThanOrEqualTo(1_000);
        assertThat(report.steps()).hasSize(1);
        CdcBenchmark.Step step = report.steps().get(0);
        assertThat(step.load().rowChanges()).isPositive();
        assertThat(step.commits()).isPositive();
        assertThat(step.p99Millis()).isGreaterThanOrEqualTo(step.p50Millis()).isNotNegative();
        assertThat(step.cpuSecondsPerMillion()).isPositive();
        // every hop measured: staged records timed, Iceberg commits matched to checkpoints
        FreshnessBreakdown.Hops hops = step.hops();
        assertThat(hops.sourceToVisible().count()).isPositive();
        assertThat(hops.ingestCheckpoint().count()).isPositive();
        assertThat(hops.oldestToTrigger().count()).isPositive();
        assertThat(hops.triggerToAck().count()).isEqualTo(hops.oldestToTrigger().count());
        assertThat(hops.ackToCommit().p99()).isNotNegative();
        assertThat(table)
                .contains(
                        "| stage | units | job start-up s | ours (/s) | physical limit |",
                        "snapshot (ingest job → staging)",
                        "stream drain (WAL → staging)",
                        "staging → Iceberg upsert",
                        "staging → JDBC upsert",
                        "| asked changes/s | achieved changes/s |",
                        "| asked changes/s | source commit → visible in staging |",
                        "load average now");
    }
}
