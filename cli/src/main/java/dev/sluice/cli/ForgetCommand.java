package dev.sluice.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.erasure.ErasurePlan;
import dev.sluice.erasure.ErasureRun;
import dev.sluice.erasure.ErasureState;
import dev.sluice.erasure.ErasureVerifier;
import dev.sluice.erasure.StagingTopic;
import dev.sluice.erasure.SubjectValues;
import dev.sluice.gate.AuditLog;
import dev.sluice.gate.ColumnFlows;
import dev.sluice.gate.PipelinePlanner;
import dev.sluice.gate.PolicySources;
import dev.sluice.lifecycle.MaintainJob;
import dev.sluice.lifecycle.MaintenanceLock;
import dev.sluice.lifecycle.WarehouseCatalog;
import dev.sluice.policy.model.Policy;
import dev.sluice.policy.model.PolicyException;
import dev.sluice.policy.pseudonym.KeyProvider;
import dev.sluice.policy.pseudonym.KeyUnavailableException;
import dev.sluice.policy.pseudonym.KeysetFile;
import dev.sluice.policy.pseudonym.MasterKey;
import dev.sluice.sql.Pipeline;
import dev.sluice.sql.PipelineLoader;
import dev.sluice.sql.SourceText;
import dev.sluice.sql.SqlFileException;
import dev.sluice.sql.SqlFiles;
import dev.sluice.sql.Variables;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice forget}: the right to erasure across the warehouse. */
@Command(
        name = "forget",
        mixinStandardHelpOptions = true,
        description = {
            "Erase a data subject (the policy's subjects:) from every dataset the pipelines write"
                    + " its identifiers to: Iceberg tables (row-level delete, rewrite of the files"
                    + " that held the rows, expiry of every older snapshot, orphan removal) and"
                    + " JDBC tables. Resumable: a rerun continues where a killed run stopped; a"
                    + " rerun of a finished request erases what arrived since. Audited (sluice"
                    + " audit --kind erasure).",
            "--dry-run counts the rows without changing anything; --verify scans the physical"
                    + " files, JDBC rows and staging for the identifiers and reports the hits.",
            "Exit code 0 ok (also when no row matched), 1 invalid input, 3 unreachable"
                    + " component, 4 --verify found hits."
        })
final class ForgetCommand implements Callable<Integer> {
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec CommandSpec spec;

    @Option(
            names = "--subject",
            required = true,
            paramLabel = "NAME",
            description = "The subject of the policy's subjects: (e.g. customer).")
    String subject;

    @Option(
            names = "--id",
            paramLabel = "VALUE",
            description = "A value of the subject's key column, repeatable.")
    List<String> ids = new ArrayList<>();

    @Option(
            names = "--ids-file",
            paramLabel = "FILE",
            description = "A file of key values, one a line (# comments).")
    Path idsFile;

    @Option(
            names = "--dry-run",
            description = "Count the rows that would be erased; change nothing.")
    boolean dryRun;

    @Option(
            names = "--verify",
            description =
                    "Only scan files, JDBC rows and staging for the identifiers; report hits.")
    boolean verify;

    @Option(
            names = "--format",
            paramLabel = "text|json",
            description = "Output format (default: ${DEFAULT-VALUE}).")
    String format = "text";

    @Option(
            names = "--request-id",
            paramLabel = "ID",
            description = "The request's id (default: derived from subject and ids).")
    String requestId;

    @Option(
            names = "--pipelines",
            paramLabel = "FILE|DIR",
            description =
                    "The pipelines whose sinks may hold the subject, repeatable (default:"
                            + " sql/pipelines).")
    List<String> pipelines = new ArrayList<>();

    @Option(
            names = "--catalog-dir",
            paramLabel = "DIR",
            description = "The catalog folder (default: sql/catalog).")
    String catalogDir;

    @Option(
            names = "--lock-jdbc-url",
            paramLabel = "URL",
            description =
                    "JDBC database of the maintenance locks; also holds the requests' state"
                            + " (table sluice_erasure_steps).")
    String lockUrl;

    @Option(names = "--lock-user", paramLabel = "USER", description = "Lock database user.")
    String lockUser;

    @Option(
            names = "--lock-password-env",
            paramLabel = "NAME",
            description = "Environment variable holding the lock database password.")
    String lockPasswordEnv;

    @Option(
            names = "--orphan-min-age",
            paramLabel = "AGE",
            description =
                    "Remove unreferenced files only when older than this (default:"
                            + " ${DEFAULT-VALUE}); younger ones may be a writer's commit in flight.")
    String orphanMinAge = "3d";

