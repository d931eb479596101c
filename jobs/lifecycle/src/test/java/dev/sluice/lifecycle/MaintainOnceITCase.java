package dev.sluice.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.harness.IcebergWarehouse;
import dev.sluice.harness.PostgresExtension;
import dev.sluice.harness.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.maintenance.api.TriggerLockFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice maintain --once} against a real Iceberg warehouse, with its lock in a real
 * PostgreSQL: retention deletes exactly the expired rows, compaction folds the deletes into new
 * files with the contents unchanged, old snapshots expire, a planted orphan file is removed, every
 * action is audited, and a second run never works on a table whose lock is held.
 */
class MaintainOnceITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final OffsetDateTime NOW = OffsetDateTime.now(ZoneOffset.UTC);
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @TempDir Path dir;
    private IcebergWarehouse warehouse;
    private WarehouseCatalog catalog;
    private MaintenanceLock lock;
    private Path audit;

    @BeforeEach
    void setUp() throws Exception {
        warehouse = IcebergWarehouse.inFolder(dir);
        catalog =
                new WarehouseCatalog(
                        IcebergWarehouse.CATALOG_NAME, warehouse.settings().icebergProperties());
        PostgresServer pg = POSTGRES.server();
        String db = "locks" + Math.abs(dir.hashCode());
        pg.createDatabase(db);
        lock =
                new MaintenanceLock(
                        pg.jdbcUrl(db),
                        Map.of("jdbc.user", pg.username(), "jdbc.password", pg.password()));
        audit = dir.resolve("audit.jsonl");
    }

    @AfterEach
    void tearDown() throws Exception {
        warehouse.close();
    }

    @Test
    void retentionCompactionExpiryAndOrphansInOneRun() throws Exception {
        TableIdentifier id = TableIdentifier.of("payments", "payments");
        Table table = TestTables.create(warehouse.catalog(), id);
        // 200 keys, every 4th created 500 days ago; then 6 more commits updating keys 0..59
        Map<Long, OffsetDateTime> created = new TreeMap<>();
        for (long k = 0; k < 200; k++) {
            created.put(k, k % 4 == 0 ? NOW.minusDays(500) : NOW.minusDays(k % 300));
        }
        TestTables.upsert(table, created, "new");
        for (int round = 0; round < 6; round++) {
            Map<Long, OffsetDateTime> changed = new LinkedHashMap<>();
            for (long k = round * 10; k < round * 10 + 10; k++) {
                changed.put(k, created.get(k));
            }
            TestTables.upsert(table, changed, "paid" + round);
        }
        Map<Long, String> before = TestTables.rows(table);
        Map<Long, String> expected =
                before.entrySet().stream()
                        .filter(e -> !NOW.minusDays(400).isAfter(created.get(e.getKey())))
                        .collect(
                                Collectors.toMap(
                                        Map.Entry::getKey,
                                        Map.Entry::getValue,
                                        (a, b) -> a,
                                        TreeMap::new));
        assertThat(expected).hasSize(150);
        List<Long> oldSnapshots = TestTables.snapshotIds(table);
        long[] filesBefore = TestTables.fileCounts(table);
        Path orphan = plantOrphan(table);

        MaintenanceOnce.Report report =
                MaintenanceOnce.run(
                        catalog,
                        new TableMaintenancePlan(
                                "payments.payments",
                                Duration.ofDays(400),
                                "created_at",
                                2,
                                Duration.ofSeconds(1),
                                "p.yaml:3:3"),
                        lock,
                        Duration.ofDays(3),
                        audit,
                        TIMEOUT);

        assertThat(TestTables.rows(table)).isEqualTo(expected);
        long[] filesAfter = TestTables.fileCounts(table);
        assertThat(filesBefore[0]).isEqualTo(7);
        assertThat(filesAfter[0]).isEqualTo(1);
        assertThat(filesAfter[1]).isLessThan(filesBefore[1]);
        assertThat(TestTables.snapshotIds(table)).hasSizeLessThanOrEqualTo(2);
        assertThat(TestTables.snapshotIds(table)).doesNotContainAnyElementsOf(oldSnapshots);
        assertThat(orphan).doesNotExist();

        Map<String, JsonNode> byAction =
                report.records().stream()
                        .collect(
                                Collectors.toMap(
                                        r -> r.path("action").asText(), r -> r, (a, b) -> a));
        assertThat(byAction)
                .containsKeys(
                        "retention",
                        "rewrite-data-files",
                        "expire-snapshots",
                        "delete-orphan-files");
        assertThat(byAction.get("retention").path("rowsDeleted").asLong()).isEqualTo(50);
        assertThat(byAction.get("rewrite-data-files").path("deletedDataFiles").asLong())
                .isEqualTo(7);
        Set<Long> expired =
                report.records().stream()
                        .filter(r -> r.path("action").asText().equals("expire-snapshots"))
                        .flatMap(
                                r ->
                                        java.util.stream.StreamSupport.stream(
                                                r.path("expiredSnapshotIds").spliterator(), false))
                        .map(JsonNode::asLong)
                        .collect(Collectors.toSet());
        assertThat(expired).containsAll(oldSnapshots);
        assertThat(byAction.get("delete-orphan-files").path("removedFiles").toString())
                .contains(orphan.getFileName().toString());
        assertThat(report.records())
                .allSatisfy(
                        r -> {
                            assertThat(r.path("kind").asText()).isEqualTo("maintenance");
                            assertThat(r.path("table").asText())
                                    .isEqualTo("warehouse.payments.payments");
                            assertThat(r.path("context").asText()).isEqualTo("once");
                        });
    }

    @Test
    void aRunRefusesATableWhoseLockIsHeld() throws Exception {
        TableIdentifier id = TableIdentifier.of("payments", "cards");
        Table table = TestTables.create(warehouse.catalog(), id);
        TestTables.upsert(table, Map.of(1L, NOW), "new");
        lock.prepare();
        TriggerLockFactory locks = lock.forTable("warehouse.payments.cards");
        locks.open();
        TriggerLockFactory.Lock other = locks.createLock();
        assertThat(other.tryLock()).isTrue();
        try {
            assertThatThrownBy(
                            () ->
                                    MaintenanceOnce.run(
                                            catalog,
                                            TableMaintenancePlan.defaults("payments.cards"),
                                            lock,
                                            Duration.ofDays(3),
                                            audit,
                                            TIMEOUT))
                    .isInstanceOf(MaintenanceOnce.TableBusyException.class)
                    .hasMessageContaining("warehouse.payments.cards")
                    .hasMessageContaining("is held");
        } finally {
            other.unlock();
            locks.close();
        }
        assertThat(TestTables.snapshotIds(table)).hasSize(1);
    }

    /** A data file no snapshot references, four days old (older than the minimum age of 3 d). */
    private static Path plantOrphan(Table table) throws Exception {
        Path data = Path.of(java.net.URI.create(table.location())).resolve("data");
        Files.createDirectories(data);
        Path orphan = data.resolve("00000-0-orphan-left-by-a-failed-writer.parquet");
        Files.writeString(orphan, "not referenced by any snapshot");
        assertThat(
                        orphan.toFile()
                                .setLastModified(
                                        System.currentTimeMillis() - Duration.ofDays(4).toMillis()))
                .isTrue();
        return orphan;
    }
}
