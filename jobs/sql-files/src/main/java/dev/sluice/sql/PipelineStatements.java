package dev.sluice.sql;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.config.ExecutionConfigOptions;

/**
 * Puts a loaded pipeline into a table environment: Sluice's defaults and the header's settings, the
 * catalog files' and the pipeline's own statements, and its {@code INSERT}s as one statement set.
 * The gate plans what this prepares, and the runner executes it, so both see the same job.
 */
public final class PipelineStatements {

    private PipelineStatements() {}

    /**
     * Applies the pipeline's settings and runs every statement but the {@code INSERT}s, which it
     * returns as one statement set (planned, not started).
     *
     * @throws SqlFileException at the first statement Flink refuses
     */
    public static StatementSet prepare(TableEnvironment tEnv, Pipeline pipeline) {
        return prepare(tEnv, pipeline, t -> {});
    }

    /**
     * Like {@link #prepare(TableEnvironment, Pipeline)}, and runs {@code beforeInserts} once, after
     * the statements before the first {@code INSERT} and before any {@code INSERT} is planned (the
     * schema-change planner changes staging and sink tables there).
     */
    public static StatementSet prepare(
            TableEnvironment tEnv, Pipeline pipeline, Consumer<TableEnvironment> beforeInserts) {
        applyDefaults(tEnv);
        applyMetadata(tEnv, pipeline);
        ConfigurationTracker tracker = new ConfigurationTracker(tEnv);
        for (BoundScript script : pipeline.catalog()) {
            for (BoundStatement statement : script.statements()) {
                run(tEnv, statement, tracker, pipeline.variables());
            }
        }
        StatementSet inserts = tEnv.createStatementSet();
        boolean hooked = false;
        for (BoundStatement statement : pipeline.pipeline().statements()) {
            if (statement.kind() == StatementKind.INSERT) {
                if (!hooked) {
                    beforeInserts.accept(tEnv);
                    hooked = true;
                }
                try {
                    inserts.addInsertSql(statement.sql());
                } catch (RuntimeException e) {
                    throw FlinkErrors.at(statement, e, pipeline.variables());
                }
            } else {
                run(tEnv, statement, tracker, pipeline.variables());
            }
        }
        if (!hooked) {
            beforeInserts.accept(tEnv);
        }
        return inserts;
    }

    /**
     * Runs one non-{@code INSERT} statement: {@code SET}/{@code RESET} change the table
     * configuration, everything else goes to {@link TableEnvironment#executeSql}.
     *
     * @throws SqlFileException if Flink refuses it
     */
    public static void run(TableEnvironment tEnv, BoundStatement statement, Variables variables) {
        run(tEnv, statement, new ConfigurationTracker(tEnv), variables);
    }

    private static void run(
            TableEnvironment tEnv,
            BoundStatement statement,
            ConfigurationTracker tracker,
            Variables variables) {
        try {
            switch (statement.kind()) {
                case SET -> tracker.set(ConfigKeys.SetStatement.of(statement));
                case RESET -> tracker.reset(ConfigKeys.SetStatement.of(statement));
                default -> tEnv.executeSql(statement.sql());
            }
        } catch (SqlFileException e) {
            throw e;
        } catch (RuntimeException e) {
            throw FlinkErrors.at(statement, e, variables);
        }
    }

    /**
     * Sluice's defaults for every pipeline where neither the cluster nor the environment set the
     * option; the file's own {@code SET}s come later and win:
     *
     * <ul>
     *   <li>{@code pipeline.object-reuse = true}: chained operators hand rows over without a deep
     *       copy. Flink's SQL operators are written for it (the planner turns it on for every batch
     *       job), and the copy of every string between source, masking and sink was the largest
     *       cost of a masked pipeline (see the pipeline benchmark in the README).
     * </ul>
     */
    private static void applyDefaults(TableEnvironment tEnv) {
        if (tEnv.getConfig().getOptional(PipelineOptions.OBJECT_REUSE).isEmpty()) {
            tEnv.getConfig().set(PipelineOptions.OBJECT_REUSE, true);
        }
    }

    private static void applyMetadata(TableEnvironment tEnv, Pipeline pipeline) {
        Configuration config = tEnv.getConfig().getConfiguration();
        if (pipeline.metadata() == null) {
            return;
        }
        config.set(PipelineOptions.NAME, pipeline.metadata().name());
        config.set(CoreOptions.DEFAULT_PARALLELISM, pipeline.metadata().parallelism());
        config.set(
                ExecutionConfigOptions.TABLE_EXEC_RESOURCE_DEFAULT_PARALLELISM,
                pipeline.metadata().parallelism());
        config.set(
                CheckpointingOptions.CHECKPOINTING_INTERVAL,
                pipeline.metadata().checkpointInterval());
    }

    /** {@code SET}/{@code RESET} on the table configuration; RESET undoes the file's own SETs. */
    private static final class ConfigurationTracker {
        private final TableEnvironment tEnv;
        private final Configuration initial;
        private final Set<String> setKeys = new LinkedHashSet<>();

        ConfigurationTracker(TableEnvironment tEnv) {
            this.tEnv = tEnv;
            this.initial = new Configuration(tEnv.getConfig().getConfiguration());
        }

        void set(ConfigKeys.SetStatement set) {
            if (set.key() == null || set.value() == null) {
                return; // a bare SET lists the configuration: nothing to do in a job
            }
            tEnv.getConfig().getConfiguration().setString(set.key(), set.value());
            setKeys.add(set.key());
        }

        void reset(ConfigKeys.SetStatement reset) {
            List<String> keys = reset.key() == null ? List.copyOf(setKeys) : List.of(reset.key());
            Configuration config = tEnv.getConfig().getConfiguration();
            for (String key : keys) {
                String before = initial.toMap().get(key);
                if (before == null) {
                    config.removeKey(key);
                } else {
                    config.setString(key, before);
                }
                setKeys.remove(key);
            }
        }
    }
}
