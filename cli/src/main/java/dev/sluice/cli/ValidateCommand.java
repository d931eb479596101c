package dev.sluice.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sluice.gate.AuditLog;
import dev.sluice.gate.Finding;
import dev.sluice.gate.GateCheck;
import dev.sluice.gate.GateReport;
import dev.sluice.pipeline.schema.SchemaEvolution;
import dev.sluice.policy.model.PolicyException;
import dev.sluice.policy.model.PolicyProblem;
import dev.sluice.sql.Pipeline;
import dev.sluice.sql.PipelineException;
import dev.sluice.sql.PipelineLoader;
import dev.sluice.sql.PipelineValidator;
import dev.sluice.sql.PipelineValidator.FileReport;
import dev.sluice.sql.SourceLocation;
import dev.sluice.sql.SourceText;
import dev.sluice.sql.SqlFileException;
import dev.sluice.sql.SqlFiles;
import dev.sluice.sql.Variables;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice validate FILE...}: parse, substitute and plan pipeline files, offline. */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        description = {
            "Check SQL pipeline files without running them: syntax, header, variables, SET keys,"
                    + " and a plan of every statement against the catalog (unknown tables,"
                    + " columns, functions, type errors). Works offline: Kafka is never contacted"
                    + " and the Iceberg catalog is a temporary Hadoop catalog unless --var says"
                    + " otherwise.",
            "Reports every problem of every file. Exit code 0 when all files are valid, 1 when"
                    + " any has a problem, 2 on wrong usage."
        })
final class ValidateCommand implements Callable<Integer> {

    enum Format {
        human,
        json
    }

