package dev.sluice.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.harness.Await;
import dev.sluice.harness.AwaitWhileRunning;
import dev.sluice.harness.EmbeddedStack;
import dev.sluice.harness.EmbeddedStackExtension;
import dev.sluice.harness.RestCatalog;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The REST catalog stops for 20 s while the warehouse pipeline runs under traffic: the pipeline's
 * commits fail, Flink restarts it from its last checkpoint until the catalog is back, and then
 * Iceberg equals PostgreSQL again, with as many rows (nothing lost, nothing doubled).
 */
class RestCatalogOutageITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(8)
                            // the restarted job's closed class loader stays the context loader of
                            // Iceberg's static worker threads (S3 reads): let them fall through
                            .setConfiguration(
                                    new Configuration()
                                            .set(CoreOptions.CHECK_LEAKED_CLASSLOADER, false))
                            .build());

    @RegisterExtension
    static final EmbeddedStackExtension STACK =
            new EmbeddedStackExtension(EmbeddedStack.Warehouse.REST);

    private static final Duration OUTAGE = Duration.ofSeconds(20);
    private static final Duration DEADLINE = Duration.ofMinutes(3);

    @Test
    void thePipelineRecoversWhenTheCatalogReturnsWithNothingLostOrDoubled() throws Exception {
        EmbeddedStack stack = STACK.stack();
        RestCatalog catalog = stack.iceberg().restCatalog().orElseThrow();
        PaymentsScenario scenario = new PaymentsScenario(stack, 11, Duration.ofSeconds(1));
        scenario.createSourceDatabase(100);

        JobClient ingest = scenario.startIngest(restarting());
        JobClient pipeline = scenario.startPipeline(restarting());
        try (Connection connection = scenario.connect()) {
            for (int i = 0; i < 300; i++) {
                scenario.traffic().step(connection);
            }
            AwaitWhileRunning.until(
                    "Iceberg equals Postgres before the outage",
                    ingest,
                    DEADLINE,
                    () -> PaymentsEndToEndITCase.icebergEqualsPostgres(scenario, stack));

            catalog.stop();
            long outageStarted = System.nanoTime();
            int during = 0;
            // traffic goes on while the catalog is away: its changes must arrive afterwards
            while (System.nanoTime() - outageStarted < OUTAGE.toNanos()) {
                scenario.traffic().step(connection);
                during++;
            }
            catalog.restart();
            assertThat(during).isPositive();
            for (int i = 0; i < 100; i++) {
                scenario.traffic().step(connection);
            }
        }
        AwaitWhileRunning.until(
                "Iceberg equals Postgres after the outage",
                ingest,
                DEADLINE,
                () -> PaymentsEndToEndITCase.icebergEqualsPostgres(scenario, stack));
        for (String table : PaymentsScenario.SOURCE_TABLES) {
            assertThat(stack.iceberg().rowCount(PaymentsScenario.warehouseTable(table)))
                    .as("rows of %s: none lost, none doubled", table)
                    .isEqualTo(scenario.postgresRows(table));
        }
        Await.until(
                "the pipeline job runs again",
                DEADLINE,
                () -> pipeline.getJobStatus().get() == JobStatus.RUNNING);

        pipeline.cancel().get(30, TimeUnit.SECONDS);
        ingest.cancel().get(30, TimeUnit.SECONDS);
    }

    /** Restarts every 2 s, often enough to outlast the outage. */
    private static StreamExecutionEnvironment restarting() {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 1000);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(2));
        return StreamExecutionEnvironment.getExecutionEnvironment(conf);
    }
}