    @Option(
            names = "--lock-wait",
            paramLabel = "AGE",
            description =
                    "Wait this long for a table's maintenance lock (default: ${DEFAULT-VALUE}).")
    String lockWait = "2m";

    @Option(
            names = "--keyset",
            paramLabel = "FILE",
            description = "The keyset file, for datasets holding pseudonymized identifiers.")
    Path keyset;

    @Option(
            names = "--master-key-env",
            paramLabel = "NAME",
            description =
                    "Environment variable holding the keyset's master key (default: ${DEFAULT-VALUE}).")
    String masterKeyEnv = MasterKey.DEFAULT_ENV;

    @Option(
            names = "--staging-key-store-url",
            paramLabel = "URL",
            description =
                    "JDBC URL of the staging key store (the ingest's"
                            + " staging.encryption.key-store.url): forget then destroys the"
                            + " subject's data keys (step shred) and reads staging decrypted.")
    String stagingKeyStoreUrl;

    @Option(
            names = "--staging-key-store-user",
            paramLabel = "USER",
            description = "Key store database user (default: ${DEFAULT-VALUE}).")
    String stagingKeyStoreUser = "postgres";

    @Option(
            names = "--staging-key-store-password-env",
            paramLabel = "NAME",
            description =
                    "Environment variable holding the key store password (default:"
                            + " ${DEFAULT-VALUE}).")
    String stagingKeyStorePasswordEnv =
            dev.sluice.stagingkeys.KeyStoreSettings.DEFAULT_PASSWORD_ENV;

    @Option(
            names = "--staging-key-store-table",
            paramLabel = "TABLE",
            description = "The key table (default: ${DEFAULT-VALUE}).")
    String stagingKeyStoreTable = dev.sluice.stagingkeys.KeyStoreSettings.DEFAULT_TABLE;

    @Option(
            names = "--staging-master-key-env",
            paramLabel = "NAME",
            description =
                    "Environment variable holding the staging master key (default:"
                            + " ${DEFAULT-VALUE}).")
    String stagingMasterKeyEnv = dev.sluice.stagingkeys.KeyStoreSettings.DEFAULT_MASTER_KEY_ENV;

    @Option(
            names = "--audit-log",
            paramLabel = "FILE",
            description =
                    "Audit log (default: $SLUICE_AUDIT_LOG or .sluice/audit/gate-decisions.jsonl).")
    Path auditLog;

    @Option(
            names = "--break-lock",
            description =
                    "Take over a table's maintenance lock when held: only for a lock a killed run"
                            + " left behind; never while another run is alive.")
    boolean breakLock;

    @Option(
            names = "--fail-after",
            hidden = true,
            paramLabel = "DATASET/STEP",
            description = "Testing: stop as a crash would once this step is recorded.")
    String failAfter;

    @Mixin WarehouseOptions warehouseOptions = new WarehouseOptions();

