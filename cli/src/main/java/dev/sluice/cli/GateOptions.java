package dev.sluice.cli;

import dev.sluice.gate.AuditLog;
import dev.sluice.gate.AuditTable;
import dev.sluice.gate.GateCheck;
import dev.sluice.gate.GateReport;
import dev.sluice.gate.PolicySources;
import dev.sluice.gate.SchemaReview;
import dev.sluice.policy.model.PolicyException;
import dev.sluice.sql.Pipeline;
import dev.sluice.sql.PipelineException;
import dev.sluice.sql.PipelineLoader;
import dev.sluice.sql.SourceText;
import dev.sluice.sql.SqlFileException;
import dev.sluice.sql.Variables;
import dev.sluice.stagingschemas.StagingSchema;
import dev.sluice.stagingschemas.StagingSchemaRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Option;

/** The policy gate's options, shared by validate, run and submit. */
final class GateOptions {
    @Option(
            names = "--policy",
            paramLabel = "FILE|DIR",
            description =
                    "Policy file or folder of *.yaml, repeatable; files compose (default:"
                            + " sql/policy when it exists).")
    List<String> policy = new ArrayList<>();

    @Option(
            names = "--no-policy",
            description =
                    "Run without the policy gate (say so deliberately: without it nothing checks"
                            + " what the pipeline writes).")
    boolean noPolicy;

    @Option(
            names = "--audit-log",
            paramLabel = "FILE",
            description =
                    "JSON-lines audit log the decision is appended to (default: $SLUICE_AUDIT_LOG"
                            + " or .sluice/audit/gate-decisions.jsonl).")
    Path auditLog;

    @Option(
            names = "--audit-warehouse",
            paramLabel = "URI",
            description =
                    "Hadoop Iceberg warehouse whose table audit.gate_decisions also receives the"
                            + " decision (default: $SLUICE_AUDIT_WAREHOUSE; none when unset).")
    String auditWarehouse;

    @Option(
            names = "--staging-kafka",
            paramLabel = "BOOTSTRAP",
            description =
                    "Kafka of the staging area (host:port,...): read the staging schema registry"
                            + " (<prefix>._schemas), report every source column the policy has not"
                            + " reviewed (schema.unreviewed-column) and record each schema change"
                            + " in the audit log. Without it the registry is not checked.")
    String stagingKafka;

    @Option(
            names = "--staging-prefix",
            paramLabel = "PREFIX",
            description =
                    "Staging topic prefix whose registry --staging-kafka reads (default:"
                            + " ${DEFAULT-VALUE}).")
    String stagingPrefix = "staging";

    /**
     * With {@code --staging-kafka}: reads the staging schema registry, prints a {@code
     * schema.unreviewed-column} warning for each column the policy has not reviewed, and records
     * each schema change not yet in the audit log. Without it, {@code offlineNote} (when not null)
     * says that the registry was not checked. A registry that cannot be read is a {@link UserError}
     * (exit 3): the option asked for the check.
     */
    void reviewSchemas(GateCheck gate, String context, PrintWriter err, String offlineNote) {
        if (gate == null) {
            return;
        }
        if (stagingKafka == null || stagingKafka.isBlank()) {
            if (offlineNote != null) {
                err.println(offlineNote);
            }
            return;
        }
        java.util.Properties kafka = new java.util.Properties();
        kafka.put("bootstrap.servers", stagingKafka);
        java.util.Map<String, List<StagingSchema>> history;
        try {
            history =
                    StagingSchemaRegistry.readHistory(
                            kafka, stagingPrefix, java.time.Duration.ofSeconds(30));
        } catch (StagingSchemaRegistry.RegistryException e) {
            throw new UserError(
                    "Cannot check new source columns: "
                            + e.getMessage()
                            + " (option --staging-kafka).",
                    ExitCodes.UNAVAILABLE,
                    e);
        }
        List<SchemaReview.Unreviewed> findings;
        try {
            findings = SchemaReview.unreviewed(history, gate.policy());
            SchemaReview.audit(history, gate.policy(), audit(), context);
        } catch (PolicyException e) {
            throw new UserError(e.getMessage());
        }
        err.println(
                "staging schema registry "
                        + StagingSchemaRegistry.topicFor(stagingPrefix)
                        + ": "
                        + history.size()
                        + " topic(s), "
                        + findings.size()
                        + " unreviewed column(s)");
        for (SchemaReview.Unreviewed f : findings) {
            err.println("warning: " + f.describe());
        }
        err.flush();
    }

