package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A canary value, declared as a secret and put inside URLs, driven through the error paths of every
 * command that reads secrets (validate, run, submit, deploy render, ingest, classify): the commands
 * fail with a located message, and the canary appears nowhere in what they print.
 */
class SecretCanaryTest {
    static final String CANARY = "c4n4ry-S3cr3t-7f";

    @TempDir static Path temp;
    static Path sql;
    static Path secrets;

    /** A JDBC sink whose options quote the secret where Flink's errors repeat them. */
    static final String LEAKY =
            """
            -- @owner payments
            -- @description a sink whose options hold the secret
            CREATE TABLE leak_sink (id BIGINT) WITH (
              'connector' = 'jdbc',
              'url' = 'jdbc:postgresql://app:${DB_PW}@db.invalid:5432/x?password=${DB_PW}',
              'table-name' = 't',
              'password' = '${DB_PW}',
              'sink.buffer-flush.max-rows' = '${DB_PW}'
            );
            INSERT INTO leak_sink SELECT id FROM staging.payments_cards;
            """;

    /** The secret only inside a mistyped URL given as a plain variable. */
    static final String MISTYPED_URL =
            """
            -- @owner payments
            -- @description a sink whose URL holds credentials
            CREATE TABLE leak_sink (id BIGINT) WITH (
              'connector' = 'jdbc',
              'url' = '${DB_URL}',
              'table-name' = 't'
            );
            INSERT INTO leak_sink SELECT id FROM staging.payments_cards;
            """;

    /** A valid pipeline whose JDBC password is the declared secret (from --secret-file). */
    static final String VALID_JDBC =
            """
            -- @owner payments
            -- @description card ids into a JDBC table whose password is a secret
            CREATE TEMPORARY TABLE card_ids (id BIGINT, PRIMARY KEY (id) NOT ENFORCED) WITH (
              'connector' = 'jdbc',
              'url' = 'jdbc:postgresql://db.invalid:5432/x',
              'table-name' = 'card_ids',
              'username' = 'app',
              'password' = '${DB_PW}'
            );
            INSERT INTO card_ids SELECT id FROM staging.payments_cards;
            """;

    /**
     * A job that starts and fails at once: its JDBC target does not listen, and the secret is its
     * password and part of its URL, where the driver's and Flink's errors could repeat it.
     */
    static final String FAILING_JOB =
            """
            -- @owner payments
            -- @description a job whose JDBC target is unreachable
            SET 'restart-strategy.type' = 'none';
            CREATE TEMPORARY TABLE numbers (id BIGINT) WITH (
              'connector' = 'datagen', 'number-of-rows' = '3');
            CREATE TEMPORARY TABLE unreachable (id BIGINT, PRIMARY KEY (id) NOT ENFORCED) WITH (
              'connector' = 'jdbc',
              'url' = 'jdbc:postgresql://127.0.0.1:9/x?password=${DB_PW}',
              'table-name' = 't',
              'username' = 'app',
              'password' = '${DB_PW}'
            );
            INSERT INTO unreachable SELECT id FROM numbers;
            """;

    record Run(int exitCode, String out, String err) {
        String all() {
            return out + err;
        }
    }

