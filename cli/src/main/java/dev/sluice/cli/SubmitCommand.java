package dev.sluice.cli;

import dev.sluice.cluster.FlinkRestClient;
import dev.sluice.pipeline.PipelineJob;
import dev.sluice.sql.Pipeline;
import dev.sluice.sql.SourceText;
import dev.sluice.sql.Variables;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.CheckpointingOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice submit FILE --rest URL}: ships a pipeline to a running Flink session cluster. */
@Command(
        name = "submit",
        mixinStandardHelpOptions = true,
        description = {
            "Submit a SQL pipeline to a running Flink session cluster through its REST API: the"
                    + " job jar is uploaded once (reused while unchanged), then the pipeline job runs"
                    + " with the pipeline and catalog files sent inline. Prints the job id and its"
                    + " web UI page.",
            "Only the non-secret variables the files use are sent; secret ones must be set in the"
                    + " cluster's environment (program arguments are visible in the web UI).",
            "Exit code 0 when submitted (with --wait: when the job finished), 1 on invalid files,"
                    + " a refused submission or a failed job, 2 on wrong usage, 3 when the cluster cannot be"
                    + " reached."
        })
final class SubmitCommand implements Callable<Integer> {
    private static final Pattern REFERENCE =
            Pattern.compile("(?<!\\$)\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}'\\s]*)?}");
    private static final Set<String> TERMINAL = Set.of("FINISHED", "FAILED", "CANCELED");

    @Spec CommandSpec spec;

    @Mixin PipelineFileOptions pipelineFile;

    @Option(
            names = "--jar",
            paramLabel = "JAR",
            description = "The job jar (default: jobs/job-jar/target/sluice-jobs-*.jar).")
    Path jar;

    @Option(names = "--wait", description = "Follow the job until it ends; exit 1 if it fails.")
    boolean waitForEnd;

    @Option(
            names = "--checkpoint-dir",
            paramLabel = "URI",
            description =
                    "Where the job writes its checkpoints (execution.checkpointing.dir), e.g."
                            + " s3://bucket/checkpoints; the cluster needs the filesystem (the S3"
                            + " plugin for s3://). Default: the cluster's configuration.")
    String checkpointDir;

    @Option(
            names = "--savepoint-dir",
            paramLabel = "URI",
            description =
                    "The job's default savepoint folder (execution.checkpointing.savepoint-dir)."
                            + " Default: the cluster's configuration.")
    String savepointDir;

    @Option(
            names = "--from-savepoint",
            paramLabel = "PATH",
            description =
                    "Start from this savepoint or retained checkpoint (printed by `sluice cancel"
                            + " JOB --savepoint DIR`).")
    String fromSavepoint;

    @Mixin RestOptions restOptions;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        FlinkRestClient client = restOptions.client();
        // everything that can be checked locally is, the policy gate too (offline), before the
        // cluster is touched
        PipelineFileOptions.Checked checked = pipelineFile.loadAndGate("submit");
        Variables variables = checked.variables();
        PipelineArguments.Loaded loaded = checked.loaded();
        Pipeline pipeline = loaded.pipeline();
        Path jobJar = jobJar();
        List<String> programArgs = programArgs(loaded, variables);