    /** The policy specs, or empty when none is given and sql/policy does not exist. */
    List<String> policySpecs() {
        if (noPolicy) {
            if (!policy.isEmpty()) {
                throw new UserError(
                        "--no-policy and --policy contradict each other. Give one of them.",
                        ExitCodes.USAGE,
                        null);
            }
            return List.of();
        }
        if (!policy.isEmpty()) {
            for (String spec : policy) {
                if (!spec.startsWith(PolicySources.CLASSPATH_PREFIX)
                        && !Files.exists(Path.of(spec))) {
                    throw new UserError(
                            "Invalid --policy: "
                                    + spec
                                    + " does not exist. Give a policy file or a folder of *.yaml"
                                    + " files, e.g. --policy sql/policy.",
                            ExitCodes.USAGE,
                            null);
                }
            }
            return policy;
        }
        return Files.isDirectory(Path.of(PolicySources.DEFAULT_FOLDER))
                ? List.of(PolicySources.DEFAULT_FOLDER)
                : List.of();
    }

    AuditLog audit() {
        AuditLog fromEnv = AuditLog.fromEnvironment();
        String warehouse =
                auditWarehouse != null ? auditWarehouse : System.getenv("SLUICE_AUDIT_WAREHOUSE");
        return new AuditLog(
                auditLog != null ? auditLog : fromEnv.file(),
                warehouse == null || warehouse.isBlank() ? null : new AuditTable(warehouse));
    }

    /**
     * The gate, or null when there is no policy; a broken policy is a {@link UserError} naming
     * every problem.
     */
    GateCheck gate() {
        List<String> specs = policySpecs();
        if (specs.isEmpty()) {
            return null;
        }
        try {
            return GateCheck.of(specs, audit());
        } catch (PolicyException e) {
            throw new UserError(e.getMessage());
        }
    }

    /** The note for a run without gate: deliberate (--no-policy) or for want of a policy. */
    String noGateNote(String what) {
        return noPolicy
                ? "note: --no-policy: " + what
                : "note: no policy (sql/policy or --policy): " + what;
    }

    /**
     * The pipeline as the gate plans it: the real variables, but the catalog's external systems
     * replaced by offline stand-ins (a Hadoop Iceberg catalog in {@code warehouse}), so the gate
     * never needs the cluster's Kafka or catalog service.
     */
    static Pipeline offline(
            List<SourceText> catalog, SourceText file, Variables variables, Path warehouse) {
        Variables.Builder standIns = Variables.builder();
        ValidateCommand.OFFLINE_STAND_INS.forEach(
                (name, value) ->
                        standIns.put(name, value, false, "policy gate (offline stand-in)"));
        standIns.put(
                "ICEBERG_WAREHOUSE",
                warehouse.toUri().toString(),
                false,
                "policy gate (offline stand-in)");
        return PipelineLoader.load(catalog, file, variables.with(standIns.build()));
    }

    /**
     * Runs the gate offline on a loaded pipeline before {@code action} ("submit", "run") and
     * refuses with every finding when it rejects; without a policy, says the pipeline goes
     * unchecked.
     */
    void requirePass(
            PipelineArguments.Loaded loaded,
            Variables variables,
            Path file,
            String action,
            PrintWriter out,
            PrintWriter err)
            throws IOException {
        GateCheck gate = gate();
        if (gate == null) {
            err.println(
                    noGateNote(
                            "the pipeline goes unchecked to "
                                    + action
                                    + "; a pipeline job on a cluster still checks itself at"
                                    + " start-up."));
            return;
        }
        reviewSchemas(gate, action, err, null);
        Path warehouse = Files.createTempDirectory("sluice-gate-warehouse");
        try {
            GateCheck.Decision decision;
            try {
                decision =
                        gate.decide(
                                offline(loaded.catalog(), loaded.file(), variables, warehouse),
                                action);
            } catch (SqlFileException e) {
                throw new UserError(
                        "Refusing to "
                                + action
                                + " "
                                + file
                                + ": the policy gate cannot plan it.\n"
                                + e.describe());
            } catch (PipelineException e) {
                throw new UserError(
                        "Refusing to "
                                + action
                                + " "
                                + file
                                + ": the policy gate cannot plan it.\n"
                                + e.getMessage());
            } catch (PolicyException e) {
                throw new UserError(e.getMessage());
            }
            GateReport report = decision.report();
            if (!report.passed()) {
                SqlFileException ownerTypo =
                        GateSummary.ownerTypo(
                                loaded.file(), loaded.pipeline().metadata(), gate.policy());
                throw new UserError(
                        "Refusing to "
                                + action
                                + " "
                                + file
                                + ": the policy gate rejects it.\n"
                                + (ownerTypo == null ? "" : ownerTypo.describe() + "\n")
                                + report.describe().stripTrailing()
                                + "\n`sluice validate --fix "
                                + file
                                + "` proposes a rewrite.");
            }
            out.println(report.describe().stripTrailing());
            for (String line : GateSummary.notChecked(decision, gate.policy())) {
                out.println("  " + line);
            }
        } finally {
            try (var walk = Files.walk(warehouse)) {
                for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }
}