    /** Stand-ins for the catalog variables, so validation needs no external system. */
    static final Map<String, String> OFFLINE_STAND_INS =
            Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS",
                    "127.0.0.1:9",
                    "ICEBERG_CATALOG_TYPE",
                    "hadoop",
                    // the temporary catalog is a folder: S3FileIO of a REST warehouse's settings
                    // could not write its tables
                    "ICEBERG_IO_IMPL",
                    "org.apache.iceberg.hadoop.HadoopFileIO");

    @Spec CommandSpec spec;

    @Parameters(
            arity = "1..*",
            paramLabel = "FILE",
            description =
                    "Pipeline files or folders (searched for *.sql); files in the catalog folder are checked as catalog files.")
    List<Path> files = new ArrayList<>();

    @Option(
            names = "--catalog",
            paramLabel = "DIR",
            description =
                    "Folder of the shared catalog files, run first in name order (default: sql/catalog when it exists).")
    Path catalog;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format = Format.human;

    @Option(
            names = "--explain",
            description =
                    "Print the optimized plan of each valid pipeline and, with a policy, the"
                            + " dataset identity of every table it reads and writes.")
    boolean explain;

    @Option(
            names = "--per-file",
            description =
                    "Judge each pipeline file alone instead of as one dataset graph: datasets"
                            + " other pipelines write then carry only the classes the policy"
                            + " declares for them.")
    boolean perFile;

    @Mixin VariableOptions variableOptions;

    @Mixin GateOptions gateOptions;

    @Option(
            names = "--fix",
            description =
                    "For pipelines the policy gate rejects, print the proposed rewrite (each"
                            + " leaking value wrapped in the masking function its rule asks for) as"
                            + " a unified diff. Files are not changed.")
    boolean fix;

    /** Gate decisions by file, for the output. */
    private final Map<String, GateReport> gateReports = new LinkedHashMap<>();

    private final List<String> fixes = new ArrayList<>();

    /** Pipelines not checked because the catalog they build on is broken. */
    private final java.util.Set<String> notChecked = new java.util.LinkedHashSet<>();

    /** Lines of what the gate did not prove, by file, printed under its PASS. */
    private final Map<String, List<String>> gateNotes = new LinkedHashMap<>();

    /** Schema-change mode warnings per pipeline file (docs/schema-changes.md). */
    private final Map<String, List<String>> schemaNotes = new LinkedHashMap<>();

    /** Policy problems found while gating, reported with the first pipeline only. */
    private final java.util.Set<String> policyProblemsReported = new java.util.HashSet<>();

    @Override
    public Integer call() throws IOException {
        Path catalogFolder = SqlFileArguments.catalogFolder(catalog);
        List<Path> arguments = SqlFileArguments.expand(files);
        Path warehouse = Files.createTempDirectory("sluice-validate-warehouse");
        try {
            Map<String, String> standIns = new LinkedHashMap<>(OFFLINE_STAND_INS);
            standIns.put("ICEBERG_WAREHOUSE", warehouse.toUri().toString());
            Variables.Builder standInVariables = Variables.builder();
            standIns.forEach(
                    (name, value) ->
                            standInVariables.put(
                                    name, value, false, "validate (offline stand-in)"));
            Variables variables =
                    variableOptions.resolve(System.getenv(), standInVariables.build());

            List<SourceText> catalogSources = new ArrayList<>();
            List<FileReport> reports = new ArrayList<>();
            List<FileReport> unreadableCatalog = new ArrayList<>();
            for (String spec : SqlFileArguments.catalogFiles(catalogFolder)) {
                try {
                    catalogSources.add(SqlFiles.read(spec));
                } catch (SqlFileException e) {
                    unreadableCatalog.add(
                            new FileReport(
                                    spec, PipelineLoader.Role.CATALOG, null, List.of(e), null));
                }
            }
            PipelineValidator validator = new PipelineValidator(catalogSources, variables);
            GateCheck gate = gateOptions.gate();
            if (gate == null) {
                spec.commandLine()
                        .getErr()
                        .println(gateOptions.noGateNote("the policy gate is not run."));
            }
            gateOptions.reviewSchemas(
                    gate,
                    "validate",
                    spec.commandLine().getErr(),
                    "note: the staging schema registry was not checked (no --staging-kafka):"
                            + " source columns added since the policy was written are not"
                            + " reported here (schema.unreviewed-column).");
            reports.addAll(unreadableCatalog);
            reports.addAll(validator.catalogReports());
            boolean catalogBroken = reports.stream().anyMatch(r -> !r.ok());
            for (Path argument : files) {
                if (Files.isDirectory(argument)
                        && SqlFileArguments.expand(List.of(argument)).isEmpty()) {
                    reports.add(
                            new FileReport(
                                    argument.toString(),
                                    PipelineLoader.Role.PIPELINE,
                                    null,
                                    List.of(
                                            new SqlFileException(
                                                    new SourceLocation(argument.toString(), 1, 1),
                                                    "",
                                                    "No .sql file in this folder, so nothing was"
                                                            + " checked. Give pipeline files or"
                                                            + " a folder holding them.")),
                                    null));
                }
            }
            // gated files: their index in reports, source and report, decided together below
            List<Integer> gatedAt = new ArrayList<>();
            List<SourceText> gatedSources = new ArrayList<>();
            for (Path file : arguments) {
                if (SqlFileArguments.isInside(file, catalogFolder)) {
                    continue; // reported with the catalog
                }
                SourceText source;
                try {
                    source = SqlFiles.read(file);
                } catch (SqlFileException e) {
                    reports.add(
                            new FileReport(
                                    file.toString(),
                                    PipelineLoader.Role.PIPELINE,
                                    null,
                                    List.of(e),
                                    null));
                    continue;
                }
                FileReport report = validator.validate(source, explain);
                if (catalogBroken) {
                    // what fails only because of the catalog is not the pipeline's own problem
                    List<SqlFileException> own =
                            report.ok() ? List.of() : validator.checkWithoutPlan(source);
                    if (own.isEmpty()) {
                        notChecked.add(report.file());
                        report =
                                new FileReport(
                                        report.file(),
                                        report.role(),
                                        report.metadata(),
                                        List.of(),
                                        null);
                    } else {
                        report =
                                new FileReport(
                                        report.file(), report.role(), report.metadata(), own, null);
                    }
                } else if (gate != null && report.ok() && report.metadata() != null) {
                    gatedAt.add(reports.size());
                    gatedSources.add(source);
                }
                reports.add(report);
            }
            if (gate != null && !gatedAt.isEmpty()) {
                if (perFile || gatedAt.size() == 1) {
                    spec.commandLine()
                            .getErr()
                            .println(
                                    "note: "
                                            + (perFile ? "--per-file" : "one pipeline file")
                                            + ": each pipeline is judged alone; datasets other"
                                            + " pipelines write carry only the classes the policy"
                                            + " declares for them (validate the folder to follow"
                                            + " them through the dataset graph).");
                    for (int i = 0; i < gatedAt.size(); i++) {
                        int at = gatedAt.get(i);
                        reports.set(
                                at,
                                gated(
                                        gate,
                                        reports.get(at),
                                        catalogSources,
                                        gatedSources.get(i),
                                        variables));
                    }
                } else {
                    graphGated(gate, reports, gatedAt, gatedSources, catalogSources, variables);
                }
            }
            print(reports);
            if (fix) {
                PrintWriter out = spec.commandLine().getOut();
                fixes.forEach(out::print);
                out.flush();
            }
            return reports.stream().allMatch(FileReport::ok) && notChecked.isEmpty()
                    ? ExitCodes.OK
                    : ExitCodes.INVALID;
        } finally {
            deleteRecursively(warehouse);
        }
    }

    /** Runs the gate on every planned pipeline as one dataset graph. */
    private void graphGated(
            GateCheck gate,
            List<FileReport> reports,
            List<Integer> gatedAt,
            List<SourceText> sources,
            List<SourceText> catalog,
            Variables variables) {
        List<Pipeline> pipelines = new ArrayList<>();
        List<Integer> loadedAt = new ArrayList<>();
        List<SourceText> loadedSources = new ArrayList<>();
        for (int i = 0; i < gatedAt.size(); i++) {
            int at = gatedAt.get(i);
            try {
                pipelines.add(PipelineLoader.load(catalog, sources.get(i), variables));
                loadedAt.add(at);
                loadedSources.add(sources.get(i));
            } catch (SqlFileException e) {
                FileReport r = reports.get(at);
                reports.set(
                        at, new FileReport(r.file(), r.role(), r.metadata(), List.of(e), r.plan()));
            }
        }
        List<GateCheck.Decision> decisions;
        try {
            decisions = gate.decideAll(pipelines, "validate");
        } catch (SqlFileException | PipelineException | PolicyException e) {
            // a pipeline Flink refuses, or a policy problem: judge the files one by one, which
            // places each error at its file (and reports a policy problem once)
            for (int i = 0; i < loadedAt.size(); i++) {
                int at = loadedAt.get(i);
                reports.set(
                        at, gated(gate, reports.get(at), catalog, loadedSources.get(i), variables));
            }
            return;
        }
        if (explain && !decisions.isEmpty()) {
            graphLines.addAll(decisions.get(0).graph().describe());
        }
        for (int i = 0; i < decisions.size(); i++) {
            int at = loadedAt.get(i);
            reports.set(at, judged(gate, reports.get(at), loadedSources.get(i), decisions.get(i)));
        }
    }

    /** Dataset graph lines for --explain. */
    private final List<String> graphLines = new ArrayList<>();

    /** Runs the gate on a pipeline that planned; its findings become the file's problems. */
    private FileReport gated(
            GateCheck gate,
            FileReport report,
            List<SourceText> catalog,
            SourceText source,
            Variables variables) {
        GateCheck.Decision decision;
        try {
            Pipeline loaded = PipelineLoader.load(catalog, source, variables);
            schemaNotes.put(report.file(), SchemaEvolution.warnings(loaded));
            decision = gate.decide(loaded, "validate");
        } catch (SqlFileException e) {
            return new FileReport(
                    report.file(), report.role(), report.metadata(), List.of(e), report.plan());
        } catch (PipelineException e) {
            return new FileReport(
                    report.file(), report.role(), report.metadata(), e.problems(), report.plan());
        } catch (PolicyException e) {
            List<SqlFileException> problems = new ArrayList<>();
            for (PolicyProblem p : e.problems()) {
                if (policyProblemsReported.add(p.toString())) {
                    SourceLocation at =
                            new SourceLocation(
                                    p.at().file(),
                                    Math.max(1, p.at().line()),
                                    Math.max(1, p.at().column()));
                    problems.add(new SqlFileException(at, "", "policy: " + p.message()));
                }
            }
            if (problems.isEmpty()) {
                notChecked.add(report.file());
                return new FileReport(
                        report.file(), report.role(), report.metadata(), List.of(), report.plan());
            }
            return new FileReport(
                    report.file(), report.role(), report.metadata(), problems, report.plan());
        }
        return judged(gate, report, source, decision);
    }

    /** A file's report with the gate's decision: its findings become the file's problems. */
    private FileReport judged(
            GateCheck gate, FileReport report, SourceText source, GateCheck.Decision decision) {
        GateReport gateReport = decision.report();
        gateReports.put(report.file(), gateReport);
        gateNotes.put(report.file(), GateSummary.notChecked(decision, gate.policy()));
        if (gateReport.passed()) {
            return report;
        }
        List<SqlFileException> problems = new ArrayList<>();
        SqlFileException ownerTypo =
                GateSummary.ownerTypo(source, report.metadata(), gate.policy());
        if (ownerTypo != null) {
            problems.add(ownerTypo);
        }
        for (Finding f : gateReport.findings()) {
            String line = f.describe();
            problems.add(
                    new SqlFileException(
                            f.location(),
                            source.excerpt(f.location()),
                            "policy gate: "
                                    + line.substring(f.location().toString().length() + 2)));
        }
        if (fix) {
            FixProposal.Proposal proposal = FixProposal.propose(decision.planned(), gateReport);
            fixes.add(
                    proposal.edits() == 0
                            ? "# " + report.file() + ": no automatic fix; see the findings.\n"
                            : proposal.diff());
        }
        return new FileReport(
                report.file(), report.role(), report.metadata(), problems, report.plan());
    }

    private void print(List<FileReport> reports) {
        PrintWriter out = spec.commandLine().getOut();
        int problems = reports.stream().mapToInt(r -> r.problems().size()).sum();
        if (format == Format.json) {
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("ok", problems == 0 && notChecked.isEmpty());
            document.put("problemCount", problems);
            List<Object> fileEntries = new ArrayList<>();
            for (FileReport report : reports) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("file", report.file());
                entry.put("role", report.role().name().toLowerCase());
                entry.put("ok", report.ok() && !notChecked.contains(report.file()));
                if (notChecked.contains(report.file())) {
                    entry.put("notChecked", true);
                }
                if (report.metadata() != null) {
                    Map<String, Object> metadata = new LinkedHashMap<>();
                    metadata.put("name", report.metadata().name());
                    metadata.put("owner", report.metadata().owner());
                    metadata.put("description", report.metadata().description());
                    metadata.put("parallelism", report.metadata().parallelism());
                    metadata.put(
                            "checkpointInterval",
                            report.metadata().checkpointInterval().toString());
                    metadata.put("tags", report.metadata().tags());
                    entry.put("metadata", metadata);
                }
                List<Object> problemEntries = new ArrayList<>();
                for (SqlFileException problem : report.problems()) {
                    Map<String, Object> p = new LinkedHashMap<>();
                    p.put("file", problem.location().file());
                    p.put("line", problem.location().line());
                    p.put("column", problem.location().column());
                    p.put("message", problem.getMessage());
                    p.put("excerpt", problem.excerpt());
                    problemEntries.add(p);
                }
                entry.put("problems", problemEntries);
                GateReport gateReport = gateReports.get(report.file());
                if (gateReport != null) {
                    entry.put("gate", AuditLog.toJson(gateReport, "validate"));
                }
                if (report.plan() != null) {
                    entry.put("plan", report.plan());
                }
                fileEntries.add(entry);
            }
            document.put("files", fileEntries);
            try {
                out.println(
                        new ObjectMapper()
                                .enable(SerializationFeature.INDENT_OUTPUT)
                                .writeValueAsString(document));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.flush();
            return;
        }
        for (FileReport report : reports) {
            if (notChecked.contains(report.file())) {
                out.println(
                        report.file()
                                + ": not checked ("
                                + (reports.stream()
                                                .anyMatch(
                                                        r ->
                                                                !r.ok()
                                                                        && r.role()
                                                                                == PipelineLoader
                                                                                        .Role
                                                                                        .CATALOG)
                                        ? "catalog error above"
                                        : "policy error above")
                                + ")");
            } else if (report.ok()) {
                String what =
                        report.metadata() == null
                                ? "catalog"
                                : "pipeline "
                                        + report.metadata().name()
                                        + ", owner "
                                        + report.metadata().owner();
                out.println(report.file() + ": ok (" + what + ")");
                for (String warning : schemaNotes.getOrDefault(report.file(), List.of())) {
                    out.println("  " + warning);
                }
                GateReport gateReport = gateReports.get(report.file());
                if (gateReport != null) {
                    out.println(
                            "  policy gate: PASS (classes "
                                    + gateReport.classesWritten()
                                    + ", rules "
                                    + gateReport.ruleIds()
                                    + (gateReport.graph() ? ", dataset graph" : "")
                                    + ")");
                    for (String note : gateNotes.getOrDefault(report.file(), List.of())) {
                        out.println("    " + note);
                    }
                    if (explain) {
                        out.print(gateReport.describeDatasets());
                    }
                }
                if (report.plan() != null) {
                    out.println(report.plan());
                }
            } else {
                for (SqlFileException problem : report.problems()) {
                    out.println(problem.location() + ": error: " + problem.getMessage());
                    if (!problem.excerpt().isEmpty()) {
                        out.println(problem.excerpt());
                    }
                }
                GateReport gateReport = gateReports.get(report.file());
                if (explain && gateReport != null) {
                    out.print(gateReport.describeDatasets());
                }
            }
        }
        if (explain && !graphLines.isEmpty()) {
            out.println("dataset graph (what reaches each dataset the pipelines write):");
            graphLines.forEach(l -> out.println("  " + l));
        }
        long bad = reports.stream().filter(r -> !r.ok()).count();
        int checked = reports.size() - notChecked.size();
        out.println(
                checked
                        + (checked == 1 ? " file" : " files")
                        + " checked, "
                        + (problems == 0
                                ? "all valid."
                                : problems
                                        + (problems == 1 ? " problem" : " problems")
                                        + " in "
                                        + bad
                                        + (bad == 1 ? " file." : " files."))
                        + (notChecked.isEmpty() ? "" : " " + notChecked.size() + " not checked."));
        out.flush();
    }

    private static void deleteRecursively(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
