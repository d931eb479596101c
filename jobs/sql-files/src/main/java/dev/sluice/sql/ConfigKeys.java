package dev.sluice.sql;

import dev.sluice.policy.model.DidYouMean;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.FallbackKey;

/**
 * The configuration keys a pipeline may {@code SET}: every option Flink declares for jobs, the
 * table planner and checkpointing. Flink itself accepts any key silently, so a typo such as {@code
 * 'execution.checkpointing.intervall'} would change nothing; here it is an error with a suggestion.
 */
final class ConfigKeys {
    private static final List<String> OPTION_CLASSES =
            List.of(
                    "org.apache.flink.configuration.CoreOptions",
                    "org.apache.flink.configuration.PipelineOptions",
                    "org.apache.flink.configuration.ExecutionOptions",
                    "org.apache.flink.configuration.CheckpointingOptions",
                    "org.apache.flink.configuration.StateBackendOptions",
                    "org.apache.flink.configuration.StateRecoveryOptions",
                    "org.apache.flink.configuration.StateChangelogOptions",
                    "org.apache.flink.configuration.RestartStrategyOptions",
                    "org.apache.flink.configuration.JobManagerOptions",
                    "org.apache.flink.configuration.TaskManagerOptions",
                    "org.apache.flink.configuration.MetricOptions",
                    "org.apache.flink.configuration.DeploymentOptions",
                    "org.apache.flink.configuration.NettyShuffleEnvironmentOptions",
                    "org.apache.flink.streaming.api.environment.ExecutionCheckpointingOptions",
                    "org.apache.flink.streaming.api.environment.StreamPipelineOptions",
                    "org.apache.flink.table.api.config.ExecutionConfigOptions",
                    "org.apache.flink.table.api.config.OptimizerConfigOptions",
                    "org.apache.flink.table.api.config.TableConfigOptions",
                    "org.apache.flink.table.api.config.LookupJoinHintOptions",
                    "org.apache.flink.contrib.streaming.state.RocksDBOptions",
                    "org.apache.flink.contrib.streaming.state.RocksDBConfigurableOptions");

    private static final Pattern SET_STATEMENT =
            Pattern.compile("(?is)^\\s*(SET|RESET)\\b\\s*('((?:[^']|'')*)')?");

    private static final Map<String, ConfigOption<?>> OPTIONS = collect();

    private ConfigKeys() {}

    /**
     * Checks the key (and for {@code SET} the value) of a {@code SET} or {@code RESET} statement;
     * other statements pass.
     *
     * @throws SqlFileException for an unknown key or a value of the wrong type
     */
    static void check(BoundStatement statement) {
        if (statement.kind() != StatementKind.SET && statement.kind() != StatementKind.RESET) {
            return;
        }
        SetStatement set = SetStatement.of(statement);
        if (set.key() == null) {
            return;
        }
        SqlStatement source = statement.statement();
        SourceLocation keyAt =
                source.stringLiterals().isEmpty()
                        ? statement.location()
                        : statement
                                .source()
                                .location(
                                        source.startOffset()
                                                + source.stringLiterals().get(0).start());
        ConfigOption<?> option = OPTIONS.get(set.key());
        if (option == null) {
            String suggestion = nearest(set.key());
            throw new SqlFileException(
                    keyAt,
                    statement.excerpt(keyAt),
                    "Unknown configuration key '"
                            + set.key()
                            + "'. "
                            + (suggestion == null
                                    ? "Flink would ignore it silently; see the keys in Flink's"
                                            + " configuration reference."
                                    : "Did you mean '" + suggestion + "'?"));
        }
        if (set.value() != null) {
            Configuration configuration = new Configuration();
            configuration.setString(set.key(), set.value());
            try {
                configuration.get(option);
            } catch (RuntimeException e) {
                SourceLocation valueAt =
                        source.stringLiterals().size() < 2
                                ? keyAt
                                : statement
                                        .source()
                                        .location(
                                                source.startOffset()
                                                        + source.stringLiterals().get(1).start());
                throw new SqlFileException(
                        valueAt,
                        statement.excerpt(valueAt),
                        "Invalid value for '"
                                + set.key()
                                + "': "
                                + e.getMessage()
                                + (option.hasDefaultValue()
                                        ? " The default is '" + option.defaultValue() + "'."
                                        : ""));
            }
        }
    }

    /** A {@code SET 'key' = 'value'} or {@code RESET 'key'}; key null for a bare SET/RESET. */
    record SetStatement(String key, String value) {
        static SetStatement of(BoundStatement statement) {
            String sql = statement.sql();
            Matcher head = SET_STATEMENT.matcher(sql);
            if (!head.find() || head.group(3) == null) {
                return new SetStatement(null, null);
            }
            String key = head.group(3).replace("''", "'");
            if (head.group(1).equalsIgnoreCase("RESET")) {
                return new SetStatement(key, null);
            }
            Matcher value = Pattern.compile("(?s)\\s*=\\s*'((?:[^']|'')*)'").matcher(sql);
            value.region(head.end(), sql.length());
            return new SetStatement(
                    key, value.lookingAt() ? value.group(1).replace("''", "'") : null);
        }
    }

    private static String nearest(String key) {
        return DidYouMean.closest(key, OPTIONS.keySet(), Math.max(2, key.length() / 5))
                .orElse(null);
    }

    private static Map<String, ConfigOption<?>> collect() {
        Map<String, ConfigOption<?>> options = new TreeMap<>();
        for (String className : OPTION_CLASSES) {
            Class<?> type;
            try {
                type = Class.forName(className, false, ConfigKeys.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                continue; // an optional part of Flink that is not on this classpath
            }
            for (Field field : type.getFields()) {
                if (!Modifier.isStatic(field.getModifiers())
                        || !ConfigOption.class.isAssignableFrom(field.getType())) {
                    continue;
                }
                try {
                    ConfigOption<?> option = (ConfigOption<?>) field.get(null);
                    options.putIfAbsent(option.key(), option);
                    for (FallbackKey fallback : option.fallbackKeys()) {
                        options.putIfAbsent(fallback.getKey(), option);
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("Cannot read " + field, e);
                }
            }
        }
        return options;
    }
}
