package dev.sluice.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gate.SourceScanner;
import dev.sluice.policy.classify.ClassProposal;
import dev.sluice.policy.classify.ClassifierOptions;
import dev.sluice.policy.classify.ColumnClassifier;
import dev.sluice.policy.detect.SensitiveDataDetector;
import dev.sluice.policy.model.ClassificationFile;
import dev.sluice.policy.model.PolicyException;
import dev.sluice.policy.model.PolicyLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice classify}: propose column classifications from a source database, or for the
 * unreviewed columns of the staging schema registry.
 */
@Command(
        name = "classify",
        mixinStandardHelpOptions = true,
        description = {
            "Scan a source database (tables, columns, types and a bounded sample of values), let"
                    + " the column classifier propose classes with confidence and reasons, and"
                    + " print them; with --out, merge them into a classification (policy) file"
                    + " without changing any column it already classifies.",
            "With --staging-kafka instead of --jdbc-url: the columns the staging schema"
                    + " registry shows and the policy has not reviewed (names and types only).",
            "Exit code 0 on success, 1 on a bad file or option value, 2 on wrong usage, 3 when the"
                    + " database cannot be"
                    + " reached."
        })
final class ClassifyCommand implements Callable<Integer> {

    enum Format {
        human,
        json
    }

    @Spec CommandSpec spec;

    @Option(
            names = "--jdbc-url",
            paramLabel = "URL",
            description =
                    "The source database, e.g. jdbc:postgresql://host:5432/payments (or"
                            + " --staging-kafka).")
    String jdbcUrl;

    @Option(
            names = "--staging-kafka",
            paramLabel = "BOOTSTRAP",
            description =
                    "Instead of a database: propose classes for the columns the staging schema"
                            + " registry shows and the policy has not reviewed (names and types"
                            + " only, no values).")
    String stagingKafka;

    @Option(
            names = "--staging-prefix",
            paramLabel = "PREFIX",
            description = "Staging topic prefix of the registry (default: ${DEFAULT-VALUE}).")
    String stagingPrefix = "staging";

    @Option(names = "--user", paramLabel = "NAME", description = "Database user.")
    String user;

    @Option(
            names = "--password-env",
            paramLabel = "VAR",
            description = "Environment variable holding the password (never an argument).")
    String passwordEnv;

    @Option(
            names = "--schema",
            paramLabel = "NAME",
            description = "Schema to scan (default: ${DEFAULT-VALUE}).")
    String schema = "public";

    @Option(
            names = "--dataset",
            paramLabel = "NAME",
            description =
                    "Dataset name of the database in the policy (columns become"
                            + " DATASET.table.column; default: the database name of the URL).")
    String dataset;

