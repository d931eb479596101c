package dev.sluice.benchmarks;

import dev.sluice.harness.KafkaBroker;
import dev.sluice.policy.pseudonym.KeysetFile;
import dev.sluice.policy.pseudonym.MasterKey;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * The same streaming job, datagen → blackhole or Kafka, once copying 5 sensitive columns and once
 * masking them with Sluice functions; prints rows/s of each and the masked/unmasked ratio (goal >=
 * 0.9). All jobs run on one MiniCluster started up front. Two figures per run: rows per second of
 * the job's net runtime (wall clock), and rows per CPU-second of the whole process during the job,
 * which is steadier on a machine shared with other work.
 *
 * <p>Arguments: {@code [rows per run, default 2000000] [rounds, default 3] [blackhole|kafka]}. The
 * master key of the throwaway keyset comes from {@value #MASTER_ENV}.
 */
public final class MaskingPipelineBenchmark {
    static final String MASTER_ENV = "SLUICE_BENCHMARK_MASTER_KEY";

    /**
     * Whether the jobs hand rows between chained operators without copying, as Sluice pipelines do
     * by default ({@code PipelineRunner}); {@code -Dsluice.benchmark.object-reuse=false} measures
     * Flink's own default instead.
     */
    private static final boolean OBJECT_REUSE =
            Boolean.parseBoolean(System.getProperty("sluice.benchmark.object-reuse", "true"));

    private static final String UNMASKED = "SELECT id, name, email, card, phone, birth_date";
    private static final String MASKED =
            "SELECT id, mask(name), pseudonymize(email), mask_show_last_n(card, 4),"
                    + " mask_first_n(phone, 6), mask(birth_date)";

    /** Five cheap built-in functions instead: what any expression on the columns costs. */
    private static final String BUILT_INS =
            "SELECT id, UPPER(name), LOWER(email), SUBSTRING(card, 16), TRIM(phone),"
                    + " birth_date + INTERVAL '1' DAY";

    private static final String MASKED_WITHOUT_KEYS =
            "SELECT id, mask(name), mask_strict(email), mask_show_last_n(card, 4),"
                    + " mask_first_n(phone, 6), mask(birth_date)";

    private MaskingPipelineBenchmark() {}

    public static void main(String[] args) throws Exception {
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000L;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String sinkKind = args.length > 2 ? args[2] : "blackhole";
        if (!sinkKind.equals("blackhole") && !sinkKind.equals("kafka")) {
            System.err.println("Invalid sink: " + sinkKind + ". Use blackhole or kafka.");
            System.exit(2);
        }
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
        KafkaBroker kafka = sinkKind.equals("kafka") ? KafkaBroker.start(dir) : null;
        Sink sink = new Sink(kafka);
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
            String[] selects = {UNMASKED, MASKED, MASKED_WITHOUT_KEYS, BUILT_INS};
            // warm up the JVM, the cluster and the broker with every variant before measuring
            for (String select : selects) {
                run(rest, select, rows / 10, keys, sink);
            }
            double[][] wall = new double[selects.length][rounds];
            double[][] cpu = new double[selects.length][rounds];
            for (int round = 0; round < rounds; round++) {
                // rotate the order so that drift on a shared machine hits every variant
                for (int k = 0; k < selects.length; k++) {
                    int v = (k + round) % selects.length;
                    Throughput t = run(rest, selects[v], rows, keys, sink);
                    wall[v][round] = t.perWallSecond();
                    cpu[v][round] = t.perCpuSecond();
                }
            }
            System.out.printf(
                    "%nMasking pipeline benchmark: datagen -> %s, %,d rows per run,"
                            + " parallelism 1, %d rounds, object reuse %s%n",
                    sink.describe(), rows, rounds, OBJECT_REUSE ? "on" : "off");
            System.out.printf("unmasked:            %s%n", UNMASKED);
            System.out.printf("masked:              %s%n", MASKED);
            System.out.printf("masked without keys: %s%n", MASKED_WITHOUT_KEYS);
            System.out.printf("built-ins:           %s%n", BUILT_INS);
            String line = "| %-19s | %13s | %13s | %15s | %15s |%n";
            System.out.printf(
                    line,
                    "variant (medians)",
                    "rows/s",
                    "rows/CPU-s",
                    "ratio (wall)",
                    "ratio (CPU)");
            System.out.println("|---|---:|---:|---:|---:|");
            String[] names = {"unmasked", "masked", "masked without keys", "built-ins"};
            for (int v = 0; v < selects.length; v++) {
                double[] wallRatio = new double[rounds];
                double[] cpuRatio = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    wallRatio[r] = wall[v][r] / wall[0][r];
                    cpuRatio[r] = cpu[v][r] / cpu[0][r];
                }
                System.out.printf(
                        line,
                        names[v],
                        format(median(wall[v])),
                        format(median(cpu[v])),
                        ratio(median(wallRatio)),
                        ratio(median(cpuRatio)));
            }
            System.out.println(
                    "goal: masked/unmasked >= 0.9 (ratios are medians of per-round ratios)");
        } finally {
            cluster.close();
            if (kafka != null) {
                kafka.close();
            }
            Files.deleteIfExists(keys);
            Files.deleteIfExists(dir);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
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
    /**
     * Where the job writes: Flink's blackhole (the raw per-row cost of the functions) or a real
     * Kafka topic in JSON, a new one per run (the cost inside a pipeline that does real I/O).
     */
    static final class Sink {
        private final KafkaBroker kafka;
        private int runs;

        Sink(KafkaBroker kafka) {
            this.kafka = kafka;
        }

        String describe() {
            return kafka == null ? "blackhole" : "Kafka (JSON, one in-process broker)";
        }

        String options() throws Exception {
            if (kafka == null) {
                return "'connector' = 'blackhole'";
            }
            String topic = "bench-" + (++runs);
            kafka.createTopics(1, topic);
            return "'connector' = 'kafka', 'topic' = '"
                    + topic
                    + "', 'properties.bootstrap.servers' = '"
                    + kafka.bootstrapServers()
                    + "', 'format' = 'json', 'sink.delivery-guarantee' = 'at-least-once'";
        }
    }

    static Throughput run(URI rest, String select, long rows, Path keys, Sink sink)
            throws Exception {
        StreamExecutionEnvironment streams =
                StreamExecutionEnvironment.createRemoteEnvironment(rest.getHost(), rest.getPort());
        streams.setParallelism(1);
        if (OBJECT_REUSE) {
            streams.getConfig().enableObjectReuse();
        }
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
                        + " phone STRING, birth_date DATE) WITH ("
                        + sink.options()
                        + ")");
        long cpuBefore = processCpuNanos();
        TableResult result = env.executeSql("INSERT INTO sink " + select + " FROM people");
        JobExecutionResult job = result.getJobClient().orElseThrow().getJobExecutionResult().get();
        long cpu = processCpuNanos() - cpuBefore;
        return new Throughput(
                rows * 1000.0 / job.getNetRuntime(TimeUnit.MILLISECONDS), rows * 1e9 / cpu);
    }
}
