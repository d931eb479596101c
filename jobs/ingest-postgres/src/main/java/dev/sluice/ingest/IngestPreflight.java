package dev.sluice.ingest;

import dev.sluice.stagingschemas.StagingSchemaRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks what the ingest job needs before it starts, so that a wrong setting stops it with one
 * message saying what and how to fix instead of a restart loop: PostgreSQL reachable with {@code
 * wal_level=logical}, every table present (not partitioned) with a primary key, {@code REPLICA
 * IDENTITY FULL} and no {@code money} column, the publication covering every table (and not
 * publishing configured partitions under their root's name), Kafka reachable, and the staging
 * topics created.
 */
public final class IngestPreflight {

    private static final Logger LOG = LoggerFactory.getLogger(IngestPreflight.class);

    private IngestPreflight() {}

    /**
     * Runs every check and creates what is missing (publication or its missing tables, staging
     * topics). Returns warnings about things that work but deserve attention (also logged).
     */
    public static List<String> prepare(IngestConfig config) {
        List<String> warnings = new ArrayList<>();
        if (config.encryption() != null) {
            try {
                config.encryption().check(System.getenv());
            } catch (dev.sluice.stagingkeys.KeyStoreException e) {
                throw new IngestSetupException(
                        "Staging encryption ("
                                + IngestOptions.ENCRYPTION_COLUMNS.key()
                                + ") cannot start: "
                                + e.getMessage(),
                        e);
            }
        }
        try (Connection connection = connect(config)) {
            checkLogicalReplication(connection);
            List<String> problems = new ArrayList<>();
            List<SourceTable> partitions = new ArrayList<>();
            for (SourceTable table : config.tables()) {
                checkTable(connection, table, problems, partitions);
                checkColumns(connection, table, problems, warnings);
            }
            Publication publication = readPublication(connection, config.publicationName());
            if (publication != null && publication.viaRoot() && !partitions.isEmpty()) {
                problems.add(viaRootProblem(config.publicationName(), partitions));
            }
            if (!problems.isEmpty()) {
                throw new IngestSetupException(
                        "The ingest configuration names tables PostgreSQL cannot stream:\n  - "
                                + String.join("\n  - ", problems));
            }
            ensurePublication(connection, config, publication);
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
        createStagingTopics(config, warnings);
        warnings.forEach(LOG::warn);
        return warnings;
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

    private static void checkTable(
            Connection connection,
            SourceTable table,
            List<String> problems,
            List<SourceTable> partitionsSeen)
            throws SQLException {
        String sql =
                "SELECT c.relreplident,"
                        + " EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary),"
                        + " c.relkind,"
                        + " (SELECT string_agg(quote_ident(pn.nspname) || '.' || quote_ident(p.relname),"
                        + " ';' ORDER BY p.relname) FROM pg_inherits h JOIN pg_class p ON p.oid = h.inhrelid"
                        + " JOIN pg_namespace pn ON pn.oid = p.relnamespace WHERE h.inhparent = c.oid),"
                        + " c.relispartition"
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
                if ("p".equals(result.getString(3))) {
                    // the CDC source reads changes of partitions under their own names; a
                    // partitioned parent would be snapshotted but never streamed
                    String partitions = result.getString(4);
                    problems.add(
                            table
                                    + ": is a partitioned table, which the ingest job does not"
                                    + " capture (its changes are streamed under each partition's"
                                    + " name). Capture the partitions instead"
                                    + (partitions == null
                                            ? " (it has none yet)"
                                            : " (option tables), e.g. --set 'tables="
                                                    + partitions
                                                    + "'")
                                    + ", one staging topic each.");
                    return;
                }
                if (result.getBoolean(5)) {
                    partitionsSeen.add(table);
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

    /**
     * Column types the CDC source cannot carry: {@code money} fails the snapshot (the JDBC driver
     * reads it as a double and rejects "1,000.00"), a restart loop; an unconstrained {@code
     * numeric} may hold NaN or ±Infinity, which are staged as null with a dead-letter note.
     */
    private static void checkColumns(
            Connection connection, SourceTable table, List<String> problems, List<String> warnings)
            throws SQLException {
        String sql =
                "SELECT a.attname, t.typname, a.atttypmod FROM pg_attribute a"
                        + " JOIN pg_class c ON c.oid = a.attrelid"
                        + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " JOIN pg_type t ON t.oid = a.atttypid"
                        + " WHERE n.nspname = ? AND c.relname = ? AND a.attnum > 0"
                        + " AND NOT a.attisdropped AND t.typname IN ('money', '_money', 'numeric', '_numeric')"
                        + " ORDER BY a.attnum";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, table.schema());
            statement.setString(2, table.table());
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    String column = result.getString(1);
                    String type = result.getString(2);
                    if (type.endsWith("money")) {
                        problems.add(
                                table
                                        + ": column "
                                        + column
                                        + " has type money, which the snapshot cannot read (the"
                                        + " JDBC driver fails on values from 1,000 on). Change it to"
                                        + " numeric: ALTER TABLE "
                                        + table
                                        + " ALTER COLUMN "
                                        + quote(column)
                                        + " TYPE numeric(19, 2"
                                        + (type.startsWith("_") ? ")[];" : ");"));
                    } else if (result.getInt(3) < 0) {
                        warnings.add(
                                table
                                        + ": column "
                                        + column
                                        + " is an unconstrained numeric, which may hold 'NaN' or"
                                        + " '±Infinity': no DECIMAL holds them, so such a value is"
                                        + " staged as null with a dead-letter note. Declare"
                                        + " numeric(p, s), which rejects the infinities, or add"
                                        + " CHECK ("
                                        + quote(column)
                                        + " NOT IN ('Infinity', '-Infinity')).");
                    }
                }
            }
        }
    }

    /** An existing publication: FOR ALL TABLES or its tables, and publish_via_partition_root. */
    private record Publication(boolean allTables, boolean viaRoot, Set<SourceTable> tables) {}

    /** Reads the publication, or returns null when there is none of that name. */
    private static Publication readPublication(Connection connection, String name)
            throws SQLException {
        // pubviaroot exists from PostgreSQL 13 on; read through to_jsonb so that older servers
        // (no such option, so nothing is published via the root) answer false instead of failing
        String sql =
                "SELECT p.puballtables,"
                        + " coalesce((to_jsonb(p) ->> 'pubviaroot')::boolean, false),"
                        + " t.schemaname, t.tablename FROM pg_publication p"
                        + " LEFT JOIN pg_publication_tables t ON t.pubname = p.pubname"
                        + " WHERE p.pubname = ?";
        Publication publication = null;
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, name);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    if (publication == null) {
                        publication =
                                new Publication(
                                        result.getBoolean(1),
                                        result.getBoolean(2),
                                        new HashSet<>());
                    }
                    if (result.getString(3) != null) {
                        publication
                                .tables()
                                .add(new SourceTable(result.getString(3), result.getString(4)));
                    }
                }
            }
        }
        return publication;
    }

    /**
     * With publish_via_partition_root, changes of a partition are published under its root table's
     * name, which the CDC source does not capture: the partition would be snapshotted but its
     * changes never streamed.
     */
    private static String viaRootProblem(String publication, List<SourceTable> partitions) {
        return "Publication "
                + publication
                + " has publish_via_partition_root = true, so changes of the partition(s) "
                + partitions
                + " are published under their root table's name, which the ingest job does not"
                + " capture: they would be snapshotted but never streamed. Run as the owner of the"
                + " publication (or point the option publication.name at another one): ALTER"
                + " PUBLICATION "
                + quote(publication)
                + " SET (publish_via_partition_root = false);";
    }

    /**
     * Creates the publication for the configured tables, or adds the configured tables it lacks (a
     * table added to the configuration later would otherwise be snapshotted but never streamed).
     */
    private static void ensurePublication(
            Connection connection, IngestConfig config, Publication publication)
            throws SQLException {
        if (publication != null && publication.allTables()) {
            return; // FOR ALL TABLES covers every configured table
        }
        if (publication == null) {
            try (Statement statement = connection.createStatement()) {
                statement.execute(
                        "CREATE PUBLICATION "
                                + quote(config.publicationName())
                                + " FOR TABLE "
                                + quoted(config.tables()));
            }
            return;
        }
        List<SourceTable> missing =
                config.tables().stream().filter(t -> !publication.tables().contains(t)).toList();
        if (missing.isEmpty()) {
            return;
        }
        String alter =
                "ALTER PUBLICATION "
                        + quote(config.publicationName())
                        + " ADD TABLE "
                        + quoted(missing);
        try (Statement statement = connection.createStatement()) {
            statement.execute(alter);
            LOG.info("Added {} to publication {}", missing, config.publicationName());
        } catch (SQLException e) {
            throw new IngestSetupException(
                    "Publication "
                            + config.publicationName()
                            + " lacks "
                            + missing
                            + ", so their changes would never be streamed, and user '"
                            + config.username()
                            + "' cannot add them ("
                            + sentence(e.getMessage()).replaceAll("\\.$", "")
                            + "). Run as the owner of the publication and the tables: "
                            + alter
                            + ";",
                    e);
        }
    }

    private static String quoted(List<SourceTable> tables) {
        return String.join(
                ", ",
                tables.stream().map(t -> quote(t.schema()) + "." + quote(t.table())).toList());
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private static void createStagingTopics(IngestConfig config, List<String> warnings) {
        Map<String, Object> settings =
                Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        try (Admin admin = Admin.create(settings)) {
            Set<String> existing = admin.listTopics().names().get(20, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            List<String> present = new ArrayList<>();
            List<String> wanted = new ArrayList<>(config.stagingTopics().values());
            wanted.add(config.deadLetterTopic());
            for (String topic : wanted) {
                if (existing.contains(topic)) {
                    present.add(topic);
                } else {
                    missing.add(
                            new NewTopic(
                                            topic,
                                            config.topicPartitions(),
                                            config.topicReplicationFactor())
                                    // staging keeps every change so that a consumer added later
                                    // replays history from the snapshot on, unless the policy's
                                    // retention says otherwise
                                    .configs(
                                            Map.of(
                                                    "retention.ms",
                                                    String.valueOf(
                                                            config.retentionMs(topic)
                                                                    .orElse(-1L)))));
                }
            }
            String registry = StagingSchemaRegistry.topicFor(config.topicPrefix());
            if (!existing.contains(registry)) {
                // the staging schema registry: one record per staging topic kept forever
                missing.add(
                        new NewTopic(registry, 1, config.topicReplicationFactor())
                                .configs(StagingSchemaRegistry.topicConfig()));
            }
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            if (!present.isEmpty()) {
                checkPartitionCounts(admin, present, config.topicPartitions(), warnings);
                applyRetention(admin, config, present, warnings);
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

    /**
     * Sets retention.ms of existing topics to what the options ask (the policy's retention, through
     * sluice ingest), reporting every topic whose value differed.
     */
    private static void applyRetention(
            Admin admin, IngestConfig config, List<String> topics, List<String> warnings)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<ConfigResource, Collection<AlterConfigOp>> changes = new LinkedHashMap<>();
        List<ConfigResource> resources = new ArrayList<>();
        for (String topic : topics) {
            if (config.retentionMs(topic).isPresent()) {
                resources.add(new ConfigResource(ConfigResource.Type.TOPIC, topic));
            }
        }
        if (resources.isEmpty()) {
            return;
        }
        Map<ConfigResource, Config> current =
                admin.describeConfigs(resources).all().get(20, TimeUnit.SECONDS);
        for (ConfigResource resource : resources) {
            String wanted = String.valueOf(config.retentionMs(resource.name()).orElseThrow());
            ConfigEntry entry = current.get(resource).get("retention.ms");
            String actual = entry == null ? null : entry.value();
            if (!wanted.equals(actual)) {
                changes.put(
                        resource,
                        List.of(
                                new AlterConfigOp(
                                        new ConfigEntry("retention.ms", wanted),
                                        AlterConfigOp.OpType.SET)));
                warnings.add(
                        "Topic "
                                + resource.name()
                                + " had retention.ms "
                                + actual
                                + "; set to "
                                + wanted
                                + " as staging.retention-ms (the policy's retention:) asks.");
            }
        }
        if (!changes.isEmpty()) {
            admin.incrementalAlterConfigs(changes).all().get(20, TimeUnit.SECONDS);
        }
    }

    /**
     * An existing topic keeps its partition count: the job never changes it, because adding
     * partitions to a keyed topic moves keys and breaks the order of a row's changes for readers.
     */
    private static void checkPartitionCounts(
            Admin admin, List<String> topics, int configured, List<String> warnings)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<String, TopicDescription> descriptions =
                admin.describeTopics(topics).allTopicNames().get(20, TimeUnit.SECONDS);
        for (String topic : topics) {
            int actual = descriptions.get(topic).partitions().size();
            if (actual != configured) {
                warnings.add(
                        "Topic "
                                + topic
                                + " exists with "
                                + actual
                                + " partition(s), but staging.partitions is "
                                + configured
                                + "; the job uses the existing "
                                + actual
                                + ". To change it, alter the topic yourself (kafka-topics.sh"
                                + " --alter --partitions), knowing that adding partitions moves keys"
                                + " and breaks per-row order for current readers, or set"
                                + " staging.partitions="
                                + actual
                                + " to silence this.");
            }
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