    @BeforeAll
    static void setUp() throws IOException {
        sql = temp.resolve("sql");
        Path shipped = Path.of("..", "sql");
        try (Stream<Path> walk = Files.walk(shipped)) {
            for (Path p : walk.sorted(Comparator.naturalOrder()).toList()) {
                Path target = sql.resolve(shipped.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        Files.writeString(sql.resolve("pipelines/payments/leaky.sql"), LEAKY);
        Files.writeString(sql.resolve("pipelines/payments/mistyped_url.sql"), MISTYPED_URL);
        Files.writeString(sql.resolve("pipelines/payments/valid_jdbc.sql"), VALID_JDBC);
        Files.writeString(sql.resolve("pipelines/payments/failing_job.sql"), FAILING_JOB);
        secrets = temp.resolve("secrets.properties");
        Files.writeString(secrets, "DB_PW=" + CANARY + "\n");
    }

    static Run sluice(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code =
                SluiceCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    static String pipeline(String name) {
        return sql.resolve("pipelines/payments/" + name).toString();
    }

    static List<String> pipelineArgs(String command, String file, String... more) {
        List<String> args = new ArrayList<>(List.of(command, pipeline(file)));
        args.addAll(
                List.of(
                        "--catalog",
                        sql.resolve("catalog").toString(),
                        "--policy",
                        sql.resolve("policy").toString(),
                        "--audit-log",
                        temp.resolve("audit.jsonl").toString(),
                        "--secret-file",
                        secrets.toString(),
                        "--var",
                        "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9",
                        "--var",
                        "ICEBERG_CATALOG_TYPE=hadoop",
                        "--var",
                        "ICEBERG_WAREHOUSE=" + temp.resolve("wh").toUri(),
                        "--var",
                        "DB_URL=jdbcc:postgresql://app:"
                                + CANARY
                                + "@db.invalid:5432/x?password="
                                + CANARY));
        args.addAll(List.of(more));
        return args;
    }

    static void assertNoCanary(Run run, int exitCode, String located) {
        assertThat(run.exitCode()).as(run.all()).isEqualTo(exitCode);
        assertThat(run.all()).contains(located).doesNotContain(CANARY);
        assertThat(run.all()).doesNotContain("internal error");
    }

    @Test
    void validateHidesTheDeclaredSecretAndUrlCredentials() {
        Run leaky = sluice(pipelineArgs("validate", "leaky.sql").toArray(String[]::new));
        assertNoCanary(leaky, 1, "leaky.sql:");
        // the error did quote the value: redacted, not avoided
        assertThat(leaky.all()).contains("\"****\"");
        // at an option holding the value, in the declaration, not at the INSERT
        assertThat(leaky.all()).containsPattern("leaky\\.sql:[5-8]:");
        Run url = sluice(pipelineArgs("validate", "mistyped_url.sql").toArray(String[]::new));
        assertNoCanary(url, 1, "mistyped_url.sql:");
        assertThat(url.all()).contains("app:****@");
    }

    @Test
    void runRefusesWithoutShowingTheSecret() {
        assertNoCanary(
                sluice(pipelineArgs("run", "leaky.sql").toArray(String[]::new)), 1, "leaky.sql:");
        assertNoCanary(
                sluice(pipelineArgs("run", "mistyped_url.sql").toArray(String[]::new)),
                1,
                "mistyped_url.sql:");
    }

    @Test
    void submitRefusesWithoutShowingTheSecret() {
        assertNoCanary(
                sluice(
                        pipelineArgs("submit", "leaky.sql", "--rest", "http://127.0.0.1:9")
                                .toArray(String[]::new)),
                1,
                "leaky.sql:");
        assertNoCanary(
                sluice(
                        pipelineArgs("submit", "mistyped_url.sql", "--rest", "http://127.0.0.1:9")
                                .toArray(String[]::new)),
                1,
                "mistyped_url.sql:");
    }

    @Test
    void deployRenderKnowsTheDeclaredSecret() throws Exception {
        // the gate of deploy render reads variables from the environment: a process of its own
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx768m");
        for (String open : new String[] {"java.lang", "java.util", "java.nio"}) {
            command.add("--add-opens=java.base/" + open + "=ALL-UNNAMED");
        }
        command.add("dev.sluice.cli.SluiceCommand");
        command.addAll(
                List.of(
                        "deploy",
                        "render",
                        pipeline("leaky.sql"),
                        "--image-tag",
                        "1",
                        "--secret",
                        "DB_PW=db/pw"));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        builder.environment().put("DB_PW", CANARY);
        builder.environment()
                .put("SLUICE_AUDIT_LOG", temp.resolve("deploy-audit.jsonl").toString());
        builder.environment().remove("SLUICE_POLICY");
        builder.redirectErrorStream(true);
        Path output = temp.resolve("deploy.out");
        builder.redirectOutput(output.toFile());
        Process process = builder.start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String all = Files.readString(output);
        assertThat(process.exitValue()).as(all).isEqualTo(ExitCodes.INVALID);
        assertThat(all)
                .contains("leaky.sql:")
                .contains("Refusing to render")
                .doesNotContain(CANARY);
    }

    @Test
    void aSuccessfulDeployRenderWritesNoSecretIntoItsManifests() throws Exception {
        // the pipeline passes the gate; its password travels as a Kubernetes Secret reference
        Path out = temp.resolve("rendered");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx768m");
        for (String open : new String[] {"java.lang", "java.util", "java.nio"}) {
            command.add("--add-opens=java.base/" + open + "=ALL-UNNAMED");
        }
        // the command line's own log file, configured as the sluice script does
        Path log = temp.resolve("deploy-ok.log");
        command.add("-Dsluice.log.file=" + log);
        command.add(
                "-Dlog4j.configurationFile="
                        + Path.of("src/main/resources/sluice-cli-log4j2.properties")
                                .toAbsolutePath()
                                .toUri());
        command.add("dev.sluice.cli.SluiceCommand");
        command.addAll(
                List.of(
                        "deploy",
                        "render",
                        pipeline("valid_jdbc.sql"),
                        "--image-tag",
                        "1",
                        "--secret",
                        "DB_PW=db/pw",
                        "--out",
                        out.toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        builder.environment().put("DB_PW", CANARY);
        builder.environment()
                .put("SLUICE_AUDIT_LOG", temp.resolve("deploy-ok-audit.jsonl").toString());
        builder.environment().remove("SLUICE_POLICY");
        builder.redirectErrorStream(true);
        Path output = temp.resolve("deploy-ok.out");
        builder.redirectOutput(output.toFile());
        Process process = builder.start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String all = Files.readString(output);
        assertThat(process.exitValue()).as(all).isEqualTo(ExitCodes.OK);
        assertThat(all).doesNotContain(CANARY);
        assertThat(log).as("the command line's log file").exists();
        assertThat(Files.readString(log)).doesNotContain(CANARY);
        List<Path> rendered;
        try (Stream<Path> files = Files.walk(out)) {
            rendered = files.filter(Files::isRegularFile).toList();
        }
        assertThat(rendered).as("rendered manifests").isNotEmpty();
        StringBuilder manifests = new StringBuilder();
        for (Path file : rendered) {
            String text = Files.readString(file);
            assertThat(text).as(file.toString()).doesNotContain(CANARY);
            manifests.append(text);
        }
        // the Secret is referenced by name and key, never inlined
        assertThat(manifests.toString()).contains("db").contains("pw");
        Path audit = temp.resolve("deploy-ok-audit.jsonl");
        if (Files.exists(audit)) {
            assertThat(Files.readString(audit)).doesNotContain(CANARY);
        }
    }

    @Test
    void ingestNeverShowsAPasswordGivenAsAnOptionOrInAUrl() throws IOException {
        Run set = sluice("ingest", "--set", "postgres.password=" + CANARY, "--check");
        assertNoCanary(set, ExitCodes.USAGE, "postgres.password");

        Path config = temp.resolve("ingest.properties");
        Files.writeString(
                config,
                "postgres.hostname=127.0.0.1\npostgres.port=1\npostgres.database=shop\n"
                        + "tables=public.items\nslot.name=s\n"
                        + "kafka.bootstrap-servers=SASL_PLAINTEXT://app:"
                        + CANARY
                        + "@127.0.0.1:1\n");
        Run unreachable = sluice("ingest", "--config", config.toString(), "--check");
        assertThat(unreachable.exitCode()).as(unreachable.all()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(unreachable.all()).doesNotContain(CANARY).doesNotContain("internal error");
    }

    @Test
    void classifyNeverShowsUrlCredentials() {
        Run run =
                sluice(
                        "classify",
                        "--jdbc-url",
                        "jdbc:postgresql://app:" + CANARY + "@127.0.0.1:1/shop?password=" + CANARY);
        assertThat(run.exitCode()).as(run.all()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(run.all()).doesNotContain(CANARY).doesNotContain("internal error");
    }

    @Test
    void aOneCharacterSecretIsReplacedOnlyAsAWholeValue() throws IOException {
        Path one = temp.resolve("one.properties");
        Files.writeString(one, "ONE=e\n");
        Run run =
                sluice(
                        "validate",
                        pipeline("mistyped_url.sql"),
                        "--catalog",
                        sql.resolve("catalog").toString(),
                        "--no-policy",
                        "--secret-file",
                        one.toString(),
                        "--var",
                        "DB_URL=jdbcc:nope");
        assertThat(run.exitCode()).as(run.all()).isEqualTo(1);
        assertThat(run.all())
                .contains("error:")
                .doesNotContainPattern("[A-Za-z]\\*\\*\\*\\*|\\*\\*\\*\\*[A-Za-z]");
    }

    @Test
    void validateExplainAndTheAuditLogHideTheJdbcPassword() throws IOException {
        Path audit = temp.resolve("explain-audit.jsonl");
        List<String> args = pipelineArgs("validate", "valid_jdbc.sql", "--explain");
        args.set(args.indexOf("--audit-log") + 1, audit.toString());
        Run explain = sluice(args.toArray(String[]::new));
        assertThat(explain.all()).doesNotContain(CANARY).doesNotContain("internal error");
        assertThat(explain.all()).contains("valid_jdbc");
        // the gate's decision was audited; neither the file nor `sluice audit` shows the secret
        assertThat(audit).exists();
        assertThat(Files.readString(audit)).isNotBlank().doesNotContain(CANARY);
        Run listed = sluice("audit", "--log", audit.toString());
        assertThat(listed.exitCode()).as(listed.all()).isZero();
        assertThat(listed.all()).doesNotContain(CANARY);
    }

    @Test
    void aFailingJobDoesNotShowTheJdbcPassword() {
        Run run =
                sluice(
                        "run",
                        pipeline("failing_job.sql"),
                        "--catalog",
                        sql.resolve("catalog").toString(),
                        "--no-policy",
                        "--secret-file",
                        secrets.toString(),
                        "--work-dir",
                        temp.resolve("failing-run").toString(),
                        "--var",
                        "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9",
                        "--var",
                        "ICEBERG_CATALOG_TYPE=hadoop",
                        "--var",
                        "ICEBERG_WAREHOUSE=" + temp.resolve("wh").toUri());
        assertThat(run.exitCode()).as(run.all()).isEqualTo(1);
        assertThat(run.all()).doesNotContain(CANARY).doesNotContain("internal error");
    }

    @Test
    void theKeysetMasterKeyIsNeverShown() throws IOException {
        Map<String, String> environment = new HashMap<>();
        String master = dev.sluice.policy.pseudonym.MasterKey.generate();
        environment.put(dev.sluice.policy.pseudonym.MasterKey.DEFAULT_ENV, master);
        Path file = temp.resolve("canary-keys.json");
        List<DeployCommandTest.Run> runs = new ArrayList<>();
        DeployCommandTest.Run added =
                keys(environment, "add", "--file", file.toString(), "--name", "k1");
        assertThat(added.exitCode()).as(added.toString()).isZero();
        runs.add(added);
        runs.add(keys(environment, "check", "--file", file.toString()));
        runs.add(keys(environment, "list", "--file", file.toString()));
        // a wrong master key, and the canary (not even base64) as master key
        environment.put(
                dev.sluice.policy.pseudonym.MasterKey.DEFAULT_ENV,
                dev.sluice.policy.pseudonym.MasterKey.generate());
        DeployCommandTest.Run wrong = keys(environment, "check", "--file", file.toString());
        assertThat(wrong.exitCode()).as(wrong.toString()).isEqualTo(1);
        runs.add(wrong);
        environment.put(dev.sluice.policy.pseudonym.MasterKey.DEFAULT_ENV, CANARY);
        DeployCommandTest.Run canary =
                keys(environment, "add", "--file", file.toString(), "--name", "k2");
        assertThat(canary.exitCode()).as(canary.toString()).isEqualTo(1);
        runs.add(canary);
        for (DeployCommandTest.Run run : runs) {
            assertThat(run.out() + run.err())
                    .doesNotContain(master)
                    .doesNotContain(CANARY)
                    .doesNotContain("internal error");
        }
        assertThat(Files.readString(file)).doesNotContain(master);
    }

    private static DeployCommandTest.Run keys(Map<String, String> environment, String... args) {
        return DeployCommandTest.run(new CommandLine(new KeysCommand(environment::get)), args);
    }
}
