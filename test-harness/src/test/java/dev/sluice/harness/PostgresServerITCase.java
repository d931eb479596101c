package dev.sluice.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresServerITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

    @Test
    void acceptsALogicalReplicationSlotAndAPublication() throws Exception {
        PostgresServer postgres = POSTGRES.server();
        postgres.createDatabase("shop");
        try (Connection connection = postgres.connect("shop");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE items (id int PRIMARY KEY, name text)");
            statement.execute("CREATE PUBLICATION items_pub FOR TABLE items");
            try (ResultSet slot =
                    statement.executeQuery(
                            "SELECT slot_name FROM"
                                    + " pg_create_logical_replication_slot('t', 'pgoutput')")) {
                assertThat(slot.next()).isTrue();
                assertThat(slot.getString("slot_name")).isEqualTo("t");
            }
            try (ResultSet slots =
                    statement.executeQuery(
                            "SELECT plugin, slot_type FROM pg_replication_slots"
                                    + " WHERE slot_name = 't'")) {
                assertThat(slots.next()).isTrue();
                assertThat(slots.getString("plugin")).isEqualTo("pgoutput");
                assertThat(slots.getString("slot_type")).isEqualTo("logical");
            }
            statement.execute("SELECT pg_drop_replication_slot('t')");
        }
    }

    @Test
    void hasRoomForTheTemporarySlotsOfAnIncrementalSnapshot() throws Exception {
        try (Connection connection = POSTGRES.server().connect("postgres");
                Statement statement = connection.createStatement()) {
            assertThat(setting(statement, "wal_level")).isEqualTo("logical");
            assertThat(Integer.parseInt(setting(statement, "max_replication_slots")))
                    .isGreaterThanOrEqualTo(20);
            assertThat(Integer.parseInt(setting(statement, "max_wal_senders")))
                    .isGreaterThanOrEqualTo(20);
            assertThat(setting(statement, "listen_addresses")).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void listensOnARandomLoopbackPortWithTheCredentialsItExposes() throws Exception {
        PostgresServer postgres = POSTGRES.server();

        assertThat(postgres.port()).isNotEqualTo(5432).isPositive();
        assertThat(postgres.host()).isEqualTo("127.0.0.1");
        assertThat(postgres.jdbcUrl("postgres"))
                .isEqualTo("jdbc:postgresql://127.0.0.1:" + postgres.port() + "/postgres");
        try (Connection connection = postgres.dataSource("postgres").getConnection();
                Statement statement = connection.createStatement();
                ResultSet user = statement.executeQuery("SELECT current_user")) {
            assertThat(user.next()).isTrue();
            assertThat(user.getString(1)).isEqualTo(postgres.username());
        }
        assertThat(postgres.describe()).contains(String.valueOf(postgres.port()));
    }

    @Test
    void rejectsADatabaseNameThatIsNoPlainIdentifier() {
        assertThatThrownBy(() -> POSTGRES.server().createDatabase("shop\"; DROP"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid database name: shop\"; DROP.");
    }

    @Test
    void closeStopsTheServerProcessAndRemovesItsFolder() throws Exception {
        Path workDir = Files.createTempDirectory("sluice-postgres-close-");
        try {
            PostgresServer second = PostgresServer.start(workDir);
            // a second server next to the shared one: own port, own binaries folder
            assertThat(second.port()).isNotEqualTo(POSTGRES.server().port());
            assertThat(workDir.resolve("postgres/binaries")).isNotEmptyDirectory();
            // linked to the binaries the shared server unpacked, not unpacked again
            assertThat(linkCount(postgresBinary(workDir))).isGreaterThan(1);
            long pid = second.pid();
            int port = second.port();
            assertThat(Loopback.processAlive(pid)).isTrue();

            second.close();
            second.close();

            assertThat(Loopback.processAlive(pid)).as("postmaster pid %d", pid).isFalse();
            assertThat(Loopback.accepts(port)).as("port %d", port).isFalse();
            assertThatThrownBy(() -> second.connect("postgres"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("refused");
            assertThat(workDir.resolve("postgres")).doesNotExist();
            // the shared server runs on from its own binaries (pgoutput is loaded on demand)
            try (Connection connection = POSTGRES.server().connect("postgres");
                    Statement statement = connection.createStatement()) {
                statement.execute(
                        "SELECT pg_create_logical_replication_slot('after_close', 'pgoutput')");
                statement.execute("SELECT pg_drop_replication_slot('after_close')");
            }
        } finally {
            Folders.delete(workDir);
        }
    }

    private static Path postgresBinary(Path workDir) throws IOException {
        try (Stream<Path> unpacked = Files.list(workDir.resolve("postgres/binaries"))) {
            return unpacked.filter(Files::isDirectory)
                    .findFirst()
                    .orElseThrow()
                    .resolve("bin/postgres");
        }
    }

    private static int linkCount(Path file) throws IOException {
        return (Integer) Files.getAttribute(file, "unix:nlink");
    }

    private static String setting(Statement statement, String name) throws SQLException {
        try (ResultSet value = statement.executeQuery("SHOW " + name)) {
            assertThat(value.next()).isTrue();
            return value.getString(1);
        }
    }
}
