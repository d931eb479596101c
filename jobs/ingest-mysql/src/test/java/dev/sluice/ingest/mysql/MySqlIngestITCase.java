package dev.sluice.ingest.mysql;

import static org.apache.flink.table.api.DataTypes.BIGINT;
import static org.apache.flink.table.api.DataTypes.BOOLEAN;
import static org.apache.flink.table.api.DataTypes.BYTES;
import static org.apache.flink.table.api.DataTypes.DATE;
import static org.apache.flink.table.api.DataTypes.DECIMAL;
import static org.apache.flink.table.api.DataTypes.DOUBLE;
import static org.apache.flink.table.api.DataTypes.FIELD;
import static org.apache.flink.table.api.DataTypes.FLOAT;
import static org.apache.flink.table.api.DataTypes.INT;
import static org.apache.flink.table.api.DataTypes.ROW;
import static org.apache.flink.table.api.DataTypes.SMALLINT;
import static org.apache.flink.table.api.DataTypes.STRING;
import static org.apache.flink.table.api.DataTypes.TIME;
import static org.apache.flink.table.api.DataTypes.TIMESTAMP;
import static org.apache.flink.table.api.DataTypes.TIMESTAMP_LTZ;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.harness.AwaitWhileRunning;
import dev.sluice.harness.KafkaBroker;
import dev.sluice.harness.KafkaExtension;
import dev.sluice.harness.MariaDbServer;
import dev.sluice.stagingschemas.StagingColumn;
import dev.sluice.stagingschemas.StagingSchema;
import dev.sluice.stagingschemas.StagingSchemaRegistry;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.restartstrategy.RestartStrategies;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MySQL/MariaDB ingest against a real MariaDB 11.4 with the binlog on, a real Kafka broker and
 * Flink's own {@code debezium-json} decoder: values of many MySQL types survive snapshot and
 * binlog; a value no staging type holds goes to the dead-letter topic without its row's values; no
 * change is lost or written twice across a binlog connection cut and a savepoint restart; and the
 * preflight lists every missing server setting and privilege with the statement that fixes it. One
 * MariaDB and one broker for the class.
 */
class MySqlIngestITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    private static final Duration DEADLINE = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path folder;
    private static MariaDbServer mariaDb;

    private static final String COLUMNS =
            "id, amount, exact, ubig, ratio, score, small, flag, d, t, ts, tstz, y, name, doc, b,"
                    + " e, s";

    /** The staging table as a pipeline would declare it. */
    private static final DataType STAGING_ROW =
            ROW(
                    FIELD("id", BIGINT()),
                    FIELD("amount", DECIMAL(12, 2)),
                    FIELD("exact", DECIMAL(38, 10)),
                    FIELD("ubig", DECIMAL(20, 0)),
                    FIELD("ratio", DOUBLE()),
                    FIELD("score", FLOAT()),
                    FIELD("small", SMALLINT()),
                    FIELD("flag", BOOLEAN()),
                    FIELD("d", DATE()),
                    FIELD("t", TIME(0)),
                    FIELD("ts", TIMESTAMP(6)),
                    FIELD("tstz", TIMESTAMP_LTZ(6)),
                    FIELD("y", INT()),
                    FIELD("name", STRING()),
                    FIELD("doc", STRING()),
                    FIELD("b", BYTES()),
                    FIELD("e", STRING()),
                    FIELD("s", STRING()));

    /** The staging columns of a table both ingest tests create, and their version. */
    static final List<StagingColumn> SAME_SHAPE =
            List.of(
                    new StagingColumn("id", "BIGINT", false, true),
                    new StagingColumn("name", "STRING", true, false),
                    new StagingColumn("amount", "DECIMAL(12, 2)", true, false),
                    new StagingColumn("created_at", "TIMESTAMP_LTZ(6)", true, false),
                    new StagingColumn("visits", "INT", true, false));

    static final String SAME_SHAPE_VERSION = "aed21431ff01f26d";

    @BeforeAll
    static void startMariaDb() throws Exception {
        folder = Files.createTempDirectory("mysql-ingest-it");
        mariaDb = MariaDbServer.start(folder);
    }

    @AfterAll
    static void stopMariaDb() throws Exception {
        if (mariaDb != null) {
            mariaDb.close();
        }
    }

    @TempDir Path savepoints;

    @Test
    void everyTypeSurvivesSnapshotBinlogAndFlinkDebeziumJson() throws Exception {
        mariaDb.createDatabase("types");
        try (Connection connection = mariaDb.connect("types");
                Statement statement = connection.createStatement()) {
            statement.execute("SET time_zone = '+00:00'");
            statement.execute(
                    "CREATE TABLE everything (id BIGINT PRIMARY KEY, amount DECIMAL(12, 2),"
                            + " exact DECIMAL(38, 10), ubig BIGINT UNSIGNED, ratio DOUBLE,"
                            + " score FLOAT, small SMALLINT, flag BIT(1), d DATE, t TIME,"
                            + " ts DATETIME(6), tstz TIMESTAMP(6) NULL, y YEAR,"
                            + " name VARCHAR(100) CHARACTER SET utf8mb4, doc JSON, b VARBINARY(16),"
                            + " e ENUM('red', 'green'), s SET('a', 'b', 'c'))");
            insertRows(statement, 0); // read by the snapshot
            // the shape IngestTypesITCase (ingest-postgres) gives a PostgreSQL table
            statement.execute(
                    "CREATE TABLE same_shape (id BIGINT PRIMARY KEY, name VARCHAR(100),"
                            + " amount DECIMAL(12, 2), created_at TIMESTAMP(6) NULL, visits INT)");
            statement.execute(
                    "INSERT INTO same_shape VALUES (1, 'a', 1.50, '2026-12-06 10:00:00', 3)");
        }
        MySqlIngestConfig config =
                config("types", List.of("everything", "same_shape"), Duration.ofSeconds(1));
        MySqlPreflight.prepare(config);
        JobClient job = start(config, null);
        String topic = config.topicFor("everything");
        assertThat(topic).isEqualTo("staging.types.public.everything");
        try {
            awaitRecords(job, topic, 3);
            try (Connection connection = mariaDb.connect("types");
                    Statement statement = connection.createStatement()) {
                statement.execute("SET time_zone = '+00:00'");
                insertRows(statement, 100); // read from the binlog
                // MySQL's TIME reaches -838:59:59; no SQL TIME holds a negative one
                statement.execute(
                        "INSERT INTO everything (id, t, name) VALUES (200, '-01:00:00',"
                                + " 'secret text')");
                statement.execute("INSERT INTO everything (id, name) VALUES (201, 'after')");
            }
            // the binlog reader has the table's schema once it streams these (Flink CDC reads a
            // table's schema from the database when the stream phase starts: a DDL issued before
            // that but after the rows above would be applied to them, docs/schema-changes.md)
            awaitRecords(job, topic, 7);
            try (Connection connection = mariaDb.connect("types");
                    Statement statement = connection.createStatement()) {
                // a schema change: later changes carry the new column and another version
                statement.execute("ALTER TABLE everything ADD COLUMN extra INT");
                statement.execute("INSERT INTO everything (id, extra) VALUES (202, 7)");
            }
            awaitRecords(job, topic, 8);
            awaitRecords(job, config.deadLetterTopic(), 1);
            awaitRecords(job, config.topicFor("same_shape"), 1);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }

        Map<Long, Row> rows = new HashMap<>();
        List<String> ops = new ArrayList<>();
        Map<Long, String> versions = new TreeMap<>();
        for (KafkaBroker.Record record : KAFKA.broker().readCommitted(topic, DEADLINE)) {
            Row row = decode(record.value());
            rows.put((Long) row.getField("id"), row);
            JsonNode change = JSON.readTree(record.value());
            ops.add(change.get("op").asText());
            versions.put(
                    (Long) row.getField("id"), change.get("source").get("schema_version").asText());
            if (row.getField("id").equals(202L)) {
                assertThat(change.get("after").get("extra").asInt()).isEqualTo(7);
            }
            assertThat(JSON.readTree(record.key()).get("id").asLong())
                    .isEqualTo(row.getField("id"));
        }
        assertThat(ops).containsExactly("r", "r", "r", "c", "c", "c", "c", "c");
        // snapshot and binlog rows of one table schema share a version; the ALTER changes it
        assertThat(versions.values().stream().limit(7).distinct()).hasSize(1);
        assertThat(versions.get(202L)).matches("[0-9a-f]{16}").isNotEqualTo(versions.get(1L));
        for (long offset : new long[] {0, 100}) {
            assertOrdinaryRow(rows.get(1 + offset));
            assertEdgeRow(rows.get(2 + offset));
            assertNullRow(rows.get(3 + offset));
        }
        assertThat(rows).doesNotContainKey(200L).containsKey(201L);

        // the registry: the snapshot's schema, then the ALTER's, in the same transactions
        Properties kafka = new Properties();
        kafka.put("bootstrap.servers", KAFKA.broker().bootstrapServers());
        Map<String, List<StagingSchema>> registry =
                StagingSchemaRegistry.readHistory(kafka, "staging", DEADLINE);
        List<StagingSchema> history = registry.get(topic);
        assertThat(history).hasSize(2);
        assertThat(history.get(0).previous()).isNull();
        assertThat(history.get(0).version()).isEqualTo(versions.get(1L));
        assertThat(history.get(0).column("id"))
                .isEqualTo(new StagingColumn("id", "BIGINT", false, true));
        assertThat(history.get(0).column("amount").type()).isEqualTo("DECIMAL(12, 2)");
        assertThat(history.get(0).column("tstz").type()).isEqualTo("TIMESTAMP_LTZ(6)");
        assertThat(history.get(1).previous()).isEqualTo(versions.get(1L));
        assertThat(history.get(1).version()).isEqualTo(versions.get(202L));
        assertThat(history.get(1).change().added())
                .containsExactly(new StagingColumn("extra", "INT", true, false));
        assertThat(history.get(1).change().dropped()).isEmpty();
        // the same columns as a PostgreSQL table give the same version (IngestTypesITCase)
        StagingSchema same = registry.get(config.topicFor("same_shape")).get(0);
        assertThat(same.columns()).isEqualTo(SAME_SHAPE);
        assertThat(same.version()).isEqualTo(SAME_SHAPE_VERSION);

        List<KafkaBroker.Record> letters =
                KAFKA.broker().readCommitted(config.deadLetterTopic(), DEADLINE);
        assertThat(letters).hasSize(1);
        JsonNode letter = JSON.readTree(letters.get(0).value());
        assertThat(letter.get("outcome").asText()).isEqualTo("not_staged");
        assertThat(letter.get("table").asText()).isEqualTo("types.everything");
        assertThat(letter.get("op").asText()).isEqualTo("c");
        assertThat(letter.get("key").get("id").asLong()).isEqualTo(200);
        assertThat(letter.get("source").has("file")).isTrue();
        assertThat(letter.get("source").has("pos")).isTrue();
        assertThat(letter.get("message").asText())
                .contains("column 't'", "MicroTime", "DateTimeException");
        assertThat(letters.get(0).value()).doesNotContain("secret", "-01:00", "3600000000");
    }

    private static void insertRows(Statement statement, long offset) throws Exception {
        statement.execute(
                "INSERT INTO everything ("
                        + COLUMNS
                        + ") VALUES ("
                        + (1 + offset)
                        + ", 12.34, 1.5, 18446744073709551615, 0.25, 1.5, -32768, b'1',"
                        + " '2024-02-29', '10:15:30', '2024-02-29 13:14:15.123456',"
                        + " '2024-02-29 01:02:03.456789', 2024, 'Zoë 🚀', '{\"k\": [1, 2]}',"
                        + " x'deadbeef', 'green', 'a,c')");
        statement.execute(
                "INSERT INTO everything ("
                        + COLUMNS
                        + ") VALUES ("
                        + (2 + offset)
                        + ", -9999999999.99, -0.0000000001, 0, -1e300, 0, 32767, b'0',"
                        + " '1000-01-01', '00:00:00', '1969-07-20 20:17:40.000001',"
                        + " '1970-01-01 00:00:01', 1901, '', '[]', x'', 'red', '')");
        statement.execute("INSERT INTO everything (id) VALUES (" + (3 + offset) + ")");
    }

    private static void assertOrdinaryRow(Row row) {
        assertThat(row).as("ordinary row").isNotNull();
        assertThat(row.getField("amount")).isEqualTo(new BigDecimal("12.34"));
        assertThat(row.getField("exact")).isEqualTo(new BigDecimal("1.5000000000"));
        assertThat(row.getField("ubig")).isEqualTo(new BigDecimal("18446744073709551615"));
        assertThat(row.getField("ratio")).isEqualTo(0.25);
        assertThat(row.getField("score")).isEqualTo(1.5f);
        assertThat(row.getField("small")).isEqualTo((short) -32768);
        assertThat(row.getField("flag")).isEqualTo(true);
        assertThat(row.getField("d")).isEqualTo(LocalDate.of(2024, 2, 29));
        assertThat(row.getField("t")).isEqualTo(LocalTime.of(10, 15, 30));
        assertThat(row.getField("ts")).isEqualTo(LocalDateTime.parse("2024-02-29T13:14:15.123456"));
        assertThat(row.getField("tstz")).isEqualTo(Instant.parse("2024-02-29T01:02:03.456789Z"));
        assertThat(row.getField("y")).isEqualTo(2024);
        assertThat(row.getField("name")).isEqualTo("Zoë 🚀");
        assertThat(JSON.valueToTree(row.getField("doc")).asText().replace(" ", ""))
                .isEqualTo("{\"k\":[1,2]}");
        assertThat((byte[]) row.getField("b"))
                .containsExactly((byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef);
        assertThat(row.getField("e")).isEqualTo("green");
        assertThat(row.getField("s")).isEqualTo("a,c");
    }

    private static void assertEdgeRow(Row row) {
        assertThat(row).as("edge row").isNotNull();
        assertThat(row.getField("amount")).isEqualTo(new BigDecimal("-9999999999.99"));
        assertThat(row.getField("exact")).isEqualTo(new BigDecimal("-0.0000000001"));
        assertThat(row.getField("ubig")).isEqualTo(new BigDecimal("0"));
        assertThat(row.getField("ratio")).isEqualTo(-1e300);
        assertThat(row.getField("small")).isEqualTo((short) 32767);
        assertThat(row.getField("flag")).isEqualTo(false);
        assertThat(row.getField("d")).isEqualTo(LocalDate.of(1000, 1, 1));
        assertThat(row.getField("t")).isEqualTo(LocalTime.MIDNIGHT);
        assertThat(row.getField("ts")).isEqualTo(LocalDateTime.parse("1969-07-20T20:17:40.000001"));
        assertThat(row.getField("tstz")).isEqualTo(Instant.parse("1970-01-01T00:00:01Z"));
        assertThat(row.getField("y")).isEqualTo(1901);
        assertThat(row.getField("name")).isEqualTo("");
        assertThat(row.getField("doc")).isEqualTo("[]");
        assertThat((byte[]) row.getField("b")).isEmpty();
        assertThat(row.getField("e")).isEqualTo("red");
        assertThat(row.getField("s")).isEqualTo("");
    }

    private static void assertNullRow(Row row) {
        assertThat(row).as("null row").isNotNull();
        for (String column : COLUMNS.split(", ")) {
            if (!column.equals("id")) {
                assertThat(row.getField(column)).as(column).isNull();
            }
        }
    }

    @Test
    void stagingHoldsEveryCommittedChangeOnceAcrossBinlogCutAndSavepointRestart() throws Exception {
        mariaDb.createDatabase("shop");
        try (Connection connection = mariaDb.connect("shop");
                Statement statement = connection.createStatement()) {
            statement.execute(
                    "CREATE TABLE orders (id BIGINT PRIMARY KEY, status VARCHAR(20) NOT NULL,"
                            + " amount DECIMAL(10, 2) NOT NULL)");
        }
        Traffic traffic = new Traffic();
        traffic.seed(60); // inserts only: the snapshot stages one record per row
        MySqlIngestConfig config = config("shop", List.of("orders"), Duration.ofMillis(500));
        MySqlPreflight.prepare(config);
        String topic = config.topicFor("orders");

        JobClient ingest = start(config, null);
        await("snapshot in staging", ingest, () -> stagingMatches(topic, traffic));
        traffic.run(80);
        killBinlogReaders();
        traffic.run(80);
        await("staging after the binlog cut", ingest, () -> stagingMatches(topic, traffic));
        assertThat(ingest.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);

        traffic.run(40);
        String savepoint =
                ingest.stopWithSavepoint(
                                false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                        .get(2, TimeUnit.MINUTES);
        traffic.run(80); // committed while no ingest job runs: the binlog keeps it
        JobClient resumed = start(config, savepoint);
        traffic.run(40);
        await(
                "staging after restart from savepoint",
                resumed,
                () -> stagingMatches(topic, traffic));
        resumed.cancel().get(30, TimeUnit.SECONDS);

        // the registrar's state came back with the source offsets: one registry record still
        Properties kafka = new Properties();
        kafka.put("bootstrap.servers", KAFKA.broker().bootstrapServers());
        assertThat(StagingSchemaRegistry.readHistory(kafka, "staging", DEADLINE).get(topic))
                .hasSize(1);

        List<KafkaBroker.Record> records = KAFKA.broker().readCommitted(topic, DEADLINE);
        Set<String> positions = new HashSet<>();
        Map<Long, JsonNode> replayed = new TreeMap<>();
        for (KafkaBroker.Record record : records) {
            JsonNode change = JSON.readTree(record.value());
            String op = change.get("op").asText();
            JsonNode row = op.equals("d") ? change.get("before") : change.get("after");
            // each statement is a transaction changing one row, and every update changes the
            // amount: a change is identified by its operation and row images
            positions.add(op + "/" + change.get("before") + "/" + change.get("after"));
            if (!op.equals("r")) { // the snapshot has no binlog position
                assertThat(change.get("source").get("file").asText()).startsWith("mariadb-bin.");
            }
            if (op.equals("d")) {
                replayed.remove(row.get("id").asLong());
            } else {
                replayed.put(row.get("id").asLong(), row);
            }
        }
        assertThat(positions).as("distinct changes").hasSize(records.size());
        Map<Long, String> source = new TreeMap<>();
        try (Connection connection = mariaDb.connect("shop");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT id, status, amount FROM orders")) {
            while (rows.next()) {
                source.put(rows.getLong(1), rows.getString(2) + "|" + rows.getBigDecimal(3));
            }
        }
        Map<Long, String> staged = new TreeMap<>();
        replayed.forEach(
                (id, row) ->
                        staged.put(
                                id, row.get("status").asText() + "|" + row.get("amount").asText()));
        assertThat(staged).isEqualTo(source);
    }

    @Test
    void preflightListsEveryMissingSettingWithItsFix() throws Exception {
        mariaDb.createDatabase("pre");
        try (Connection connection = mariaDb.connect("pre");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE keyless (v INT)");
            statement.execute("CREATE VIEW seen AS SELECT v FROM keyless");
            statement.execute("CREATE USER 'weak'@'%' IDENTIFIED BY ''");
            statement.execute("GRANT SELECT ON pre.* TO 'weak'@'%'");
            statement.execute("SET GLOBAL binlog_format = 'STATEMENT'");
            statement.execute("SET GLOBAL binlog_row_image = 'MINIMAL'");
        }
        try {
            Configuration options = options("pre", List.of("keyless", "seen", "missing"), null);
            options.set(MySqlIngestOptions.MYSQL_USERNAME, "weak");
            MySqlIngestConfig config = MySqlIngestConfig.from(options, Map.of());
            assertThatThrownBy(() -> MySqlPreflight.prepare(config))
                    .isInstanceOf(IngestSetupException.class)
                    .hasMessageContaining("binlog_format=STATEMENT")
                    .hasMessageContaining("SET GLOBAL binlog_format = 'ROW';")
                    .hasMessageContaining("binlog_row_image=MINIMAL")
                    .hasMessageContaining("SET GLOBAL binlog_row_image = 'FULL';")
                    .hasMessageContaining(
                            "user 'weak' lacks SHOW DATABASES, REPLICATION SLAVE, REPLICATION"
                                    + " CLIENT")
                    .hasMessageContaining(
                            "GRANT SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO"
                                    + " 'weak'@'%';")
                    .hasMessageContaining("pre.keyless: has no primary key")
                    .hasMessageContaining("ALTER TABLE `pre`.`keyless` ADD PRIMARY KEY")
                    .hasMessageContaining("pre.seen: is a VIEW")
                    .hasMessageContaining("pre.missing: no such table");
        } finally {
            try (Connection connection = mariaDb.connect("pre");
                    Statement statement = connection.createStatement()) {
                statement.execute("SET GLOBAL binlog_format = 'ROW'");
                statement.execute("SET GLOBAL binlog_row_image = 'FULL'");
                statement.execute("DROP USER 'weak'@'%'");
            }
        }
    }

    /** Inserts, updates and deletes orders; remembers how many row changes it committed. */
    private static final class Traffic {
        private long nextId = 1;
        private long changes;
        private final List<Long> live = new ArrayList<>();

        void seed(int rows) throws Exception {
            try (Connection connection = mariaDb.connect("shop");
                    Statement statement = connection.createStatement()) {
                for (int i = 0; i < rows; i++) {
                    long id = nextId++;
                    statement.execute(
                            "INSERT INTO orders VALUES (" + id + ", 'new', " + id + ".25)");
                    live.add(id);
                    changes++;
                }
            }
        }

        void run(int transactions) throws Exception {
            try (Connection connection = mariaDb.connect("shop");
                    Statement statement = connection.createStatement()) {
                for (int i = 0; i < transactions; i++) {
                    long id = nextId++;
                    statement.execute(
                            "INSERT INTO orders VALUES (" + id + ", 'new', " + id + ".25)");
                    live.add(id);
                    changes++;
                    if (id % 3 == 0) {
                        long updated = live.get((int) (id % live.size()));
                        statement.execute(
                                "UPDATE orders SET status = 'paid', amount = amount + 1 WHERE id = "
                                        + updated);
                        changes++;
                    }
                    if (id % 7 == 0) {
                        long deleted = live.remove(0);
                        statement.execute("DELETE FROM orders WHERE id = " + deleted);
                        changes++;
                    }
                }
            }
        }
    }

    private static boolean stagingMatches(String topic, Traffic traffic) {
        return KAFKA.broker().readCommitted(topic, Duration.ofSeconds(10)).size()
                == traffic.changes;
    }

    /** Kills the binlog dump connections of the CDC source, as a network cut would. */
    private static void killBinlogReaders() throws Exception {
        List<Long> ids = new ArrayList<>();
        try (Connection connection = mariaDb.connect("");
                Statement statement = connection.createStatement()) {
            try (ResultSet dumps =
                    statement.executeQuery(
                            "SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND LIKE"
                                    + " 'Binlog Dump%'")) {
                while (dumps.next()) {
                    ids.add(dumps.getLong(1));
                }
            }
            for (long id : ids) {
                statement.execute("KILL CONNECTION " + id);
            }
        }
        assertThat(ids).as("binlog readers killed").isNotEmpty();
    }

    private static JobClient start(MySqlIngestConfig config, String savepoint) throws Exception {
        Configuration configuration = new Configuration();
        if (savepoint != null) {
            configuration.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(configuration);
        env.setRestartStrategy(RestartStrategies.fixedDelayRestart(5, 1000));
        MySqlIngestJob.addTo(env, config);
        return env.executeAsync(MySqlIngestJob.jobName(config));
    }

    private static Configuration options(
            String database, List<String> tables, Duration checkpointInterval) {
        Configuration options = new Configuration();
        options.set(MySqlIngestOptions.MYSQL_HOSTNAME, mariaDb.host());
        options.set(MySqlIngestOptions.MYSQL_PORT, mariaDb.port());
        options.set(MySqlIngestOptions.MYSQL_DATABASE, database);
        options.set(MySqlIngestOptions.MYSQL_USERNAME, mariaDb.username());
        options.set(MySqlIngestOptions.TABLES, tables);
        options.set(MySqlIngestOptions.KAFKA_BOOTSTRAP_SERVERS, KAFKA.broker().bootstrapServers());
        if (checkpointInterval != null) {
            options.set(MySqlIngestOptions.CHECKPOINT_INTERVAL, checkpointInterval);
        }
        return options;
    }

    private static MySqlIngestConfig config(
            String database, List<String> tables, Duration checkpointInterval) {
        return MySqlIngestConfig.from(options(database, tables, checkpointInterval), Map.of());
    }

    private static void await(String what, JobClient job, java.util.function.BooleanSupplier done)
            throws Exception {
        AwaitWhileRunning.until(what, job, DEADLINE, done);
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
                value.getBytes(StandardCharsets.UTF_8),
                new Collector<>() {
                    @Override
                    public void collect(RowData row) {
                        decoded.add(row);
                    }

                    @Override
                    public void close() {}
                });
        assertThat(decoded).as("one row from %s", value).hasSize(1);
        DataStructureConverter<Object, Object> converter =
                DataStructureConverters.getConverter(STAGING_ROW);
        converter.open(MySqlIngestITCase.class.getClassLoader());
        return (Row) converter.toExternal(decoded.get(0));
    }
}