    @Mixin VariableOptions variableOptions = new VariableOptions();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (!format.equals("text") && !format.equals("json")) {
            throw new UserError(
                    "Invalid --format '" + format + "'. Use text or json.", ExitCodes.USAGE, null);
        }
        List<String> all = ids();
        Policy composed;
        try {
            composed = PolicySources.load(warehouseOptions.policySpecs());
        } catch (PolicyException e) {
            throw new UserError(e.getMessage());
        }
        ErasurePlan plan;
        try {
            ErasurePlan.Subject s = ErasurePlan.subject(composed, subject);
            plan = ErasurePlan.build(s, flows(composed));
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        KeyProvider keys = keys();
        WarehouseCatalog warehouseCatalog = warehouseOptions.warehouseCatalog();
        dev.sluice.stagingkeys.SubjectKeys stagingKeys = stagingKeys();
        java.util.function.Function<String, StagingTopic> stagingTopic =
                dataset -> {
                    Map<String, String> o = plan.sourceOptions(dataset);
                    if (o == null) {
                        return null;
                    }
                    StagingTopic t = StagingTopic.of(o);
                    return stagingKeys == null
                            ? t
                            : t.decrypting(
                                    new dev.sluice.stagingkeys.StagingDecryptor(stagingKeys));
                };
        SubjectValues values;
        try {
            values = SubjectValues.resolve(plan, all, stagingTopic);
        } catch (RuntimeException e) {
            throw new UserError(
                    "Cannot read staging to look up the subject's identifying values: "
                            + e.getMessage()
                            + ". Check KAFKA_BOOTSTRAP_SERVERS (--var).",
                    ExitCodes.UNAVAILABLE,
                    e);
        }
        try {
            if (verify) {
                return verify(out, plan, values, warehouseCatalog, keys, stagingTopic);
            }
            ErasureRun.Options options =
                    new ErasureRun.Options(
                            requestId,
                            MaintainCommand.period(orphanMinAge, "--orphan-min-age"),
                            MaintainCommand.period(lockWait, "--lock-wait"),
                            auditLog != null ? auditLog : AuditLog.fromEnvironment().file(),
                            keys,
                            breakLock);
            ErasureRun.Report report;
            if (dryRun) {
                report =
                        new ErasureRun(plan, warehouseCatalog, null, null, options)
                                .dryRun(all, values);
            } else {
                if (lockUrl == null) {
                    throw new UserError(
                            "Missing --lock-jdbc-url: forget takes each Iceberg table's"
                                    + " maintenance lock and keeps its progress in a JDBC"
                                    + " database, e.g. --lock-jdbc-url"
                                    + " jdbc:postgresql://localhost:5432/sluice.");
                }
                MaintenanceLock lock = MaintainJob.lock(lockUrl, lockUser, lockPasswordEnv);
                String password = lockPasswordEnv == null ? null : System.getenv(lockPasswordEnv);
                ErasureState state = new ErasureState(lockUrl, lockUser, password);
                ErasureRun run = new ErasureRun(plan, warehouseCatalog, lock, state, options);
                if (stagingKeys != null) {
                    run.shredding(stagingKeys);
                }
                if (failAfter != null) {
                    run.afterStep(
                            (dataset, step) -> {
                                if (failAfter.equals(dataset + "/" + step)) {
                                    throw new IllegalStateException(
                                            "Stopped after " + failAfter + " (--fail-after).");
                                }
                            });
                }
                report = run.run(all, values);
            }
            print(out, report);
            return ExitCodes.OK;
        } catch (KeyUnavailableException e) {
            throw new UserError(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        } catch (java.sql.SQLException e) {
            throw new UserError(
                    "Database unreachable: " + e.getMessage(), ExitCodes.UNAVAILABLE, e);
        }
    }

    private int verify(
            PrintWriter out,
            ErasurePlan plan,
            SubjectValues values,
            WarehouseCatalog warehouseCatalog,
            KeyProvider keys,
            java.util.function.Function<String, StagingTopic> stagingTopic)
            throws Exception {
        List<ErasureVerifier.Hit> hits =
                ErasureVerifier.verify(
                        plan,
                        values,
                        warehouseCatalog,
                        keys,
                        dataset -> rows -> stagingTopic.apply(dataset).replay(rows));
        long total = hits.stream().mapToLong(ErasureVerifier.Hit::hits).sum();
        if (format.equals("json")) {
            ObjectNode root = JSON.createObjectNode();
            root.put("subject", plan.subject().name());
            root.put("hits", total);
            ArrayNode places = root.putArray("places");
            for (ErasureVerifier.Hit h : hits) {
                ObjectNode p = places.addObject();
                p.put("place", h.place());
                p.put("dataset", h.dataset());
                p.put("hits", h.hits());
                if (h.scanned() >= 0) {
                    p.put("scanned", h.scanned());
                }
            }
            out.println(JSON.writeValueAsString(root));
        } else {
            for (ErasureVerifier.Hit h : hits) {
                out.printf(
                        "  %-60s %6d hits%s%n",
                        h.place(),
                        h.hits(),
                        h.scanned() >= 0
                                ? " ("
                                        + h.scanned()
                                        + (h.place().startsWith("staging") ? " rows" : " files")
                                        + " scanned)"
                                : "");
            }
            out.println(
                    "Verified subject '"
                            + plan.subject().name()
                            + "' ("
                            + ids().size()
                            + " id(s)): "
                            + total
                            + " hits in "
                            + hits.size()
                            + " places.");
        }
        out.flush();
        return total == 0 ? ExitCodes.OK : ExitCodes.VERIFY_HITS;
    }

    private void print(PrintWriter out, ErasureRun.Report report) throws IOException {
        if (format.equals("json")) {
            ObjectNode root = JSON.createObjectNode();
            root.put("requestId", report.requestId());
            root.put("pass", report.pass());
            root.put("subject", report.subject());
            root.put("ids", report.ids());
            root.put("dryRun", report.dryRun());
            root.put("rows", report.rows());
            root.set("datasets", JSON.valueToTree(report.datasets()));
            root.set("sources", JSON.valueToTree(report.sources()));
            root.set("notes", JSON.valueToTree(report.notes()));
            out.println(JSON.writeValueAsString(root));
            out.flush();
            return;
        }
        for (ErasureRun.DatasetResult d : report.datasets()) {
            out.printf(
                    "  %-32s %-8s %6d rows %s%n",
                    d.dataset(),
                    d.kind(),
                    d.rows(),
                    report.dryRun() ? "would be erased" : "erased");
        }
        report.notes().forEach(n -> out.println("note: " + n));
        report.sources().forEach(s -> out.println("source: " + s));
        out.println(
                (report.dryRun() ? "Dry run of " : "Forgot ")
                        + "subject '"
                        + report.subject()
                        + "' ("
                        + report.ids()
                        + " id(s)), request "
                        + report.requestId()
                        + (report.dryRun() ? "" : " pass " + report.pass())
                        + ": "
                        + report.rows()
                        + " rows in "
                        + report.datasets().size()
                        + " datasets.");
        out.flush();
    }

    private List<String> ids() {
        LinkedHashSet<String> out = new LinkedHashSet<>(ids);
        if (idsFile != null) {
            try {
                for (String line : Files.readAllLines(idsFile)) {
                    String l = line.strip();
                    if (!l.isEmpty() && !l.startsWith("#")) {
                        out.add(l);
                    }
                }
            } catch (IOException e) {
                throw new UserError(
                        "Cannot read --ids-file " + idsFile + ": " + e.getMessage() + ".",
                        ExitCodes.USAGE,
                        null);
            }
        }
        if (out.isEmpty()) {
            throw new UserError(
                    "Missing the subject's ids: give --id VALUE (repeatable) or --ids-file FILE.",
                    ExitCodes.USAGE,
                    null);
        }
        return new ArrayList<>(out);
    }

    private List<ColumnFlows.Flow> flows(Policy composed) throws IOException {
        Variables variables = variableOptions.resolve(System.getenv(), Variables.builder().build());
        String catalogSpec =
                catalogDir != null
                        ? catalogDir
                        : Files.isDirectory(Path.of(SqlFileArguments.DEFAULT_CATALOG))
                                ? SqlFileArguments.DEFAULT_CATALOG
                                : "classpath:" + SqlFileArguments.DEFAULT_CATALOG;
        List<SourceText> catalogSources;
        List<SourceText> sources = new ArrayList<>();
        try {
            catalogSources = SqlFiles.readCatalog(catalogSpec);
            List<String> specs = pipelines.isEmpty() ? List.of("sql/pipelines") : pipelines;
            for (String s : specs) {
                if (s.startsWith("classpath:")) {
                    sources.add(SqlFiles.read(s));
                } else {
                    for (Path p : SqlFileArguments.expand(List.of(Path.of(s)))) {
                        sources.add(SqlFiles.read(p));
                    }
                }
            }
        } catch (SqlFileException e) {
            throw new UserError(e.getMessage());
        }
        if (sources.isEmpty()) {
            throw new UserError(
                    "No pipeline files in "
                            + (pipelines.isEmpty() ? "sql/pipelines" : pipelines)
                            + ": forget follows the pipelines to find the datasets a subject's"
                            + " identifiers reach. Give --pipelines FILE|DIR.");
        }
        PipelinePlanner planner = PipelinePlanner.create();
        List<ColumnFlows.Flow> flows = new ArrayList<>();
        for (SourceText source : sources) {
            try {
                Pipeline pipeline = PipelineLoader.load(catalogSources, source, variables);
                flows.addAll(ColumnFlows.of(composed, planner.plan(pipeline)));
            } catch (SqlFileException e) {
                throw new UserError(e.getMessage());
            }
        }
        return flows;
    }

    private KeyProvider keys() {
        if (keyset == null) {
            return null;
        }
        try {
            KeysetFile file = KeysetFile.open(keyset, masterKeyEnv, System::getenv);
            if (System.getenv(masterKeyEnv) == null) {
                throw new UserError(
                        "Keyset "
                                + keyset
                                + " is encrypted with a master key, but $"
                                + masterKeyEnv
                                + " is not set: forget cannot compute pseudonyms without it. Set"
                                + " it (or name the variable with --master-key-env). Nothing was"
                                + " deleted.");
            }
            return file;
        } catch (KeyUnavailableException e) {
            throw new UserError(e.getMessage());
        }
    }

    /** The staging key store when --staging-key-store-url is given (checked now), else null. */
    private dev.sluice.stagingkeys.SubjectKeys stagingKeys() {
        if (stagingKeyStoreUrl == null) {
            return null;
        }
        try {
            return new dev.sluice.stagingkeys.KeyStoreSettings(
                            stagingKeyStoreUrl,
                            stagingKeyStoreUser,
                            stagingKeyStorePasswordEnv,
                            stagingKeyStoreTable,
                            stagingMasterKeyEnv)
                    .open();
        } catch (dev.sluice.stagingkeys.KeyStoreException e) {
            throw new UserError(
                    e.getMessage() + " (--staging-key-store-url). Nothing was deleted.",
                    ExitCodes.UNAVAILABLE,
                    e);
        }
    }
}
