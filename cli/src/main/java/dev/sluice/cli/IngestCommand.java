package dev.sluice.cli;

import dev.sluice.cluster.IsolatedMySqlIngest;
import dev.sluice.cluster.LocalFlinkCluster;
import dev.sluice.gate.PolicySources;
import dev.sluice.ingest.IngestConfig;
import dev.sluice.ingest.IngestJob;
import dev.sluice.ingest.IngestOptions;
import dev.sluice.ingest.IngestPreflight;
import dev.sluice.ingest.IngestSetupException;
import dev.sluice.policy.model.IdentityPattern;
import dev.sluice.policy.model.Policy;
import dev.sluice.policy.model.PolicyException;
import dev.sluice.policy.model.TableMapping;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice ingest}: checks an ingest configuration against the real database and Kafka, and
 * runs the CDC ingest job locally. On a cluster, run {@code dev.sluice.ingest.IngestJob} from the
 * job jar with the same options.
 */
@Command(
        name = "ingest",
        mixinStandardHelpOptions = true,
        description = {
            "Check and run the CDC ingest job: PostgreSQL tables (or MySQL/MariaDB tables with"
                    + " --source mysql) -> one staging topic per table.",
            "Options come from --config (a properties file) and --set key=value (which wins); the"
                    + " keys are listed in the README (postgres.hostname, postgres.database, tables,"
                    + " slot.name, kafka.bootstrap-servers, ...). The password comes from the"
                    + " environment variable named by postgres.password-env.",
            "Ctrl-C stops the job with a savepoint under --work-dir; the next run resumes from the"
                    + " newest one there (no new snapshot).",
            "Exit codes: 0 ok or stopped, 1 invalid configuration, 2 wrong usage (an unknown"
                    + " --set key, a missing --config file), 3 database or Kafka unreachable or not"
                    + " ready."
        })
