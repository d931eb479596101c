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
            List<Long> lagsMillis,
            RawWrites raw,
            Drain drain) {

        double changesPerSecond() {
            return rowChanges / (catchUp.toMillis() / 1000.0);
        }

        double drainPerSecond() {
            return drain.rowChanges() / (drain.took().toMillis() / 1000.0);
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
        System.out.println();
        System.out.println(
                "| warehouse | backlog of row changes | drained into Iceberg after resuming |"
                        + " row changes/s |");
        System.out.println("|---|---:|---:|---:|");
        for (Result result : results) {
            System.out.printf(
                    "| %s | %d | %.1f s | %.0f |%n",
                    result.warehouse() == EmbeddedStack.Warehouse.REST
                            ? "REST + object store"
                            : "folder",
                    result.drain().rowChanges(),
                    result.drain().took().toMillis() / 1000.0,
                    result.drainPerSecond());
        }
        System.out.printf(
                "pipeline throughput ratio REST / folder (drain): %.2f%n",
                results.get(1).drainPerSecond() / results.get(0).drainPerSecond());
        System.out.println();
        System.out.printf(
                "| raw writes with the warehouse's FileIO, one thread | %d × %d KiB objects/s |"
                        + " %d × %d MiB MiB/s |%n",
                RawWrites.SMALL_COUNT,
                RawWrites.SMALL_BYTES / 1024,
                RawWrites.LARGE_COUNT,
                RawWrites.LARGE_BYTES / (1024 * 1024));
        System.out.println("|---|---:|---:|");
        for (Result result : results) {
            System.out.printf(
                    "| %s | %.0f | %.0f |%n",
                    result.warehouse() == EmbeddedStack.Warehouse.REST
                            ? "S3FileIO → s3proxy"
                            : "HadoopFileIO → local folder",
                    result.raw().smallPerSecond(),
                    result.raw().largeMiBPerSecond());
        }
        System.out.printf(
                "load average at the end %.1f%n",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage());
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
        System.out.println("== " + warehouse + " == (" + java.time.Instant.now() + ")");
        try (EmbeddedStack stack = EmbeddedStack.start(workDir, warehouse);
                LocalFlinkCluster flink = LocalFlinkCluster.start(8)) {
            PaymentsScenario scenario = new PaymentsScenario(stack, 42, Duration.ofSeconds(1));
            scenario.createSourceDatabase(500);
            JobClient ingest = scenario.startIngest(flink.environment(new Configuration()));
            JobClient pipeline = scenario.startPipeline(flink.environment(new Configuration()));
            CatchUp snapshotCaughtUp = new CatchUp(scenario, stack, 0);
            Await.value("the snapshot in Iceberg", DEADLINE, snapshotCaughtUp::commitMillis);
            try (IcebergCommitLag lag =
                    new IcebergCommitLag(
                            () ->
                                    stack.iceberg()
                                            .loadTable(PaymentsScenario.warehouseTable("payments")),
                            "updated_at")) {
                long before = scenario.traffic().rowChanges();
                long startedMillis = System.currentTimeMillis();
                long started = System.nanoTime();
                try (Connection connection = scenario.connect()) {
                    for (int i = 0; i < transactions; i++) {
                        scenario.traffic().step(connection);
                    }
                }
                Duration generated = Duration.ofNanos(System.nanoTime() - started);
                long changes = scenario.traffic().rowChanges() - before;
                CatchUp trafficCaughtUp = new CatchUp(scenario, stack, startedMillis);
                long committedMillis =
                        Await.value(
                                "Iceberg equals Postgres", DEADLINE, trafficCaughtUp::commitMillis);
                Duration catchUp = Duration.ofMillis(committedMillis - startedMillis);
                List<Long> lags = lag.lagsMillis();
                Drain drain = drain(scenario, stack, flink, pipeline, workDir, transactions);
                ingest.cancel().get(60, TimeUnit.SECONDS);
                System.out.printf(
                        "%s: %d row changes generated in %.1f s, in Iceberg %.1f s after the"
                                + " first; equality checked %d times, tables read %d times%n",
                        warehouse,
                        changes,
                        generated.toMillis() / 1000.0,
                        catchUp.toMillis() / 1000.0,
                        trafficCaughtUp.checks,
                        trafficCaughtUp.tableReads);
                RawWrites raw = RawWrites.measure(stack, workDir);
                return new Result(
                        warehouse,
                        stack.startupTimes().get("total"),
                        changes,
                        catchUp,
                        lags,
                        raw,
                        drain);
            }
        }
    }

    /**
     * The pipeline's own rate, free of the one-connection generator: the pipeline stops with a
     * savepoint, the same traffic again is committed and staged meanwhile, then the pipeline
     * resumes from the savepoint and drains the backlog. Returns the time from resuming (job
     * start-up included) until Iceberg equals PostgreSQL.
     */
    record Drain(long rowChanges, Duration took) {}

    private static Drain drain(
            PaymentsScenario scenario,
            EmbeddedStack stack,
            LocalFlinkCluster flink,
            JobClient pipeline,
            Path workDir,
            int transactions)
            throws Exception {
        String savepoint =
                pipeline.stopWithSavepoint(
                                false,
                                workDir.resolve("savepoints").toUri().toString(),
                                org.apache.flink.core.execution.SavepointFormatType.CANONICAL)
                        .get(120, TimeUnit.SECONDS);
        long before = scenario.traffic().rowChanges();
        try (Connection connection = scenario.connect()) {
            for (int i = 0; i < transactions; i++) {
                scenario.traffic().step(connection);
            }
        }
        long backlog = scenario.traffic().rowChanges() - before;
        Configuration resume = new Configuration();
        resume.set(org.apache.flink.configuration.StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        long resumedMillis = System.currentTimeMillis();
        JobClient resumed = scenario.startPipeline(flink.environment(resume));
        CatchUp drained = new CatchUp(scenario, stack, resumedMillis);
        long committedMillis =
                Await.value("the backlog drained into Iceberg", DEADLINE, drained::commitMillis);
        resumed.cancel().get(60, TimeUnit.SECONDS);
        Duration took = Duration.ofMillis(committedMillis - resumedMillis);
        System.out.printf(
                "drain: %d row changes staged while the pipeline was stopped, in Iceberg %.1f s"
                        + " after it resumed%n",
                backlog, took.toMillis() / 1000.0);
        return new Drain(backlog, took);
    }

    /**
     * Whether every Iceberg table has the ids and versions (updated_at) of PostgreSQL, which no
     * longer changes while this is asked. A table is read again only when its current snapshot
     * changed since the last look: reading whole tables every poll would load the machine the
     * pipeline runs on, more so through the object store than from a folder.
     */
    private static final class CatchUp {
        private final PaymentsScenario scenario;
        private final EmbeddedStack stack;
        private final Map<String, Map<Long, java.time.Instant>> source = new HashMap<>();
        private final Map<String, java.time.Instant> sourceNewest = new HashMap<>();
        private final Map<String, Long> newestSeenMicros = new HashMap<>();
        private final Map<String, Long> lastSnapshotSeen = new HashMap<>();
        private final Map<String, Long> reachedAtMillis = new HashMap<>();
        private final Map<String, Long> equalAtSnapshot = new HashMap<>();
        private final Map<String, Long> commitMillis = new HashMap<>();
        int checks;
        int tableReads;

        /** Snapshots committed before this (epoch millis) cannot hold the newest versions. */
        private final long sinceMillis;

        CatchUp(PaymentsScenario scenario, EmbeddedStack stack, long sinceMillis) throws Exception {
            this.sinceMillis = sinceMillis;
            this.scenario = scenario;
            this.stack = stack;
            for (String table : PaymentsScenario.SOURCE_TABLES) {
                Map<Long, java.time.Instant> rows = new HashMap<>();
                try (Connection connection = scenario.connect();
                        Statement statement = connection.createStatement();
                        ResultSet result =
                                statement.executeQuery("SELECT id, updated_at FROM " + table)) {
                    while (result.next()) {
                        rows.put(
                                result.getLong(1),
                                result.getObject(2, OffsetDateTime.class).toInstant());
                    }
                }
                source.put(table, rows);
                sourceNewest.put(
                        table,
                        rows.values().stream()
                                .max(java.time.Instant::compareTo)
                                .orElse(java.time.Instant.EPOCH));
            }
        }

        /**
         * Whether the table's snapshots since the last look added a data file holding the newest
         * source version: read from manifests only, a necessary condition for equality that spares
         * reading the whole table (and its delete files) while the pipeline is still behind.
         */
        private boolean mayHaveNewest(String table, org.apache.iceberg.Table iceberg) {
            Long stop = lastSnapshotSeen.get(table);
            var column = iceberg.schema().findField("updated_at");
            long newest = newestSeenMicros.getOrDefault(table, Long.MIN_VALUE);
            java.time.Instant wanted = sourceNewest.get(table);
            long wantedMicros = wanted.getEpochSecond() * 1_000_000 + wanted.getNano() / 1_000;
            for (org.apache.iceberg.Snapshot snapshot = iceberg.currentSnapshot();
                    snapshot != null
                            && (stop == null || snapshot.snapshotId() != stop)
                            && snapshot.timestampMillis() >= sinceMillis;
                    snapshot =
                            snapshot.parentId() == null
                                    ? null
                                    : iceberg.snapshot(snapshot.parentId())) {
                for (org.apache.iceberg.DataFile file : snapshot.addedDataFiles(iceberg.io())) {
                    java.nio.ByteBuffer upper =
                            file.upperBounds() == null
                                    ? null
                                    : file.upperBounds().get(column.fieldId());
                    if (upper != null) {
                        long bound =
                                (Long)
                                        org.apache.iceberg.types.Conversions.fromByteBuffer(
                                                column.type(), upper);
                        newest = Math.max(newest, bound);
                        if (bound >= wantedMicros) {
                            // walking back in time: the last one found is the first commit
                            // that held the newest source version
                            reachedAtMillis.merge(table, snapshot.timestampMillis(), Math::min);
                        }
                    }
                }
            }
            lastSnapshotSeen.put(table, iceberg.currentSnapshot().snapshotId());
            newestSeenMicros.put(table, newest);
            return newest >= wantedMicros;
        }

        /**
         * The commit time (epoch millis) of the newest snapshot among the tables once all equal
         * PostgreSQL, else null.
         */
        Long commitMillis() {
            checks++;
            for (String table : PaymentsScenario.SOURCE_TABLES) {
                var identifier = PaymentsScenario.warehouseTable(table);
                if (!stack.iceberg().tableExists(identifier)) {
                    return null;
                }
                org.apache.iceberg.Table iceberg = stack.iceberg().loadTable(identifier);
                org.apache.iceberg.Snapshot current = iceberg.currentSnapshot();
                if (current == null) {
                    return null;
                }
                Long equalAt = equalAtSnapshot.get(table);
                if (equalAt != null && equalAt == current.snapshotId()) {
                    continue;
                }
                if (!mayHaveNewest(table, iceberg)) {
                    return null;
                }
                tableReads++;
                Map<Long, java.time.Instant> warehouse = new HashMap<>();
                for (Map<String, Object> row : stack.iceberg().rows(identifier)) {
                    warehouse.put(
                            (Long) row.get("id"),
                            ((OffsetDateTime) row.get("updated_at")).toInstant());
                }
                if (!source.get(table).equals(warehouse)) {
                    return null;
                }
                equalAtSnapshot.put(table, current.snapshotId());
                // the commit that brought the newest source version, not a later (empty) one
                commitMillis.put(
                        table, reachedAtMillis.getOrDefault(table, current.timestampMillis()));
            }
            return commitMillis.values().stream().max(Long::compare).orElseThrow();
        }
    }

    /**
     * The physical limit under each warehouse: writing objects of a Parquet data file's and a
     * manifest's typical size with the warehouse's own FileIO, S3FileIO through s3proxy or the
     * local file system, one after the other on one thread.
     */
    record RawWrites(double smallPerSecond, double largeMiBPerSecond) {
        static final int SMALL_COUNT = 300;
        static final int SMALL_BYTES = 16 * 1024;
        static final int LARGE_COUNT = 8;
        static final int LARGE_BYTES = 16 * 1024 * 1024;

        static RawWrites measure(EmbeddedStack stack, Path workDir) throws Exception {
            var objectStore = stack.iceberg().objectStore();
            org.apache.iceberg.io.FileIO io;
            String root;
            if (objectStore.isPresent()) {
                var s3 = new org.apache.iceberg.aws.s3.S3FileIO();
                s3.initialize(objectStore.get().s3FileIoProperties());
                io = s3;
                root = "s3://" + EmbeddedStack.WAREHOUSE_BUCKET + "/raw-writes/";
            } else {
                io =
                        new org.apache.iceberg.hadoop.HadoopFileIO(
                                new org.apache.hadoop.conf.Configuration());
                String folder =
                        Files.createDirectories(workDir.resolve("raw-writes")).toUri().toString();
                root = folder.endsWith("/") ? folder : folder + "/";
            }
            byte[] small = new byte[SMALL_BYTES];
            byte[] large = new byte[LARGE_BYTES];
            new java.util.Random(7).nextBytes(small);
            new java.util.Random(8).nextBytes(large);
            try (io) {
                write(io, root + "warm-", small, 20);
                long started = System.nanoTime();
                write(io, root + "small-", small, SMALL_COUNT);
                double smallSeconds = (System.nanoTime() - started) / 1e9;
                started = System.nanoTime();
                write(io, root + "large-", large, LARGE_COUNT);
                double largeSeconds = (System.nanoTime() - started) / 1e9;
                return new RawWrites(
                        SMALL_COUNT / smallSeconds,
                        LARGE_COUNT * (LARGE_BYTES / (1024.0 * 1024.0)) / largeSeconds);
            }
        }

        private static void write(
                org.apache.iceberg.io.FileIO io, String prefix, byte[] bytes, int count)
                throws java.io.IOException {
            for (int i = 0; i < count; i++) {
                try (var out = io.newOutputFile(prefix + i).createOrOverwrite()) {
                    out.write(bytes);
                }
            }
        }
    }

    private static long percentile(List<Long> sorted, int percent) {
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
