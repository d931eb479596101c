package dev.sluice.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.harness.KafkaExtension;
import dev.sluice.harness.PostgresExtension;
import dev.sluice.harness.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad ingest setups stop with one message that says what is wrong and how to fix it. */
class IngestPreflightITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @BeforeAll
    static void createTables() throws Exception {
        PostgresServer postgres = POSTGRES.server();
        postgres.createDatabase("shop");
        try (Connection connection = postgres.connect("shop");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE orders (id bigint PRIMARY KEY, total numeric(10, 2))");
            statement.execute("ALTER TABLE orders REPLICA IDENTITY FULL");
            statement.execute("CREATE TABLE events (at timestamptz, payload text)");
            statement.execute("ALTER TABLE events REPLICA IDENTITY FULL");
            statement.execute("CREATE TABLE items (id bigint PRIMARY KEY)");
        }
    }

    private static IngestConfig config(PostgresServer postgres, String tables, String kafka) {
        Configuration options = new Configuration();
        options.setString("postgres.hostname", postgres.host());
        options.setString("postgres.port", String.valueOf(postgres.port()));
        options.setString("postgres.database", "shop");
        options.setString("tables", tables);
        options.setString("slot.name", "shop_slot");
        options.setString("kafka.bootstrap-servers", kafka);
        return IngestConfig.from(options, Map.of());
    }

    @Test
    void preparesPublicationAndStagingTopicsForAGoodSetup() throws Exception {
        IngestConfig config =
                config(POSTGRES.server(), "public.orders", KAFKA.broker().bootstrapServers());

        IngestPreflight.prepare(config);

        try (Admin admin = KAFKA.broker().admin()) {
            Set<String> topics = admin.listTopics().names().get();
            assertThat(topics).contains("staging.shop.public.orders", "staging.shop.dead-letter");
        }
        try (Connection connection = POSTGRES.server().connect("shop");
                Statement statement = connection.createStatement();
                ResultSet tables =
                        statement.executeQuery(
                                "SELECT tablename FROM pg_publication_tables WHERE pubname = 'shop_slot'")) {
            assertThat(tables.next()).isTrue();
            assertThat(tables.getString(1)).isEqualTo("orders");
            assertThat(tables.next()).isFalse();
        }
    }

    @Test
    void namesEveryTableThatCannotBeStreamedAndHowToFixIt() {
        IngestConfig config =
                config(
                        POSTGRES.server(),
                        "public.orders;public.nope;public.events;public.items",
                        KAFKA.broker().bootstrapServers());

        assertThatThrownBy(() -> IngestPreflight.prepare(config))
                .isInstanceOf(IngestSetupException.class)
                .hasMessageContaining("public.nope: no such table in database 'shop'")
                .hasMessageContaining("public.events: has no primary key")
                .hasMessageContaining("ALTER TABLE public.events ADD PRIMARY KEY")
                .hasMessageContaining("public.items: replica identity is not FULL")
                .hasMessageContaining("ALTER TABLE public.items REPLICA IDENTITY FULL;")
                .hasMessageNotContaining("public.orders:");
    }

    @Test
    void unreachableKafkaSaysWhichOptionToCheck() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        IngestConfig config = config(POSTGRES.server(), "public.orders", "127.0.0.1:" + closedPort);

        assertThatThrownBy(() -> IngestPreflight.prepare(config))
                .isInstanceOf(IngestSetupException.class)
                .hasMessageContaining("Cannot reach Kafka at 127.0.0.1:" + closedPort)
                .hasMessageContaining("kafka.bootstrap-servers");
    }

    @Test
    void unreachablePostgresSaysWhichOptionsToCheck() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Configuration options = new Configuration();
        options.setString("postgres.port", String.valueOf(closedPort));
        options.setString("postgres.database", "shop");
        options.setString("tables", "public.orders");
        options.setString("slot.name", "shop_slot");
        options.setString("kafka.bootstrap-servers", KAFKA.broker().bootstrapServers());
        IngestConfig config = IngestConfig.from(options, Map.of());

        assertThatThrownBy(() -> IngestPreflight.prepare(config))
                .isInstanceOf(IngestSetupException.class)
                .hasMessageContaining(
                        "Cannot connect to PostgreSQL at jdbc:postgresql://localhost:"
                                + closedPort
                                + "/shop")
                .hasMessageContaining("postgres.hostname");
    }

    @Test
    void postgresWithoutLogicalReplicationSaysHowToTurnItOn() throws Exception {
        Path workDir = Files.createTempDirectory("sluice-replica-");
        try (PostgresServer replicaOnly =
                PostgresServer.start(workDir, Map.of("wal_level", "replica"))) {
            replicaOnly.createDatabase("shop");
            IngestConfig config =
                    config(replicaOnly, "public.orders", KAFKA.broker().bootstrapServers());

            assertThatThrownBy(() -> IngestPreflight.prepare(config))
                    .isInstanceOf(IngestSetupException.class)
                    .hasMessageContaining("wal_level=replica")
                    .hasMessageContaining("Set wal_level = logical");
        } finally {
            Files.deleteIfExists(workDir);
        }
    }
}
