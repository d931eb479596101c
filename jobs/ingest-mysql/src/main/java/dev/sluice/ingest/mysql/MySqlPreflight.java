package dev.sluice.ingest.mysql;

import dev.sluice.stagingschemas.StagingSchemaRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * Checks what the MySQL/MariaDB ingest needs before it starts and reports every missing item at
 * once, each with the statement that fixes it: the binlog on ({@code log_bin}), {@code
 * binlog_format=ROW}, {@code binlog_row_image=FULL}, a server id, GTID consistency where the server
 * has GTID mode (MySQL), the user's privileges (SELECT, SHOW DATABASES, REPLICATION SLAVE,
 * REPLICATION CLIENT), and every table present with a primary key. Then it creates the staging
 * topics.
 */
public final class MySqlPreflight {

    private static final Logger LOG = LoggerFactory.getLogger(MySqlPreflight.class);
    private static final Pattern GRANT =
            Pattern.compile("^GRANT (.+?) ON (\\S+) TO ", Pattern.CASE_INSENSITIVE);

    /** Needed privilege → the names servers print for it (MariaDB 10.5+ renamed some). */
    private static final Map<String, List<String>> PRIVILEGES = new LinkedHashMap<>();

    static {
        PRIVILEGES.put("SELECT", List.of("SELECT"));
        PRIVILEGES.put("SHOW DATABASES", List.of("SHOW DATABASES"));
        PRIVILEGES.put("REPLICATION SLAVE", List.of("REPLICATION SLAVE", "REPLICATION REPLICA"));
        PRIVILEGES.put(
                "REPLICATION CLIENT",
                List.of("REPLICATION CLIENT", "BINLOG MONITOR", "SLAVE MONITOR"));
    }

    private MySqlPreflight() {}

    /**
     * Runs every check and creates the staging topics that are missing. Returns warnings about
     * things that work but deserve attention (also logged); throws {@link IngestSetupException}
     * listing every problem with its fix.
     */
    public static List<String> prepare(MySqlIngestConfig config) {
        List<String> warnings = new ArrayList<>();
        try (Connection connection = connect(config)) {
            List<String> problems = new ArrayList<>();
            checkBinlog(connection, problems, warnings);
            checkPrivileges(connection, config, problems);
            for (String table : config.tables()) {
                checkTable(connection, config, table, problems);
            }
            if (!problems.isEmpty()) {
                throw new IngestSetupException(
                        "The MySQL server at "
                                + config.jdbcUrl()
                                + " is not ready for change data capture:\n  - "
                                + String.join("\n  - ", problems));
            }
        } catch (SQLException e) {
            throw new IngestSetupException(
                    "MySQL check failed on "
                            + config.jdbcUrl()
                            + ": "
                            + sentence(e.getMessage())
                            + " Check mysql.hostname, mysql.port, mysql.database, the user and the"
                            + " password variable.",
                    e);
        }
        createStagingTopics(config, warnings);
        warnings.forEach(LOG::warn);
        return warnings;
    }

    private static Connection connect(MySqlIngestConfig config) {
        Properties properties = new Properties();
        properties.setProperty("user", config.username());
        properties.setProperty("password", config.password());
        properties.setProperty("connectTimeout", "10000");
        try {
            // registers the driver of this job jar's class loader with DriverManager, which
            // otherwise only knows drivers of the system class path
            Class.forName("com.mysql.cj.jdbc.Driver");
        } catch (ClassNotFoundException e) {
            throw new IngestSetupException("The MySQL JDBC driver is missing from the job jar", e);
        }
        try {
            return DriverManager.getConnection(config.jdbcUrl(), properties);
        } catch (SQLException e) {
            throw new IngestSetupException(
                    "Cannot connect to MySQL at "
                            + config.jdbcUrl()
                            + " as '"
                            + config.username()
                            + "': "
                            + sentence(e.getMessage())
                            + " Check that the server runs and the options mysql.hostname,"
                            + " mysql.port, mysql.database, mysql.username and the password"
                            + " variable ("
                            + MySqlIngestOptions.MYSQL_PASSWORD_ENV.key()
                            + ") are right.",
                    e);
        }
    }

