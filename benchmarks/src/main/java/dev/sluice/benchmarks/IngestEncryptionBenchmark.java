package dev.sluice.benchmarks;

import dev.sluice.harness.KafkaBroker;
import dev.sluice.harness.PostgresServer;
import dev.sluice.ingest.IngestConfig;
import dev.sluice.ingest.IngestJob;
import dev.sluice.ingest.IngestOptions;
import dev.sluice.ingest.IngestPreflight;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Ingest throughput with per-subject encryption of classified columns off and on, side by side in
 * one run: a {@code customers} table of {@code rows} rows (id, email, name, phone, country; the
 * shipped policy classifies email, name and phone) is snapshotted by the real CDC ingest job into a
 * fresh staging topic, timed from job start until every row is committed there; each round runs off
 * then on (new slot and topic prefix each). With encryption every row gets a data key of its own
 * subject (the worst case, a new subject per row; the ingest makes them in batches). Not a test:
 * run {@code benchmarks/run-ingest-encryption-benchmark}.
 */
public final class IngestEncryptionBenchmark {

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Path dir = Files.createTempDirectory("sluice-ingest-encryption-bench");
        try (PostgresServer postgres = PostgresServer.start(dir.resolve("pg"));
                KafkaBroker kafka = KafkaBroker.start(dir.resolve("kafka"))) {
            postgres.createDatabase("shop");
            postgres.createDatabase("keys");
            try (Connection c = postgres.connect("shop");
                    Statement s = c.createStatement()) {
                s.execute(
                        "CREATE TABLE customers (id bigint PRIMARY KEY, email text, name text,"
                                + " phone text, country text)");
                s.execute("ALTER TABLE customers REPLICA IDENTITY FULL");
                s.execute(
                        "INSERT INTO customers SELECT g, 'user' || g || '@example.com', 'Name '"
                                + " || g, '+31 6 ' || lpad(g::text, 8, '0'), (ARRAY['NL','DE','FR'])[1"
                                + " + g % 3] FROM generate_series(1, "
                                + rows
                                + ") g");
            }
            double[][] off = new double[rounds][];
            double[][] on = new double[rounds][];
            for (int round = 0; round < rounds; round++) {
                off[round] = run(postgres, kafka, rows, "off" + round, false);
                on[round] = run(postgres, kafka, rows, "on" + round, true);
                System.out.printf(
                        Locale.ROOT,
                        "round %d: snapshot (new subjects) off %.0f rows/s, on %.0f rows/s, ratio"
                                + " %.2f; stream (updates, subjects keyed) off %.0f changes/s, on"
                                + " %.0f changes/s, ratio %.2f; load %s%n",
                        round + 1,
                        off[round][0],
                        on[round][0],
                        on[round][0] / off[round][0],
                        off[round][1],
                        on[round][1],
                        on[round][1] / off[round][1],
                        Files.readString(Path.of("/proc/loadavg")).strip());
                // CPU time does not depend on how many other processes share the cores
                System.out.printf(
                        Locale.ROOT,
                        "round %d CPU: source task thread (CDC records, encryption, Kafka send)"
                                + " snapshot off %.1f us/row, on %.1f us/row, off/on %.2f;"
                                + " stream off %.1f us/change, on %.1f us/change, off/on %.2f;"
                                + " whole JVM snapshot off %.1f, on %.1f us/row, stream off %.1f,"
                                + " on %.1f us/change%n",
                        round + 1,
                        off[round][2],
                        on[round][2],
                        off[round][2] / on[round][2],
                        off[round][3],
                        on[round][3],
                        off[round][3] / on[round][3],
                        off[round][4],
                        on[round][4],
                        off[round][5],
                        on[round][5]);
            }
            for (int phase = 0; phase < 2; phase++) {
                final int p = phase;
                double offMean =
                        java.util.Arrays.stream(off).mapToDouble(r -> r[p]).average().orElse(0);
                double onMean =
                        java.util.Arrays.stream(on).mapToDouble(r -> r[p]).average().orElse(0);
                System.out.printf(
                        Locale.ROOT,
                        "%s of %d rows, %d rounds: encryption off %.0f/s, on %.0f/s, on/off %.2f"
                                + " (goal >= 0.8); load average %s%n",
                        phase == 0
                                ? "ingest snapshot (a new subject per row)"
                                : "ingest stream (updates)",
                        rows,
                        rounds,
                        offMean,
                        onMean,
                        onMean / offMean,
                        Files.readString(Path.of("/proc/loadavg")).strip());
            }
        }
    }

    /**
     * {snapshot rows/s, stream changes/s, then CPU µs per row of the source task thread (snapshot,
     * stream) and of the whole JVM (snapshot, stream)} of one ingest job.
     */
    private static double[] run(
            PostgresServer postgres, KafkaBroker kafka, int rows, String name, boolean encrypt)
            throws Exception {
        Configuration options = new Configuration();
        options.set(IngestOptions.POSTGRES_HOSTNAME, postgres.host());
        options.set(IngestOptions.POSTGRES_PORT, postgres.port());
        options.set(IngestOptions.POSTGRES_DATABASE, "shop");
        options.set(IngestOptions.POSTGRES_USERNAME, postgres.username());
        options.set(IngestOptions.TABLES, List.of("public.customers"));
        options.set(IngestOptions.SLOT_NAME, "bench_" + name);
        options.set(IngestOptions.TOPIC_PREFIX, "bench" + name);
        options.set(IngestOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(1));
        options.set(IngestOptions.SNAPSHOT_SPLIT_SIZE, 65_536);
        options.set(IngestOptions.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        if (encrypt) {
            options.setString(
                    IngestOptions.ENCRYPTION_COLUMNS.key(),
                    "public.customers:customer:id:email,name,phone");
            options.set(IngestOptions.ENCRYPTION_KEY_STORE_URL, postgres.jdbcUrl("keys"));
            options.set(IngestOptions.ENCRYPTION_KEY_STORE_USERNAME, postgres.username());
        }
        IngestConfig config = IngestConfig.from(options);
        IngestPreflight.prepare(config);
        String topic = config.topicFor("public", "customers");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        IngestJob.addTo(env, config);
        long start = System.nanoTime();
        long jvmStart = jvmCpuNanos();
        // a task thread of the previous job still winding down is not this job's
        java.util.Set<Long> earlier = new java.util.HashSet<>(taskThreads().keySet());
        JobClient job = env.executeAsync("bench " + name);
        long count;
        double snapshotSeconds;
        double streamSeconds;
        long taskSnapshot;
        long taskStream;
        long jvmSnapshot;
        long jvmStream;
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
            count = consume(consumer, job, rows, 0, deadline, name);
            snapshotSeconds = (System.nanoTime() - start) / 1e9;
            taskSnapshot = taskCpuNanos(earlier);
            jvmSnapshot = jvmCpuNanos();
            long streamStart = System.nanoTime();
            try (Connection c = postgres.connect("shop");
                    Statement s = c.createStatement()) {
                s.execute("UPDATE customers SET country = country || 'x'");
            }
            consume(consumer, job, 2L * rows, count, deadline, name);
            streamSeconds = (System.nanoTime() - streamStart) / 1e9;
            taskStream = taskCpuNanos(earlier) - taskSnapshot;
            jvmStream = jvmCpuNanos() - jvmSnapshot;
        }
        job.cancel().get(60, TimeUnit.SECONDS);
        try (Connection c = postgres.connect("shop");
                Statement s = c.createStatement()) {
            s.execute("SELECT pg_drop_replication_slot('bench_" + name + "')");
        } catch (java.sql.SQLException e) {
            // the slot may still be held for a moment after cancel: it is dropped with the server
        }
        return new double[] {
            rows / snapshotSeconds,
            rows / streamSeconds,
            taskSnapshot / 1e3 / rows,
            taskStream / 1e3 / rows,
            (jvmSnapshot - jvmStart) / 1e3 / rows,
            jvmStream / 1e3 / rows
        };
    }

    /** CPU time of this job's source task thread (the CDC records, encryption, Kafka sends). */
    private static long taskCpuNanos(java.util.Set<Long> earlier) {
        long total = 0;
        for (java.util.Map.Entry<Long, Long> thread : taskThreads().entrySet()) {
            if (!earlier.contains(thread.getKey())) {
                total += thread.getValue();
            }
        }
        return total;
    }

    /** Source task threads by id, with their CPU time in ns. */
    private static java.util.Map<Long, Long> taskThreads() {
        java.lang.management.ThreadMXBean threads =
                java.lang.management.ManagementFactory.getThreadMXBean();
        java.util.Map<Long, Long> found = new java.util.HashMap<>();
        for (java.lang.management.ThreadInfo info :
                threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("Source: postgres-cdc")) {
                found.put(
                        info.getThreadId(),
                        Math.max(0, threads.getThreadCpuTime(info.getThreadId())));
            }
        }
        return found;
    }

    private static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long consume(
            KafkaConsumer<byte[], byte[]> consumer,
            JobClient job,
            long target,
            long count,
            long deadline,
            String name)
            throws Exception {
        long rows = target;
        while (count < rows) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "Only "
                                + count
                                + " of "
                                + rows
                                + " rows staged in 20 minutes ("
                                + name
                                + ")");
            }
            if (job.getJobStatus().get(30, TimeUnit.SECONDS).isGloballyTerminalState()) {
                throw new IllegalStateException("The ingest job " + name + " ended early");
            }
            count += consumer.poll(Duration.ofMillis(200)).count();
        }
        return count;
    }
}
