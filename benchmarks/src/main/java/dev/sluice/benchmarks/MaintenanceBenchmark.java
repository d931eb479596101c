package dev.sluice.benchmarks;

import dev.sluice.harness.IcebergWarehouse;
import dev.sluice.harness.PostgresServer;
import dev.sluice.lifecycle.MaintenanceJob;
import dev.sluice.lifecycle.MaintenanceLock;
import dev.sluice.lifecycle.MaintenanceSchedule;
import dev.sluice.lifecycle.TableMaintenancePlan;
import dev.sluice.lifecycle.WarehouseCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Streaming upserts into Iceberg with and without Sluice's maintenance job beside the writer:
 * {@code changes} upserts over {@code keys} keys (a datagen sequence, key = seq mod keys), one
 * writer at parallelism 1 committing every checkpoint. After each writer finishes, prints live data
 * files, delete files, table bytes, snapshots and the time of a full scan (deletes applied, best of
 * 3), and the writers' throughput. Not a test: run {@code benchmarks/run-maintenance-benchmark}.
 */
public final class MaintenanceBenchmark {

    private record Figures(
            String variant,
            double changesPerSecond,
            long dataFiles,
            long deleteFiles,
            long bytes,
            int snapshots,
            long rows,
            double scanMillis) {}

    public static void main(String[] args) throws Exception {
        long changes = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        long keys = args.length > 1 ? Long.parseLong(args[1]) : 50_000;
        long checkpointMillis = args.length > 2 ? Long.parseLong(args[2]) : 2_000;
        Path dir = Files.createTempDirectory("sluice-maintenance-bench");
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_PORT, "0");
        MiniCluster cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(conf)
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(4)
                                .withRandomPorts()
                                .build());
        try (PostgresServer postgres = PostgresServer.start(dir);
                IcebergWarehouse warehouse = IcebergWarehouse.inFolder(dir)) {
            cluster.start();
            URI rest = cluster.getRestAddress().get();
            WarehouseCatalog catalog =
                    new WarehouseCatalog(
                            IcebergWarehouse.CATALOG_NAME,
                            warehouse.settings().icebergProperties());
            MaintenanceLock lock =
                    new MaintenanceLock(
                            postgres.jdbcUrl("postgres"),
                            Map.of(
                                    "jdbc.user",
                                    postgres.username(),
                                    "jdbc.password",
                                    postgres.password()));
            List<Figures> figures = new ArrayList<>();
            figures.add(
                    run(rest, warehouse, catalog, null, "plain", changes, keys, checkpointMillis));
            figures.add(
                    run(
                            rest,
                            warehouse,
                            catalog,
                            lock,
                            "maintained",
                            changes,
                            keys,
                            checkpointMillis));
            print(figures, changes, keys, checkpointMillis);
        } finally {
            cluster.close();
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static Figures run(
            URI rest,
            IcebergWarehouse warehouse,
            WarehouseCatalog catalog,
            MaintenanceLock lock,
            String table,
            long changes,
            long keys,
            long checkpointMillis)
            throws Exception {
        // a failure ends the run with its cause instead of restarting forever
        Configuration noRestarts = new Configuration();
        noRestarts.setString("restart-strategy.type", "none");
        // datagen's sequence keeps its unread numbers in state (8 MB at a million): more than
        // the JobManager's in-memory checkpoint storage takes
        noRestarts.setString("state.checkpoint-storage", "filesystem");
        noRestarts.setString(
                "state.checkpoints.dir",
                Files.createDirectories(
                                warehouse.settings().warehouse().startsWith("file:")
                                        ? Path.of(URI.create(warehouse.settings().warehouse()))
                                                .resolveSibling("checkpoints-" + table)
                                        : Files.createTempDirectory("checkpoints"))
                        .toUri()
                        .toString());
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createRemoteEnvironment(
                        rest.getHost(), rest.getPort(), noRestarts);
        env.enableCheckpointing(checkpointMillis);
        env.setParallelism(1);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        tEnv.executeSql(
                "CREATE CATALOG warehouse WITH ('type'='iceberg','catalog-type'='hadoop',"
                        + "'warehouse'='"
                        + warehouse.settings().warehouse()
                        + "')");
        tEnv.executeSql("CREATE DATABASE IF NOT EXISTS warehouse.bench");
        tEnv.executeSql(
                "CREATE TABLE warehouse.bench."
                        + table
                        + " (id BIGINT NOT NULL, status STRING, amount BIGINT, updated_at"
                        + " TIMESTAMP_LTZ(3), PRIMARY KEY (id) NOT ENFORCED) WITH"
                        + " ('format-version'='2','write.upsert.enabled'='true')");
        tEnv.executeSql(
                "CREATE TEMPORARY TABLE changes (seq BIGINT) WITH ('connector'='datagen',"
                        + "'fields.seq.kind'='sequence','fields.seq.start'='0','fields.seq.end'='"
                        + (changes - 1)
                        + "')");
        JobClient maintenance = null;
        if (lock != null) {
            StreamExecutionEnvironment menv =
                    StreamExecutionEnvironment.createRemoteEnvironment(
                            rest.getHost(), rest.getPort(), new Configuration());
            MaintenanceJob.build(
                    menv,
                    catalog,
                    List.of(TableMaintenancePlan.defaults("bench." + table)),
                    lock,
                    MaintenanceSchedule.eager(),
                    Files.createTempFile("maintenance-audit", ".jsonl"));
            maintenance = menv.executeAsync("maintenance bench." + table);
        }
        JobExecutionResult result;
        try {
            result =
                    tEnv.executeSql(
                                    "INSERT INTO warehouse.bench."
                                            + table
                                            + " SELECT seq % "
                                            + keys
                                            + ", CONCAT('v', CAST(seq AS STRING)), seq,"
                                            + " TO_TIMESTAMP_LTZ(seq, 3) FROM changes")
                            .getJobClient()
                            .orElseThrow()
                            .getJobExecutionResult()
                            .get();
        } finally {
            if (maintenance != null) {
                maintenance.cancel().get();
            }
        }
        double perSecond = changes / (result.getNetRuntime(TimeUnit.MILLISECONDS) / 1000.0);
        Table t = warehouse.loadTable(TableIdentifier.of("bench", table));
        return measure(table, perSecond, t);
    }

    private static Figures measure(String variant, double perSecond, Table table)
            throws IOException {
        table.refresh();
        long dataFiles = 0;
        long bytes = 0;
        Set<String> deletes = new HashSet<>();
        long deleteBytes = 0;
        try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
            for (FileScanTask task : tasks) {
                dataFiles++;
                bytes += task.file().fileSizeInBytes();
                for (DeleteFile d : task.deletes()) {
                    if (deletes.add(d.location())) {
                        deleteBytes += d.fileSizeInBytes();
                    }
                }
            }
        }
        int snapshots = 0;
        for (var ignored : table.snapshots()) {
            snapshots++;
        }
        List<Double> scans = new ArrayList<>();
        long rows = 0;
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            rows = 0;
            try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
                for (Record ignored : records) {
                    rows++;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            scans.add((System.nanoTime() - start) / 1e6);
        }
        return new Figures(
                variant,
                perSecond,
                dataFiles,
                deletes.size(),
                bytes + deleteBytes,
                snapshots,
                rows,
                Collections.min(scans));
    }

    private static void print(List<Figures> figures, long changes, long keys, long checkpoint) {
        System.out.printf(
                "%nMaintenance benchmark: %,d upserts over %,d keys, checkpoint every %d ms,"
                        + " writer parallelism 1%n",
                changes, keys, checkpoint);
        String line = "| %-10s | %10s | %10s | %12s | %12s | %9s | %8s | %14s |%n";
        System.out.printf(
                line,
                "table",
                "changes/s",
                "data files",
                "delete files",
                "bytes",
                "snapshots",
                "rows",
                "full scan (ms)");
        System.out.printf(line, "---", "---", "---", "---", "---", "---", "---", "---");
        for (Figures f : figures) {
            System.out.printf(
                    line,
                    f.variant(),
                    String.format("%,.0f", f.changesPerSecond()),
                    f.dataFiles(),
                    f.deleteFiles(),
                    String.format("%,d", f.bytes()),
                    f.snapshots(),
                    String.format("%,d", f.rows()),
                    String.format("%,.0f", f.scanMillis()));
        }
        Figures plain = figures.get(0);
        Figures maintained = figures.get(1);
        System.out.printf(
                "throughput with maintenance / without: %.2f; full scan without / with: %.1fx%n",
                maintained.changesPerSecond() / plain.changesPerSecond(),
                plain.scanMillis() / maintained.scanMillis());
    }
}
