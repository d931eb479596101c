package dev.sluice.ingest;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Checks what the ingest job needs before it starts, so that a wrong setting stops it with one
 * message saying what and how to fix instead of a restart loop: PostgreSQL reachable with {@code
 * wal_level=logical}, every table present with a primary key and {@code REPLICA IDENTITY FULL}, the
 * publication in place, Kafka reachable, and the staging topics created.
 */
public final class IngestPreflight {

    private IngestPreflight() {}

    /** Runs every check and creates what is missing (publication, staging topics). */
    public static void prepare(IngestConfig config) {
        try (Connection connection = connect(config)) {
            checkLogicalReplication(connection);
            List<String> problems = new ArrayList<>();
            for (SourceTable table : config.tables()) {
                checkTable(connection, table, problems);
            }
            if (!problems.isEmpty()) {
                throw new IngestSetupException(
                        "The ingest configuration names tables PostgreSQL cannot stream:\n  - "
                                + String.join("\n  - ", problems));
            }
            ensurePublication(connection, config);
        } catch (SQLException e) {
            throw new IngestSetupException(
                    "PostgreSQL check failed on "
                            + config.jdbcUrl()
                            + ": "
                            + sentence(e.getMessage())
                            + " Check postgres.hostname, postgres.port, postgres.database, the user"
                            + " and the password variable.",
                    e);
        }
        createStagingTopics(config);
    }

    private static Connection connect(IngestConfig config) {
        Properties properties = new Properties();
        properties.setProperty("user", config.username());
        properties.setProperty("password", config.password());
        properties.setProperty("connectTimeout", "10");
        try {
            return DriverManager.getConnection(config.jdbcUrl(), properties);
        } catch (SQLException e) {
            throw new IngestSetupException(
                    "Cannot connect to PostgreSQL at "
                            + config.jdbcUrl()
                            + " as '"
                            + config.username()
                            + "': "
                            + sentence(e.getMessage())
                            + " Check that the server runs and the options postgres.hostname,"
                            + " postgres.port, postgres.database, postgres.username and the"
                            + " password variable ("
                            + IngestOptions.POSTGRES_PASSWORD_ENV.key()
                            + ") are right.",
                    e);
        }
    }

    private static void checkLogicalReplication(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SHOW wal_level")) {
            result.next();
            String walLevel = result.getString(1);
            if (!"logical".equals(walLevel)) {
                throw new IngestSetupException(
                        "PostgreSQL runs with wal_level="
                                + walLevel
                                + ", but change data capture needs logical replication. Set"
                                + " wal_level = logical (and max_replication_slots,"
                                + " max_wal_senders >= 10) in postgresql.conf and restart the"
                                + " server.");
            }
        }
    }

    private static void checkTable(Connection connection, SourceTable table, List<String> problems)
            throws SQLException {
        String sql =
                "SELECT c.relreplident,"
                        + " EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)"
                        + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, table.schema());
            statement.setString(2, table.table());
            try (ResultSet result = statement.executeQuery()) {
                if (!result.next()) {
                    problems.add(
                            table
                                    + ": no such table in database '"
                                    + connection.getCatalog()
                                    + "'. Fix the option 'tables' (schema.table, lower case).");
                    return;
                }
                if (!result.getBoolean(2)) {
                    problems.add(
                            table
                                    + ": has no primary key. Staging records are keyed and merged"
                                    + " by primary key; add one (ALTER TABLE "
                                    + table
                                    + " ADD PRIMARY KEY (...)) or leave the table out.");
                }
                if (!"f".equals(result.getString(1))) {
                    problems.add(
                            table
                                    + ": replica identity is not FULL, so updates and deletes would"
                                    + " arrive without their old values. Run: ALTER TABLE "
                                    + table
                                    + " REPLICA IDENTITY FULL;");
                }
            }
        }
    }

    private static void ensurePublication(Connection connection, IngestConfig config)
            throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            statement.setString(1, config.publicationName());
            try (ResultSet result = statement.executeQuery()) {
                if (result.next()) {
                    return;
                }
            }
        }
        List<String> tables =
                config.tables().stream()
                        .map(t -> quote(t.schema()) + "." + quote(t.table()))
                        .toList();
        try (Statement statement = connection.createStatement()) {
            statement.execute(
                    "CREATE PUBLICATION "
                            + quote(config.publicationName())
                            + " FOR TABLE "
                            + String.join(", ", tables));
        }
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private static void createStagingTopics(IngestConfig config) {
        Map<String, Object> settings =
                Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        try (Admin admin = Admin.create(settings)) {
            Set<String> existing = admin.listTopics().names().get(20, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            List<String> wanted = new ArrayList<>(config.stagingTopics().values());
            wanted.add(config.deadLetterTopic());
            for (String topic : wanted) {
                if (!existing.contains(topic)) {
                    missing.add(
                            new NewTopic(
                                            topic,
                                            config.topicPartitions(),
                                            config.topicReplicationFactor())
                                    // staging keeps every change so that a consumer added later
                                    // replays history from the snapshot on
                                    .configs(Map.of("retention.ms", "-1")));
                }
            }
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        } catch (TimeoutException | ExecutionException e) {
            throw new IngestSetupException(
                    "Cannot reach Kafka at "
                            + config.bootstrapServers()
                            + " to create the staging topics ("
                            + (e.getCause() == null ? e : e.getCause()).getMessage()
                            + "). Check the option kafka.bootstrap-servers and that the brokers"
                            + " are up.",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IngestSetupException("Interrupted while creating staging topics", e);
        }
    }

    /** A driver message as one sentence ending in a single period. */
    private static String sentence(String message) {
        String trimmed = message == null ? "" : message.strip();
        while (trimmed.endsWith(".")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed + ".";
    }
}
