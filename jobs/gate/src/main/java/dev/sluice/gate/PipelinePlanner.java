package dev.sluice.gate;

import dev.sluice.sql.BoundScript;
import dev.sluice.sql.BoundStatement;
import dev.sluice.sql.FlinkErrors;
import dev.sluice.sql.Pipeline;
import dev.sluice.sql.PipelineStatements;
import dev.sluice.sql.SourceLocation;
import dev.sluice.sql.SqlFileException;
import dev.sluice.sql.StatementKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
import org.apache.flink.table.api.internal.TableEnvironmentInternal;
import org.apache.flink.table.catalog.Catalog;
import org.apache.flink.table.catalog.CatalogManager;
import org.apache.flink.table.catalog.CatalogTable;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ContextResolvedTable;
import org.apache.flink.table.catalog.ObjectIdentifier;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.catalog.UnresolvedIdentifier;
import org.apache.flink.table.catalog.exceptions.DatabaseNotExistException;
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
        Map<String, PlannedPipeline.CatalogTableInfo> catalogTables = catalogTables(tEnv);
        // where an error about a table's options points: at the option, in the declaring file
        List<BoundStatement> declarations = new ArrayList<>();
        for (BoundScript script : pipeline.catalog()) {
            declarations.addAll(script.statements());
        }
        // each INSERT is planned where it stands, as the job's statement set binds it: a table
        // dropped and declared again later must not change what the gate sees
        List<PlannedPipeline.PlannedInsert> planned = new ArrayList<>();
        for (BoundStatement statement : pipeline.pipeline().statements()) {
            if (statement.kind() == StatementKind.INSERT) {
                PlannedPipeline.PlannedInsert insert =
                        planInsert(tEnv, statement, pipeline, declarations);
                Map<String, Map<String, String>> options = new LinkedHashMap<>();
                for (SinkLineage sink : insert.sinks()) {
                    sink.tableRefs()
                            .forEach((key, ref) -> options.put(key, resolvedOptions(tEnv, ref)));
                }
                planned.add(
                        new PlannedPipeline.PlannedInsert(
                                insert.insert(), insert.sinks(), insert.unprovable(), options));
            } else {
                run(tEnv, statement, pipeline);
                declarations.add(statement);
            }
        }
        Set<String> userFunctions = new TreeSet<>();
        for (String f : tEnv.listUserDefinedFunctions()) {
            userFunctions.add(f.toLowerCase(Locale.ROOT));
        }
        return new PlannedPipeline(pipeline, planned, userFunctions, catalogTables);
    }

    /**
     * A table's connector options as Flink resolved them ({@code LIKE} merged, catalog defaults
     * applied), with the node's {@code OPTIONS} hint on top; empty when the table is gone.
     */
    private static Map<String, String> resolvedOptions(TableEnvironment tEnv, TableRef ref) {
        Map<String, String> out = new LinkedHashMap<>();
        catalogManager(tEnv)
                .getTable(
                        ObjectIdentifier.of(
                                parts(ref.identifier())[0],
                                parts(ref.identifier())[1],
                                parts(ref.identifier())[2]))
                .ifPresent(t -> out.putAll(t.getResolvedTable().getOptions()));
        out.putAll(ref.hints());
        return out;
    }

    /** Schemas of the tables the compiled plan leaves out (temporary tables), from the catalog. */
    private static ColumnLineage.Schemas schemas(TableEnvironment tEnv) {
        CatalogManager manager = catalogManager(tEnv);
        return new ColumnLineage.Schemas() {
            @Override
            public List<String> columns(String identifier) {
                return schema(identifier)
                        .map(s -> s.getColumns().stream().map(Column::getName).toList())
                        .orElse(null);
            }

            @Override
            public List<String> persistedColumns(String identifier) {
                return schema(identifier)
                        .map(
                                s ->
                                        s.getColumns().stream()
                                                .filter(Column::isPersisted)
                                                .map(Column::getName)
                                                .toList())
                        .orElse(null);
            }

            private java.util.Optional<ResolvedSchema> schema(String identifier) {
                String[] p = parts(identifier);
                return manager.getTable(ObjectIdentifier.of(p[0], p[1], p[2]))
                        .map(t -> t.getResolvedTable().getResolvedSchema());
            }
        };
    }

    private static String[] parts(String identifier) {
        List<String> p = ColumnLineage.identifierParts(identifier);
        return p.size() == 3 ? p.toArray(new String[0]) : new String[] {"", "", identifier};
    }

    private static PlannedPipeline.CatalogTableInfo catalogTable(ContextResolvedTable t) {
        return new PlannedPipeline.CatalogTableInfo(
                t.getResolvedTable().getOptions(),
                t.getResolvedTable().getResolvedSchema().getColumnNames());
    }

    private static CatalogManager catalogManager(TableEnvironment tEnv) {
        return ((TableEnvironmentInternal) tEnv).getCatalogManager();
    }

    /**
     * The options of every table the catalog files declared, by {@code catalog.database.table}:
     * catalog-name entries of the policy are sugar for these tables' identities.
     */
    private static Map<String, PlannedPipeline.CatalogTableInfo> catalogTables(
            TableEnvironment tEnv) {
        CatalogManager manager = catalogManager(tEnv);
        Map<String, PlannedPipeline.CatalogTableInfo> out = new LinkedHashMap<>();
        for (String catalogName : manager.listCatalogs()) {
            Catalog catalog = manager.getCatalog(catalogName).orElse(null);
            if (catalog == null) {
                continue;
            }
            try {
                for (String database : catalog.listDatabases()) {
                    for (String table : catalog.listTables(database)) {
                        ObjectIdentifier id = ObjectIdentifier.of(catalogName, database, table);
                        manager.getTable(id)
                                .filter(t -> t.getResolvedTable() instanceof CatalogTable)
                                .ifPresent(
                                        t ->
                                                out.put(
                                                        catalogName + "." + database + "." + table,
                                                        catalogTable(t)));
                    }
                }
            } catch (DatabaseNotExistException | RuntimeException e) {
                // a catalog that cannot list itself offline contributes no catalog-name entries
            }
        }
        for (String temporary : manager.listTemporaryTables()) {
            ObjectIdentifier id =
                    manager.qualifyIdentifier(UnresolvedIdentifier.of(parts(temporary)));
            manager.getTable(id)
                    .filter(t -> t.getResolvedTable() instanceof CatalogTable)
                    .ifPresent(
                            t ->
                                    out.put(
                                            id.getCatalogName()
                                                    + "."
                                                    + id.getDatabaseName()
                                                    + "."
                                                    + id.getObjectName(),
                                            catalogTable(t)));
        }
        return out;
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
            throw identityProblemBehind(
                    tEnv,
                    insert,
                    pipeline,
                    FlinkErrors.at(insert, e, pipeline.variables(), declarations));
        } catch (RuntimeException e) {
            // Flink plans it but cannot serialize some node (e.g. a legacy source): no proof
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            SqlFileException located =
                    identityProblemBehind(
                            tEnv,
                            insert,
                            pipeline,
                            FlinkErrors.at(insert, e, pipeline.variables(), declarations));
            if (reason.contains("SQL validation failed") || reason.contains("SQL parse failed")) {
                throw located;
            }
            return new PlannedPipeline.PlannedInsert(
                    insert,
                    List.of(),
                    "cannot prove: "
                            + unfollowedNode(reason)
                            + " at "
                            + insert.location()
                            + " (Flink cannot compile this INSERT to a plan: "
                            + located.getMessage()
                            + ")");
        }
        try {
            return new PlannedPipeline.PlannedInsert(
                    insert, ColumnLineage.of(json, schemas(tEnv)), null);
        } catch (LineageException e) {
            return new PlannedPipeline.PlannedInsert(
                    insert,
                    List.of(),
                    "cannot prove: "
                            + e.node()
                            + " at "
                            + insert.location()
                            + " ("
                            + e.getMessage()
                            + ")");
        }
    }

    /**
     * When Flink refuses an INSERT, a bad identity option of a table it names (a topic pattern that
     * is no regex, say) is the better message: where the table is declared, which option, how to
     * fix it. Otherwise Flink's own error.
     */
    private static SqlFileException identityProblemBehind(
            TableEnvironment tEnv,
            BoundStatement insert,
            Pipeline pipeline,
            SqlFileException flinkError) {
        CatalogManager manager = catalogManager(tEnv);
        String sql = insert.sql().toLowerCase(Locale.ROOT);
        for (String temporary : manager.listTemporaryTables()) {
            List<String> parts = ColumnLineage.identifierParts(temporary);
            String name = parts.get(parts.size() - 1);
            if (!sql.contains(name.toLowerCase(Locale.ROOT))) {
                continue;
            }
            ObjectIdentifier id = manager.qualifyIdentifier(UnresolvedIdentifier.of(parts));
            Map<String, String> options =
                    manager.getTable(id)
                            .map(t -> t.getResolvedTable().getOptions())
                            .orElse(Map.of());
            try {
                DatasetIdentity.of(options, Map.of());
            } catch (DatasetIdentity.Problem problem) {
                BoundStatement declared = declarationOf(pipeline, temporary);
                SourceLocation at = declared == null ? insert.location() : declared.location();
                return new SqlFileException(
                        at,
                        declared == null ? insert.excerpt(at) : declared.excerpt(at),
                        "Table "
                                + name
                                + ", option '"
                                + problem.option()
                                + "': "
                                + problem.getMessage()
                                + " Fix: "
                                + problem.fix());
            }
        }
        return flinkError;
    }

    /** The statement (pipeline file first, then catalog) that creates a table, or null. */
    static BoundStatement declarationOf(Pipeline pipeline, String table) {
        List<String> parts = ColumnLineage.identifierParts(table);
        String name = parts.get(parts.size() - 1);
        Pattern p =
                Pattern.compile(
                        "(?is)^\\s*CREATE\\s+(TEMPORARY\\s+)?TABLE\\s+(IF\\s+NOT\\s+EXISTS\\s+)?[`\\w.]*?`?"
                                + Pattern.quote(name)
                                + "`?[\\s(]");
        List<BoundStatement> all = new ArrayList<>(pipeline.pipeline().statements());
        pipeline.catalog().forEach(c -> all.addAll(c.statements()));
        for (BoundStatement s : all) {
            if (p.matcher(s.sql()).find()) {
                return s;
            }
        }
        return null;
    }

    /** The plan node behind a plan Flink cannot serialize, as a reader of the SQL knows it. */
    static String unfollowedNode(String reason) {
        if (reason.contains("correlate variable")) {
            return "correlated reference to an outer row (LATERAL VALUES or a correlated subquery)";
        }
        if (reason.toLowerCase(Locale.ROOT).contains("legacy")) {
            return "legacy table source or sink";
        }
        return "plan node Flink cannot serialize";
    }
}
