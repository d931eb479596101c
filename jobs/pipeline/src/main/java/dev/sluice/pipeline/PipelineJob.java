package dev.sluice.pipeline;

import dev.sluice.drift.DriftPlan;
import dev.sluice.gate.AuditLog;
import dev.sluice.gate.GateCheck;
import dev.sluice.gate.GateRejectedException;
import dev.sluice.gate.GateReport;
import dev.sluice.gate.PipelinePlanner;
import dev.sluice.gate.PolicySources;
import dev.sluice.pipeline.schema.PolicyColumnReview;
import dev.sluice.pipeline.schema.SchemaEvolution;
import dev.sluice.policy.model.Policy;
import dev.sluice.sql.Pipeline;
import dev.sluice.sql.PipelineLoader;
import dev.sluice.sql.SourceText;
import dev.sluice.sql.SqlFiles;
import dev.sluice.sql.Variables;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The SQL pipeline job: the entry class a Flink cluster or the Kubernetes operator starts from the
 * job jar. It reads one pipeline file (a path, a {@code classpath:sql/...} resource of the jar, or
 * inline text sent by {@code sluice submit}), runs the catalog files and submits the pipeline's
 * INSERTs as one job.
 *
 * <pre>
 * PipelineJob classpath:sql/pipelines/payments/payments_to_warehouse.sql \
 *     [--catalog classpath:sql/catalog] [--var NAME=value]... [--secret-env NAME]...
 * </pre>
 *
 * Variables come from the environment of the process, then {@code --var}; secrets belong in the
 * environment (program arguments are visible in Flink's web UI).
 */
public final class PipelineJob {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineJob.class);

    /** The program arguments. */
    static final class Arguments {
        @Parameters(
                index = "0",
                arity = "0..1",
                description = "Pipeline SQL file: a path or classpath:sql/...")
        String pipeline;

        @Option(
                names = "--pipeline-inline",
                description = "The pipeline file inline, as NAME:BASE64 (what sluice submit sends)")
        String pipelineInline;

        @Option(
                names = "--catalog",
                description = "Catalog folder, a path or classpath:... (default: ${DEFAULT-VALUE})")
        String catalog = "classpath:sql/catalog";

        @Option(
                names = "--catalog-inline",
                description = "A catalog file inline, as NAME:BASE64; replaces --catalog")
        List<String> catalogInline = new ArrayList<>();

        @Option(names = "--var", description = "A variable, NAME=value")
        List<String> vars = new ArrayList<>();

        @Option(names = "--secret-env", description = "An environment variable that is secret")
        List<String> secretEnv = new ArrayList<>();

        @Option(
                names = "--policy",
                description =
                        "Policy file or folder the pipeline must pass before it starts, repeatable"
                                + " (default: classpath:sql/policy, the policy built into the jar)")
        List<String> policy = new ArrayList<>();

        @Option(
                names = "--drift-topic",
                description =
                        "Kafka topic of PII drift events, when the policy has a drift: section"
                                + " (default: "
                                + DriftPlan.DEFAULT_TOPIC
                                + ")")
        String driftTopic = DriftPlan.DEFAULT_TOPIC;
    }

    private PipelineJob() {}

    public static void main(String[] args) throws Exception {
        Arguments arguments = CommandLine.populateCommand(new Arguments(), args);
        Pipeline pipeline = load(arguments);
        checkPolicy(arguments, pipeline, PipelinePlanner.create());
        LOG.info(
                "Starting pipeline {} (owner {}) from {}",
                pipeline.metadata().name(),
                pipeline.metadata().owner(),
                pipeline.pipeline().source().name());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        // schema-change modes: an evolve change stops the job; submitting it again lands here
        // and applies the change before planning (docs/schema-changes.md)
        SchemaEvolution evolution =
                new SchemaEvolution(
                        new PolicyColumnReview(PolicySources.load(policySpecs(arguments))),
                        AuditLog.fromEnvironment(),
                        "job-start",
                        Duration.ofSeconds(60));
        TableResult result =
                PipelineRunner.execute(tEnv, pipeline, driftPlan(arguments, pipeline), evolution);
        evolution.notes().forEach(note -> LOG.info("{}", note));
        result.getJobClient()
                .ifPresent(client -> LOG.info("Submitted pipeline job {}", client.getJobID()));
    }

    /**
     * The policy gate at start-up: a job started by a cluster or the Kubernetes operator, which
     * never went through {@code sluice validate}, refuses to start a pipeline the policy rejects.
     * The decision goes to the job log and the audit log ({@code SLUICE_AUDIT_LOG}, {@code
     * SLUICE_AUDIT_WAREHOUSE}).
     *
     * @throws GateRejectedException listing every finding
     */
    static GateReport checkPolicy(Arguments arguments, Pipeline pipeline, PipelinePlanner planner) {
        List<String> specs =
                arguments.policy.isEmpty()
                        ? List.of(PolicySources.CLASSPATH_PREFIX + PolicySources.DEFAULT_FOLDER)
                        : arguments.policy;
        GateReport report =
                new GateCheck(PolicySources.load(specs), planner, null)
                        .check(pipeline, "job-start");
        LOG.info("Policy gate decision: {}", AuditLog.toJson(report, "job-start"));
        try {
            AuditLog.fromEnvironment().append(report, "job-start");
        } catch (RuntimeException e) {
            // the decision is in the job log above; a read-only working directory must not
            // turn a compliant pipeline away
            LOG.warn("Could not append the gate decision to the audit log: {}", e.getMessage());
        }
        if (!report.passed()) {
            throw new GateRejectedException(report);
        }
        return report;
    }

    /**
     * PII drift detection when the policy has a {@code drift:} section: the unclassified string
     * columns each sink receives, events to {@code --drift-topic} on the pipeline's {@code
     * KAFKA_BOOTSTRAP_SERVERS} and to the audit log.
     */
    static DriftPlan driftPlan(Arguments arguments, Pipeline pipeline) {
        Policy policy = PolicySources.load(policySpecs(arguments));
        if (policy.drift().isEmpty()) {
            return null;
        }
        DriftPlan plan =
                DriftPlan.of(
                        policy,
                        PipelinePlanner.create().plan(pipeline),
                        pipeline.variables()
                                .get("KAFKA_BOOTSTRAP_SERVERS")
                                .map(Variables.Value::value)
                                .orElse(null),
                        arguments.driftTopic,
                        AuditLog.fromEnvironment().file().toAbsolutePath().toString());
        LOG.info("PII drift detection ({}) on {}", plan.action(), plan.describe());
        return plan;
    }

    private static List<String> policySpecs(Arguments arguments) {
        return arguments.policy.isEmpty()
                ? List.of(PolicySources.CLASSPATH_PREFIX + PolicySources.DEFAULT_FOLDER)
                : arguments.policy;
    }

    static Pipeline load(Arguments arguments) {
        if ((arguments.pipeline == null) == (arguments.pipelineInline == null)) {
            throw new IllegalArgumentException(
                    "Invalid arguments: give exactly one pipeline, either a SQL file (a path or"
                            + " classpath:sql/...) or --pipeline-inline NAME:BASE64.");
        }
        SourceText pipelineFile =
                arguments.pipelineInline != null
                        ? inline(arguments.pipelineInline)
                        : SqlFiles.read(arguments.pipeline);
        List<SourceText> catalog = new ArrayList<>();
        if (arguments.catalogInline.isEmpty()) {
            catalog.addAll(SqlFiles.readCatalog(arguments.catalog));
        } else {
            for (String file : arguments.catalogInline) {
                catalog.add(inline(file));
            }
        }
        Variables.Builder variables =
                Variables.builder().environment(System.getenv(), Set.copyOf(arguments.secretEnv));
        for (String assignment : arguments.vars) {
            variables.assignment(assignment, false, "--var");
        }
        return PipelineLoader.load(catalog, pipelineFile, variables.build());
    }

    /** Encodes a file for {@code --pipeline-inline} / {@code --catalog-inline}. */
    public static String encodeInline(SourceText file) {
        return file.name()
                + ":"
                + Base64.getEncoder().encodeToString(file.text().getBytes(StandardCharsets.UTF_8));
    }

    private static SourceText inline(String nameAndText) {
        int colon = nameAndText.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException(
                    "Invalid inline file: expected NAME:BASE64, got "
                            + nameAndText.length()
                            + " characters without ':'.");
        }
        String text =
                new String(
                        Base64.getDecoder().decode(nameAndText.substring(colon + 1)),
                        StandardCharsets.UTF_8);
        return new SourceText(nameAndText.substring(0, colon), text);
    }
}