        try {
            String version = client.overview().path("flink-version").asText("?");
            String jarName = "sluice-jobs-" + sha256(jobJar).substring(0, 16) + ".jar";
            String jarId = client.findJar(jarName).orElse(null);
            if (jarId == null) {
                out.println(
                        "Uploading "
                                + jobJar
                                + " ("
                                + Files.size(jobJar) / (1024 * 1024)
                                + " MiB) to Flink "
                                + version
                                + " at "
                                + client.base());
                out.flush();
                jarId = client.uploadJar(jobJar, jarName);
            }
            String jobId =
                    client.runJar(
                            jarId,
                            PipelineJob.class.getName(),
                            programArgs,
                            jobConfiguration(),
                            Optional.ofNullable(fromSavepoint));
            if (fromSavepoint != null) {
                out.println("Restoring from savepoint " + fromSavepoint);
            }
            out.println("Submitted pipeline " + pipeline.metadata().name() + " as job " + jobId);
            out.println("Web UI: " + client.jobPage(jobId));
            out.flush();
            if (!waitForEnd) {
                return ExitCodes.OK;
            }
            return follow(client, jobId, variables, out);
        } catch (FlinkRestClient.RestException e) {
            throw RestOptions.failure(
                    e,
                    variables,
                    "Nothing was started; `sluice validate "
                            + pipelineFile.file
                            + "` checks the files offline.");
        }
    }

    private int follow(FlinkRestClient client, String jobId, Variables variables, PrintWriter out) {
        String last = "";
        while (true) {
            String state = client.jobState(jobId);
            if (!state.equals(last)) {
                out.println("Job " + jobId + " " + state);
                out.flush();
                last = state;
            }
            if (TERMINAL.contains(state)) {
                if (state.equals("FAILED")) {
                    String root = client.rootException(jobId);
                    int newline = root.indexOf('\n');
                    throw new UserError(
                            "Pipeline job "
                                    + jobId
                                    + " failed: "
                                    + variables.redact(
                                            newline < 0 ? root : root.substring(0, newline))
                                    + ". The web UI's exception tab has the full trace.");
                }
                return state.equals("FINISHED") ? ExitCodes.OK : ExitCodes.INVALID;
            }
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
        }
    }

    /** The Flink options of the job that its submit options set. */
    private Map<String, String> jobConfiguration() {
        Map<String, String> configuration = new LinkedHashMap<>();
        if (checkpointDir != null) {
            configuration.put(CheckpointingOptions.CHECKPOINTS_DIRECTORY.key(), checkpointDir);
        }
        if (savepointDir != null) {
            configuration.put(CheckpointingOptions.SAVEPOINT_DIRECTORY.key(), savepointDir);
        }
        return configuration;
    }

    /** The job's arguments: the files inline, the non-secret variables they use, secret names. */
    private static List<String> programArgs(PipelineArguments.Loaded loaded, Variables variables) {
        List<String> args = new ArrayList<>();
        args.add("--pipeline-inline");
        args.add(PipelineJob.encodeInline(loaded.file()));
        Set<String> used = new LinkedHashSet<>(referenced(loaded.file()));
        for (SourceText catalogFile : loaded.catalog()) {
            args.add("--catalog-inline");
            args.add(PipelineJob.encodeInline(catalogFile));
            used.addAll(referenced(catalogFile));
        }
        for (String name : used) {
            // a variable with a default in the file may be left undefined: the job uses the default
            Variables.Value value = variables.get(name).orElse(null);
            if (value == null) {
                continue;
            }
            if (value.secret()) {
                args.add("--secret-env");
                args.add(name);
            } else {
                args.add("--var");
                args.add(name + "=" + value.value());
            }
        }
        return args;
    }

    private static Set<String> referenced(SourceText file) {
        Set<String> names = new LinkedHashSet<>();
        Matcher matcher = REFERENCE.matcher(file.text());
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    private Path jobJar() throws IOException {
        if (jar != null) {
            if (!Files.isRegularFile(jar)) {
                throw new UserError(
                        "Invalid --jar: "
                                + jar
                                + " is not a file. Build it with ./mvnw -pl jobs/job-jar -am package -DskipTests.",
                        ExitCodes.USAGE,
                        null);
            }
            return jar;
        }
        Path target = Path.of("jobs", "job-jar", "target");
        if (Files.isDirectory(target)) {
            try (DirectoryStream<Path> jars =
                    Files.newDirectoryStream(target, "sluice-jobs-*.jar")) {
                for (Path candidate : jars) {
                    return candidate;
                }
            }
        }
        throw new UserError(
                "No job jar found at jobs/job-jar/target/sluice-jobs-*.jar. Build it with ./mvnw -pl jobs/job-jar -am package -DskipTests, or give --jar.",
                ExitCodes.USAGE,
                null);
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
