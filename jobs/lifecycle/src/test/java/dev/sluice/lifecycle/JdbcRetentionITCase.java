package dev.sluice.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.gate.AuditLog;
import dev.sluice.gate.PolicySources;
import dev.sluice.harness.Await;
import dev.sluice.harness.PostgresExtension;
import dev.sluice.harness.PostgresServer;
import dev.sluice.policy.model.Policy;
import dev.sluice.policy.model.PolicyProblem;
import dev.sluice.sql.Pipeline;
import dev.sluice.sql.PipelineLoader;
import dev.sluice.sql.SourceText;
import dev.sluice.sql.Variables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.iceberg.flink.maintenance.api.TriggerLockFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Row retention of a JDBC table a pipeline writes, against a real PostgreSQL: the policy names the
 * table by its {@code sinks:} dataset, the table is found through the pipeline's own options,
 * validated against the database (every mistake a problem at the entry's file:line), and exactly
 * the expired rows are deleted, once or by the long-running job, under the table's lock, audited.
 */
class JdbcRetentionITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    private static final String PIPELINE =
            """
            -- @owner growth
            -- @description people into the CRM
            CREATE TEMPORARY TABLE people (
              id BIGINT, name STRING, note STRING, updated_at TIMESTAMP(6)
            ) WITH ('connector' = 'datagen');

            CREATE TABLE crm_customers (
              id BIGINT, name STRING, note STRING, updated_at TIMESTAMP(6),
              PRIMARY KEY (id) NOT ENFORCED
            ) WITH (
              'connector' = 'jdbc',
              'url' = '${CRM_URL}',
              'table-name' = 'customers',
              'username' = '${CRM_USER}',
              'password' = '${CRM_PASSWORD}'
            );

            INSERT INTO crm_customers SELECT id, name, note, updated_at FROM people;
            """;

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @TempDir static Path dir;
    private static String crmUrl;
    private static MaintenanceLock lock;

    private Path audit;

    @BeforeAll
    static void database() throws Exception {
        PostgresServer pg = POSTGRES.server();
        pg.createDatabase("crm");
        pg.createDatabase("locks");
        crmUrl = pg.jdbcUrl("crm");
        lock =
                new MaintenanceLock(
                        pg.jdbcUrl("locks"),
                        Map.of("jdbc.user", pg.username(), "jdbc.password", pg.password()));
    }

    @BeforeEach
    void table() throws Exception {
        audit = Files.createTempFile(dir, "audit", ".jsonl");
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS customers");
            s.execute(
                    "CREATE TABLE customers (id BIGINT PRIMARY KEY, name TEXT, note TEXT,"
                            + " updated_at TIMESTAMP)");
        }
    }

    @Test
    void deletesExactlyTheExpiredRowsOnceAndAuditsIt() throws Exception {
        // 12,000 rows (more than one batch), every 3rd last updated 500 days ago, some at the edge
        insert(0, 12_000, id -> id % 3 == 0 ? NOW.minus(Duration.ofDays(500)) : NOW);
        insert(20_000, 5, id -> NOW.minus(Duration.ofDays(399)));
        insert(30_000, 5, id -> null);
        Set<Long> expected = ids("updated_at IS NULL OR updated_at >= now() - interval '400 days'");
        assertThat(expected).hasSize(8_010);

        JdbcRetentionPlan plan =
                onlyPlan(policy("crm.customers: {keep: 400d, time_column: updated_at}"));
        assertThat(plan.table()).isEqualTo("customers");
        assertThat(plan.url()).isEqualTo(crmUrl);
        assertThat(plan.toString()).doesNotContain("password");

        MaintenanceOnce.Report report = MaintenanceOnce.runJdbc(plan, lock, audit, false);

        assertThat(ids("TRUE")).isEqualTo(expected);
        assertThat(report.table()).isEqualTo("crm.customers");
        assertThat(report.records()).hasSize(1);
        JsonNode record = report.records().get(0);
        assertThat(record.path("kind").asText()).isEqualTo("maintenance");
        assertThat(record.path("action").asText()).isEqualTo("retention");
        assertThat(record.path("rowsDeleted").asLong()).isEqualTo(4_000);
        assertThat(record.path("timeColumn").asText()).isEqualTo("updated_at");
        assertThat(record.path("context").asText()).isEqualTo("once");

        MaintenanceOnce.Report again = MaintenanceOnce.runJdbc(plan, lock, audit, false);
        assertThat(again.records().get(0).path("rowsDeleted").asLong()).isZero();
        assertThat(ids("TRUE")).isEqualTo(expected);
    }

    @Test
    void aHeldLockRefusesTheRun() throws Exception {
        insert(0, 10, id -> NOW.minus(Duration.ofDays(500)));
        JdbcRetentionPlan plan =
                onlyPlan(policy("crm.customers: {keep: 400d, time_column: updated_at}"));
        lock.prepare();
        TriggerLockFactory locks = lock.forTable("crm.customers");
        locks.open();
        TriggerLockFactory.Lock held = locks.createLock();
        assertThat(held.tryLock()).isTrue();
        try {
            assertThatThrownBy(() -> MaintenanceOnce.runJdbc(plan, lock, audit, false))
                    .isInstanceOf(MaintenanceOnce.TableBusyException.class)
                    .hasMessageContaining("lock sluice:crm.customers is held");
            assertThat(ids("TRUE")).hasSize(10);
        } finally {
            held.unlock();
            locks.close();
        }
    }

    @Test
    void theLongRunningJobDeletesOnEveryTick() throws Exception {
        JdbcRetentionPlan plan =
                onlyPlan(policy("crm.customers: {keep: 400d, time_column: updated_at}"));
        insert(0, 100, id -> id < 40 ? NOW.minus(Duration.ofDays(401)) : NOW);
        MaintenanceSchedule everySecond =
                new MaintenanceSchedule(
                        5,
                        10,
                        Duration.ofSeconds(20),
                        5,
                        Duration.ofSeconds(20),
                        Duration.ofDays(3),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(1));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        MaintenanceJob.buildJdbcRetention(env, List.of(plan), lock, everySecond, audit);
        JobClient job = env.executeAsync("jdbc retention");
        try {
            awaitIds(60);
            // rows that expire later go on a later tick
            insert(1_000, 7, id -> NOW.minus(Duration.ofDays(999)));
            awaitIds(60);
            List<JsonNode> records =
                    new AuditLog(audit, null)
                            .read().stream()
                                    .filter(r -> r.path("action").asText().equals("retention"))
                                    .toList();
            assertThat(records.stream().mapToLong(r -> r.path("rowsDeleted").asLong()).sum())
                    .isEqualTo(47);
            assertThat(records).allMatch(r -> r.path("context").asText().equals("job"));
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void everyMistakeIsAProblemAtTheEntry() throws Exception {
        assertThat(problems("crm.customers: {keep: 400d, time_column: updatd_at}"))
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.at().line()).isEqualTo(12);
                            assertThat(p.message())
                                    .contains("Invalid time_column 'updatd_at'")
                                    .contains("no such column")
                                    .contains("updated_at");
                        });
        assertThat(problems("crm.customers: {keep: 400d, time_column: note}"))
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("its type is VARCHAR"));
        assertThat(problems("crm.customers: {keep: 400d}"))
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("names no time_column"));
        assertThat(
                        problems(
                                "crm.customers: {keep: 400d, time_column: updated_at, snapshots:"
                                        + " {keep_last: 3}}"))
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("snapshots: applies to Iceberg"));
        // a typo in the dataset: covers no table a pipeline writes
        assertThat(problems("crm.*: {keep: 400d, time_column: updated_at}")).isEmpty();
        assertThat(problems("crm.customer: {keep: 400d, time_column: updated_at}"))
                .singleElement()
                .satisfies(
                        p ->
                                assertThat(p.message())
                                        .contains("No JDBC table a pipeline writes is dataset")
                                        .contains("[crm.customers]"));
    }

    @Test
    void aMissingTableOrWrongPasswordIsAProblemWithoutTheSecret() throws Exception {
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE customers");
        }
        assertThat(problems("crm.customers: {keep: 400d, time_column: updated_at}"))
                .singleElement()
                .satisfies(
                        p ->
                                assertThat(p.message())
                                        .contains("Table customers of crm.customers does not exist")
                                        .contains("Create it first"));

        // the embedded server trusts loopback, so an unknown role is what fails to connect here
        Path policy = policy("crm.customers: {keep: 400d, time_column: updated_at}");
        String canary = "canary-" + System.nanoTime();
        List<PolicyProblem> problems =
                JdbcRetentionPlanner.plan(
                                PolicySources.compose(List.of(policy.toString())),
                                "warehouse",
                                () -> List.of(pipeline("nobody", canary)))
                        .problems();
        assertThat(problems)
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.message())
                                    .contains("Cannot reach crm.customers at " + crmUrl);
                            assertThat(p.message()).contains("nobody");
                            assertThat(p.message()).doesNotContain(canary);
                        });
    }

    @Test
    void withoutAnEntryForJdbcTablesThePipelinesAreNeverLoaded() throws Exception {
        Path policy = policy("warehouse.payments.*: {snapshots: {keep_last: 3}}");
        JdbcRetentionPlanner.Plans plans =
                JdbcRetentionPlanner.plan(
                        PolicySources.compose(List.of(policy.toString())),
                        "warehouse",
                        () -> {
                            throw new AssertionError("pipelines loaded");
                        });
        assertThat(plans.tables()).isEmpty();
        assertThat(plans.problems()).isEmpty();
    }

    private JdbcRetentionPlan onlyPlan(Path policy) {
        JdbcRetentionPlanner.Plans plans =
                JdbcRetentionPlanner.plan(
                        PolicySources.compose(List.of(policy.toString())),
                        "warehouse",
                        () -> List.of(pipeline(POSTGRES.server().password())));
        assertThat(plans.problems()).isEmpty();
        assertThat(plans.tables()).hasSize(1);
        return plans.tables().get(0);
    }

    private List<PolicyProblem> problems(String entry) throws Exception {
        Policy policy = PolicySources.compose(List.of(policy(entry).toString()));
        return JdbcRetentionPlanner.plan(
                        policy, "warehouse", () -> List.of(pipeline(POSTGRES.server().password())))
                .problems();
    }

    private static Pipeline pipeline(String password) {
        return pipeline(POSTGRES.server().username(), password);
    }

    private static Pipeline pipeline(String user, String password) {
        return PipelineLoader.load(
                List.of(),
                new SourceText("crm.sql", PIPELINE),
                Variables.builder()
                        .put("CRM_URL", crmUrl, false, "test")
                        .put("CRM_USER", user, false, "test")
                        .put("CRM_PASSWORD", password, true, "test")
                        .build());
    }

    /** A policy file whose retention entry is on line 12. */
    private static Path policy(String retentionEntry) throws Exception {
        Path file = Files.createTempFile(dir, "policy", ".yaml");
        Files.writeString(
                file,
                """
                version: 1
                sinks:
                  - jdbc: {database: crm, table: public.customers}
                    dataset: crm.customers
                    zone: analytics
                    region: eu-west-1
                teams:
                  growth:
                    reads: []
                    zone: analytics
                retention:
                  %s
                """
                        .formatted(retentionEntry));
        return file;
    }

    private static Connection connect() throws Exception {
        return POSTGRES.server().dataSource("crm").getConnection();
    }

    private interface Time {
        Instant of(long id);
    }

    private static void insert(long from, int count, Time time) throws Exception {
        try (Connection c = connect();
                PreparedStatement p =
                        c.prepareStatement(
                                "INSERT INTO customers (id, name, note, updated_at) VALUES (?, ?, ?, ?)")) {
            for (long id = from; id < from + count; id++) {
                Instant t = time.of(id);
                p.setLong(1, id);
                p.setString(2, "name " + id);
                p.setString(3, "note");
                p.setTimestamp(
                        4,
                        t == null
                                ? null
                                : Timestamp.valueOf(LocalDateTime.ofInstant(t, ZoneOffset.UTC)));
                p.addBatch();
            }
            p.executeBatch();
        }
    }

    private static Set<Long> ids(String where) throws Exception {
        Set<Long> out = new TreeSet<>();
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            s.execute("SET TIME ZONE 'UTC'");
            try (ResultSet rs = s.executeQuery("SELECT id FROM customers WHERE " + where)) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        }
        return out;
    }

    private static void awaitIds(int expected) throws Exception {
        Await.until(
                expected + " rows left in customers",
                Duration.ofMinutes(2),
                () -> ids("TRUE").size() == expected);
    }
}
