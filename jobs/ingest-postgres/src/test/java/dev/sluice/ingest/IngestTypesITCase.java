package dev.sluice.ingest;

import static org.apache.flink.table.api.DataTypes.ARRAY;
import static org.apache.flink.table.api.DataTypes.BIGINT;
import static org.apache.flink.table.api.DataTypes.BYTES;
import static org.apache.flink.table.api.DataTypes.DATE;
import static org.apache.flink.table.api.DataTypes.DECIMAL;
import static org.apache.flink.table.api.DataTypes.DOUBLE;
import static org.apache.flink.table.api.DataTypes.FIELD;
import static org.apache.flink.table.api.DataTypes.INT;
import static org.apache.flink.table.api.DataTypes.ROW;
import static org.apache.flink.table.api.DataTypes.STRING;
import static org.apache.flink.table.api.DataTypes.TIME;
import static org.apache.flink.table.api.DataTypes.TIMESTAMP;
import static org.apache.flink.table.api.DataTypes.TIMESTAMP_LTZ;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.harness.AwaitWhileRunning;
import dev.sluice.harness.KafkaBroker;
import dev.sluice.harness.KafkaExtension;
import dev.sluice.harness.PostgresExtension;
import dev.sluice.harness.PostgresServer;
import dev.sluice.stagingschemas.SchemaChange;
import dev.sluice.stagingschemas.StagingColumn;
import dev.sluice.stagingschemas.StagingSchema;
import dev.sluice.stagingschemas.StagingSchemaRegistry;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.formats.common.TimestampFormat;
import org.apache.flink.formats.json.debezium.DebeziumJsonDeserializationSchema;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.conversion.DataStructureConverter;
import org.apache.flink.table.data.conversion.DataStructureConverters;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Values of many PostgreSQL types survive the whole way: real table, real CDC source (snapshot and
 * stream), the staging topic, and Flink's own {@code debezium-json} decoder into the Flink types a
 * staging table declares. Numeric NaN and ±Infinity never stop the job: they arrive as null and the
 * dead-letter topic names key, column and special value, never the row's values.
 */
class IngestTypesITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    private static final Duration DEADLINE = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String COLUMNS =
            "id, amount, exact, big, nums, ratio, t, ttz, d, ts, tstz, ints, tags, doc,"
                    + " docb, u, b, iv, note";

    /** The staging table as a pipeline would declare it (see sql/catalog/10_staging.sql). */
    private static final DataType STAGING_ROW =
            ROW(
                    FIELD("id", BIGINT()),
                    FIELD("amount", DECIMAL(12, 2)),
                    FIELD("exact", DECIMAL(38, 10)),
                    FIELD("big", STRING()),
                    FIELD("nums", ARRAY(DECIMAL(10, 2))),
                    FIELD("ratio", DOUBLE()),
                    FIELD("t", TIME(0)),
                    FIELD("ttz", STRING()),
                    FIELD("d", DATE()),
                    FIELD("ts", TIMESTAMP(6)),
                    FIELD("tstz", TIMESTAMP_LTZ(6)),
                    FIELD("ints", ARRAY(INT())),
                    FIELD("tags", ARRAY(STRING())),
                    FIELD("doc", STRING()),
                    FIELD("docb", STRING()),
                    FIELD("u", STRING()),
                    FIELD("b", BYTES()),
                    FIELD("iv", STRING()),
                    FIELD("note", STRING()));

    @Test
    void everyTypeSurvivesIngestAndFlinkDebeziumJson() throws Exception {
        PostgresServer postgres = POSTGRES.server();
        postgres.createDatabase("types");
        try (Connection connection = postgres.connect("types");
                Statement statement = connection.createStatement()) {
            statement.execute(
                    "CREATE TABLE everything (id bigint PRIMARY KEY, amount numeric(12, 2),"
                            + " exact numeric(38, 10), big numeric, nums numeric(10, 2)[],"
                            + " ratio float8, t time, ttz timetz, d date,"
                            + " ts timestamp(6), tstz timestamptz, ints int[], tags text[],"
                            + " doc json, docb jsonb, u uuid, b bytea, iv interval, note text)");
            statement.execute("ALTER TABLE everything REPLICA IDENTITY FULL");
            insertRows(statement, 0, "Infinity", "-Infinity"); // read by the snapshot
        }
        IngestConfig config = config(postgres);
        IngestPreflight.prepare(config);
        // every log line of the run (this JVM runs the mini cluster): no row value may show
        List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        org.apache.logging.log4j.core.LoggerContext logs =
                (org.apache.logging.log4j.core.LoggerContext)
                        org.apache.logging.log4j.LogManager.getContext(false);
        org.apache.logging.log4j.core.appender.AbstractAppender collecting =
                new org.apache.logging.log4j.core.appender.AbstractAppender(
                        "types-collecting",
                        null,
                        null,
                        true,
                        org.apache.logging.log4j.core.config.Property.EMPTY_ARRAY) {
                    @Override
                    public void append(org.apache.logging.log4j.core.LogEvent event) {
                        logged.add(
                                event.getLoggerName()
                                        + " "
                                        + event.getMessage().getFormattedMessage()
                                        + (event.getThrown() == null
                                                ? ""
                                                : " " + event.getThrown()));
                    }
                };
        collecting.start();
        logs.getConfiguration().getRootLogger().addAppender(collecting, null, null);
        logs.updateLoggers();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        IngestJob.addTo(env, config);
        JobClient job = env.executeAsync("types ingest");
        String topic = config.topicFor("public", "everything");
        try {
            awaitRecords(job, topic, 3);
            try (Connection connection = postgres.connect("types");
                    Statement statement = connection.createStatement()) {
                // read from the replication stream; Debezium 1.9.8's pgoutput decoder threw on
                // numeric ±Infinity and stopped the job (Sluice replaces its PgOutputColumnValue)
                insertRows(statement, 100, "Infinity", "-Infinity");
            }
            awaitRecords(job, topic, 6);
            awaitRecords(job, config.deadLetterTopic(), 2);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
            logs.getConfiguration().getRootLogger().removeAppender(collecting.getName());
            logs.updateLoggers();
        }
        // Debezium's TableSchemaBuilder logs the whole row at ERROR when the snapshot's numeric[]
        // holding NaN fails to convert; DebeziumRowLogGuard keeps table, column and type only
        assertThat(String.join("\n", logged))
                .doesNotContain("secret text", "deadbeef", "98765.4321");
        assertThat(logged)
                .anySatisfy(
                        line ->
                                assertThat(line)
                                        .contains("Debezium could not convert a value of")
                                        .contains("everything"));

        Map<Long, Row> rows = new HashMap<>();
        for (KafkaBroker.Record record : KAFKA.broker().readCommitted(topic, DEADLINE)) {
            Row row = decode(record.value());
            rows.put((Long) row.getField("id"), row);
        }
        for (long offset : new long[] {0, 100}) {
            assertOrdinaryRow(rows.get(1 + offset));
            assertEdgeRow(rows.get(2 + offset));
            assertNullsAndPrecisionRow(rows.get(3 + offset));
        }

        List<KafkaBroker.Record> letters =
                KAFKA.broker().readCommitted(config.deadLetterTopic(), DEADLINE);
        // only the stream reports its substitutions: the snapshot reader (Flink CDC over JDBC)
        // already hands numeric NaN and Infinity over as null
        assertThat(letters).hasSize(2);
        for (KafkaBroker.Record letter : letters) {
            JsonNode json = JSON.readTree(letter.value());
            assertThat(json.get("outcome").asText()).isEqualTo("staged_with_nulls");
            assertThat(json.get("table").asText()).isEqualTo("public.everything");
            assertThat(json.get("source").has("lsn")).isTrue();
            // the key is pseudonymized with the secret, never the raw id
            assertThat(json.get("key_shown").asText()).isEqualTo("pseudonymized");
            String shownId = json.get("key").get("id").asText();
            long id =
                    shownId.equals(pseudonym(102))
                            ? 102
                            : shownId.equals(pseudonym(103)) ? 103 : -1;
            List<String> substituted = new ArrayList<>();
            json.get("substitutions")
                    .forEach(
                            s ->
                                    substituted.add(
                                            s.get("column").asText()
                                                    + "="
                                                    + s.get("special_value").asText()));
            assertThat(json.get("op").asText()).isEqualTo("c");
            if (id == 102) {
                assertThat(substituted).containsExactly("after.amount=NaN", "after.big=Infinity");
            } else {
                assertThat(id).isEqualTo(103);
                assertThat(substituted).containsExactly("after.big=-Infinity");
            }
            // no column values: not the text, the dates, the json, nor the decimals
            assertThat(letter.value())
                    .doesNotContain("secret", "2024-02-29", "1969-07-20", "12.34", "1234567890");
        }
    }

    private static void insertRows(Statement statement, long offset, String big2, String big3)
            throws Exception {
        statement.execute(
                "INSERT INTO everything ("
                        + COLUMNS
                        + ") VALUES ("
                        + (1 + offset)
                        + ", 12.34, 1.5, 98765.4321, '{1.50, -2}', 0.25,"
                        + " '10:15:30.5', '10:15:30+02', '2024-02-29',"
                        + " '2024-02-29 13:14:15.123456', '2024-02-29 01:02:03.456789+02',"
                        + " '{1, NULL, 3}', '{\"a b\", \"\"}', '{\"k\": [1, 2]}',"
                        + " '{\"k\": [1, 2]}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',"
                        + " '\\xdeadbeef', '1 year 2 mons 3 days 04:05:06.78', 'secret text')");
        statement.execute(
                "INSERT INTO everything ("
                        + COLUMNS
                        + ") VALUES ("
                        + (2 + offset)
                        + ", 'NaN', -0.0000000001, '"
                        + big2
                        + "', '{NaN, 1.5}', 'NaN',"
                        + " '24:00:00', '00:00:00-01', '0001-01-01',"
                        + " '1969-07-20 20:17:40.000001', '1970-01-01 00:00:00+00',"
                        + " '{}', '{}', '[]', '{}', '00000000-0000-0000-0000-000000000000',"
                        + " '\\x', '-1 day -00:00:01.5', 'NaN')");
        statement.execute(
                "INSERT INTO everything (id, exact, big) VALUES ("
                        + (3 + offset)
                        + ", 1234567890123456789012345678.0123456789, '"
                        + big3
                        + "')");
    }

    private static void assertOrdinaryRow(Row row) {
        assertThat(row).as("ordinary row").isNotNull();
        assertThat(row.getField("amount")).isEqualTo(new BigDecimal("12.34"));
        assertThat(row.getField("exact")).isEqualTo(new BigDecimal("1.5000000000"));
        assertThat(row.getField("big")).isEqualTo("98765.4321");
        assertThat((BigDecimal[]) row.getField("nums"))
                .containsExactly(new BigDecimal("1.50"), new BigDecimal("-2.00"));
        assertThat(row.getField("ratio")).isEqualTo(0.25);
        // Flink's JSON format reads TIME to the second
        assertThat(row.getField("t")).isEqualTo(LocalTime.of(10, 15, 30));
        assertThat(row.getField("ttz")).isEqualTo("08:15:30Z");
        assertThat(row.getField("d")).isEqualTo(LocalDate.of(2024, 2, 29));
        assertThat(row.getField("ts")).isEqualTo(LocalDateTime.parse("2024-02-29T13:14:15.123456"));
        assertThat(row.getField("tstz")).isEqualTo(Instant.parse("2024-02-28T23:02:03.456789Z"));
        assertThat((Integer[]) row.getField("ints")).containsExactly(1, null, 3);
        assertThat((String[]) row.getField("tags")).containsExactly("a b", "");
        assertThat(row.getField("doc")).isEqualTo("{\"k\": [1, 2]}");
        assertThat(row.getField("docb")).isEqualTo("{\"k\": [1, 2]}");
        assertThat(row.getField("u")).isEqualTo("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
        assertThat((byte[]) row.getField("b"))
                .containsExactly((byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef);
        assertThat(row.getField("iv")).isEqualTo("P1Y2M3DT4H5M6.78S");
        assertThat(row.getField("note")).isEqualTo("secret text");
    }

    private static void assertEdgeRow(Row row) {
        assertThat(row).as("edge row").isNotNull();
        assertThat(row.getField("amount")).as("numeric NaN").isNull();
        assertThat(row.getField("exact")).isEqualTo(new BigDecimal("-0.0000000001"));
        assertThat(row.getField("big")).as("numeric Infinity or NaN").isNull();
        // Debezium turns a numeric[] holding NaN into null as a whole, before the encoder
        assertThat(row.getField("nums")).isNull();
        assertThat((Double) row.getField("ratio")).isNaN();
        // the stream stages '24:00:00', the snapshot reader '00:00:00'; Flink's TIME has no
        // 24:00 and reads both as midnight
        assertThat(row.getField("t")).as("time 24:00:00").isEqualTo(LocalTime.MIDNIGHT);
        assertThat(row.getField("ttz")).isEqualTo("01:00:00Z");
        assertThat(row.getField("d")).isEqualTo(LocalDate.of(1, 1, 1));
        assertThat(row.getField("ts")).isEqualTo(LocalDateTime.parse("1969-07-20T20:17:40.000001"));
        assertThat(row.getField("tstz")).isEqualTo(Instant.EPOCH);
        assertThat((Integer[]) row.getField("ints")).isEmpty();
        assertThat((String[]) row.getField("tags")).isEmpty();
        assertThat(row.getField("doc")).isEqualTo("[]");
        assertThat(row.getField("docb")).isEqualTo("{}");
        assertThat(row.getField("u")).isEqualTo("00000000-0000-0000-0000-000000000000");
        assertThat((byte[]) row.getField("b")).isEmpty();
        assertThat(row.getField("iv")).isEqualTo("P0Y0M-1DT0H0M-1.5S");
        assertThat(row.getField("note")).as("text 'NaN' is just text").isEqualTo("NaN");
    }

    private static void assertNullsAndPrecisionRow(Row row) {
        assertThat(row).as("row of nulls").isNotNull();
        assertThat(row.getField("exact"))
                .isEqualTo(new BigDecimal("1234567890123456789012345678.0123456789"));
        for (String column : COLUMNS.split(",\\s*")) {
            if (!List.of("id", "exact").contains(column)) {
                assertThat(row.getField(column)).as(column).isNull();
            }
        }
    }

    /** The staging columns of a table both ingest tests create (MySqlIngestITCase too). */
    static final List<StagingColumn> SAME_SHAPE =
            List.of(
                    new StagingColumn("id", "BIGINT", false, true),
                    new StagingColumn("name", "STRING", true, false),
                    new StagingColumn("amount", "DECIMAL(12, 2)", true, false),
                    new StagingColumn("created_at", "TIMESTAMP_LTZ(6)", true, false),
                    new StagingColumn("visits", "INT", true, false));

    /** Their version: the same literal MySqlIngestITCase checks for its MariaDB table. */
    static final String SAME_SHAPE_VERSION = "aed21431ff01f26d";

    @Test
    void alterTableWhileStreamingChangesTheVersionAndTheRegistrySaysWhatChanged() throws Exception {
        PostgresServer postgres = POSTGRES.server();
        postgres.createDatabase("altered");
        try (Connection connection = postgres.connect("altered");
                Statement statement = connection.createStatement()) {
            statement.execute(
                    "CREATE TABLE customers (id bigint PRIMARY KEY, name text,"
                            + " amount numeric(12, 2), created_at timestamptz, visits int)");
            statement.execute("ALTER TABLE customers REPLICA IDENTITY FULL");
            statement.execute(
                    "INSERT INTO customers VALUES (1, 'a', 1.50, '2026-12-06 10:00:00+00', 3)");
        }
        IngestConfig config = config(postgres, "altered", "public.customers", "altered_slot");
        IngestPreflight.prepare(config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        IngestJob.addTo(env, config);
        JobClient job = env.executeAsync("altered ingest");
        String topic = config.topicFor("public", "customers");
        try {
            awaitRecords(job, topic, 1);
            try (Connection connection = postgres.connect("altered");
                    Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO customers (id, name) VALUES (2, 'streamed')");
                statement.execute("ALTER TABLE customers ADD COLUMN loyalty_tier text");
                statement.execute(
                        "INSERT INTO customers (id, name, loyalty_tier) VALUES (3, 'c', 'gold')");
                statement.execute("ALTER TABLE customers DROP COLUMN visits");
                statement.execute("INSERT INTO customers (id, name) VALUES (4, 'd')");
                statement.execute("ALTER TABLE customers ALTER COLUMN amount TYPE numeric(14, 2)");
                statement.execute("INSERT INTO customers (id, amount) VALUES (5, 123456789012.34)");
            }
            awaitRecords(job, topic, 5);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }

        Map<Long, String> versions = new HashMap<>();
        for (KafkaBroker.Record record : KAFKA.broker().readCommitted(topic, DEADLINE)) {
            JsonNode change = JSON.readTree(record.value());
            versions.put(
                    change.get("after").get("id").asLong(),
                    change.get("source").get("schema_version").asText());
        }
        // the same columns as the MariaDB table of MySqlIngestITCase: the same version
        assertThat(versions.get(1L)).isEqualTo(SAME_SHAPE_VERSION);
        assertThat(versions.get(2L)).isEqualTo(SAME_SHAPE_VERSION);
        assertThat(List.of(versions.get(3L), versions.get(4L), versions.get(5L)))
                .doesNotHaveDuplicates()
                .doesNotContain(SAME_SHAPE_VERSION);

        Properties kafka = new Properties();
        kafka.put("bootstrap.servers", KAFKA.broker().bootstrapServers());
        List<StagingSchema> history =
                StagingSchemaRegistry.readHistory(kafka, "staging", DEADLINE).get(topic);
        assertThat(history)
                .extracting(StagingSchema::version)
                .containsExactly(
                        SAME_SHAPE_VERSION, versions.get(3L), versions.get(4L), versions.get(5L));
        assertThat(history.get(0).columns()).isEqualTo(SAME_SHAPE);
        assertThat(history.get(0).previous()).isNull();
        for (int i = 1; i < history.size(); i++) {
            assertThat(history.get(i).previous()).isEqualTo(history.get(i - 1).version());
        }
        assertThat(history.get(1).change().added())
                .containsExactly(new StagingColumn("loyalty_tier", "STRING", true, false));
        assertThat(history.get(1).change().dropped()).isEmpty();
        assertThat(history.get(2).change().dropped())
                .containsExactly(new StagingColumn("visits", "INT", true, false));
        assertThat(history.get(2).change().added()).isEmpty();
        assertThat(history.get(3).change().widened())
                .containsExactly(
                        new SchemaChange.TypeChange("amount", "DECIMAL(12, 2)", "DECIMAL(14, 2)"));
        assertThat(StagingSchemaRegistry.read(kafka, "staging", DEADLINE).get(topic))
                .isEqualTo(history.get(3));
    }

    private static IngestConfig config(PostgresServer postgres) {
        return config(postgres, "types", "public.everything", "types_slot");
    }

    private static IngestConfig config(
            PostgresServer postgres, String database, String table, String slot) {
        org.apache.flink.configuration.Configuration options =
                new org.apache.flink.configuration.Configuration();
        options.set(IngestOptions.POSTGRES_HOSTNAME, postgres.host());
        options.set(IngestOptions.POSTGRES_PORT, postgres.port());
        options.set(IngestOptions.POSTGRES_DATABASE, database);
        options.set(IngestOptions.POSTGRES_USERNAME, postgres.username());
        options.set(IngestOptions.TABLES, List.of(table));
        options.set(IngestOptions.SLOT_NAME, slot);
        options.set(IngestOptions.KAFKA_BOOTSTRAP_SERVERS, KAFKA.broker().bootstrapServers());
        options.set(IngestOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(500));
        return IngestConfig.from(
                options,
                Map.of(
                        IngestOptions.POSTGRES_PASSWORD_ENV.defaultValue(),
                        postgres.password(),
                        IngestOptions.DEAD_LETTER_KEY_SECRET_ENV.defaultValue(),
                        DEAD_LETTER_SECRET));
    }

    private static final String DEAD_LETTER_SECRET = "types-dead-letter-secret";

    private static String pseudonym(long id) {
        return DeadLetterKeys.pseudonym(
                DEAD_LETTER_SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "public.everything",
                "id",
                org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.LongNode
                        .valueOf(id));
    }

    private static void awaitRecords(JobClient job, String topic, int count) throws Exception {
        AwaitWhileRunning.until(
                count + " committed records in " + topic,
                job,
                DEADLINE,
                () -> KAFKA.broker().readCommitted(topic, Duration.ofSeconds(10)).size() >= count);
    }

    /** Decodes one staging value with Flink's debezium-json format, as a staging table does. */
    private static Row decode(String value) throws Exception {
        RowType rowType = (RowType) STAGING_ROW.getLogicalType();
        DebeziumJsonDeserializationSchema format =
                new DebeziumJsonDeserializationSchema(
                        STAGING_ROW,
                        List.of(),
                        InternalTypeInfo.of(rowType),
                        false,
                        false,
                        TimestampFormat.ISO_8601);
        format.open(null);
        List<RowData> decoded = new ArrayList<>();
        format.deserialize(
                value.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                new Collector<>() {
                    @Override
                    public void collect(RowData row) {
                        decoded.add(row);
                    }

                    @Override
                    public void close() {}
                });
        assertThat(decoded).as("one insert row from %s", value).hasSize(1);
        DataStructureConverter<Object, Object> converter =
                DataStructureConverters.getConverter(STAGING_ROW);
        converter.open(IngestTypesITCase.class.getClassLoader());
        return (Row) converter.toExternal(decoded.get(0));
    }
}
