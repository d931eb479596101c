package dev.sluice.ingest.mysql;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * What {@code sluice ingest --source mysql} calls inside the class loader of this job jar: only JDK
 * and Flink types cross the boundary, so the command line never loads a class of the MySQL CDC
 * connector (or its Debezium) next to the PostgreSQL one.
 */
public final class MySqlIngestLauncher {

    private MySqlIngestLauncher() {}

    /** Every option key of the job. */
    public static Set<String> optionKeys() {
        Set<String> keys = new TreeSet<>();
        for (Field field : MySqlIngestOptions.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers())
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

    /** The name of the variable that holds the password for these options. */
    public static String passwordVariable(Map<String, String> options) {
        return options.getOrDefault(
                MySqlIngestOptions.MYSQL_PASSWORD_ENV.key(),
                MySqlIngestOptions.MYSQL_PASSWORD_ENV.defaultValue());
    }

    /** Staging topic by table, after validating the options (IllegalArgumentException if bad). */
    public static Map<String, String> stagingTopics(
            Map<String, String> options, Map<String, String> environment) {
        return new LinkedHashMap<>(config(options, environment).stagingTopics());
    }

    /** The JDBC URL of the source (no password). */
    public static String describe(Map<String, String> options, Map<String, String> environment) {
        return config(options, environment).jdbcUrl();
    }

    /** Runs the preflight (creates the staging topics); returns its warnings. */
    public static List<String> prepare(
            Map<String, String> options, Map<String, String> environment) {
        return MySqlPreflight.prepare(config(options, environment));
    }

    /** Adds the job to {@code env}; returns the job's name. */
    public static String addTo(
            StreamExecutionEnvironment env,
            Map<String, String> options,
            Map<String, String> environment) {
        MySqlIngestConfig config = config(options, environment);
        MySqlIngestJob.addTo(env, config);
        return MySqlIngestJob.jobName(config);
    }

    private static MySqlIngestConfig config(
            Map<String, String> options, Map<String, String> environment) {
        return MySqlIngestConfig.from(Configuration.fromMap(options), environment);
    }
}