    private static Map<String, String> globalVariables(Connection connection) throws SQLException {
        Map<String, String> variables = new HashMap<>();
        try (Statement statement = connection.createStatement();
                ResultSet result =
                        statement.executeQuery(
                                "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('log_bin',"
                                        + " 'binlog_format', 'binlog_row_image', 'server_id',"
                                        + " 'gtid_mode', 'enforce_gtid_consistency', 'version',"
                                        + " 'binlog_row_value_options')")) {
            while (result.next()) {
                variables.put(result.getString(1).toLowerCase(Locale.ROOT), result.getString(2));
            }
        }
        return variables;
    }

    private static void checkBinlog(
            Connection connection, List<String> problems, List<String> warnings)
            throws SQLException {
        Map<String, String> variables = globalVariables(connection);
        if (!"ON".equalsIgnoreCase(variables.getOrDefault("log_bin", "OFF"))) {
            problems.add(
                    "the binary log is off (log_bin=OFF), so there are no changes to read. It"
                            + " cannot be turned on at runtime: start the server with --log-bin"
                            + " (my.cnf: log_bin = mysql-bin under [mysqld]) and restart it.");
        }
        if (!"ROW".equalsIgnoreCase(variables.getOrDefault("binlog_format", ""))) {
            problems.add(
                    "binlog_format="
                            + variables.get("binlog_format")
                            + ", but change data capture reads row events. Run: SET GLOBAL"
                            + " binlog_format = 'ROW'; (and binlog_format = ROW in my.cnf so a"
                            + " restart keeps it).");
        }
        if (!"FULL".equalsIgnoreCase(variables.getOrDefault("binlog_row_image", "FULL"))) {
            problems.add(
                    "binlog_row_image="
                            + variables.get("binlog_row_image")
                            + ", so updates would arrive without the columns they did not change."
                            + " Run: SET GLOBAL binlog_row_image = 'FULL'; (and binlog_row_image ="
                            + " FULL in my.cnf).");
        }
        String serverId = variables.getOrDefault("server_id", "0");
        if ("0".equals(serverId.strip())) {
            problems.add(
                    "server_id=0: a server without an id refuses binlog readers. Run: SET GLOBAL"
                            + " server_id = 1; (and server_id = 1 in my.cnf), an id no replica"
                            + " uses.");
        }
        String gtidMode = variables.get("gtid_mode");
        if (gtidMode != null && !"OFF".equalsIgnoreCase(gtidMode)) {
            if (!"ON".equalsIgnoreCase(gtidMode)) {
                problems.add(
                        "gtid_mode="
                                + gtidMode
                                + ": a reader that resumes by GTID needs it ON or OFF. Move on to"
                                + " ON: SET GLOBAL enforce_gtid_consistency = ON; SET GLOBAL"
                                + " gtid_mode = ON_PERMISSIVE; SET GLOBAL gtid_mode = ON;");
            } else if (!"ON"
                    .equalsIgnoreCase(variables.getOrDefault("enforce_gtid_consistency", "ON"))) {
                problems.add(
                        "gtid_mode=ON but enforce_gtid_consistency="
                                + variables.get("enforce_gtid_consistency")
                                + ". Run: SET GLOBAL enforce_gtid_consistency = ON;");
            }
        } else if (gtidMode != null) {
            warnings.add(
                    "gtid_mode=OFF: the ingest resumes by binlog file and position, which do not"
                            + " survive a fail-over to a replica. Consider gtid_mode=ON.");
        }
        String valueOptions = variables.get("binlog_row_value_options");
        if (valueOptions != null
                && valueOptions.toUpperCase(Locale.ROOT).contains("PARTIAL_JSON")) {
            problems.add(
                    "binlog_row_value_options=PARTIAL_JSON writes JSON updates as diffs the reader"
                            + " cannot apply. Run: SET GLOBAL binlog_row_value_options = '';");
        }
    }