    @Option(
            names = "--sample",
            paramLabel = "ROWS",
            description =
                    "Rows sampled per table, 0 for names and types only (default: ${DEFAULT-VALUE}).")
    int sample = 200;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            description = "Classification file to create or merge the proposals into.")
    Path out;

    @Option(
            names = "--policy",
            paramLabel = "PATH",
            description =
                    "Policy files or folders whose detection.phone_regions name the countries whose"
                            + " national phone formats are recognized (default: sql/policy when it"
                            + " exists).")
    List<Path> policy = new ArrayList<>();

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format = Format.human;

    /** The classifier, with the phone regions the policy declares (none: the default, US). */
    private ColumnClassifier classifier() {
        List<Path> paths = policyPaths();
        if (paths.isEmpty()) {
            return ColumnClassifier.withDefaults();
        }
        List<String> regions;
        try {
            regions = PolicyLoader.load(paths).detection().phoneRegions();
        } catch (PolicyException e) {
            throw new UserError(e.getMessage());
        }
        return new ColumnClassifier(
                SensitiveDataDetector.builder().phoneRegions(regions).build(),
                ClassifierOptions.defaults());
    }

    /** The policy paths given, or sql/policy when it exists. */
    private List<Path> policyPaths() {
        if (policy.isEmpty() && Files.isDirectory(Path.of("sql", "policy"))) {
            return List.of(Path.of("sql", "policy"));
        }
        return policy;
    }

    /**
     * The unreviewed columns of the staging schema registry, judged by name and type: {@code
     * schema.unreviewed-column} findings need the policy (its sources: map topics to datasets).
     */
    private List<Scanned> scanRegistry(PrintWriter stderr) {
        List<Path> paths = policyPaths();
        if (paths.isEmpty()) {
            throw new UserError(
                    "--staging-kafka needs the policy (its sources: map staging topics to"
                            + " datasets, its classifications: say what is reviewed). Give"
                            + " --policy sql/policy.",
                    ExitCodes.USAGE,
                    null);
        }
        dev.sluice.policy.model.Policy loaded;
        try {
            loaded = PolicyLoader.load(paths);
        } catch (PolicyException e) {
            throw new UserError(e.getMessage());
        }
        Properties kafka = new Properties();
        kafka.put("bootstrap.servers", stagingKafka);
        java.util.Map<String, List<dev.sluice.stagingschemas.StagingSchema>> history;
        try {
            history =
                    dev.sluice.stagingschemas.StagingSchemaRegistry.readHistory(
                            kafka, stagingPrefix, java.time.Duration.ofSeconds(30));
        } catch (dev.sluice.stagingschemas.StagingSchemaRegistry.RegistryException e) {
            throw new UserError(
                    e.getMessage() + " (option --staging-kafka).", ExitCodes.UNAVAILABLE, e);
        }
        List<dev.sluice.gate.SchemaReview.Unreviewed> unreviewed;
        try {
            unreviewed = dev.sluice.gate.SchemaReview.unreviewed(history, loaded);
        } catch (PolicyException e) {
            throw new UserError(e.getMessage());
        }
        stderr.println(
                "Staging schema registry "
                        + dev.sluice.stagingschemas.StagingSchemaRegistry.topicFor(stagingPrefix)
                        + ": "
                        + unreviewed.size()
                        + " unreviewed column(s)");
        stderr.flush();
        ColumnClassifier classifier = classifier();
        List<Scanned> out = new ArrayList<>();
        for (dev.sluice.gate.SchemaReview.Unreviewed u : unreviewed) {
            out.add(
                    new Scanned(
                            u.datasetColumn(),
                            new SourceScanner.ColumnReport(
                                    u.dataset(),
                                    u.column().name(),
                                    u.column().type(),
                                    0,
                                    classifier.classify(
                                            u.column().name(), u.column().type(), List.of()))));
        }
        return out;
    }

    /** A column report with its full dataset column name. */
    private record Scanned(String column, SourceScanner.ColumnReport report) {}

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        if ((jdbcUrl == null) == (stagingKafka == null)) {
            throw new UserError(
                    "Give either --jdbc-url (scan a source database) or --staging-kafka (the"
                            + " columns the staging schema registry shows and the policy has not"
                            + " reviewed).",
                    ExitCodes.USAGE,
                    null);
        }
        if (stagingKafka != null) {
            return propose(stdout, stderr, scanRegistry(stderr));
        }
        String datasetName = dataset != null ? dataset : databaseOf(jdbcUrl);
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (passwordEnv != null) {
            String password = System.getenv(passwordEnv);
            if (password == null) {
                throw new UserError(
                        "Invalid --password-env: " + passwordEnv + " is not set. Export it first.");
            }
            props.setProperty("password", password);
            OutputSecrets.current().add(password);
        }
        List<SourceScanner.ColumnReport> columns;
        try (Connection connection = DriverManager.getConnection(jdbcUrl, props)) {
            stderr.println("Scanning schema " + schema + " of " + redactUrl(jdbcUrl) + " ...");
            stderr.flush();
            columns =
                    new SourceScanner(classifier(), sample)
                            .scan(
                                    connection,
                                    schema,
                                    line -> {
                                        stderr.println(line);
                                        stderr.flush();
                                    });
        } catch (SQLException e) {
            throw new UserError(
                    "Cannot scan "
                            + redactUrl(jdbcUrl)
                            + ": "
                            + e.getMessage()
                            + ". Check --jdbc-url, --user and --password-env.",
                    ExitCodes.UNAVAILABLE,
                    e);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }

        List<Scanned> scanned = new ArrayList<>();
        for (SourceScanner.ColumnReport c : columns) {
            scanned.add(new Scanned(datasetName + "." + c.table() + "." + c.column(), c));
        }
        return propose(stdout, stderr, scanned);
    }

    private Integer propose(PrintWriter stdout, PrintWriter stderr, List<Scanned> columns)
            throws IOException {
        List<ClassificationFile.Proposal> proposals = new ArrayList<>();
        for (Scanned scanned : columns) {
            SourceScanner.ColumnReport c = scanned.report();
            if (!c.proposals().isEmpty()) {
                ClassProposal best = c.proposals().get(0);
                proposals.add(
                        new ClassificationFile.Proposal(
                                scanned.column(),
                                List.of(best.code()),
                                best.confidence(),
                                String.join("; ", best.reasons())));
            }
        }
        Set<String> kept = Set.of();
        if (out != null) {
            String existing =
                    Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : null;
            ClassificationFile.Merge merge;
            try {
                merge = ClassificationFile.merge(out.toString(), existing, proposals);
            } catch (PolicyException | IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
            if (out.getParent() != null) {
                Files.createDirectories(out.getParent());
            }
            Files.writeString(out, merge.text(), StandardCharsets.UTF_8);
            kept =
                    merge.kept().stream()
                            .map(ClassificationFile.Proposal::column)
                            .collect(Collectors.toSet());
            stderr.println(
                    "wrote "
                            + out
                            + ": "
                            + merge.added().size()
                            + " proposals added, "
                            + merge.kept().size()
                            + " columns already classified kept as they are.");
            stderr.flush();
        }
        print(stdout, columns, kept);
        return ExitCodes.OK;
    }

    private void print(PrintWriter stdout, List<Scanned> columns, Set<String> kept) {
        if (format == Format.json) {
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ArrayNode array = json.createArrayNode();
            for (Scanned scanned : columns) {
                SourceScanner.ColumnReport c = scanned.report();
                ObjectNode o = array.addObject();
                String column = scanned.column();
                o.put("column", column);
                o.put("type", c.sqlType());
                o.put("sampled", c.sampled());
                o.put("keptExisting", kept.contains(column));
                ArrayNode ps = o.putArray("proposals");
                for (ClassProposal p : c.proposals()) {
                    ObjectNode po = ps.addObject();
                    po.put("class", p.code());
                    po.put("confidence", p.confidence());
                    ArrayNode reasons = po.putArray("reasons");
                    p.reasons().forEach(reasons::add);
                }
            }
            try {
                stdout.println(json.writeValueAsString(array));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        } else {
            stdout.printf(
                    "%-40s %-14s %-16s %-10s %s%n",
                    "COLUMN", "TYPE", "PROPOSAL", "CONFIDENCE", "REASONS");
            for (Scanned scanned : columns) {
                SourceScanner.ColumnReport c = scanned.report();
                String column = scanned.column();
                if (c.proposals().isEmpty()) {
                    stdout.printf("%-40s %-14s %-16s %-10s %s%n", column, c.sqlType(), "-", "", "");
                    continue;
                }
                ClassProposal best = c.proposals().get(0);
                stdout.printf(
                        Locale.ROOT,
                        "%-40s %-14s %-16s %-10.2f %s%s%n",
                        column,
                        c.sqlType(),
                        best.code(),
                        best.confidence(),
                        String.join("; ", best.reasons()),
                        kept.contains(column) ? " (already classified: kept)" : "");
            }
        }
        stdout.flush();
    }

    /** The database name at the end of a JDBC URL, e.g. {@code payments}. */
    static String databaseOf(String url) {
        String path = url.replaceFirst("[?;].*$", "");
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (name.isEmpty() || name.contains(":")) {
            throw new UserError(
                    "Cannot tell the dataset from --jdbc-url "
                            + redactUrl(url)
                            + ". Give --dataset NAME.");
        }
        return name;
    }

    /** The URL without its query, where JDBC drivers take passwords. */
    static String redactUrl(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?…";
    }
}
