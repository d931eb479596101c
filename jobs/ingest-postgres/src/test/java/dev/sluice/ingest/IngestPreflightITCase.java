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
import java.util.ArrayList;
import java.util.List;
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
            for (String table : new String[] {"alpha", "beta"}) {
                statement.execute(
                        "CREATE TABLE " + table + " (id bigint PRIMARY KEY, amount numeric)");
                statement.execute("ALTER TABLE " + table + " REPLICA IDENTITY FULL");
            }
            statement.execute(
                    "CREATE TABLE measures (id bigint, at date, PRIMARY KEY (id, at))"
                            + " PARTITION BY RANGE (at)");
            statement.execute(
                    "CREATE TABLE measures_2024 PARTITION OF measures"
                            + " FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')");
            statement.execute("ALTER TABLE measures REPLICA IDENTITY FULL");
            statement.execute("ALTER TABLE measures_2024 REPLICA IDENTITY FULL");
            statement.execute("CREATE TABLE wallets (id bigint PRIMARY KEY, balance money)");
            statement.execute("ALTER TABLE wallets REPLICA IDENTITY FULL");
            statement.execute("CREATE ROLE ingest_reader LOGIN REPLICATION");
            statement.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO ingest_reader");
        }
    }

    private static IngestConfig config(String tables, String slot, String... extra) {
        Configuration options = new Configuration();
        options.setString("postgres.hostname", POSTGRES.server().host());
        options.setString("postgres.port", String.valueOf(POSTGRES.server().port()));
        options.setString("postgres.database", "shop");
        options.setString("tables", tables);
        options.setString("slot.name", slot);
        options.setString("kafka.bootstrap-servers", KAFKA.broker().bootstrapServers());
        for (String setting : extra) {
            String[] keyValue = setting.split("=", 2);
            options.setString(keyValue[0], keyValue[1]);
        }
        return IngestConfig.from(options, Map.of());
    }

    private static List<String> publishedTables(String publication) throws Exception {
        List<String> tables = new ArrayList<>();
        try (Connection connection = POSTGRES.server().connect("shop");
                Statement statement = connection.createStatement();
                ResultSet result =
                        statement.executeQuery(
                                "SELECT schemaname || '.' || tablename FROM pg_publication_tables"
                                        + " WHERE pubname = '"
                                        + publication
                                        + "' ORDER BY 1")) {
            while (result.next()) {
                tables.add(result.getString(1));
            }
        }
        return tables;
    }

    @Test
    void aTableAddedToTheConfigurationIsAddedToTheExistingPublication() throws Exception {
        IngestPreflight.prepare(config("public.alpha", "grow_slot"));
        assertThat(publishedTables("grow_slot")).containsExactly("public.alpha");

        IngestPreflight.prepare(config("public.alpha;public.beta", "grow_slot"));

        assertThat(publishedTables("grow_slot")).containsExactly("public.alpha", "public.beta");
    }

    @Test
    void aUserWhoCannotAlterThePublicationIsGivenTheExactCommand() throws Exception {
        IngestPreflight.prepare(config("public.alpha", "owned_slot"));

        assertThatThrownBy(
                        () ->
                                IngestPreflight.prepare(
                                        config(
                                                "public.alpha;public.beta",
                                                "owned_slot",
                                                "postgres.username=ingest_reader")))
                .isInstanceOf(IngestSetupException.class)
                .hasMessageContaining("Publication owned_slot lacks [public.beta]")
                .hasMessageContaining("user 'ingest_reader' cannot add them")
                .hasMessageEndingWith(
                        "Run as the owner of the publication and the tables: ALTER PUBLICATION"
                                + " \"owned_slot\" ADD TABLE \"public\".\"beta\";");
        assertThat(publishedTables("owned_slot")).containsExactly("public.alpha");
    }

    @Test
    void partitionedTablesAndMoneyColumnsAreRejectedWithTheFix() {
        assertThatThrownBy(
                        () ->
                                IngestPreflight.prepare(
                                        config("public.measures;public.wallets", "part_slot")))
                .isInstanceOf(IngestSetupException.class)
                .hasMessageContaining("public.measures: is a partitioned table")
                .hasMessageContaining("e.g. --set 'tables=public.measures_2024'")
                .hasMessageContaining("public.wallets: column balance has type money")
                .hasMessageContaining(
                        "ALTER TABLE public.wallets ALTER COLUMN \"balance\" TYPE numeric(19, 2);");
    }

    @Test
    void aPublicationThatPublishesPartitionsUnderTheRootNameIsRejectedWithTheFix()
            throws Exception {
        try (Connection connection = POSTGRES.server().connect("shop");
                Statement statement = connection.createStatement()) {
            statement.execute(
                    "CREATE PUBLICATION root_slot FOR TABLE measures"
                            + " WITH (publish_via_partition_root = true)");
            statement.execute(
                    "CREATE PUBLICATION leaf_slot FOR TABLE measures"
                            + " WITH (publish_via_partition_root = false)");
        }

        assertThatThrownBy(
                        () -> IngestPreflight.prepare(config("public.measures_2024", "root_slot")))
                .isInstanceOf(IngestSetupException.class)
                .hasMessageContaining(
                        "Publication root_slot has publish_via_partition_root = true, so changes"
                                + " of the partition(s) [public.measures_2024] are published under"
                                + " their root table's name")
                .hasMessageEndingWith(
                        "ALTER PUBLICATION \"root_slot\" SET (publish_via_partition_root ="
                                + " false);");

        IngestPreflight.prepare(config("public.measures_2024", "leaf_slot"));
        assertThat(publishedTables("leaf_slot")).containsExactly("public.measures_2024");
    }

    @Test
    void warnsOfUnconstrainedNumericsAndOfAnExistingTopicsOtherPartitionCount() throws Exception {
        KAFKA.broker().createTopics(3, "other.shop.public.alpha");

        List<String> warnings =
                IngestPreflight.prepare(
                        config(
                                "public.alpha",
                                "warn_slot",
                                "staging.topic-prefix=other",
                                "staging.partitions=2"));

        assertThat(warnings)
                .anySatisfy(
                        w ->
                                assertThat(w)
                                        .startsWith(
                                                "public.alpha: column amount is an unconstrained"
                                                        + " numeric"))
                .anySatisfy(
                        w ->
                                assertThat(w)
                                        .startsWith(
                                                "Topic other.shop.public.alpha exists with 3"
                                                        + " partition(s), but staging.partitions is"
                                                        + " 2; the job uses the existing 3."));
        try (Admin admin = KAFKA.broker().admin()) {
            assertThat(
                            admin.describeTopics(List.of("other.shop.dead-letter"))
                                    .allTopicNames()
                                    .get()
                                    .get("other.shop.dead-letter")
                                    .partitions())
                    .as("new topics get the configured count")
                    .hasSize(2);
        }
    }

    @Test
    void setsRetentionOfNewAndExistingTopicsAndReportsAChange() throws Exception {
        KAFKA.broker().createTopics(1, "kept.shop.public.alpha");
        String month = String.valueOf(java.time.Duration.ofDays(30).toMillis());

        List<String> warnings =
                IngestPreflight.prepare(
                        config(
                                "public.alpha;public.orders",
                                "retention_slot",
                                "staging.topic-prefix=kept",
                                "staging.retention-ms=kept.shop.public.alpha:"
                                        + month
                                        + ",kept.shop.public.orders:"
                                        + month));

        assertThat(warnings)
                .anySatisfy(
                        w ->
                                assertThat(w)
                                        .startsWith("Topic kept.shop.public.alpha had retention.ms")
                                        .contains("set to " + month));
        try (Admin admin = KAFKA.broker().admin()) {
            var resources =
                    List.of(
                            new org.apache.kafka.common.config.ConfigResource(
                                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC,
                                    "kept.shop.public.alpha"),
                            new org.apache.kafka.common.config.ConfigResource(
                                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC,
                                    "kept.shop.public.orders"),
                            new org.apache.kafka.common.config.ConfigResource(
                                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC,
                                    "kept.shop.dead-letter"));
            var configs = admin.describeConfigs(resources).all().get();
            assertThat(configs.get(resources.get(0)).get("retention.ms").value()).isEqualTo(month);
            assertThat(configs.get(resources.get(1)).get("retention.ms").value()).isEqualTo(month);
            assertThat(configs.get(resources.get(2)).get("retention.ms").value())
                    .as("topics the policy does not name keep every record")
                    .isEqualTo("-1");
        }
        List<String> again =
                IngestPreflight.prepare(
                        config(
                                "public.alpha;public.orders",
                                "retention_slot",
                                "staging.topic-prefix=kept",
                                "staging.retention-ms=kept.shop.public.alpha:"
                                        + month
                                        + ",kept.shop.public.orders:"
                                        + month));
        assertThat(again).noneMatch(w -> w.contains("retention.ms"));
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
            assertThat(topics)
                    .contains(
                            "staging.shop.public.orders",
                            "staging.shop.dead-letter",
                            "staging._schemas");
            org.apache.kafka.common.config.ConfigResource registry =
                    new org.apache.kafka.common.config.ConfigResource(
                            org.apache.kafka.common.config.ConfigResource.Type.TOPIC,
                            "staging._schemas");
            assertThat(
                            admin.describeConfigs(List.of(registry))
                                    .all()
                                    .get()
                                    .get(registry)
                                    .get("cleanup.policy")
                                    .value())
                    .isEqualTo("compact");
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