    private static void checkPrivileges(
            Connection connection, MySqlIngestConfig config, List<String> problems)
            throws SQLException {
        Set<String> global = new LinkedHashSet<>();
        Set<String> onDatabase = new LinkedHashSet<>();
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SHOW GRANTS FOR CURRENT_USER()")) {
            while (result.next()) {
                Matcher grant = GRANT.matcher(result.getString(1));
                if (!grant.find()) {
                    continue;
                }
                String on = grant.group(2).replace("`", "").toLowerCase(Locale.ROOT);
                Set<String> target =
                        on.equals("*.*")
                                ? global
                                : on.equals(config.database().toLowerCase(Locale.ROOT) + ".*")
                                        ? onDatabase
                                        : null;
                if (target == null) {
                    continue;
                }
                for (String privilege : grant.group(1).split(",")) {
                    target.add(privilege.strip().toUpperCase(Locale.ROOT));
                }
            }
        }
        if (global.contains("ALL PRIVILEGES") || global.contains("ALL")) {
            return;
        }
        List<String> missing = new ArrayList<>();
        PRIVILEGES.forEach(
                (privilege, names) -> {
                    boolean granted =
                            names.stream().anyMatch(global::contains)
                                    || (privilege.equals("SELECT")
                                            && (onDatabase.contains("SELECT")
                                                    || onDatabase.contains("ALL PRIVILEGES")));
                    if (!granted) {
                        missing.add(privilege);
                    }
                });
        if (!missing.isEmpty()) {
            problems.add(
                    "user '"
                            + config.username()
                            + "' lacks "
                            + String.join(", ", missing)
                            + " (the snapshot reads with SELECT, the binlog reader needs the"
                            + " replication privileges). Run as an administrator: GRANT "
                            + String.join(", ", missing)
                            + " ON *.* TO '"
                            + config.username()
                            + "'@'%';");
        }
    }

    private static void checkTable(
            Connection connection, MySqlIngestConfig config, String table, List<String> problems)
            throws SQLException {
        String sql =
                "SELECT t.TABLE_TYPE, (SELECT COUNT(*) FROM information_schema.TABLE_CONSTRAINTS c"
                        + " WHERE c.TABLE_SCHEMA = t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME"
                        + " AND c.CONSTRAINT_TYPE = 'PRIMARY KEY')"
                        + " FROM information_schema.TABLES t WHERE t.TABLE_SCHEMA = ? AND"
                        + " t.TABLE_NAME = ?";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, config.database());
            statement.setString(2, table);
            try (ResultSet result = statement.executeQuery()) {
                String qualified = config.database() + "." + table;
                if (!result.next()) {
                    problems.add(
                            qualified
                                    + ": no such table. Fix the option 'tables' (names of"
                                    + " mysql.database, lower case).");
                    return;
                }
                if (!"BASE TABLE".equalsIgnoreCase(result.getString(1))) {
                    problems.add(
                            qualified
                                    + ": is a "
                                    + result.getString(1)
                                    + "; only base tables have changes in the binlog. Capture the"
                                    + " tables it reads instead.");
                    return;
                }
                if (result.getLong(2) == 0) {
                    problems.add(
                            qualified
                                    + ": has no primary key. Staging records are keyed and merged"
                                    + " by primary key; add one (ALTER TABLE `"
                                    + config.database()
                                    + "`.`"
                                    + table
                                    + "` ADD PRIMARY KEY (...);) or leave the table out.");
                }
            }
        }
    }

    private static void createStagingTopics(MySqlIngestConfig config, List<String> warnings) {
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

    private static void applyRetention(
            Admin admin, MySqlIngestConfig config, List<String> topics, List<String> warnings)
            throws ExecutionException, InterruptedException, TimeoutException {
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
        Map<ConfigResource, Collection<AlterConfigOp>> changes = new LinkedHashMap<>();
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
                                + ". Set staging.partitions="
                                + actual
                                + " to silence this.");
            }
        }
    }

    private static String sentence(String message) {
        String trimmed = message == null ? "" : message.strip();
        while (trimmed.endsWith(".")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed + ".";
    }
}
