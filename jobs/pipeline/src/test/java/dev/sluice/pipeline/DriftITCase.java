package dev.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.drift.DriftPlan;
import dev.sluice.gate.AuditLog;
import dev.sluice.gate.GateCheck;
import dev.sluice.gate.PipelinePlanner;
import dev.sluice.gate.PolicySources;
import dev.sluice.harness.Await;
import dev.sluice.harness.KafkaBroker;
import dev.sluice.harness.KafkaExtension;
import dev.sluice.policy.model.Policy;
import dev.sluice.sql.Pipeline;
import dev.sluice.sql.PipelineLoader;
import dev.sluice.sql.SqlFiles;
import dev.sluice.sql.Variables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * PII drift end to end: a pipeline copies orders from Kafka to Kafka with the classified e-mail
 * hashed and a free-text {@code notes} column the policy does not classify. A minute of clean
 * traffic gives no drift event; then every new order carries an e-mail address in its notes: one
 * drift event (topic and audit log, no value in it), the notes column is quarantined (NULL at the
 * sink from then on) and nothing else changes: every order arrives, ids, countries and e-mail
 * hashes intact.
 */
class DriftITCase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CLEAN = Duration.ofSeconds(60);
    private static final int ROWS_PER_TICK = 20;

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @TempDir Path dir;

    @Test
    void emailsInAFreeTextColumnAreDetectedOnceAndQuarantined() throws Exception {
        KafkaBroker kafka = KAFKA.broker();
        kafka.createTopics(1, "orders", "orders_out", DriftPlan.DEFAULT_TOPIC);
        Path policyDir = Files.createDirectories(dir.resolve("policy"));
        Files.writeString(
                policyDir.resolve("00_org.yaml"),
                """
                version: 1
                kafka_clusters:
                  test: ['${KAFKA_BOOTSTRAP_SERVERS}']
                sources:
                  - kafka: {cluster: test, topic: orders}
                    dataset: shop.orders
                    region: eu-west-1
                sinks:
                  - kafka: {cluster: test, topic: orders_out}
                    dataset: shop.orders_out
                    zone: analytics
                    region: eu-west-1
                classifications:
                  shop.orders.email: [PII.EMAIL]
                rules:
                  - id: pii-email
                    match: PII.EMAIL
                    zones: {analytics: mask_hash}
                teams:
                  shop: {reads: [shop.*], zone: analytics}
                drift: {action: quarantine, threshold: 1%, sample: 1/100}
                """);
        Path file = dir.resolve("orders_out.sql");
        Files.writeString(
                file,
                """
                -- @owner shop
                -- @description Orders out, the e-mail hashed
                -- @checkpoint-interval 2 s
                LOAD MODULE sluice;
                CREATE TEMPORARY TABLE orders (id BIGINT, email STRING, country STRING, notes STRING)
                WITH ('connector' = 'kafka', 'topic' = 'orders',
                  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
                  'properties.group.id' = 'drift-it', 'scan.startup.mode' = 'earliest-offset',
                  'format' = 'json');
                CREATE TEMPORARY TABLE orders_out (id BIGINT, email_hash STRING, country STRING, notes STRING)
                WITH ('connector' = 'kafka', 'topic' = 'orders_out',
                  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}', 'format' = 'json');
                INSERT INTO orders_out SELECT id, mask_hash(email), country, notes FROM orders;
                """);
        Variables variables =
                Variables.builder()
                        .put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), false, "test")
                        .build();
        Pipeline pipeline = PipelineLoader.load(List.of(), SqlFiles.read(file), variables);
        Policy policy = PolicySources.load(List.of(policyDir.toString()));
        assertThat(new GateCheck(policy, PipelinePlanner.create(), null).check(pipeline, "test"))
                .satisfies(r -> assertThat(r.passed()).as(r.describe()).isTrue());
        Path auditLog = dir.resolve("audit.jsonl");
        DriftPlan plan =
                DriftPlan.of(
                        policy,
                        PipelinePlanner.create().plan(pipeline),
                        kafka.bootstrapServers(),
                        DriftPlan.DEFAULT_TOPIC,
                        auditLog.toString());
        // the unclassified columns; the stage watches those of a string type (country, notes)
        assertThat(plan.describe())
                .containsExactly(
                        "shop.orders_out.country", "shop.orders_out.id", "shop.orders_out.notes");

        AtomicLong nextId = new AtomicLong(1);
        AtomicLong firstDrifted = new AtomicLong(Long.MAX_VALUE);
        AtomicBoolean drifting = new AtomicBoolean();
        ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        JobClient job = null;
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            traffic.scheduleAtFixedRate(
                    () -> {
                        for (int i = 0; i < ROWS_PER_TICK; i++) {
                            long id = nextId.getAndIncrement();
                            boolean email = drifting.get();
                            if (email) {
                                firstDrifted.compareAndSet(Long.MAX_VALUE, id);
                            }
                            producer.send(
                                    new ProducerRecord<>("orders", order(id, email).toString()));
                        }
                    },
                    0,
                    100,
                    TimeUnit.MILLISECONDS);

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
            job = PipelineRunner.execute(tEnv, pipeline, plan).getJobClient().orElseThrow();
            long started = System.nanoTime();

            // a minute of clean traffic through the running job: no drift event
            Await.until(
                    "a minute of clean orders at the sink",
                    CLEAN.plusMinutes(3),
                    () ->
                            System.nanoTime() - started >= CLEAN.toNanos()
                                    && kafka.readCommitted("orders_out", Duration.ofSeconds(30))
                                                    .size()
                                            > 5_000);
            assertThat(kafka.readCommitted(DriftPlan.DEFAULT_TOPIC, Duration.ofSeconds(30)))
                    .as("drift events after clean traffic")
                    .isEmpty();
            assertThat(Files.exists(auditLog)).isFalse();

            drifting.set(true);
            List<KafkaBroker.Record> events =
                    Await.value(
                            "a drift event",
                            Duration.ofMinutes(2),
                            () -> {
                                List<KafkaBroker.Record> r =
                                        kafka.readCommitted(
                                                DriftPlan.DEFAULT_TOPIC, Duration.ofSeconds(30));
                                return r.isEmpty() ? null : r;
                            });
            long detectedBy = nextId.get();
            // let a good many drifted orders more through, then stop the traffic
            Await.until(
                    "orders after the drift event at the sink",
                    Duration.ofMinutes(2),
                    () -> maxId(kafka) >= detectedBy + 2_000);
            // no interrupt: the tick under way sends all its orders
            traffic.shutdown();
            assertThat(traffic.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
            producer.flush();
            long last = nextId.get() - 1;
            Await.until(
                    "every order at the sink", Duration.ofMinutes(2), () -> maxId(kafka) >= last);

            events = kafka.readCommitted(DriftPlan.DEFAULT_TOPIC, Duration.ofSeconds(30));
            assertThat(events).as("drift events").hasSize(1);
            JsonNode event = JSON.readTree(events.get(0).value());
            assertThat(event.path("dataset").asText()).isEqualTo("shop.orders_out");
            assertThat(event.path("column").asText()).isEqualTo("notes");
            assertThat(event.path("class").asText()).isEqualTo("PII.EMAIL");
            assertThat(event.path("action").asText()).isEqualTo("quarantine");
            assertThat(event.path("share").asDouble()).isGreaterThanOrEqualTo(0.01);
            assertThat(event.path("firstSeen").asText()).isNotBlank();
            assertThat(events.get(0).value())
                    .as("the event never holds a value")
                    .doesNotContain("@");

            List<JsonNode> audited =
                    new AuditLog(auditLog, null)
                            .read().stream().filter(r -> AuditLog.kind(r).equals("drift")).toList();
            assertThat(audited).hasSize(1);
            assertThat(audited.get(0).path("column").asText()).isEqualTo("notes");

            List<JsonNode> rows = new ArrayList<>();
            for (KafkaBroker.Record r : kafka.readCommitted("orders_out", Duration.ofSeconds(60))) {
                rows.add(JSON.readTree(r.value()));
            }
            // nothing lost or duplicated, and only notes changed
            assertThat(rows.stream().map(r -> r.path("id").asLong()).distinct().count())
                    .isEqualTo(last);
            assertThat(rows)
                    .allSatisfy(
                            r -> {
                                assertThat(r.path("country").asText()).isEqualTo("DE");
                                assertThat(r.path("email_hash").asText()).hasSize(64);
                            });
            long quarantinedFrom =
                    rows.stream()
                            .filter(r -> r.path("notes").isNull())
                            .mapToLong(r -> r.path("id").asLong())
                            .min()
                            .orElseThrow();
            assertThat(quarantinedFrom).isGreaterThanOrEqualTo(firstDrifted.get());
            for (JsonNode r : rows) {
                long id = r.path("id").asLong();
                if (id < firstDrifted.get()) {
                    assertThat(r.path("notes").asText()).doesNotContain("@").isNotBlank();
                } else if (id >= quarantinedFrom) {
                    assertThat(r.path("notes").isNull()).as("notes of order %d", id).isTrue();
                }
            }
            // the e-mails that reached the sink before the stage saw enough of them
            long leaked = quarantinedFrom - firstDrifted.get();
            System.out.printf(
                    "drift: first drifted order %d, quarantined from %d (%d let through),"
                            + " event %s%n",
                    firstDrifted.get(), quarantinedFrom, leaked, event);
        } finally {
            traffic.shutdownNow();
            if (job != null) {
                job.cancel().get(1, TimeUnit.MINUTES);
            }
        }
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode order(long id, boolean email) {
        com.fasterxml.jackson.databind.node.ObjectNode o = JSON.createObjectNode();
        o.put("id", id);
        o.put("email", "customer" + id + "@shop.example");
        o.put("country", "DE");
        o.put(
                "notes",
                email
                        ? "please send the invoice to jane.doe" + id + "@mail.example"
                        : "delivered to the back door, order " + id + " complete");
        return o;
    }

    private static long maxId(KafkaBroker kafka) throws Exception {
        long max = 0;
        for (KafkaBroker.Record r : kafka.readCommitted("orders_out", Duration.ofSeconds(60))) {
            max = Math.max(max, JSON.readTree(r.value()).path("id").asLong());
        }
        return max;
    }
}
