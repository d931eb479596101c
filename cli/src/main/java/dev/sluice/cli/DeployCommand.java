package dev.sluice.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.deploy.DeployMode;
import dev.sluice.deploy.DeployProfile;
import dev.sluice.deploy.DeployRenderException;
import dev.sluice.deploy.ManifestRenderer;
import dev.sluice.deploy.ManifestYaml;
import dev.sluice.deploy.PipelineCheck;
import dev.sluice.deploy.PipelineDeployment;
import dev.sluice.deploy.PipelineSource;
import dev.sluice.deploy.SecretRef;
import dev.sluice.sql.SqlFileException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sluice deploy}: ship pipelines to the Flink Kubernetes Operator. */
@Command(
        name = "deploy",
        mixinStandardHelpOptions = true,
        description = "Ship pipelines to Kubernetes with the Flink Kubernetes Operator.",
        subcommands = {DeployCommand.Render.class})
final class DeployCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code sluice deploy render}: the operator resources of one pipeline, as YAML. */
    @Command(
            name = "render",
            mixinStandardHelpOptions = true,
            description = {
                "Render the FlinkDeployment (application mode) or FlinkSessionJob (session mode)"
                        + " of a pipeline, from its metadata header and the overlay's settings.",
                "Runs the installed pipeline checks (the policy gate) first and refuses a failing"
                        + " pipeline.",
                "Exit code 0 rendered, 1 on invalid files or a failing check, 2 on wrong usage (an"
                        + " unknown --mode or --overlay, a malformed --secret)."
            })
    static final class Render implements Callable<Integer> {
        /** The variable of the maintenance lock database password. */
        static final String LOCK_PASSWORD = "SLUICE_LOCK_PASSWORD";

        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Parameters(
                index = "0",
                arity = "0..1",
                paramLabel = "FILE",
                description = "The pipeline .sql file (omit with --session-cluster).")
        Path file;

        @Option(
                names = "--session-cluster",
                description =
                        "Render the overlay's shared session cluster (the FlinkDeployment that"
                                + " session jobs run on) instead of a pipeline.")
        boolean sessionCluster;

        @Option(
                names = "--maintenance",
                description =
                        "Render the warehouse's maintenance job (retention, compaction, snapshot"
                                + " expiry; docs/lifecycle.md) instead of a pipeline; needs"
                                + " --lock-jdbc-url, and --secret VAR=SECRET/KEY for the lock"
                                + " database password.")
        boolean maintenance;

        @Option(
                names = "--lock-jdbc-url",
                paramLabel = "URL",
                description = "With --maintenance: the JDBC database of the maintenance locks.")
        String lockJdbcUrl;

        @Option(
                names = "--pipeline",
                paramLabel = "FILE",
                description =
                        "With --maintenance, repeatable: a pipeline whose JDBC tables the"
                                + " policy's retention: names; the job reaches each table with"
                                + " its pipeline's options (its secrets: --secret VAR=SECRET/KEY,"
                                + " the lock password as SLUICE_LOCK_PASSWORD).")
        List<Path> maintenancePipelines = new ArrayList<>();

        @Option(
                names = "--lock-user",
                paramLabel = "USER",
                description = "With --maintenance: the lock database user.")
        String lockUser;

        @Option(
                names = "--mode",
                paramLabel = "application|session",
                defaultValue = "application",
                description = "application (own cluster, default) or session (shared cluster).")
        String mode;

        @Option(
                names = "--overlay",
                paramLabel = "dev|prod",
                defaultValue = "dev",
                description = "Environment whose settings apply (default: ${DEFAULT-VALUE}).")
        String overlay;

        @Option(
                names = "--image-tag",
                paramLabel = "TAG",
                description = "Tag of the pushed Sluice image (required).")
        String imageTag;

        @Option(
                names = "--image-repository",
                paramLabel = "REPO",
                description = "Image repository without tag (default: the overlay's).")
        String imageRepository;

        @Option(
                names = "--secret",
                paramLabel = "VAR=SECRET/KEY",
                description =
                        "Feed variable VAR from key KEY of Kubernetes Secret SECRET"
                                + " (application mode; repeatable).")
        List<String> secrets = new ArrayList<>();

        @Option(
                names = "--state-store",
                paramLabel = "S3_URI",
                description =
                        "Where checkpoints, savepoints and HA metadata go, e.g. s3://flink-state"
                                + " (default: the overlay's state bucket).")
        String stateStore;

        @Option(
                names = "--s3-endpoint",
                paramLabel = "URL",
                description =
                        "Endpoint of an S3-compatible store (MinIO, Ceph, …) holding the state"
                                + " store, for Flink's S3 plugin (default: AWS S3).")
        String s3Endpoint;

        @Option(
                names = "--s3-path-style-access",
                description =
                        "Address the state store's buckets by path (most S3-compatible"
                                + " stores); needs --s3-endpoint.")
        boolean s3PathStyleAccess;

        @Option(
                names = "--out",
                paramLabel = "DIR",
                description = "Write one file per resource into DIR instead of stdout.")
        Path out;

        /** The checks to run before rendering; tests replace the service-loader lookup. */
        Supplier<List<PipelineCheck>> checks = PipelineCheck::installed;

        @Override
        public Integer call() {
            PrintWriter stdout = spec.commandLine().getOut();
            PrintWriter stderr = spec.commandLine().getErr();
            try {
                if (maintenance) {
                    if (file != null || sessionCluster) {
                        throw new CommandLine.ParameterException(
                                spec.commandLine(),
                                "--maintenance renders the maintenance job only: remove FILE and"
                                        + " --session-cluster.");
                    }
                    ManifestRenderer renderer =
                            onObjectStore(
                                    ManifestRenderer.create(
                                            DeployProfile.named(overlay),
                                            imageRepository,
                                            imageTag));
                    List<SecretRef> bindings = secrets.stream().map(SecretRef::parse).toList();
                    SecretRef lockPassword =
                            bindings.stream()
                                    .filter(b -> b.variable().equals(LOCK_PASSWORD))
                                    .findFirst()
                                    .orElse(
                                            bindings.size() == 1 && maintenancePipelines.isEmpty()
                                                    ? bindings.get(0)
                                                    : null);
                    if (maintenancePipelines.isEmpty() && bindings.size() > 1) {
                        throw new DeployRenderException(
                                "--maintenance without --pipeline takes one --secret, the lock"
                                        + " database password (e.g. --secret"
                                        + " SLUICE_LOCK_PASSWORD=sluice-lock/password).");
                    }
                    List<SecretRef> pipelineSecrets =
                            bindings.stream().filter(b -> b != lockPassword).toList();
                    List<PipelineDeployment> pipelines = new ArrayList<>();
                    for (Path pipelineFile : maintenancePipelines) {
                        PipelineDeployment p = PipelineSource.read(pipelineFile);
                        List<SecretRef> own =
                                pipelineSecrets.stream()
                                        .filter(b -> p.variables().contains(b.variable()))
                                        .toList();
                        pipelines.add(p.withSecrets(p.variables(), own));
                    }
                    List<ObjectNode> objects =
                            List.of(
                                    renderer.maintenanceDeployment(
                                            lockJdbcUrl, lockUser, lockPassword, pipelines));
                    return write(objects, stdout, stderr);
                }
                if ((file == null) != sessionCluster) {
                    throw new CommandLine.ParameterException(
                            spec.commandLine(),
                            sessionCluster
                                    ? "--session-cluster renders no pipeline: remove FILE."
                                    : "Missing required parameter: 'FILE'.");
                }
                DeployMode deployMode = parseMode(mode);
                DeployProfile profile;
                try {
                    profile = DeployProfile.named(overlay);
                } catch (DeployRenderException e) {
                    throw new UserError(e.getMessage(), ExitCodes.USAGE, null);
                }
                ManifestRenderer renderer =
                        onObjectStore(ManifestRenderer.create(profile, imageRepository, imageTag));
                List<ObjectNode> objects;
                if (sessionCluster) {
                    objects = List.of(renderer.sessionCluster());
                } else {
                    List<SecretRef> bindings;
                    try {
                        bindings = secrets.stream().map(SecretRef::parse).toList();
                    } catch (DeployRenderException e) {
                        throw new UserError(e.getMessage(), ExitCodes.USAGE, null);
                    }
                    // a declared secret's value never shows, wherever an error quotes it
                    for (SecretRef binding : bindings) {
                        OutputSecrets.current().add(System.getenv(binding.variable()));
                    }
                    PipelineDeployment pipeline = PipelineSource.read(file);
                    pipeline = pipeline.withSecrets(pipeline.variables(), bindings);
                    pipeline =
                            runChecks(
                                    pipeline,
                                    bindings.stream()
                                            .map(SecretRef::variable)
                                            .collect(java.util.stream.Collectors.toSet()),
                                    stderr);
                    objects = renderer.render(pipeline, deployMode);
                }
                return write(objects, stdout, stderr);
            } catch (DeployRenderException e) {
                throw new UserError(e.getMessage());
            } catch (SqlFileException e) {
                throw new UserError(e.describe());
            }
        }

        /** The renderer with --state-store, --s3-endpoint; a malformed one is wrong usage. */
        private ManifestRenderer onObjectStore(ManifestRenderer renderer) {
            try {
                return renderer.withObjectStore(stateStore, s3Endpoint, s3PathStyleAccess);
            } catch (DeployRenderException e) {
                throw new UserError(e.getMessage(), ExitCodes.USAGE, null);
            }
        }

        private int write(List<ObjectNode> objects, PrintWriter stdout, PrintWriter stderr) {
            if (out == null) {
                stdout.print(ManifestYaml.toYaml(objects));
                stdout.flush();
            } else {
                for (Path written : ManifestYaml.writeFiles(out, objects)) {
                    stderr.println("wrote " + written);
                }
            }
            return ExitCodes.OK;
        }

        private PipelineDeployment runChecks(
                PipelineDeployment pipeline,
                java.util.Set<String> secretVariables,
                PrintWriter stderr) {
            List<PipelineCheck> installed = checks.get();
            if (installed.isEmpty()) {
                stderr.println(
                        "note: no pipeline check (policy gate) is installed; rendering "
                                + file
                                + " unchecked (label sluice.dev/classification=unchecked).");
                return pipeline;
            }
            List<String> problems = new ArrayList<>();
            TreeSet<String> classes = new TreeSet<>();
            for (PipelineCheck check : installed) {
                PipelineCheck.Verdict verdict = check.check(file, secretVariables);
                verdict.problems().forEach(p -> problems.add(check.name() + ": " + p));
                classes.addAll(verdict.classifications());
            }
            if (!problems.isEmpty()) {
                throw new UserError(
                        "Refusing to render "
                                + file
                                + ": it does not pass the pipeline checks.\n"
                                + String.join("\n", problems));
            }
            return pipeline.withClassifications(classes);
        }

        private static DeployMode parseMode(String text) {
            try {
                return DeployMode.valueOf(text.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new UserError(
                        "Invalid --mode: '" + text + "'. Use application or session.",
                        ExitCodes.USAGE,
                        null);
            }
        }
    }
}
