package dev.sluice.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.drift.DriftPlan;
import dev.sluice.harness.KafkaBroker;
import dev.sluice.pipeline.PipelineRunner;
import dev.sluice.sql.Pipeline;
import dev.sluice.sql.PipelineLoader;
import dev.sluice.sql.SourceText;
import dev.sluice.sql.Variables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * PII drift detection's cost and speed. Throughput: the same pipeline (datagen → blackhole, an id,
 * a country and a sentence of free text) run with the drift stage and without, rounds alternating;
 * prints rows/s and the on/off ratio (goal ≥ 0.95). Delay: a pipeline Kafka → Kafka under steady
 * traffic at the default sample rate (1/100): clean for a while, then e-mails in the free text;
 * prints the time from the first drifted record sent to the event's detection (goal ≤ 10 s).
 *
 * <p>Arguments: {@code [rows per throughput run, default 2000000] [rounds, default 3] [traffic
 * rates for the delay, rows/s, default 100,1000]}.
 */
public final class DriftBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SINK = "default_catalog.default_database.sink";

    private DriftBenchmark() {}

    public static void main(String[] args) throws Exception {
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000L;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int[] rates =
                Arrays.stream((args.length > 2 ? args[2] : "100,1000").split(","))
                        .mapToInt(Integer::parseInt)
                        .toArray();
        Path dir = Files.createTempDirectory("sluice-drift-bench");

        Pipeline throughput = throughputPipeline(rows);
        DriftPlan plan =
                new DriftPlan(
                        "drift_bench",
                        "alert",
                        0.01,
                        100,
                        List.of(),
                        "bench",
                        Map.of(
                                SINK,
                                new DriftPlan.Sink(
                                        SINK, "bench.sink", List.of("country", "notes"))),
                        null,
                        DriftPlan.DEFAULT_TOPIC,
                        dir.resolve("audit.jsonl").toString());
        // warm-up of both variants
        run(throughputPipeline(rows / 10), null);
        run(throughputPipeline(rows / 10), plan);
        double[] off = new double[rounds];
        double[] on = new double[rounds];
        double[] ratio = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            if (r % 2 == 0) {
                off[r] = rows / run(throughput, null);
                on[r] = rows / run(throughput, plan);
            } else {
                on[r] = rows / run(throughput, plan);
                off[r] = rows / run(throughput, null);
            }
            ratio[r] = on[r] / off[r];
        }

        double[] delays = new double[rates.length];
        try (KafkaBroker kafka = KafkaBroker.start(dir)) {
            for (int i = 0; i < rates.length; i++) {
                delays[i] = delaySeconds(kafka, rates[i], dir, i);
            }
        }

        System.out.printf(
                "%nPII drift benchmark: datagen -> blackhole, %,d rows per run, %d rounds,"
                        + " parallelism 1, watching 2 string columns (a country, a sentence),"
                        + " sample 1/100%n",
                rows, rounds);
        System.out.println("| drift detection | rows/s (median) | ratio on/off (median) | goal |");
        System.out.println("|---|---:|---:|---|");
        System.out.printf(
                Locale.ROOT,
                "| off | %,.0f | | |%n| on | %,.0f | %.3f | >= 0.95 |%n",
                median(off),
                median(on),
                median(ratio));
        System.out.println("per round on/off: " + Arrays.toString(ratio));
        System.out.println();
        System.out.println(
                "| traffic (rows/s, Kafka -> Kafka) | first drifted record sent -> event (s) | goal |");
        System.out.println("|---:|---:|---|");
        for (int i = 0; i < rates.length; i++) {
            System.out.printf(Locale.ROOT, "| %d | %.2f | <= 10 s |%n", rates[i], delays[i]);
        }
    }

    private static Pipeline throughputPipeline(long rows) {
        String sql =
                "-- @owner bench\n"
                        + "-- @description drift benchmark\n"
                        // no checkpoint within a run: the sequence generator's state of the
                        // unread ids exceeds the memory state backend's bound
                        + "-- @checkpoint-interval 1 h\n"
                        + "CREATE TEMPORARY TABLE source (\n"
                        + "  id BIGINT,\n"
                        + "  country AS 'DE',\n"
                        + "  notes AS CONCAT('delivered to the back door, order ',"
                        + " CAST(id AS STRING), ' complete')\n"
                        + ") WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence',\n"
                        + "  'fields.id.start' = '1', 'fields.id.end' = '"
                        + rows
                        + "');\n"
                        + "CREATE TEMPORARY TABLE sink (id BIGINT, country STRING, notes STRING)\n"
                        + "  WITH ('connector' = 'blackhole');\n"
                        + "INSERT INTO sink SELECT id, country, notes FROM source;\n";
        return PipelineLoader.load(
                List.of(), new SourceText("drift_bench.sql", sql), Variables.empty());
    }

    /** Net runtime in seconds of one bounded run. */
    private static double run(Pipeline pipeline, DriftPlan plan) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        TableResult result =
                plan == null
                        ? PipelineRunner.execute(tEnv, pipeline)
                        : PipelineRunner.execute(tEnv, pipeline, plan);
        JobClient job = result.getJobClient().orElseThrow();
        return job.getJobExecutionResult().get().getNetRuntime() / 1000.0;
    }

    /** Seconds from the first drifted record sent to the event's detection time. */
    private static double delaySeconds(KafkaBroker kafka, int rate, Path dir, int n)
            throws Exception {
        String in = "drift_in_" + n;
        String out = "drift_out_" + n;
        String topic = "drift_events_" + n;
        kafka.createTopics(1, in, out, topic);
        String sql =
                "-- @owner bench\n"
                        + "-- @description drift delay\n"
                        + "-- @checkpoint-interval 1 h\n"
                        + "CREATE TEMPORARY TABLE src (id BIGINT, country STRING, notes STRING)\n"
                        + "WITH ('connector' = 'kafka', 'topic' = '"
                        + in
                        + "', 'properties.bootstrap.servers' = '"
                        + kafka.bootstrapServers()
                        + "', 'properties.group.id' = 'bench', 'scan.startup.mode' ="
                        + " 'earliest-offset', 'format' = 'json');\n"
                        + "CREATE TEMPORARY TABLE dst (id BIGINT, country STRING, notes STRING)\n"
                        + "WITH ('connector' = 'kafka', 'topic' = '"
                        + out
                        + "', 'properties.bootstrap.servers' = '"
                        + kafka.bootstrapServers()
                        + "', 'format' = 'json');\n"
                        + "INSERT INTO dst SELECT id, country, notes FROM src;\n";
        Pipeline pipeline =
                PipelineLoader.load(
                        List.of(), new SourceText("drift_delay.sql", sql), Variables.empty());
        String sink = "default_catalog.default_database.dst";
        DriftPlan plan =
                new DriftPlan(
                        "drift_delay",
                        "alert",
                        0.01,
                        100,
                        List.of(),
                        "bench",
                        Map.of(sink, new DriftPlan.Sink(sink, "bench.dst", List.of("notes"))),
                        kafka.bootstrapServers(),
                        topic,
                        dir.resolve("audit-" + n + ".jsonl").toString());
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        AtomicLong id = new AtomicLong();
        AtomicBoolean drifting = new AtomicBoolean();
        AtomicLong firstDriftedAt = new AtomicLong();
        ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        JobClient job = null;
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            int perTick = Math.max(1, rate / 100);
            traffic.scheduleAtFixedRate(
                    () -> {
                        for (int i = 0; i < perTick; i++) {
                            long k = id.incrementAndGet();
                            boolean email = drifting.get();
                            if (email) {
                                firstDriftedAt.compareAndSet(0, System.currentTimeMillis());
                            }
                            String notes =
                                    email
                                            ? "send the invoice to jane" + k + "@mail.example"
                                            : "delivered to the back door, order " + k;
                            producer.send(
                                    new ProducerRecord<>(
                                            in,
                                            "{\"id\":"
                                                    + k
                                                    + ",\"country\":\"DE\",\"notes\":\""
                                                    + notes
                                                    + "\"}"));
                        }
                    },
                    0,
                    10,
                    TimeUnit.MILLISECONDS);
            job = PipelineRunner.execute(tEnv, pipeline, plan).getJobClient().orElseThrow();
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            // ten seconds of clean traffic through the running job first
            while (kafka.readCommitted(out, Duration.ofSeconds(30)).size() < rate * 10L) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("The delay pipeline does not move rows");
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
            drifting.set(true);
            while (true) {
                List<KafkaBroker.Record> events =
                        kafka.readCommitted(topic, Duration.ofSeconds(30));
                if (!events.isEmpty()) {
                    JsonNode event = JSON.readTree(events.get(0).value());
                    Instant detected = Instant.parse(event.path("time").asText());
                    return (detected.toEpochMilli() - firstDriftedAt.get()) / 1000.0;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("No drift event within 3 minutes");
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
        } finally {
            traffic.shutdownNow();
            if (job != null) {
                job.cancel().get(1, TimeUnit.MINUTES);
            }
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