final class IngestCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Properties file of ingest options.")
    Path configFile;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "An ingest option; repeatable; wins over --config.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(
            names = "--work-dir",
            paramLabel = "DIR",
            description =
                    "Checkpoints and savepoints go here (default:"
                            + " .sluice/ingest/<database>-<slot>). A run resumes from the newest"
                            + " savepoint in it.")
    Path workDir;

    @Option(
            names = "--from-savepoint",
            paramLabel = "PATH",
            description = "Resume from this savepoint instead of the newest one in --work-dir.")
    String fromSavepoint;

    @Option(
            names = "--policy",
            paramLabel = "FILE|DIR",
            description =
                    "Policy whose retention: entries set the staging topics' retention.ms (and whose"
                            + " subjects: and classifications: name the encrypted columns when"
                            + " staging.encryption.key-store.url is set),"
                            + " repeatable (default: sql/policy when it exists).")
    List<String> policy = new ArrayList<>();

    @Option(
            names = "--source",
            defaultValue = "postgres",
            paramLabel = "postgres|mysql",
            description =
                    "The source database: postgres (default) or mysql (MySQL or MariaDB; keys"
                            + " mysql.hostname, mysql.database, tables, ...; runs from its own job"
                            + " jar, see --job-jar).")
    String source;

    @Option(
            names = "--job-jar",
            paramLabel = "JAR",
            description =
                    "With --source mysql: the MySQL ingest job jar (default:"
                            + " jobs/ingest-mysql/target/sluice-ingest-mysql-*-job.jar).")
    Path jobJar;

    @Option(
            names = "--check",
            description =
                    "Only check: the database, the tables, logical replication and Kafka; create the"
                            + " publication and the staging topics; start no job.")
    boolean checkOnly;

    @Override
    public Integer call() throws Exception {
        switch (source.toLowerCase(java.util.Locale.ROOT)) {
            case "postgres", "postgresql" -> {
                return callPostgres();
            }
            case "mysql", "mariadb" -> {
                return callMySql();
            }
            default ->
                    throw new UserError(
                            "Invalid --source: '" + source + "'. Use postgres or mysql.",
                            ExitCodes.USAGE,
                            null);
        }
    }

    private Integer callPostgres() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        IngestConfig config = config();
        try {
            for (String warning : IngestPreflight.prepare(config)) {
                spec.commandLine().getErr().println("warning: " + warning);
            }
        } catch (IngestSetupException e) {
            throw new UserError(e.getMessage(), ExitCodes.UNAVAILABLE, e);
        }
        out.println("Ready: " + config.tables().size() + " table(s) of " + config.jdbcUrl());
        config.stagingTopics()
                .forEach((table, topic) -> out.println("  " + table + " -> " + topic));
        if (checkOnly) {
            return ExitCodes.OK;
        }
        Path work =
                (workDir != null
                                ? workDir
                                : Path.of(
                                        ".sluice",
                                        "ingest",
                                        config.database() + "-" + config.slotName()))
                        .toAbsolutePath();
        Path savepoints = work.resolve("savepoints");
        Files.createDirectories(savepoints);
        // resuming keeps the snapshot done and the stream position; a fresh start would snapshot
        // every table again into staging
        Optional<String> resumeFrom =
                fromSavepoint != null
                        ? Optional.of(fromSavepoint)
                        : SavepointOnShutdown.latest(savepoints);
        Configuration jobConfiguration =
                SavepointOnShutdown.jobConfiguration(work, savepoints, resumeFrom);

        SavepointOnShutdown shutdown = new SavepointOnShutdown(savepoints, out);
        try (LocalFlinkCluster flink = LocalFlinkCluster.start(4)) {
            StreamExecutionEnvironment env = flink.environment(jobConfiguration);
            IngestJob.addTo(env, config);
            JobClient job = env.executeAsync(IngestJob.jobName(config));
            out.println(
                    resumeFrom
                            .map(savepoint -> "Resuming from savepoint " + savepoint)
                            .orElse(
                                    "Starting with a snapshot of every table (no savepoint in "
                                            + savepoints
                                            + ")"));
            out.println(
                    "Ingest job " + job.getJobID() + " running; Flink web UI: " + flink.webUi());
            out.println("Ctrl-C stops it with a savepoint under " + savepoints);
            out.flush();
            shutdown.watch(job, "sluice-ingest-stop");
            try {
                job.getJobExecutionResult().get();
            } catch (ExecutionException e) {
                if (!shutdown.stopping()) {
                    Throwable cause = ExceptionUtils.stripExecutionException(e);
                    Throwable root =
                            ExceptionUtils.findThrowable(cause, t -> t.getCause() == null)
                                    .orElse(cause);
                    throw new UserError(
                            "Ingest job failed: "
                                    + root.getMessage()
                                    + ". The log (.sluice/sluice.log from ./sluice) has the"
                                    + " full trace. Check that PostgreSQL and Kafka are reachable"
                                    + " and run the command again.",
                            ExitCodes.UNAVAILABLE,
                            e);
                }
            } finally {
                shutdown.unwatch();
            }
        } finally {
            shutdown.release();
        }
        return ExitCodes.OK;
    }

    /**
     * The MySQL/MariaDB ingest: its job jar in a class loader of its own (see {@link
     * IsolatedMySqlIngest}), run in a local cluster configured for it.
     */
    private Integer callMySql() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (IsolatedMySqlIngest mysql = IsolatedMySqlIngest.open(jobJar)) {
            Map<String, String> options = options(mysql.optionKeys(), "mysql.password-env");
            String passwordVariable = mysql.passwordVariable(options);
            OutputSecrets.current().add(System.getenv(passwordVariable));
            Map<String, String> environment = new LinkedHashMap<>();
            String password = System.getenv(passwordVariable);
            if (password != null) {
                environment.put(passwordVariable, password);
            }
            Map<String, String> topics;
            try {
                topics = mysql.stagingTopics(options, environment);
                String retention = topicRetention(topics.values());
                if (!retention.isEmpty()
                        && !options.containsKey(IngestOptions.TOPIC_RETENTION.key())) {
                    options.put(IngestOptions.TOPIC_RETENTION.key(), retention);
                }
                for (String warning : mysql.prepare(options, environment)) {
                    spec.commandLine().getErr().println("warning: " + warning);
                }
            } catch (IsolatedMySqlIngest.NotReady e) {
                throw new UserError(e.getMessage(), ExitCodes.UNAVAILABLE, e);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
            out.println(
                    "Ready: "
                            + topics.size()
                            + " table(s) of "
                            + mysql.describe(options, environment));
            topics.forEach((table, topic) -> out.println("  " + table + " -> " + topic));
            if (checkOnly) {
                return ExitCodes.OK;
            }
            Path work =
                    (workDir != null
                                    ? workDir
                                    : Path.of(
                                            ".sluice",
                                            "ingest",
                                            "mysql-" + options.get("mysql.database")))
                            .toAbsolutePath();
            Path savepoints = work.resolve("savepoints");
            Files.createDirectories(savepoints);
            Optional<String> resumeFrom =
                    fromSavepoint != null
                            ? Optional.of(fromSavepoint)
                            : SavepointOnShutdown.latest(savepoints);
            Configuration jobConfiguration =
                    SavepointOnShutdown.jobConfiguration(work, savepoints, resumeFrom);
            SavepointOnShutdown shutdown = new SavepointOnShutdown(savepoints, out);
            try (LocalFlinkCluster flink =
                    LocalFlinkCluster.start(4, IsolatedMySqlIngest.clusterConfiguration())) {
                StreamExecutionEnvironment env = flink.environment(jobConfiguration, mysql.jar());
                JobClient job =
                        mysql.withContextLoader(
                                () -> env.executeAsync(mysql.addTo(env, options, environment)));
                out.println(
                        resumeFrom
                                .map(savepoint -> "Resuming from savepoint " + savepoint)
                                .orElse(
                                        "Starting with a snapshot of every table (no savepoint in "
                                                + savepoints
                                                + ")"));
                out.println(
                        "MySQL ingest job "
                                + job.getJobID()
                                + " running (job jar "
                                + mysql.jar().getFileName()
                                + "); Flink web UI: "
                                + flink.webUi());
                out.println("Ctrl-C stops it with a savepoint under " + savepoints);
                out.flush();
                shutdown.watch(job, "sluice-ingest-stop");
                try {
                    job.getJobExecutionResult().get();
                } catch (ExecutionException e) {
                    if (!shutdown.stopping()) {
                        Throwable cause = ExceptionUtils.stripExecutionException(e);
                        Throwable root =
                                ExceptionUtils.findThrowable(cause, t -> t.getCause() == null)
                                        .orElse(cause);
                        throw new UserError(
                                "Ingest job failed: "
                                        + root.getMessage()
                                        + ". The log (.sluice/sluice.log from ./sluice) has the"
                                        + " full trace. Check that MySQL and Kafka are reachable"
                                        + " and run the command again.",
                                ExitCodes.UNAVAILABLE,
                                e);
                    }
                } finally {
                    shutdown.unwatch();
                }
            } finally {
                shutdown.release();
            }
        } catch (java.io.IOException e) {
            throw new UserError(e.getMessage(), ExitCodes.USAGE, e);
        }
        return ExitCodes.OK;
    }

    /**
     * The options of --config and --set (which wins), every key checked against {@code known};
     * values of secret-looking keys are masked in output.
     */
    private Map<String, String> options(java.util.Set<String> known, String passwordKey) {
        for (String key : settings.keySet()) {
            if (!known.contains(key)) {
                throw new UserError(
                        unknownKey(key, "--set", known, passwordKey), ExitCodes.USAGE, null);
            }
        }
        settings.forEach(
                (key, value) -> {
                    if (key.matches("(?i).*(password|secret|token).*")) {
                        OutputSecrets.current().add(value);
                    }
                });
        Properties properties = loadConfigFile();
        for (String key : properties.stringPropertyNames()) {
            if (!known.contains(key)) {
                throw new UserError(unknownKey(key, "in " + configFile, known, passwordKey));
            }
        }
        properties.putAll(settings);
        Map<String, String> options = new LinkedHashMap<>();
        properties.forEach((key, value) -> options.put(key.toString(), value.toString()));
        return options;
    }

    private Properties loadConfigFile() {
        Properties properties = new Properties();
        if (configFile != null) {
            if (!Files.isRegularFile(configFile)) {
                throw new UserError(
                        "Invalid --config: "
                                + configFile
                                + " does not exist. Give a properties file of ingest options.",
                        ExitCodes.USAGE,
                        null);
            }
            try (InputStream in = Files.newInputStream(configFile)) {
                properties.load(in);
            } catch (IOException | IllegalArgumentException e) {
                throw new UserError(
                        "Cannot read --config "
                                + configFile
                                + ": "
                                + e.getMessage()
                                + ". Give a readable properties file.");
            }
        }
        return properties;
    }

    /** Every option key of the ingest job (IngestOptions' ConfigOption constants). */
    static java.util.Set<String> knownKeys() {
        java.util.Set<String> keys = new java.util.TreeSet<>();
        for (java.lang.reflect.Field field : IngestOptions.class.getFields()) {
            if (java.lang.reflect.Modifier.isStatic(field.getModifiers())
                    && ConfigOption.class.isAssignableFrom(field.getType())) {
                try {
                    keys.add(((ConfigOption<?>) field.get(null)).key());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("Cannot read " + field, e);
                }
            }
        }
        return keys;
    }

    private static String unknownKey(String key, String where, java.util.Set<String> known) {
        return unknownKey(key, where, known, IngestOptions.POSTGRES_PASSWORD_ENV.key());
    }

    private static String unknownKey(
            String key, String where, java.util.Set<String> known, String passwordKey) {
        return "Unknown ingest option '"
                + key
                + "' ("
                + where
                + ")."
                + dev.sluice.policy.model.DidYouMean.hint(key, known)
                + (key.toLowerCase(java.util.Locale.ROOT).contains("password")
                        ? " The password is never an option: put it in the environment variable"
                                + " named by "
                                + passwordKey
                                + (passwordKey.startsWith("postgres")
                                        ? " (default SLUICE_POSTGRES_PASSWORD)."
                                        : " (default SLUICE_MYSQL_PASSWORD).")
                        : "")
                + " Known options: "
                + String.join(", ", known)
                + ".";
    }

    private IngestConfig config() {
        java.util.Set<String> known = knownKeys();
        for (String key : settings.keySet()) {
            if (!known.contains(key)) {
                throw new UserError(unknownKey(key, "--set", known), ExitCodes.USAGE, null);
            }
        }
        // a value given for an option is never a secret, but one may be pasted by mistake
        settings.forEach(
                (key, value) -> {
                    if (key.matches("(?i).*(password|secret|token).*")) {
                        OutputSecrets.current().add(value);
                    }
                });
        Properties properties = loadConfigFile();
        for (String key : properties.stringPropertyNames()) {
            if (!known.contains(key)) {
                throw new UserError(unknownKey(key, "in " + configFile, known));
            }
        }
        properties.putAll(settings);
        Map<String, String> options = new LinkedHashMap<>();
        properties.forEach((key, value) -> options.put(key.toString(), value.toString()));
        String passwordEnv =
                options.getOrDefault(
                        IngestOptions.POSTGRES_PASSWORD_ENV.key(),
                        IngestOptions.POSTGRES_PASSWORD_ENV.defaultValue());
        OutputSecrets.current().add(System.getenv(passwordEnv));
        try {
            IngestConfig config = IngestConfig.from(Configuration.fromMap(options));
            String retention = topicRetention(config);
            boolean changed = false;
            if (!retention.isEmpty() && !options.containsKey(IngestOptions.TOPIC_RETENTION.key())) {
                options.put(IngestOptions.TOPIC_RETENTION.key(), retention);
                changed = true;
            }
            // crypto-shredding: on once a key store is named; the columns come from the policy
            if (options.containsKey(IngestOptions.ENCRYPTION_KEY_STORE_URL.key())
                    && !options.containsKey(IngestOptions.ENCRYPTION_COLUMNS.key())) {
                String encrypted = encryptedColumns(config);
                if (encrypted.isEmpty()) {
                    throw new UserError(
                            "Option "
                                    + IngestOptions.ENCRYPTION_KEY_STORE_URL.key()
                                    + " is set but the policy names no subject column with"
                                    + " classified columns in the captured tables: add subjects:"
                                    + " and classifications: for them, or set "
                                    + IngestOptions.ENCRYPTION_COLUMNS.key()
                                    + " yourself.");
                }
                options.put(IngestOptions.ENCRYPTION_COLUMNS.key(), encrypted);
                changed = true;
            }
            return changed ? IngestConfig.from(Configuration.fromMap(options)) : config;
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    /**
     * {@code topic:ms} pairs for the staging topics a retention entry of the policy covers with a
     * {@code keep:} (the most specific entry wins); empty without a policy.
     */
    private String topicRetention(IngestConfig config) {
        return topicRetention(config.stagingTopics().values());
    }

    /** As {@link #topicRetention(IngestConfig)}, for any staging topics. */
    private String topicRetention(java.util.Collection<String> topics) {
        List<String> specs = policy;
        if (specs.isEmpty()) {
            if (!Files.isDirectory(Path.of(PolicySources.DEFAULT_FOLDER))) {
                return "";
            }
            specs = List.of(PolicySources.DEFAULT_FOLDER);
        }
        Policy loaded;
        try {
            loaded = PolicySources.compose(specs);
        } catch (PolicyException e) {
            throw new UserError(e.getMessage());
        }
        List<String> pairs = new ArrayList<>();
        for (String topic : topics) {
            List<String> names = namesOf(topic, loaded);
            loaded.retention().values().stream()
                    .filter(r -> r.keep() != null && names.stream().anyMatch(r::covers))
                    .max(Comparator.comparingInt(r -> r.dataset().replace("*", "").length()))
                    .ifPresent(r -> pairs.add(topic + ":" + r.keep().toMillis()));
        }
        return String.join(",", pairs);
    }

    /**
     * What a retention entry may call a staging topic: the dataset a {@code sources:} Kafka entry
     * maps it to (e.g. {@code payments.customers}), or the topic's own name.
     */
    private static List<String> namesOf(String topic, Policy policy) {
        List<String> names = new ArrayList<>();
        for (TableMapping source : policy.sources()) {
            IdentityPattern identity = source.identity();
            if (identity == null
                    || !identity.kind().equals("kafka")
                    || source.dataset() == null
                    || !identity.fields().containsKey("topic")
                    || !identity.fields().get("topic").matches(topic)) {
                continue;
            }
            names.add(identity.substitute(Map.of("topic", topic), source.dataset()));
        }
        names.add(topic);
        return names;
    }

    /**
     * {@code staging.encryption.columns} from the policy: per captured table whose dataset holds a
     * column of a subject (its key, else the first {@code also} column there), that column and the
     * dataset's classified columns (minus that one). Empty without a policy or such tables.
     */
    String encryptedColumns(IngestConfig config) {
        Policy loaded = loadedPolicy();
        if (loaded == null) {
            return "";
        }
        List<String> entries = new ArrayList<>();
        for (Map.Entry<dev.sluice.ingest.SourceTable, String> staged :
                config.stagingTopics().entrySet()) {
            List<String> names = namesOf(staged.getValue(), loaded);
            subjects:
            for (Map.Entry<String, java.util.Set<String>> subject : loaded.subjects().entrySet()) {
                for (String datasetColumn : subject.getValue()) {
                    int dot = datasetColumn.lastIndexOf('.');
                    String dataset = datasetColumn.substring(0, dot);
                    if (!names.contains(dataset)) {
                        continue;
                    }
                    String subjectColumn = datasetColumn.substring(dot + 1);
                    java.util.Set<String> classified = new java.util.TreeSet<>();
                    loaded.classifications()
                            .forEach(
                                    (column, classes) -> {
                                        if (!classes.isEmpty()
                                                && column.startsWith(dataset + ".")
                                                && column.indexOf('.', dataset.length() + 1) < 0) {
                                            classified.add(column.substring(dataset.length() + 1));
                                        }
                                    });
                    classified.remove(subjectColumn);
                    if (!classified.isEmpty()) {
                        entries.add(
                                staged.getKey().qualifiedName()
                                        + ":"
                                        + subject.getKey()
                                        + ":"
                                        + subjectColumn
                                        + ":"
                                        + String.join(",", classified));
                        break subjects; // one subject keys a table's rows
                    }
                    break; // the first column of the subject in this dataset keys it
                }
            }
        }
        return String.join(";", entries);
    }

    private Policy loadedPolicy() {
        List<String> specs = policy;
        if (specs.isEmpty()) {
            if (!Files.isDirectory(Path.of(PolicySources.DEFAULT_FOLDER))) {
                return null;
            }
            specs = List.of(PolicySources.DEFAULT_FOLDER);
        }
        try {
            return PolicySources.compose(specs);
        } catch (PolicyException e) {
            throw new UserError(e.getMessage());
        }
    }
}
