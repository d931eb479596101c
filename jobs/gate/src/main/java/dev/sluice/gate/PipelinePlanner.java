package dev.sluice.gate;

import dev.sluice.sql.BoundScript;
import dev.sluice.sql.BoundStatement;
import dev.sluice.sql.FlinkErrors;
import dev.sluice.sql.Pipeline;
import dev.sluice.sql.PipelineStatements;
import dev.sluice.sql.SqlFileException;
import dev.sluice.sql.StatementKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.module.Module;

/**
 * Plans a pipeline offline for the gate: runs its catalog and declaration statements in a fresh
 * streaming table environment, then compiles each {@code INSERT} into Flink's JSON plan and derives
 * its column lineage. Nothing is executed and no external system is contacted (Kafka, JDBC and
 * Iceberg tables plan without connecting; a Hadoop Iceberg catalog needs its warehouse folder).
 */
public final class PipelinePlanner {
    private static final Pattern LOAD_MODULE =
            Pattern.compile("(?is)^\\s*LOAD\\s+MODULE\\s+`?([A-Za-z0-9_]+)`?\\s*$");

    private final Consumer<TableEnvironment> setup;
    private final Map<String, Module> modules;

    private PipelinePlanner(Consumer<TableEnvironment> setup, Map<String, Module> modules) {
        this.setup = setup;
        this.modules = Map.copyOf(modules);
    }

    /** A planner for real pipelines: they load what they need ({@code LOAD MODULE sluice;}). */
    public static PipelinePlanner create() {
        return new PipelinePlanner(tEnv -> {}, Map.of());
    }

    /** A planner that prepares each environment first (tests register functions this way). */
    public static PipelinePlanner withSetup(Consumer<TableEnvironment> setup) {
        return new PipelinePlanner(setup, Map.of());
    }

    /**
     * A planner that answers {@code LOAD MODULE name;} (without options) with the given module
     * instance instead of looking up its factory: the gate only needs the functions' types.
     */
    public PipelinePlanner withModule(String name, Module module) {
        Map<String, Module> m = new HashMap<>(modules);
        m.put(name, module);
        return new PipelinePlanner(setup, m);
    }

    private void run(TableEnvironment tEnv, BoundStatement statement, Pipeline pipeline) {
        if (statement.kind() == StatementKind.MODULE) {
            Matcher m = LOAD_MODULE.matcher(statement.sql());
            if (m.matches() && modules.containsKey(m.group(1))) {
                tEnv.loadModule(m.group(1), modules.get(m.group(1)));
                return;
            }
        }
        PipelineStatements.run(tEnv, statement, pipeline.variables());
    }

    /**
     * Plans every INSERT of the pipeline.
     *
     * @throws SqlFileException if Flink refuses a statement (a broken pipeline, not a policy
     *     matter)
     */
    public PlannedPipeline plan(Pipeline pipeline) {
        TableEnvironment tEnv = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        setup.accept(tEnv);
        for (BoundScript script : pipeline.catalog()) {
            for (BoundStatement statement : script.statements()) {
                run(tEnv, statement, pipeline);
            }
        }
        List<BoundStatement> inserts = new ArrayList<>();
        // where an error about a table's options points: at the option, in the declaring file
        List<BoundStatement> declarations = new ArrayList<>();
        for (BoundScript script : pipeline.catalog()) {
            declarations.addAll(script.statements());
        }
        for (BoundStatement statement : pipeline.pipeline().statements()) {
            if (statement.kind() == StatementKind.INSERT) {
                inserts.add(statement);
            } else {
                run(tEnv, statement, pipeline);
                declarations.add(statement);
            }
        }
        Set<String> userFunctions = new TreeSet<>();
        for (String f : tEnv.listUserDefinedFunctions()) {
            userFunctions.add(f.toLowerCase(Locale.ROOT));
        }
        List<PlannedPipeline.PlannedInsert> planned = new ArrayList<>();
        for (BoundStatement insert : inserts) {
            planned.add(planInsert(tEnv, insert, pipeline, declarations));
        }
        return new PlannedPipeline(pipeline, planned, userFunctions);
    }

    private static PlannedPipeline.PlannedInsert planInsert(
            TableEnvironment tEnv,
            BoundStatement insert,
            Pipeline pipeline,
            List<BoundStatement> declarations) {
        String json;
        try {
            json = tEnv.compilePlanSql(insert.sql()).asJsonString();
        } catch (ValidationException e) {
            throw FlinkErrors.at(insert, e, pipeline.variables(), declarations);
        } catch (RuntimeException e) {
            // Flink plans it but cannot serialize some node (e.g. a legacy source): no proof
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            SqlFileException located =
                    FlinkErrors.at(insert, e, pipeline.variables(), declarations);
            if (reason.contains("SQL validation failed") || reason.contains("SQL parse failed")) {
                throw located;
            }
            return new PlannedPipeline.PlannedInsert(
                    insert,
                    List.of(),
                    "Flink cannot compile this INSERT to a plan: " + located.getMessage());
        }
        try {
            return new PlannedPipeline.PlannedInsert(insert, ColumnLineage.of(json), null);
        } catch (LineageException e) {
            return new PlannedPipeline.PlannedInsert(insert, List.of(), e.getMessage());
        }
    }
}
