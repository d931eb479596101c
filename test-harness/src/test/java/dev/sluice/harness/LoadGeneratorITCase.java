package dev.sluice.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LoadGeneratorITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    @BeforeAll
    static void createTable() throws SQLException {
        try (Connection connection = POSTGRES.server().connect("postgres");
                Statement statement = connection.createStatement()) {
            statement.execute(
                    "CREATE TABLE events (lane INT NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (lane, n))");
        }
    }

    /** A lane inserting {@code batch} rows per transaction, keyed by lane and sequence. */
    private static LoadGenerator.Lane inserting(int lane, int batch) {
        long[] next = {0};
        return connection -> {
            connection.setAutoCommit(false);
            try (PreparedStatement insert =
                    connection.prepareStatement("INSERT INTO events (lane, n) VALUES (?, ?)")) {
                for (int i = 0; i < batch; i++) {
                    insert.setInt(1, lane);
                    insert.setLong(2, next[0]++);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            connection.commit();
            return batch;
        };
    }

    private static long rows() throws SQLException {
        try (Connection connection = POSTGRES.server().connect("postgres");
                Statement statement = connection.createStatement();
                ResultSet count = statement.executeQuery("SELECT count(*) FROM events")) {
            count.next();
            return count.getLong(1);
        }
    }

    @Test
    void reachesAModestRateOverSeveralConnectionsAndCountsWhatItCommitted() throws Exception {
        long before = rows();
        LoadGenerator.Result result;
        try (LoadGenerator load =
                LoadGenerator.start(
                        new LoadGenerator.Settings(3, 60, Duration.ofSeconds(3)),
                        () -> POSTGRES.server().connect("postgres"),
                        lane -> inserting(lane, 10))) {
            result = load.result();
        }
        assertThat(result.reached()).as(result.describe()).isTrue();
        assertThat(result.transactions()).isBetween(150L, 200L);
        assertThat(result.rowChanges()).isEqualTo(result.transactions() * 10);
        assertThat(rows() - before).isEqualTo(result.rowChanges());
        assertThat(result.describe())
                .startsWith("achieved ")
                .contains("of 60 asked", "with 3 connections")
                .doesNotContain("short");
    }

    @Test
    void reportsAShortfallWhenTheLanesCannotKeepUp() throws Exception {
        LoadGenerator.Result result;
        try (LoadGenerator load =
                LoadGenerator.start(
                        new LoadGenerator.Settings(1, 1_000, Duration.ofSeconds(2)),
                        () -> POSTGRES.server().connect("postgres"),
                        lane ->
                                connection -> {
                                    // a transaction that takes at least 20 ms: at most 50/s
                                    try (Statement statement = connection.createStatement()) {
                                        statement.execute("SELECT pg_sleep(0.02)");
                                    }
                                    return 0;
                                })) {
            result = load.result();
        }
        assertThat(result.reached()).isFalse();
        assertThat(result.transactionsPerSecond()).isLessThan(60);
        assertThat(result.describe())
                .contains("of 1,000 asked", "short: the database cannot take 1,000 transactions/s");
    }

    @Test
    void stopEndsTheRunEarlyAndAFailureSurfacesWithItsCause() throws Exception {
        try (LoadGenerator load =
                LoadGenerator.start(
                        new LoadGenerator.Settings(2, 20, Duration.ofMinutes(10)),
                        () -> POSTGRES.server().connect("postgres"),
                        lane -> inserting(100 + lane, 1))) {
            Await.value(
                    "a few transactions",
                    Duration.ofSeconds(60),
                    () -> load.transactions() >= 4 ? true : null);
            load.stop();
            LoadGenerator.Result result = load.result();
            assertThat(result.stoppedEarly()).isTrue();
            assertThat(result.elapsed()).isLessThan(Duration.ofMinutes(1));
        }
        try (LoadGenerator failing =
                LoadGenerator.start(
                        new LoadGenerator.Settings(1, 10, Duration.ofMinutes(10)),
                        () -> POSTGRES.server().connect("postgres"),
                        lane ->
                                connection -> {
                                    try (Statement statement = connection.createStatement()) {
                                        statement.execute("INSERT INTO no_such_table VALUES (1)");
                                    }
                                    return 1;
                                })) {
            assertThatThrownBy(failing::result)
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("no_such_table");
        }
    }
}
