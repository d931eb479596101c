package dev.sluice.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.gate.AuditLog;
import dev.sluice.harness.Await;
import dev.sluice.harness.IcebergWarehouse;
import dev.sluice.harness.KafkaExtension;
import dev.sluice.harness.PostgresExtension;
import dev.sluice.harness.PostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The long-running maintenance job on real Kafka, Iceberg and PostgreSQL: compaction while a
 * streaming upsert pipeline keeps writing leaves the table equal to what was written, row for row;
 * a job killed in the middle of a rewrite leaves the table readable and unchanged, and the next run
 * finishes the compaction.
 */
class MaintenanceJobITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(4)
                            .build());

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    private static final Duration DEADLINE = Duration.ofMinutes(3);
    private static final OffsetDateTime T0 =
            OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

    @TempDir static Path dir;
    private static IcebergWarehouse warehouse;
    private static WarehouseCatalog catalog;
    private static MaintenanceLock lock;
    private static String lockDb;

    @BeforeAll
    static void setUp() throws Exception {
        warehouse = IcebergWarehouse.inFolder(dir);
        catalog =
                new WarehouseCatalog(
                        IcebergWarehouse.CATALOG_NAME, warehouse.settings().icebergProperties());
        PostgresServer pg = POSTGRES.server();
        lockDb = "locks";
        pg.createDatabase(lockDb);
        lock =
                new MaintenanceLock(
                        pg.jdbcUrl(lockDb),
                        Map.of("jdbc.user", pg.username(), "jdbc.password", pg.password()));
    }

    @AfterAll
    static void tearDown() throws Exception {
        warehouse.close();
    }

    /** Compacts after 3 commits or every 2 s; expires every 3 commits keeping 3 snapshots. */
    private static MaintenanceSchedule quick() {
        return new MaintenanceSchedule(
                3,
                6,
                Duration.ofSeconds(2),
                3,
                Duration.ofSeconds(2),
                Duration.ofDays(3),
                Duration.ofHours(1),
                Duration.ofMillis(500),
                Duration.ofMillis(200));
    }

    @Test
    void compactionWhileAPipelineWritesKeepsEveryRow() throws Exception {
        String topic = "staging.shop.orders";
        KAFKA.broker().createTopics(1, topic);
        Path audit = dir.resolve("compaction-audit.jsonl");
        TableIdentifier id = TableIdentifier.of("shop", "orders");

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(500);
        env.setParallelism(1);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        tEnv.executeSql(
                "CREATE CATALOG warehouse WITH ('type'='iceberg','catalog-type'='hadoop',"
                        + "'warehouse'='"
                        + warehouse.settings().warehouse()
                        + "')");
        tEnv.executeSql("CREATE DATABASE IF NOT EXISTS warehouse.shop");
        tEnv.executeSql(
                "CREATE TABLE warehouse.shop.orders (id BIGINT NOT NULL, status STRING,"
                        + " created_at TIMESTAMP_LTZ(6), PRIMARY KEY (id) NOT ENFORCED)"
                        + " WITH ('format-version'='2','write.upsert.enabled'='true')");
        tEnv.executeSql(
                "CREATE TEMPORARY TABLE changes (id BIGINT, status STRING, created_at"
                        + " TIMESTAMP_LTZ(3)) WITH ('connector'='kafka','topic'='"
                        + topic
                        + "','properties.bootstrap.servers'='"
                        + KAFKA.broker().bootstrapServers()
                        + "','scan.startup.mode'='earliest-offset','format'='json',"
                        + "'json.timestamp-format.standard'='ISO-8601')");
        TableResult pipeline =
                tEnv.executeSql(
                        "INSERT INTO warehouse.shop.orders SELECT id, status, created_at FROM"
                                + " changes");
        JobClient writer = pipeline.getJobClient().orElseThrow();

        StreamExecutionEnvironment maintenanceEnv =
                StreamExecutionEnvironment.getExecutionEnvironment();
        MaintenanceJob.build(
                maintenanceEnv,
                catalog,
                List.of(
                        new TableMaintenancePlan(
                                "shop.orders", null, null, 3, Duration.ofSeconds(1), null)),
                lock,
                quick(),
                audit);
        JobClient maintenance = maintenanceEnv.executeAsync("maintenance");
        try (KafkaProducer<String, String> producer = producer()) {
            Map<Long, String> expected = new TreeMap<>();
            int round = 0;
            // keep writing until compaction has run at least twice, and a few rounds more
            int roundsAfterCompaction = -1;
            while (roundsAfterCompaction < 3) {
                Map<Long, String> written = new LinkedHashMap<>();
                for (long key = 0; key < 200; key++) {
                    if ((key + round) % 3 == 0) {
                        String status = "v" + round;
                        OffsetDateTime created = T0.plusMinutes(key);
                        producer.send(
                                new ProducerRecord<>(
                                        topic,
                                        String.valueOf(key),
                                        "{\"id\":"
                                                + key
                                                + ",\"status\":\""
                                                + status
                                                + "\",\"created_at\":\""
                                                + created.toInstant()
                                                + "\"}"));
                        written.put(key, status + "@" + created);
                    }
                }
                producer.flush();
                expected.putAll(written);
                Table table = warehouse.loadTable(id);
                Map<Long, String> want = new TreeMap<>(expected);
                Await.until(
                        "round " + round + " committed",
                        DEADLINE,
                        () -> TestTables.rows(table).equals(want));
                if (roundsAfterCompaction >= 0) {
                    roundsAfterCompaction++;
                } else if (actions(audit, "rewrite-data-files") >= 2) {
                    roundsAfterCompaction = 0;
                }
                round++;
                assertThat(round).as("rounds before compaction ran twice").isLessThan(200);
            }
            assertThat(TestTables.rows(warehouse.loadTable(id))).isEqualTo(expected);
        } finally {
            writer.cancel().get();
            maintenance.cancel().get();
        }
        Table table = warehouse.loadTable(id);
        long replaces = 0;
        for (Snapshot s : table.snapshots()) {
            if (DataOperations.REPLACE.equals(s.operation())) {
                replaces++;
            }
        }
        assertThat(actions(audit, "rewrite-data-files")).isGreaterThanOrEqualTo(2);
        assertThat(actions(audit, "expire-snapshots")).isGreaterThanOrEqualTo(1);
        assertThat(TestTables.snapshotIds(table).size())
                .as("snapshots kept beside the streaming commits since the last expiry")
                .isLessThan(40);
        assertThat(replaces).isLessThanOrEqualTo(TestTables.snapshotIds(table).size());
    }

    @Test
    void aJobKilledMidRewriteLeavesTheTableReadableAndTheNextRunFinishes() throws Exception {
        TableIdentifier id = TableIdentifier.of("shop", "big");
        Table table = TestTables.create(warehouse.catalog(), id);
        for (int commit = 0; commit < 8; commit++) {
            Map<Long, OffsetDateTime> rows = new LinkedHashMap<>();
            for (long key = commit * 5_000L; key < 60_000; key++) {
                rows.put(key, T0.plusSeconds(key));
            }
            TestTables.upsert(table, rows, "c" + commit);
        }
        Map<Long, String> before = TestTables.rows(table);
        long[] filesBefore = TestTables.fileCounts(table);
        Path audit = dir.resolve("killed-audit.jsonl");

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        MaintenanceJob.build(
                env,
                catalog,
                List.of(TableMaintenancePlan.defaults("shop.big")),
                lock,
                new MaintenanceSchedule(
                        1000,
                        1000,
                        Duration.ofSeconds(1),
                        1000,
                        Duration.ofDays(1),
                        Duration.ofDays(3),
                        Duration.ofHours(1),
                        Duration.ofMillis(500),
                        Duration.ofMillis(200)),
                audit);
        JobClient job = env.executeAsync("maintenance to kill");
        Await.until("the rewrite to hold the table's lock", DEADLINE, () -> lockHeld());
        job.cancel().get();

        table.refresh();
        assertThat(table.snapshots())
                .as("killed before the rewrite committed")
                .noneMatch(s -> DataOperations.REPLACE.equals(s.operation()));
        assertThat(TestTables.rows(table)).isEqualTo(before);
        assertThat(lockHeld()).as("the killed job's lock stays behind").isTrue();
        TableMaintenancePlan plan = TableMaintenancePlan.defaults("shop.big");
        assertThatThrownBy(
                        () ->
                                MaintenanceOnce.run(
                                        catalog, plan, lock, Duration.ofDays(3), audit, DEADLINE))
                .isInstanceOf(MaintenanceOnce.TableBusyException.class)
                .hasMessageContaining("--break-lock");

        MaintenanceOnce.Report report =
                MaintenanceOnce.run(catalog, plan, lock, Duration.ofDays(3), audit, DEADLINE, true);

        assertThat(report.records())
                .anySatisfy(
                        r -> assertThat(r.path("action").asText()).isEqualTo("rewrite-data-files"));
        assertThat(TestTables.rows(table)).isEqualTo(before);
        assertThat(TestTables.fileCounts(table)[0]).isLessThan(filesBefore[0]);
        assertThat(lockHeld()).isFalse();
    }

    private static boolean lockHeld() throws Exception {
        try (Connection c = POSTGRES.server().connect(lockDb);
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT count(*) FROM flink_maintenance_lock WHERE lock_type = 'm'"
                                        + " AND lock_id = 'sluice:warehouse.shop.big'")) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    private static long actions(Path audit, String action) {
        return new AuditLog(audit, null)
                .read().stream()
                        .map(JsonNode.class::cast)
                        .filter(r -> r.path("action").asText().equals(action))
                        .count();
    }

    private static KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.broker().bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }
}
