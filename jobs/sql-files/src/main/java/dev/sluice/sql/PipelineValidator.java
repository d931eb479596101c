package dev.sluice.sql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.config.ExecutionConfigOptions;

/**
 * Checks pipeline files without running anything: every statement is parsed, bound and planned
 * (EXPLAIN level) in a fresh streaming table environment after the catalog files, and every problem
 * of every file is collected. No job starts; connectors are not contacted (Kafka tables are only
 * declared; an Iceberg catalog needs its warehouse, which may be a temp folder).
 */
public final class PipelineValidator {

    /** The outcome for one file. */
    public record FileReport(
            String file,
            PipelineLoader.Role role,
            PipelineMetadata metadata,
            List<SqlFileException> problems,
            String plan) {
        public FileReport {
            problems = List.copyOf(problems);
        }

        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private final List<SourceText> catalogFiles;
    private final Variables variables;
    private final Map<String, FileReport> catalogReports = new LinkedHashMap<>();

    public PipelineValidator(List<SourceText> catalogFiles, Variables variables) {
        this.catalogFiles = List.copyOf(catalogFiles);
        this.variables = variables;
    }

    /** Reports on the catalog files themselves (each problem once, however many pipelines). */
    public List<FileReport> catalogReports() {
        if (catalogReports.isEmpty()) {
            TableEnvironment tEnv = newEnvironment();
            for (SourceText file : catalogFiles) {
                List<SqlFileException> problems = new ArrayList<>();
                BoundScript script =
                        PipelineLoader.bind(file, PipelineLoader.Role.CATALOG, variables, problems);
                for (BoundStatement statement : script.statements()) {
                    runCollecting(tEnv, statement, problems);
                }
                catalogReports.put(
                        file.name(),
                        new FileReport(
                                file.name(), PipelineLoader.Role.CATALOG, null, problems, null));
            }
        }
        return List.copyOf(catalogReports.values());
    }

    /** Validates one pipeline file on top of the catalog; {@code explain} adds the job's plan. */
    public FileReport validate(SourceText file, boolean explain) {
        List<SqlFileException> problems = new ArrayList<>();
        PipelineMetadata metadata = null;
        try {
            metadata = PipelineMetadataParser.parse(file);
        } catch (SqlFileException e) {
            problems.add(PipelineLoader.redacted(e, variables));
        }
        BoundScript script =
                PipelineLoader.bind(file, PipelineLoader.Role.PIPELINE, variables, problems);

        TableEnvironment tEnv = newEnvironment();
        if (metadata != null) {
            Configuration config = tEnv.getConfig().getConfiguration();
            config.set(PipelineOptions.NAME, metadata.name());
            config.set(CoreOptions.DEFAULT_PARALLELISM, metadata.parallelism());
            config.set(
                    ExecutionConfigOptions.TABLE_EXEC_RESOURCE_DEFAULT_PARALLELISM,
                    metadata.parallelism());
            config.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, metadata.checkpointInterval());
        }
        // the catalog's own problems are reported by catalogReports(), not once per pipeline
        List<BoundStatement> declarations = new ArrayList<>();
        for (SourceText catalogFile : catalogFiles) {
            BoundScript catalogScript =
                    PipelineLoader.bind(
                            catalogFile, PipelineLoader.Role.CATALOG, variables, new ArrayList<>());
            for (BoundStatement statement : catalogScript.statements()) {
                runCollecting(tEnv, statement, new ArrayList<>());
                declarations.add(statement);
            }
        }

        StatementSet inserts = tEnv.createStatementSet();
        boolean allInsertsPlanned = true;
        int insertCount = 0;
        for (BoundStatement statement : script.statements()) {
            if (statement.kind() == StatementKind.INSERT) {
                insertCount++;
                try {
                    tEnv.explainSql(statement.sql());
                    inserts.addInsertSql(statement.sql());
                } catch (RuntimeException e) {
                    allInsertsPlanned = false;
                    problems.add(FlinkErrors.at(statement, e, variables, declarations));
                }
            } else {
                runCollecting(tEnv, statement, problems);
                declarations.add(statement);
            }
        }
        String plan = null;
        if (allInsertsPlanned && insertCount > 0 && problems.isEmpty()) {
            try {
                // the whole statement set: catches what only shows with every sink together
                String explained = inserts.explain();
                plan = explain ? variables.redact(explained) : null;
            } catch (RuntimeException e) {
                problems.add(
                        FlinkErrors.at(script.statements().get(0), e, variables, declarations));
            }
        }
        problems.sort(
                java.util.Comparator.comparingInt((SqlFileException e) -> e.location().line())
                        .thenComparingInt(e -> e.location().column()));
        return new FileReport(file.name(), PipelineLoader.Role.PIPELINE, metadata, problems, plan);
    }

    /**
     * The problems of a pipeline file itself, without planning it: header, syntax, variables, SET
     * keys, statements out of place. What is left when a broken catalog makes planning pointless.
     */
    public List<SqlFileException> checkWithoutPlan(SourceText file) {
        List<SqlFileException> problems = new ArrayList<>();
        try {
            PipelineMetadataParser.parse(file);
        } catch (SqlFileException e) {
            problems.add(PipelineLoader.redacted(e, variables));
        }
        PipelineLoader.bind(file, PipelineLoader.Role.PIPELINE, variables, problems);
        return problems;
    }

    private void runCollecting(
            TableEnvironment tEnv, BoundStatement statement, List<SqlFileException> problems) {
        try {
            PipelineStatements.run(tEnv, statement, variables);
        } catch (SqlFileException e) {
            problems.add(e);
        }
    }

    private static TableEnvironment newEnvironment() {
        return TableEnvironment.create(EnvironmentSettings.inStreamingMode());
    }
}
