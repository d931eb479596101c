package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.harness.Await;
import dev.sluice.harness.KafkaExtension;
import dev.sluice.harness.PostgresExtension;
import dev.sluice.harness.PostgresServer;
import dev.sluice.testing.SluiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source {@code ALTER TABLE … ADD COLUMN} the whole real way: PostgreSQL → {@code sluice ingest}
 * (staging topic and schema registry) → {@code sluice run} of a pipeline in mode {@code evolve}
 * with a JDBC sink. While rows are written, the source gains {@code tier} (reviewed: {@code []})
 * and {@code secret_note} (not classified). The job stops on the change, {@code sluice run} replans
 * and restarts by itself, the sink gains {@code tier} only, and every source row is in the sink
 * with its tier.
 */
class SchemaChangeEndToEndITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    private static final Pattern INGEST_STARTED =
            Pattern.compile("Ingest job ([0-9a-f]{32}) running; Flink web UI: (\\S+)");
    private static final Pattern RUN_STARTED =
            Pattern.compile("running as job ([0-9a-f]{32})\\s+Web UI: (\\S+)");
    private static final String TOPIC = "staging.shop.public.customers";
    private static final Duration DEADLINE = Duration.ofMinutes(3);

    @TempDir Path dir;

    @Test
    void addColumnWhileStreamingIsPropagatedByTheReplanOfSluiceRun() throws Exception {
        PostgresServer postgres = POSTGRES.server();
        postgres.createDatabase("shop");
        postgres.createDatabase("crm");
        execute("shop", "CREATE TABLE customers (id bigint PRIMARY KEY, name text)");
        execute("shop", "ALTER TABLE customers REPLICA IDENTITY FULL");
        execute("shop", "INSERT INTO customers SELECT i, 'c' || i FROM generate_series(1, 5) i");
        execute("crm", "CREATE TABLE customers (id bigint PRIMARY KEY, name text)");
        Path catalog = Files.createDirectories(dir.resolve("catalog"));
        Files.writeString(
                catalog.resolve("10_staging.sql"),
                "CREATE DATABASE IF NOT EXISTS staging;\n"
                        + "CREATE TABLE staging.customers (id BIGINT, name STRING,"
                        + " PRIMARY KEY (id) NOT ENFORCED) WITH ("
                        + " 'connector' = 'kafka', 'topic' = '"
                        + TOPIC
                        + "', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',"
                        + " 'properties.isolation.level' = 'read_committed',"
                        + " 'scan.startup.mode' = 'earliest-offset',"
                        + " 'format' = 'sluice-debezium-json',"
                        + " 'sluice-debezium-json.timestamp-format.standard' = 'ISO-8601',"
                        + " 'sluice-debezium-json.dead-letter.topic' = 'pipelines.dead-letter',"
                        + " 'sluice-debezium-json.dead-letter.bootstrap-servers' ="
                        + " '${KAFKA_BOOTSTRAP_SERVERS}');\n");
        Path policy = Files.createDirectories(dir.resolve("policy"));
        Files.writeString(
                policy.resolve("10_shop.yaml"),
                "version: 1\n"
                        + "kafka_clusters:\n"
                        + "  platform: ['${KAFKA_BOOTSTRAP_SERVERS}']\n"
                        + "sources:\n"
                        + "  - kafka: {cluster: platform, topic: 'staging.shop.public.*'}\n"
                        + "    dataset: shop.*\n"
                        + "    region: eu-west-1\n"
                        + "sinks:\n"
                        + "  - jdbc: {database: crm, table: public.customers}\n"
                        + "    dataset: crm.customers\n"
                        + "    zone: analytics\n"
                        + "    region: eu-west-1\n"
                        + "classifications:\n"
                        + "  shop.customers.tier: []\n"
                        + "teams:\n"
                        + "  shop:\n"
                        + "    reads: [shop.*]\n"
                        + "    zone: analytics\n");
        Path file = dir.resolve("customers_to_crm.sql");
        Files.writeString(
                file,
                "-- @owner shop\n"
                        + "-- @description Customers mirrored into the CRM\n"
                        + "-- @checkpoint-interval 500 ms\n"
                        + "-- @schema-changes evolve\n\n"
                        + "CREATE DATABASE IF NOT EXISTS crm;\n"
                        + "CREATE TABLE crm.customers (id BIGINT, name STRING,"
                        + " PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'jdbc', 'url' = '"
                        + postgres.jdbcUrl("crm")
                        + "', 'table-name' = 'customers', 'username' = '"
                        + postgres.username()
                        + "', 'password' = '"
                        + postgres.password()
                        + "', 'sink.buffer-flush.interval' = '200 ms');\n"
                        + "INSERT INTO crm.customers SELECT * FROM staging.customers;\n");
        Path audit = dir.resolve("audit.jsonl");

        Path ingestOut = dir.resolve("ingest.out");
        Path runOut = dir.resolve("run.out");
        Process ingest = startIngest(ingestOut);
        Process run = null;
        boolean passed = false;
        try {
            SluiceProcess.awaitCheckpoint(ingestOut, INGEST_STARTED);
            Await.until(
                    "5 records in " + TOPIC,
                    DEADLINE,
                    () -> KAFKA.broker().readCommitted(TOPIC, Duration.ofSeconds(10)).size() >= 5);
            run =
                    SluiceProcess.start(
                            "768m",
                            runOut,
                            dir.resolve("run.log"),
                            List.of(
                                    "run",
                                    file.toString(),
                                    "--catalog",
                                    catalog.toString(),
                                    "--policy",
                                    policy.toString(),
                                    "--audit-log",
                                    audit.toString(),
                                    "--staging-kafka",
                                    KAFKA.broker().bootstrapServers(),
                                    "--var",
                                    "KAFKA_BOOTSTRAP_SERVERS=" + KAFKA.broker().bootstrapServers(),
                                    "--work-dir",
                                    dir.resolve("run-work").toString()));
            SluiceProcess.awaitCheckpoint(runOut, RUN_STARTED);
            Await.until(
                    "rows 1 to 5 in the sink",
                    DEADLINE,
                    SQLException.class,
                    () -> sinkCount() >= 5);

            // traffic: new rows and updates of earlier ones, with tier and secret_note once the
            // source has them
            CountDownLatch altered = new CountDownLatch(1);
            AtomicLong written = new AtomicLong(5);
            CompletableFuture<Void> traffic =
                    CompletableFuture.runAsync(
                            () -> {
                                try (Connection c = POSTGRES.server().connect("shop")) {
                                    writeTraffic(c, altered, written);
                                } catch (SQLException e) {
                                    throw new IllegalStateException(e);
                                }
                            });
            Await.until("traffic before the ALTER", DEADLINE, () -> written.get() >= 10);
            execute(
                    "shop",
                    "ALTER TABLE customers ADD COLUMN tier text, ADD COLUMN secret_note text");
            altered.countDown();
            traffic.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            long idsWrittenBeforeAlter = countWhere("tier IS NULL");

            Await.until(
                    "sluice run to replan and restart",
                    DEADLINE,
                    () -> {
                        Matcher m = RUN_STARTED.matcher(Files.readString(runOut));
                        return m.find() && m.find();
                    });
            Map<Long, List<String>> source = rows("shop");
            Await.until(
                    "every source row with its tier in the sink",
                    DEADLINE,
                    SQLException.class,
                    () -> rows("crm").equals(source));
            String output = Files.readString(runOut);
            assertThat(output)
                    .as(output)
                    .contains("Schema change: ")
                    .contains("Replanning and restarting from the offsets the job committed");
            assertThat(sinkColumns()).containsExactly("id", "name", "tier");
            Map<Long, List<String>> sink = rows("crm");
            assertThat(sink.keySet()).isEqualTo(source.keySet());
            assertThat(sink).isEqualTo(source);
            assertThat(sink.get(1L)).containsExactly("c1", null);
            assertThat(idsWrittenBeforeAlter).isPositive();
            assertThat(sink.values().stream().filter(r -> r.get(1) != null).count())
                    .as("rows written after the ALTER carry tier")
                    .isEqualTo(source.size() - idsWrittenBeforeAlter)
                    .isGreaterThanOrEqualTo(20);

            List<String> changes =
                    Files.readAllLines(audit).stream()
                            .filter(l -> l.contains("\"kind\":\"schema-change\""))
                            .toList();
            assertThat(changes)
                    .as("the registry change and the pipeline's decision")
                    .anySatisfy(
                            l ->
                                    assertThat(l)
                                            .contains(TOPIC)
                                            .contains("\"column\":\"tier\"")
                                            .contains("\"column\":\"secret_note\""))
                    .anySatisfy(
                            l ->
                                    assertThat(l)
                                            .contains("customers_to_crm")
                                            .contains("\"propagated\":[\"tier\"]")
                                            .contains("\"heldBack\":[\"secret_note\"]"));

            run.destroy(); // SIGTERM, handled like Ctrl-C
            assertThat(run.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(run.exitValue()).as(Files.readString(runOut)).isZero();
            assertThat(Files.readString(runOut)).contains("Stopped with savepoint");
            passed = true;
        } finally {
            if (run != null) {
                run.destroyForcibly();
            }
            ingest.destroy();
            ingest.waitFor(120, TimeUnit.SECONDS);
            ingest.destroyForcibly();
            if (!passed) {
                // what the commands said, for the failure report
                for (Path out : List.of(ingestOut, runOut, dir.resolve("run.log"))) {
                    if (Files.exists(out)) {
                        String text = Files.readString(out);
                        System.out.println(
                                "--- "
                                        + out
                                        + "\n"
                                        + text.substring(Math.max(0, text.length() - 20_000)));
                    }
                }
            }
        }
    }

    /**
     * Inserts rows and updates earlier ones until the ALTER (at most 200 rows, then it waits for
     * the ALTER), then 20 more rows and 5 updates with tier and secret_note.
     */
    private static void writeTraffic(Connection c, CountDownLatch altered, AtomicLong written)
            throws SQLException {
        long id = written.get();
        while (altered.getCount() > 0 && id < 200) {
            id++;
            try (PreparedStatement insert =
                            c.prepareStatement("INSERT INTO customers VALUES (?, ?)");
                    PreparedStatement update =
                            c.prepareStatement(
                                    "UPDATE customers SET name = name || '+' WHERE id = ?")) {
                insert.setLong(1, id);
                insert.setString(2, "c" + id);
                insert.executeUpdate();
                update.setLong(1, id / 2);
                update.executeUpdate();
            }
            written.set(id);
        }
        try {
            if (!altered.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("The test never altered the table");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        for (int i = 0; i < 20; i++) {
            id++;
            try (PreparedStatement insert =
                            c.prepareStatement(
                                    "INSERT INTO customers (id, name, tier, secret_note)"
                                            + " VALUES (?, ?, ?, ?)");
                    PreparedStatement update =
                            c.prepareStatement(
                                    "UPDATE customers SET tier = 'updated', secret_note = 's'"
                                            + " WHERE id = ?")) {
                insert.setLong(1, id);
                insert.setString(2, "c" + id);
                insert.setString(3, i % 2 == 0 ? "gold" : "silver");
                insert.setString(4, "secret " + id);
                insert.executeUpdate();
                if (i < 5) {
                    update.setLong(1, id - 1);
                    update.executeUpdate();
                }
            }
            written.set(id);
        }
    }

    private Process startIngest(Path output) throws Exception {
        PostgresServer postgres = POSTGRES.server();
        return SluiceProcess.start(
                "768m",
                output,
                dir.resolve("ingest.log"),
                List.of(
                        "ingest",
                        "--work-dir",
                        dir.resolve("ingest-work").toString(),
                        "--set",
                        "postgres.hostname=" + postgres.host(),
                        "--set",
                        "postgres.port=" + postgres.port(),
                        "--set",
                        "postgres.username=" + postgres.username(),
                        "--set",
                        "postgres.database=shop",
                        "--set",
                        "tables=public.customers",
                        "--set",
                        "slot.name=e2e_slot",
                        "--set",
                        "checkpoint.interval=500 ms",
                        "--set",
                        "kafka.bootstrap-servers=" + KAFKA.broker().bootstrapServers()));
    }

    /** id → [name, tier] of the customers table in {@code database}. */
    private static Map<Long, List<String>> rows(String database) throws SQLException {
        Map<Long, List<String>> rows = new TreeMap<>();
        try (Connection c = POSTGRES.server().connect(database);
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT * FROM customers")) {
            boolean hasTier = r.getMetaData().getColumnCount() >= 3;
            while (r.next()) {
                List<String> row = new ArrayList<>();
                row.add(r.getString("name"));
                row.add(hasTier ? r.getString("tier") : null);
                rows.put(r.getLong("id"), row);
            }
        }
        return rows;
    }

    private static long sinkCount() throws SQLException {
        return rows("crm").size();
    }

    private static long countWhere(String condition) throws SQLException {
        try (Connection c = POSTGRES.server().connect("shop");
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT count(*) FROM customers WHERE " + condition)) {
            r.next();
            return r.getLong(1);
        }
    }

    private static List<String> sinkColumns() throws SQLException {
        List<String> columns = new ArrayList<>();
        try (Connection c = POSTGRES.server().connect("crm");
                Statement s = c.createStatement();
                ResultSet r =
                        s.executeQuery(
                                "SELECT column_name FROM information_schema.columns WHERE"
                                        + " table_name = 'customers' ORDER BY ordinal_position")) {
            while (r.next()) {
                columns.add(r.getString(1));
            }
        }
        return columns;
    }

    private static void execute(String database, String sql) throws Exception {
        try (Connection connection = POSTGRES.server().connect(database);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
