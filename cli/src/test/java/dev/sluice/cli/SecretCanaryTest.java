package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
}
