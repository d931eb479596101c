package dev.sluice.demo;

import dev.sluice.cluster.LocalFlinkCluster;
import dev.sluice.harness.Await;
import dev.sluice.harness.EmbeddedStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.iceberg.util.ThreadPools;

/**
 * Benchmark command (never run by the tests): the demo's payments path on the folder warehouse and
 * on the REST catalog with the object store, one after the other in one run, with the same seed and
 * traffic. Prints the stack start-up, the pipeline's throughput (source row changes until Iceberg
 * equals PostgreSQL) and the commit lag (source commit → visible in Iceberg) of each, and their
 * ratio.
 *
 * <pre>{@code
 * java -cp … dev.sluice.demo.WarehouseBenchmark [transactions, default 3000]
 * }</pre>
 */
public final class WarehouseBenchmark {

    private static final Duration DEADLINE = Duration.ofMinutes(5);

    private record Result(
            EmbeddedStack.Warehouse warehouse,
            Duration startup,
            long rowChanges,
            Duration catchUp,
            List<Long> lagsMillis) {

        double changesPerSecond() {
            return rowChanges / (catchUp.toMillis() / 1000.0);
        }
    }

    private WarehouseBenchmark() {}

    public static void main(String[] args) throws Exception {
        int transactions = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        Path base = Files.createTempDirectory("sluice-warehouse-benchmark-");
        startIcebergWorkersHere();
        List<Result> results = new ArrayList<>();
        ClassLoader own = Thread.currentThread().getContextClassLoader();
        for (EmbeddedStack.Warehouse warehouse : EmbeddedStack.Warehouse.values()) {
            // submitting a job leaves the closed cluster's user-code class loader as this
            // thread's context loader, where the AWS SDK's logging looks up resources
            Thread.currentThread().setContextClassLoader(own);
            results.add(run(warehouse, base.resolve(warehouse.name().toLowerCase()), transactions));
        }
        Files.deleteIfExists(base);
        System.out.printf(
                "%n%d transactions, load average %.1f%n",
                transactions,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage());
        System.out.println(
                "| warehouse | stack start-up | row changes | until Iceberg = Postgres | row"
                        + " changes/s | commit lag median / p90 / max | commits |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (Result result : results) {
            List<Long> lags = new ArrayList<>(result.lagsMillis());
            lags.sort(null);
            System.out.printf(
                    "| %s | %.1f s | %d | %.1f s | %.0f | %s | %d |%n",
                    result.warehouse() == EmbeddedStack.Warehouse.REST
                            ? "REST + object store"
                            : "folder",
                    result.startup().toMillis() / 1000.0,
                    result.rowChanges(),
                    result.catchUp().toMillis() / 1000.0,
                    result.changesPerSecond(),
                    lags.isEmpty()
                            ? "-"
                            : String.format(
                                    "%.1f / %.1f / %.1f s",
                                    percentile(lags, 50) / 1000.0,
                                    percentile(lags, 90) / 1000.0,
                                    lags.get(lags.size() - 1) / 1000.0),
                    lags.size());
        }
        System.out.printf(
                "throughput ratio REST / folder: %.2f%n",
                results.get(1).changesPerSecond() / results.get(0).changesPerSecond());
        System.exit(0);
    }

    /**
     * Iceberg's shared worker pool is static and its threads keep the context class loader of the
     * thread that made them: made inside the first Flink cluster's job, they would hold its closed
     * user-code loader when the second cluster's run reads tables. Made here, they hold this one.
     */
    private static void startIcebergWorkersHere() throws Exception {
        java.util.concurrent.ExecutorService pool = ThreadPools.getWorkerPool();
        List<java.util.concurrent.Future<?>> started = new ArrayList<>();
        for (int i = 0; i < ThreadPools.WORKER_THREAD_POOL_SIZE; i++) {
            started.add(pool.submit(() -> {}));
        }
        for (java.util.concurrent.Future<?> task : started) {
            task.get();
        }
    }

    private static Result run(EmbeddedStack.Warehouse warehouse, Path workDir, int transactions)
            throws Exception {
        System.out.println("== " + warehouse + " ==");
        try (EmbeddedStack stack = EmbeddedStack.start(workDir, warehouse);
                LocalFlinkCluster flink = LocalFlinkCluster.start(8)) {
            PaymentsScenario scenario = new PaymentsScenario(stack, 42, Duration.ofSeconds(1));
            scenario.createSourceDatabase(500);
            JobClient ingest = scenario.startIngest(flink.environment(new Configuration()));
            JobClient pipeline = scenario.startPipeline(flink.environment(new Configuration()));
            Await.until("the snapshot in Iceberg", DEADLINE, () -> caughtUp(scenario, stack));
            try (IcebergCommitLag lag =
                    new IcebergCommitLag(
                            () ->
                                    stack.iceberg()
                                            .loadTable(PaymentsScenario.warehouseTable("payments")),
                            "updated_at")) {
                long before = scenario.traffic().rowChanges();
                long started = System.nanoTime();
                try (Connection connection = scenario.connect()) {
                    for (int i = 0; i < transactions; i++) {
                        scenario.traffic().step(connection);
                    }
                }
                long changes = scenario.traffic().rowChanges() - before;
                Await.until("Iceberg equals Postgres", DEADLINE, () -> caughtUp(scenario, stack));
                Duration catchUp = Duration.ofNanos(System.nanoTime() - started);
                List<Long> lags = lag.lagsMillis();
                pipeline.cancel().get(60, TimeUnit.SECONDS);
                ingest.cancel().get(60, TimeUnit.SECONDS);
                return new Result(
                        warehouse, stack.startupTimes().get("total"), changes, catchUp, lags);
            }
        }
    }

    /** Every table of Iceberg has the ids and versions (updated_at) of PostgreSQL. */
    private static boolean caughtUp(PaymentsScenario scenario, EmbeddedStack stack)
            throws Exception {
        for (String table : PaymentsScenario.SOURCE_TABLES) {
            Map<Long, java.time.Instant> source = new HashMap<>();
            try (Connection connection = scenario.connect();
                    Statement statement = connection.createStatement();
                    ResultSet rows =
                            statement.executeQuery("SELECT id, updated_at FROM " + table)) {
                while (rows.next()) {
                    source.put(
                            rows.getLong(1), rows.getObject(2, OffsetDateTime.class).toInstant());
                }
            }
            Map<Long, java.time.Instant> warehouse = new HashMap<>();
            for (Map<String, Object> row :
                    stack.iceberg().rows(PaymentsScenario.warehouseTable(table))) {
                warehouse.put(
                        (Long) row.get("id"), ((OffsetDateTime) row.get("updated_at")).toInstant());
            }
            if (!source.equals(warehouse)) {
                return false;
            }
        }
        return true;
    }

    private static long percentile(List<Long> sorted, int percent) {
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
