package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.deploy.ManifestYaml;
import dev.sluice.deploy.PipelineCheck;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code sluice deploy render} through the real command line: output, files, exit codes, errors.
 */
class DeployCommandTest {
    static final String EXAMPLE = "../sql/pipelines/payments/payments_to_warehouse.sql";

    @TempDir Path temp;

    /** The outcome of one command line run. */
    record Run(int exitCode, String out, String err) {}

    static Run sluice(String... args) {
        return run(new CommandLine(new SluiceCommand()), args);
    }

    static Run run(CommandLine commandLine, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setExecutionExceptionHandler(new UserErrorHandler());
        int exitCode = commandLine.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    private Path pipeline(String fileName, String text) throws IOException {
        Path file = temp.resolve("sql/pipelines/team").resolve(fileName);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    @Test
    void rendersTheExampleToStdout() {
        Run run = sluice("deploy", "render", EXAMPLE, "--overlay", "prod", "--image-tag", "0.3.1");
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<ObjectNode> objects = ManifestYaml.read(run.out());
        assertThat(objects).hasSize(1);
        assertThat(objects.get(0).path("kind").asText()).isEqualTo("FlinkDeployment");
        assertThat(objects.get(0).at("/spec/image").asText()).endsWith(":0.3.1");
        // the installed policy gate passed it against sql/policy and labelled its classes
        assertThat(run.err()).doesNotContain("no pipeline check");
        assertThat(run.out()).contains("PCI.PAN,PII.EMAIL,PII.PHONE");
    }

    @Test
    void writesOneFilePerResourceIntoTheOutFolder() {
        Path out = temp.resolve("manifests");
        Run run =
                sluice(
                        "deploy",
                        "render",
                        EXAMPLE,
                        "--mode",
                        "session",
                        "--image-tag",
                        "1",
                        "--out",
                        out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEmpty();
        assertThat(out.resolve("payments-to-warehouse.flinksessionjob.yaml")).isRegularFile();
        assertThat(run.err())
                .contains("wrote " + out.resolve("payments-to-warehouse.flinksessionjob.yaml"));
    }

    @Test
    void missingImageTagFailsWithExitCodeInvalid() {
        Run run = sluice("deploy", "render", EXAMPLE);
        assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(run.err()).contains("error: Missing image tag: pass --image-tag");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void badOptionsAreNamed() {
        assertThat(
                        sluice("deploy", "render", EXAMPLE, "--image-tag", "1", "--mode", "cluster")
                                .err())
                .contains("Invalid --mode: 'cluster'. Use application or session.");
        assertThat(
                        sluice(
                                        "deploy",
                                        "render",
                                        EXAMPLE,
                                        "--image-tag",
                                        "1",
                                        "--overlay",
                                        "staging")
                                .err())
                .contains("Invalid --overlay: 'staging'. Use one of: dev, prod.");
        assertThat(sluice("deploy", "render", EXAMPLE, "--image-tag", "1", "--secret", "PG").err())
                .contains("Invalid --secret: 'PG'");
        assertThat(sluice("deploy", "render").exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void parallelismZeroInTheHeaderIsReportedWithItsLine() throws IOException {
        Path file =
                pipeline(
                        "zero.sql",
                        "-- @owner team\n-- @description d\n-- @parallelism 0\nINSERT INTO t SELECT 1;\n");
        Run run = sluice("deploy", "render", file.toString(), "--image-tag", "1");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(run.err()).contains("zero.sql:3").containsIgnoringCase("parallelism");
    }

    @Test
    void missingOwnerIsReported() throws IOException {
        Path file = pipeline("no-owner.sql", "-- @description d\nINSERT INTO t SELECT 1;\n");
        Run run = sluice("deploy", "render", file.toString(), "--image-tag", "1");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(run.err()).contains("no-owner.sql").contains("owner");
    }

    @Test
    void fileNameThatCannotBeAKubernetesNameIsReported() throws IOException {
        Path file =
                pipeline(
                        "2fast.sql",
                        "-- @owner team\n-- @description d\nINSERT INTO t SELECT 1;\n");
        Run run = sluice("deploy", "render", file.toString(), "--image-tag", "1");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(run.err()).contains("Invalid pipeline name: '2fast'");
    }

    @Test
    void fileOutsideTheSqlFolderIsReported() throws IOException {
        Path file =
                Files.writeString(
                        temp.resolve("loose.sql"),
                        "-- @owner team\n-- @description d\nSELECT 1;\n");
        Run run = sluice("deploy", "render", file.toString(), "--image-tag", "1");
        assertThat(run.err()).contains("is not inside a folder named sql");
    }

    @Test
    void secretReferencedButNotDeclaredIsReportedAndDeclaringItRendersAReference()
            throws IOException {
        Path file =
                pipeline(
                        "mirror.sql",
                        "-- @owner team\n-- @description d\n"
                                + "CREATE TABLE m (id INT) WITH ('connector'='jdbc', 'password'='${PG_PASSWORD}');\n");
        // a declarations-only fixture: the policy gate (tested elsewhere) is left out here
        DeployCommand.Render refusing = new DeployCommand.Render();
        refusing.checks = List::of;
        Run refused = run(new CommandLine(refusing), file.toString(), "--image-tag", "1");
        assertThat(refused.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(refused.err())
                .contains(
                        "Undeclared secret: PG_PASSWORD",
                        "--secret PG_PASSWORD=<secret-name>/<key>");

        DeployCommand.Render render = new DeployCommand.Render();
        render.checks = List::of;
        Run rendered =
                run(
                        new CommandLine(render),
                        file.toString(),
                        "--image-tag",
                        "1",
                        "--secret",
                        "PG_PASSWORD=mirror-db/password");
        assertThat(rendered.exitCode()).as(rendered.err()).isZero();
        assertThat(rendered.out()).contains("secretKeyRef", "name: mirror-db", "key: password");
    }

    private static PipelineCheck check(List<String> problems, Set<String> classes) {
        return new PipelineCheck() {
            @Override
            public String name() {
                return "policy gate";
            }

            @Override
            public Verdict check(Path sqlFile) {
                return new Verdict(problems, classes);
            }
        };
    }

    @Test
    void aFailingCheckRefusesToRender() {
        DeployCommand.Render render = new DeployCommand.Render();
        render.checks =
                () ->
                        List.of(
                                check(
                                        List.of(
                                                "payments_to_warehouse.sql:9: email copied raw into analytics"),
                                        Set.of()));
        Run run = run(new CommandLine(render), EXAMPLE, "--image-tag", "1");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(run.err())
                .contains(
                        "Refusing to render",
                        "policy gate: payments_to_warehouse.sql:9: email copied raw");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aPassingCheckLabelsTheClassifications() {
        DeployCommand.Render render = new DeployCommand.Render();
        render.checks = () -> List.of(check(List.of(), Set.of("PII.EMAIL", "PCI.PAN")));
        Run run = run(new CommandLine(render), EXAMPLE, "--image-tag", "1");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains(
                        "sluice.dev/classification: PCI_PII",
                        "sluice.dev/classifications: \"PCI.PAN,PII.EMAIL\"");
        assertThat(run.err()).doesNotContain("no pipeline check");
    }

    @Test
    void rendersTheSessionClusterOfAnOverlay() {
        Run run =
                sluice(
                        "deploy",
                        "render",
                        "--session-cluster",
                        "--overlay",
                        "prod",
                        "--image-tag",
                        "4");
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<ObjectNode> objects = ManifestYaml.read(run.out());
        assertThat(objects)
                .singleElement()
                .satisfies(
                        cluster -> {
                            assertThat(cluster.at("/metadata/name").asText())
                                    .isEqualTo("sluice-session");
                            assertThat(cluster.at("/spec/image").asText()).endsWith(":4");
                            assertThat(cluster.at("/spec/job").isMissingNode()).isTrue();
                        });
        assertThat(
                        sluice("deploy", "render", "--session-cluster", EXAMPLE, "--image-tag", "4")
                                .exitCode())
                .isEqualTo(ExitCodes.USAGE);
    }
}
