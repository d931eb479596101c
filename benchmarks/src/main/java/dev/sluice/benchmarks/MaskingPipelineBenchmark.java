package dev.sluice.benchmarks;

import dev.sluice.policy.pseudonym.KeysetFile;
import dev.sluice.policy.pseudonym.MasterKey;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

/**
 * The same streaming job, datagen → blackhole, once copying 5 sensitive columns and once masking
 * them with Sluice functions; prints rows/s of each and the masked/unmasked ratio (goal >= 0.9).
 * All jobs run on one MiniCluster started up front. Two figures per run: rows per second of the
 * job's net runtime (wall clock), and rows per CPU-second of the whole process during the job,
 * which is steadier on a machine shared with other work.
 *
 * <p>Arguments: {@code [rows per run, default 2000000] [rounds, default 3]}. The master key of the
 * throwaway keyset comes from {@value #MASTER_ENV}.
 */
public final class MaskingPipelineBenchmark {
    static final String MASTER_ENV = "SLUICE_BENCHMARK_MASTER_KEY";

    private static final String UNMASKED = "SELECT id, name, email, card, phone, birth_date";
    private static final String MASKED =
            "SELECT id, mask(name), pseudonymize(email), mask_show_last_n(card, 4),"
                    + " mask_first_n(phone, 6), mask(birth_date)";

    private MaskingPipelineBenchmark() {}

    public static void main(String[] args) throws Exception {
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000L;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        if (System.getenv(MASTER_ENV) == null) {
            System.err.println(
                    "Set "
                            + MASTER_ENV
                            + " to a throwaway master key, e.g. "
                            + MASTER_ENV
                            + "=$(openssl rand -base64 32)");
            System.exit(2);
        }
        Path dir = Files.createTempDirectory("sluice-pipeline-bench");
        Path keys = dir.resolve("keys.properties");
        KeysetFile.addKey(keys, "default", MasterKey.fromEnvironment(MASTER_ENV, System::getenv));
        MiniCluster cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(restOnRandomPort())
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(1)
                                .withRandomPorts()
                                .build());
        cluster.start();
        try {
            URI rest = cluster.getRestAddress().get();
            run(rest, UNMASKED, rows / 10, keys);
            run(rest, MASKED, rows / 10, keys);
            List<Double> ratios = new ArrayList<>();
            List<Double> cpuRatios = new ArrayList<>();
            List<String[]> table = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                // alternate the order so that drift on a shared machine hits both sides
                Throughput unmasked;
                Throughput masked;
                if (round % 2 == 1) {
                    unmasked = run(rest, UNMASKED, rows, keys);
                    masked = run(rest, MASKED, rows, keys);
                } else {
                    masked = run(rest, MASKED, rows, keys);
                    unmasked = run(rest, UNMASKED, rows, keys);
                }
                ratios.add(masked.perWallSecond() / unmasked.perWallSecond());
                cpuRatios.add(masked.perCpuSecond() / unmasked.perCpuSecond());
                table.add(
                        new String[] {
                            Integer.toString(round),
                            format(unmasked.perWallSecond()),
                            format(masked.perWallSecond()),
                            ratio(masked.perWallSecond() / unmasked.perWallSecond()),
                            format(unmasked.perCpuSecond()),
                            format(masked.perCpuSecond()),
                            ratio(masked.perCpuSecond() / unmasked.perCpuSecond())
                        });
            }
            System.out.printf(
                    "%nMasking pipeline benchmark: datagen -> blackhole, %,d rows per run,"
                            + " parallelism 1, 5 columns masked%n",
                    rows);
            System.out.printf("masked: %s%n", MASKED);
            String line = "| %-5s | %15s | %15s | %5s | %15s | %15s | %5s |%n";
            System.out.printf(
                    line,
                    "round",
                    "unmasked rows/s",
                    "masked rows/s",
                    "ratio",
                    "unmasked/CPU-s",
                    "masked/CPU-s",
                    "ratio");
            System.out.println("|---|---|---|---|---|---|---|");
            for (String[] row : table) {
                System.out.printf(line, (Object[]) row);
            }
            Collections.sort(ratios);
            Collections.sort(cpuRatios);
            System.out.printf(
                    "median masked/unmasked ratio: %.3f wall clock, %.3f CPU (goal >= 0.9)%n",
                    ratios.get(ratios.size() / 2), cpuRatios.get(cpuRatios.size() / 2));
        } finally {
            cluster.close();
            Files.deleteIfExists(keys);
            Files.deleteIfExists(dir);
        }
    }

    private static String ratio(double ratio) {
        return String.format(Locale.ROOT, "%.3f", ratio);
    }

    private static String format(double rowsPerSecond) {
        return String.format(Locale.ROOT, "%,.0f", rowsPerSecond);
    }

    /** Rows per second of net job runtime, and per CPU-second of this process during the job. */
    record Throughput(double perWallSecond, double perCpuSecond) {}

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static Configuration restOnRandomPort() {
        Configuration configuration = new Configuration();
        configuration.set(RestOptions.BIND_PORT, "0");
        return configuration;
    }

    /**
     * Runs one job on the shared MiniCluster (through its REST endpoint; the classes are on the
     * cluster's class path, as it runs in this JVM).
     */
    static Throughput run(URI rest, String select, long rows, Path keys) throws Exception {
        StreamExecutionEnvironment streams =
                StreamExecutionEnvironment.createRemoteEnvironment(rest.getHost(), rest.getPort());
        streams.setParallelism(1);
        StreamTableEnvironment env = StreamTableEnvironment.create(streams);
        env.executeSql(
                "LOAD MODULE sluice WITH ('keys.file' = '"
                        + keys
                        + "', 'keys.master-key-env' = '"
                        + MASTER_ENV
                        + "')");
        env.executeSql(
                "CREATE TEMPORARY TABLE people (id BIGINT, name STRING, email STRING, card STRING,"
                        + " phone STRING, birth_date DATE) WITH ('connector' = 'datagen',"
                        + " 'number-of-rows' = '"
                        + rows
                        + "', 'rows-per-second' = '1000000000', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1',"
                        + " 'fields.id.end' = '"
                        + rows
                        + "', 'fields.name.length' = '14', 'fields.email.length' = '22',"
                        + " 'fields.card.length' = '19', 'fields.phone.length' = '12')");
        env.executeSql(
                "CREATE TEMPORARY TABLE sink (id BIGINT, name STRING, email STRING, card STRING,"
                        + " phone STRING, birth_date DATE) WITH ('connector' = 'blackhole')");
        long cpuBefore = processCpuNanos();
        TableResult result = env.executeSql("INSERT INTO sink " + select + " FROM people");
        JobExecutionResult job = result.getJobClient().orElseThrow().getJobExecutionResult().get();
        long cpu = processCpuNanos() - cpuBefore;
        return new Throughput(
                rows * 1000.0 / job.getNetRuntime(TimeUnit.MILLISECONDS), rows * 1e9 / cpu);
    }
}
