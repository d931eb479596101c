package dev.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.connectors.deadletter.StagingSchemaChangedException;
import dev.sluice.gate.AuditLog;
import dev.sluice.harness.AwaitWhileRunning;
import dev.sluice.harness.KafkaBroker;
import dev.sluice.harness.KafkaExtension;
import dev.sluice.harness.PostgresExtension;
import dev.sluice.harness.PostgresServer;
import dev.sluice.pipeline.schema.SchemaEvolution;
import dev.sluice.sql.Pipeline;
import dev.sluice.sql.PipelineLoader;
import dev.sluice.sql.SourceText;
import dev.sluice.sql.Variables;
import dev.sluice.stagingschemas.SchemaChange;
import dev.sluice.stagingschemas.StagingColumn;
import dev.sluice.stagingschemas.StagingSchema;
import dev.sluice.stagingschemas.StagingSchemaRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each schema-change mode end to end, staging records and registry records written straight into
 * Kafka as ingest writes them: {@code evolve} stops the job on a classified ADD COLUMN, the replan
 * adds it to the Iceberg and the JDBC sink and later rows carry it, earlier rows intact, the
 * unclassified one held back; {@code fail} fails with the message; {@code ignore} keeps running
 * with the sink's columns, and values that no longer fit the declared type go to dead letter.
 * Flink's default restart strategy is left on: a schema change must end the job, not loop.
 */
class SchemaChangeModesITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(4)
                            .build());

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @TempDir static Path dir;

    private static final Duration DEADLINE = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String V1 = "0000000000000001";
    private static final String V2 = "0000000000000002";
    private static final String DEAD_LETTER = "pipelines.dead-letter";

    @Test
    void evolveAddsTheClassifiedColumnToIcebergAndJdbc() throws Exception {
        String topic = "staging.shop.public.customers";
        KAFKA.broker().createTopics(1, topic, DEAD_LETTER);
        PostgresServer postgres = POSTGRES.server();
        postgres.createDatabase("crm");
        sql(postgres, "CREATE TABLE customers (id BIGINT PRIMARY KEY, name TEXT, score INTEGER)");
        StagingSchemaRegistry.write(
                kafka(),
                "staging",
                List.of(schema(topic, V1, null, List.of(), "id", "name", "score:INT")));
        Pipeline pipeline = pipeline("evolve", topic, "evolve", postgres);
        Path auditFile = dir.resolve("evolve-audit.jsonl");
        SchemaEvolution evolution =
                new SchemaEvolution(
                        (table, schema, column) -> column.name().equals("tier"),
                        new AuditLog(auditFile, null),
                        "run",
                        Duration.ofSeconds(30));

        JobClient first = start(pipeline, evolution);
        produce(
                topic,
                change(1, V1, "name", "Ann", "score", 7),
                change(2, V1, "name", "Bo", "score", 8));
        AwaitWhileRunning.until(
                "rows 1, 2 in both sinks",
                first,
                DEADLINE,
                () -> icebergRows("evolve").size() == 2 && jdbcRows(postgres).size() == 2);

        // the source ran ALTER TABLE customers ADD tier, ADD secret; ingest wrote the registry
        StagingSchemaRegistry.write(
                kafka(),
                "staging",
                List.of(
                        schema(
                                topic,
                                V2,
                                V1,
                                List.of("tier", "secret"),
                                "id",
                                "name",
                                "score:BIGINT",
                                "tier",
                                "secret")));
        produce(
                topic,
                change(
                        3,
                        V2,
                        "name",
                        "Cy",
                        "score",
                        3_000_000_000L,
                        "tier",
                        "gold",
                        "secret",
                        "s3"),
                change(2, V2, "name", "Bo", "score", 8, "tier", "silver", "secret", "s2"));
        Optional<StagingSchemaChangedException.Found> stop = failure(first);
        assertThat(stop).isPresent();
        assertThat(stop.get().evolve()).isTrue();
        assertThat(stop.get().message())
                .contains("default_catalog.staging.customers")
                .contains("added tier, secret");

        // what sluice run does on that failure: replan and start again from committed offsets
        JobClient second = start(pipeline, evolution);
        try {
            produce(
                    topic,
                    change(4, V2, "name", "Di", "score", 9, "tier", "bronze", "secret", "s4"));
            AwaitWhileRunning.until(
                    "rows 1 to 4 with tier in both sinks",
                    second,
                    DEADLINE,
                    () ->
                            "bronze".equals(tier(icebergRows("evolve")))
                                    && "bronze".equals(tier(jdbcRows(postgres))));
            Map<Long, Map<String, Object>> iceberg = icebergRows("evolve");
            Map<Long, Map<String, Object>> crm = jdbcRows(postgres);
            for (Map<Long, Map<String, Object>> rows : List.of(iceberg, crm)) {
                assertThat(rows.keySet()).containsExactly(1L, 2L, 3L, 4L);
                assertThat(rows.get(1L)).containsEntry("name", "Ann").containsEntry("tier", null);
                assertThat(rows.get(2L)).containsEntry("tier", "silver");
                assertThat(rows.get(3L)).containsEntry("name", "Cy").containsEntry("tier", "gold");
                assertThat(((Number) rows.get(3L).get("score")).longValue())
                        .isEqualTo(3_000_000_000L);
                assertThat(((Number) rows.get(1L).get("score")).longValue()).isEqualTo(7L);
                assertThat(rows.get(4L)).doesNotContainKey("secret");
            }
            Table table = icebergTable("evolve");
            assertThat(table.schema().findField("tier").type()).isEqualTo(Types.StringType.get());
            assertThat(table.schema().findField("secret")).isNull();
            assertThat(table.schema().findField("score").type()).isEqualTo(Types.LongType.get());
            assertThat(second.getJobStatus().get(30, TimeUnit.SECONDS))
                    .isEqualTo(JobStatus.RUNNING);
        } finally {
            second.cancel().get(30, TimeUnit.SECONDS);
        }
        List<JsonNode> audit = new AuditLog(auditFile, null).read();
        assertThat(audit).hasSize(1);
        assertThat(audit.get(0).get("kind").asText()).isEqualTo("schema-change");
        assertThat(audit.get(0).get("propagated").toString()).isEqualTo("[\"tier\"]");
        assertThat(audit.get(0).get("heldBack").toString()).isEqualTo("[\"secret\"]");
        assertThat(audit.get(0).get("widened").toString()).isEqualTo("[\"score\"]");
    }

    @Test
    void failStopsTheJobNamingTableChangeAndWayOut() throws Exception {
        String topic = "staging.shop.public.failing";
        KAFKA.broker().createTopics(1, topic);
        PostgresServer postgres = POSTGRES.server();
        postgres.createDatabase("failing");
        sql(postgres, "failing", "CREATE TABLE customers (id BIGINT PRIMARY KEY, name TEXT)");
        Pipeline pipeline = pipeline("failing", topic, "fail", postgres);
        JobClient job = start(pipeline, evolution());
        produce(topic, change(1, V1, "name", "Ann"), change(2, V2, "name", "Bo", "tier", "gold"));
        Optional<StagingSchemaChangedException.Found> stop = failure(job);
        assertThat(stop).isPresent();
        assertThat(stop.get().evolve()).isFalse();
        assertThat(stop.get().message())
                .contains("default_catalog.staging.customers")
                .contains("added tier")
                .contains("schema_version " + V2)
                .contains("classify the new columns")
                .contains("sluice run or sluice submit again");
        assertThat(icebergTable("failing").schema().findField("tier")).isNull();
    }

    @Test
    void ignoreKeepsRunningAndValuesThatNoLongerFitGoToDeadLetter() throws Exception {
        String topic = "staging.shop.public.ignoring";
        KAFKA.broker().createTopics(1, topic, DEAD_LETTER);
        PostgresServer postgres = POSTGRES.server();
        postgres.createDatabase("ignoring");
        sql(postgres, "ignoring", "CREATE TABLE customers (id BIGINT PRIMARY KEY, name TEXT)");
        Pipeline pipeline = pipeline("ignoring", topic, "ignore", postgres);
        int lettersBefore = letters().size();
        JobClient job = start(pipeline, evolution());
        try {
            produce(
                    topic,
                    change(1, V1, "name", "Ann"),
                    change(2, V2, "name", "Bo", "tier", "gold"),
                    // a retype: the source's id became text; and a value beyond BIGINT
                    "{\"before\":null,\"after\":{\"id\":\"abc\",\"name\":\"X\"},\"op\":\"c\","
                            + "\"source\":{\"schema_version\":\"0000000000000003\"}}",
                    "{\"before\":null,\"after\":{\"id\":99999999999999999999,\"name\":\"Y\"},"
                            + "\"op\":\"c\",\"source\":{\"schema_version\":\"0000000000000003\"}}",
                    change(5, V2, "name", "Ed", "tier", "gold"));
            AwaitWhileRunning.until(
                    "rows 1, 2 and 5 and two dead letters",
                    job,
                    DEADLINE,
                    () ->
                            icebergRows("ignoring").keySet().equals(java.util.Set.of(1L, 2L, 5L))
                                    && letters().size() >= lettersBefore + 2);
            assertThat(job.getJobStatus().get(30, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
            assertThat(icebergTable("ignoring").schema().findField("tier")).isNull();
            assertThat(icebergRows("ignoring").get(2L)).containsEntry("name", "Bo");
            List<KafkaBroker.Record> letters = letters();
            for (KafkaBroker.Record letter : letters.subList(lettersBefore, letters.size())) {
                JsonNode json = JSON.readTree(letter.value());
                assertThat(json.get("reason").asText()).startsWith("undecodable");
                assertThat(letter.value()).doesNotContain("abc", "99999999999999999999");
            }
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    // --- the pipeline

    private static Pipeline pipeline(
            String name, String topic, String mode, PostgresServer postgres) {
        // the evolve test's score INT is widened to BIGINT by the source
        String score = name.equals("evolve") ? ", score INT" : "";
        String catalog =
                "CREATE DATABASE IF NOT EXISTS staging;\n"
                        + "CREATE TABLE staging.customers (id BIGINT, name STRING"
                        + score
                        + ","
                        + " PRIMARY KEY (id) NOT ENFORCED) WITH ("
                        + " 'connector' = 'kafka', 'topic' = '"
                        + topic
                        + "', 'properties.bootstrap.servers' = '"
                        + KAFKA.broker().bootstrapServers()
                        + "', 'properties.group.id' = 'sluice-pipeline-"
                        + name
                        + "', 'properties.auto.offset.reset' = 'earliest',"
                        + " 'properties.isolation.level' = 'read_committed',"
                        + " 'scan.startup.mode' = 'group-offsets',"
                        + " 'format' = 'sluice-debezium-json',"
                        + " 'sluice-debezium-json.dead-letter.topic' = '"
                        + DEAD_LETTER
                        + "', 'sluice-debezium-json.dead-letter.bootstrap-servers' = '"
                        + KAFKA.broker().bootstrapServers()
                        + "');\n"
                        + "CREATE CATALOG warehouse WITH ('type' = 'iceberg', 'catalog-type' ="
                        + " 'hadoop', 'warehouse' = '"
                        + dir.resolve("warehouse").toUri()
                        + "');\n"
                        + "CREATE DATABASE IF NOT EXISTS warehouse.shop;\n"
                        + "CREATE TABLE IF NOT EXISTS warehouse.shop."
                        + name
                        + " (id BIGINT NOT NULL, name STRING"
                        + score
                        + ", PRIMARY KEY (id) NOT ENFORCED)"
                        + " WITH ('format-version' = '2', 'write.upsert.enabled' = 'true');\n";
        String database = name.equals("evolve") ? "crm" : name;
        String file =
                "-- @owner shop\n"
                        + "-- @description Customers into Iceberg and a CRM\n"
                        + "-- @checkpoint-interval 1 s\n"
                        + "-- @schema-changes "
                        + mode
                        + "\n\n"
                        + "CREATE DATABASE IF NOT EXISTS crm;\n"
                        + "CREATE TABLE crm.customers (id BIGINT, name STRING"
                        + score
                        + ","
                        + " PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'jdbc', 'url' = '"
                        + postgres.jdbcUrl(database)
                        + "', 'table-name' = 'customers', 'username' = '"
                        + postgres.username()
                        + "', 'password' = '"
                        + postgres.password()
                        + "', 'sink.buffer-flush.interval' = '200 ms');\n"
                        + "INSERT INTO warehouse.shop."
                        + name
                        + " SELECT * FROM staging.customers;\n"
                        + "INSERT INTO crm.customers SELECT * FROM staging.customers;\n";
        return PipelineLoader.load(
                List.of(new SourceText("catalog/10_staging.sql", catalog)),
                new SourceText("pipelines/" + name + ".sql", file),
                Variables.empty());
    }

    private static SchemaEvolution evolution() {
        return new SchemaEvolution((t, s, c) -> true, null, "run", Duration.ofSeconds(30));
    }

    private static JobClient start(Pipeline pipeline, SchemaEvolution evolution) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        return PipelineRunner.execute(tables, pipeline, null, evolution)
                .getJobClient()
                .orElseThrow();
    }

    /** Waits for the job to end and returns the schema change that ended it. */
    private static Optional<StagingSchemaChangedException.Found> failure(JobClient job)
            throws Exception {
        try {
            job.getJobExecutionResult().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            return Optional.empty();
        } catch (ExecutionException e) {
            return StagingSchemaChangedException.find(e);
        }
    }

    // --- staging and registry as ingest writes them

    private static StagingSchema schema(
            String topic, String version, String previous, List<String> added, String... names) {
        List<StagingColumn> columns = new ArrayList<>();
        for (String column : names) {
            String[] nameType = column.split(":");
            String type =
                    nameType.length > 1 ? nameType[1] : column.equals("id") ? "BIGINT" : "STRING";
            columns.add(new StagingColumn(nameType[0], type, true, column.equals("id")));
        }
        return new StagingSchema(
                topic,
                version,
                previous,
                columns,
                Instant.now(),
                new SchemaChange(
                        columns.stream().filter(c -> added.contains(c.name())).toList(),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of()));
    }

    private static String change(long id, String version, Object... fields) {
        StringBuilder after = new StringBuilder("{\"id\":").append(id);
        for (int i = 0; i < fields.length; i += 2) {
            Object value = fields[i + 1];
            after.append(",\"")
                    .append(fields[i])
                    .append("\":")
                    .append(value instanceof String ? "\"" + value + "\"" : value);
        }
        return "{\"before\":null,\"after\":"
                + after
                + "},\"op\":\"c\",\"source\":{\"schema_version\":\""
                + version
                + "\"}}";
    }

    private static Properties kafka() {
        Properties props = new Properties();
        props.put("bootstrap.servers", KAFKA.broker().bootstrapServers());
        return props;
    }

    private static void produce(String topic, String... values) {
        Properties props = kafka();
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (String value : values) {
                producer.send(new ProducerRecord<>(topic, value));
            }
            producer.flush();
        }
    }

    private static List<KafkaBroker.Record> letters() {
        return KAFKA.broker().readCommitted(DEAD_LETTER, Duration.ofSeconds(10));
    }

    // --- reading the sinks

    private static Table icebergTable(String name) {
        HadoopCatalog catalog =
                new HadoopCatalog(new Configuration(), dir.resolve("warehouse").toUri().toString());
        return catalog.loadTable(TableIdentifier.of("shop", name));
    }

    private static Map<Long, Map<String, Object>> icebergRows(String name) {
        Map<Long, Map<String, Object>> rows = new TreeMap<>();
        Table table;
        try {
            table = icebergTable(name);
        } catch (RuntimeException e) {
            return rows;
        }
        table.refresh();
        try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
            for (Record record : records) {
                Map<String, Object> row = new TreeMap<>();
                for (Types.NestedField field : table.schema().columns()) {
                    row.put(field.name(), record.getField(field.name()));
                }
                rows.put((Long) record.getField("id"), java.util.Collections.unmodifiableMap(row));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return rows;
    }

    private static Object tier(Map<Long, Map<String, Object>> rows) {
        Map<String, Object> row = rows.get(4L);
        return row == null ? null : row.get("tier");
    }

    private static Map<Long, Map<String, Object>> jdbcRows(PostgresServer postgres) {
        Map<Long, Map<String, Object>> rows = new TreeMap<>();
        try (Connection connection = postgres.connect("crm");
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT * FROM customers")) {
            while (result.next()) {
                Map<String, Object> row = new TreeMap<>();
                for (int i = 1; i <= result.getMetaData().getColumnCount(); i++) {
                    row.put(result.getMetaData().getColumnName(i), result.getObject(i));
                }
                rows.put(result.getLong("id"), row);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    private static void sql(PostgresServer postgres, String statementText) throws Exception {
        sql(postgres, "crm", statementText);
    }

    private static void sql(PostgresServer postgres, String database, String statementText)
            throws Exception {
        try (Connection connection = postgres.connect(database);
                Statement statement = connection.createStatement()) {
            statement.execute(statementText);
        }
    }
}
