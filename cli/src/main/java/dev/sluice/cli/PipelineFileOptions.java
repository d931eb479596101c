package dev.sluice.cli;

import dev.sluice.sql.Variables;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The arguments of the commands that start one pipeline (run, submit): FILE, {@code --catalog}, the
 * variable options and the policy gate's options.
 */
final class PipelineFileOptions {

    /** A pipeline loaded with the variables it was resolved with, passed by the policy gate. */
    record Checked(PipelineArguments.Loaded loaded, Variables variables) {}

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Parameters(paramLabel = "FILE", description = "The pipeline file.")
    Path file;

    @Option(
            names = "--catalog",
            paramLabel = "DIR",
            description =
                    "Folder of the shared catalog files (default: sql/catalog when it exists).")
    Path catalog;

    @Mixin VariableOptions variableOptions;

    @Mixin GateOptions gateOptions;

    /**
     * Resolves the variables, loads FILE with the catalog files and runs the policy gate before
     * {@code action} ("run", "submit"); every problem becomes a {@link UserError}.
     */
    Checked loadAndGate(String action) throws IOException {
        Variables variables = variableOptions.resolve(System.getenv(), Variables.empty());
        PipelineArguments.Loaded loaded = PipelineArguments.load(file, catalog, variables);
        gateOptions.requirePass(
                loaded,
                variables,
                file,
                action,
                command.commandLine().getOut(),
                command.commandLine().getErr());
        return new Checked(loaded, variables);
    }

    /** What {@code evolve} may propagate: columns the policy classifies; without a policy, none. */
    dev.sluice.pipeline.schema.ColumnReview columnReview() {
        java.util.List<String> specs = gateOptions.policySpecs();
        if (specs.isEmpty()) {
            return (table, schema, column) -> false;
        }
        return new dev.sluice.pipeline.schema.PolicyColumnReview(
                dev.sluice.gate.PolicySources.load(specs));
    }

    /**
     * Reads the staging schema registry again (with {@code --staging-kafka} and a policy): prints
     * the unreviewed columns and records the registry's new schema changes in the audit log, as at
     * the start of {@code action}.
     */
    void reviewSchemasAgain(String action) {
        gateOptions.reviewSchemas(gateOptions.gate(), action, command.commandLine().getErr(), null);
    }

    /** The audit log the gate writes to, for schema-change decisions. */
    dev.sluice.gate.AuditLog auditLog() {
        return gateOptions.audit();
    }
}
