package dev.sluice.gate;

import dev.sluice.sql.BoundScript;
import dev.sluice.sql.BoundStatement;
import dev.sluice.sql.Pipeline;
import dev.sluice.sql.PipelineStatements;
import dev.sluice.sql.SqlFileException;
import dev.sluice.sql.StatementKind;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.catalog.Catalog;

/**
 * The tables a pipeline can see, by full {@code catalog.database.table} name: those of its catalog
 * files and those it declares itself. The gate checks the policy's {@code sources:} patterns
 * against them, since a pattern that matches none maps nothing and lets classified columns pass
 * unrecognised.
 */
final class PipelineTables {
    private PipelineTables() {}

    static Set<String> of(Pipeline pipeline) {
        TableEnvironment tEnv = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        for (BoundScript script : pipeline.catalog()) {
            declare(tEnv, script, pipeline);
        }
        declare(tEnv, pipeline.pipeline(), pipeline);
        Set<String> tables = new TreeSet<>();
        for (String catalogName : tEnv.listCatalogs()) {
            Catalog catalog = tEnv.getCatalog(catalogName).orElse(null);
            if (catalog == null) {
                continue;
            }
            try {
                for (String database : catalog.listDatabases()) {
                    for (String table : catalog.listTables(database)) {
                        tables.add(catalogName + "." + database + "." + table);
                    }
                }
            } catch (Exception e) {
                // a catalog that cannot be listed offline contributes nothing
            }
        }
        String current = tEnv.getCurrentCatalog() + "." + tEnv.getCurrentDatabase() + ".";
        for (String temporary : tEnv.listTemporaryTables()) {
            tables.add(current + temporary);
        }
        return tables;
    }

    private static void declare(TableEnvironment tEnv, BoundScript script, Pipeline pipeline) {
        for (BoundStatement statement : script.statements()) {
            if (statement.kind() == StatementKind.INSERT
                    || statement.kind() == StatementKind.MODULE) {
                continue;
            }
            try {
                PipelineStatements.run(tEnv, statement, pipeline.variables());
            } catch (SqlFileException e) {
                // reported by the planner, which runs the same statements
            }
        }
    }
}
