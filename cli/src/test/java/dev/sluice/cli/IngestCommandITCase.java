package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.harness.Await;
import dev.sluice.harness.KafkaBroker;
import dev.sluice.harness.KafkaExtension;
import dev.sluice.harness.PostgresExtension;
import dev.sluice.harness.PostgresServer;
import dev.sluice.stagingschemas.StagingColumn;
import dev.sluice.stagingschemas.StagingSchema;
import dev.sluice.stagingschemas.StagingSchemaRegistry;
import dev.sluice.stagingschemas.StagingSchemas;
import dev.sluice.testing.SluiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice ingest}: Ctrl-C (SIGTERM) stops with a savepoint, and the next run resumes from it:
 * no second snapshot in staging, the changes made while it was down arrive once, and a table added
 * to the configuration meanwhile is snapshotted and streamed.
 */
class IngestCommandITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    private static final Pattern STARTED =
            Pattern.compile("Ingest job ([0-9a-f]{32}) running; Flink web UI: (\\S+)");
    private static final String TOPIC = "staging.shop.public.orders";
    private static final String EXTRA_TOPIC = "staging.shop.public.extra";

    @TempDir Path dir;

    @Test
    void validateAndClassifyReportTheColumnsTheStagingSchemaRegistryShowsUnreviewed()
            throws Exception {
        java.util.Properties kafka = new java.util.Properties();
        kafka.put("bootstrap.servers", KAFKA.broker().bootstrapServers());
        String topic = "staging.payments.public.customers";
        List<StagingColumn> first =
                List.of(
                        new StagingColumn("id", "BIGINT", false, true),
                        new StagingColumn("name", "STRING", true, false),
                        new StagingColumn("email", "STRING", true, false),
                        new StagingColumn("country", "STRING", true, false));
        StagingSchema v1 =
                StagingSchemas.next(null, topic, first, Instant.parse("2026-12-06T10:00:00Z"));
        List<StagingColumn> second = new java.util.ArrayList<>(first);
        second.add(new StagingColumn("loyalty_tier", "STRING", true, false));
        second.add(new StagingColumn("backup_email", "STRING", true, false));
        StagingSchema v2 =
                StagingSchemas.next(v1, topic, second, Instant.parse("2026-12-06T11:00:00Z"));
        StagingSchemaRegistry.write(kafka, "staging", List.of(v1, v2));
        Path audit = dir.resolve("audit.jsonl");
        String[] validate = {
            "validate",
            "../sql/pipelines/payments/payments_to_warehouse.sql",
            "--catalog",
            "../sql/catalog",
            "--policy",
            "../sql/policy",
            "--audit-log",
            audit.toString(),
            "--staging-kafka",
            KAFKA.broker().bootstrapServers()
        };

        DeployCommandTest.Run run = DeployCommandTest.sluice(validate);
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.err())
                // the class's other test may have run ingest on the same broker first: its
                // tables are in the registry too, all reviewed
                .containsPattern(
                        "staging schema registry staging\\._schemas: \\d+ topic\\(s\\), 2"
                                + " unreviewed")
                .contains(
                        "warning: schema.unreviewed-column: payments.customers.loyalty_tier"
                                + " (STRING, staging topic staging.payments.public.customers)"
                                + " appeared in schema version "
                                + v2.version()
                                + " at 2026-12-06T11:00:00Z; unclassified: no pipeline receives"
                                + " it until the policy classifies it")
                .contains("payments.customers.backup_email")
                // there when ingest first saw the table, and classified: neither is a finding
                .doesNotContain("payments.customers.country (")
                .doesNotContain("payments.customers.email (");
        List<String> changes =
                Files.readAllLines(audit).stream()
                        .filter(l -> l.contains("\"kind\":\"schema-change\""))
                        .toList();
        assertThat(changes).hasSize(1);
        assertThat(changes.get(0))
                .contains("\"from\":\"" + v1.version() + "\"")
                .contains("\"to\":\"" + v2.version() + "\"")
                .contains("\"decision\":\"held back\"");
        // read again: the change is in the audit log once
        assertThat(DeployCommandTest.sluice(validate).exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(
                        Files.readAllLines(audit).stream()
                                .filter(l -> l.contains("\"kind\":\"schema-change\""))
                                .count())
                .isEqualTo(1);
        DeployCommandTest.Run changesListed =
                DeployCommandTest.sluice(
                        "audit", "--log", audit.toString(), "--kind", "schema-change");
        assertThat(changesListed.out())
                .contains(topic)
                .contains("loyalty_tier: held back")
                .contains("1 record.");

        DeployCommandTest.Run offline =
                DeployCommandTest.sluice(
                        "validate",
                        "../sql/pipelines/payments/payments_to_warehouse.sql",
                        "--catalog",
                        "../sql/catalog",
                        "--policy",
                        "../sql/policy",
                        "--audit-log",
                        audit.toString());
        assertThat(offline.err())
                .contains("note: the staging schema registry was not checked (no --staging-kafka)");

        DeployCommandTest.Run classify =
                DeployCommandTest.sluice(
                        "classify",
                        "--staging-kafka",
                        KAFKA.broker().bootstrapServers(),
                        "--policy",
                        "../sql/policy",
                        "--format",
                        "json");
        assertThat(classify.exitCode()).as(classify.err()).isEqualTo(ExitCodes.OK);
        assertThat(classify.out())
                .contains("\"column\" : \"payments.customers.backup_email\"")
                .contains("PII.EMAIL")
                .contains("\"column\" : \"payments.customers.loyalty_tier\"");
    }

    @Test
    void sigtermStopsWithASavepointAndTheNextRunResumesWithoutANewSnapshot() throws Exception {
        PostgresServer postgres = POSTGRES.server();
        postgres.createDatabase("shop");
        execute("CREATE TABLE orders (id bigint PRIMARY KEY, total numeric(10, 2))");
        execute("ALTER TABLE orders REPLICA IDENTITY FULL");
        execute("INSERT INTO orders SELECT i, i * 1.5 FROM generate_series(1, 5) i");
        Path work = dir.resolve("work");

        Path first = dir.resolve("first.out");
        Process ingest = start(work, first, "public.orders");
        try {
            SluiceProcess.awaitCheckpoint(first, STARTED);
            awaitStaged(TOPIC, 5);
            ingest.destroy(); // SIGTERM, handled like Ctrl-C
            assertThat(ingest.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(ingest.exitValue()).as("a requested stop is a normal end").isZero();
        } finally {
            ingest.destroyForcibly();
        }
        String output = Files.readString(first);
        assertThat(output).contains("Starting with a snapshot of every table");
        Matcher stopped = Pattern.compile("Stopped with savepoint (\\S+) ").matcher(output);
        assertThat(stopped.find()).as(output).isTrue();

        execute("INSERT INTO orders VALUES (6, 9), (7, 10.5)"); // while no job runs
        // a table added to the configuration between runs: added to the publication by the
        // preflight, snapshotted on resume, then streamed
        execute("CREATE TABLE extra (id bigint PRIMARY KEY, note text)");
        execute("ALTER TABLE extra REPLICA IDENTITY FULL");
        execute("INSERT INTO extra VALUES (1, 'a'), (2, 'b')");

        Path second = dir.resolve("second.out");
        Process resumed = start(work, second, "public.orders;public.extra");
        try {
            SluiceProcess.awaitCheckpoint(second, STARTED);
            String savepointFolder =
                    Path.of(stopped.group(1).replaceFirst("^file:", "")).getFileName().toString();
            assertThat(Files.readString(second))
                    .containsPattern("Resuming from savepoint \\S*/" + savepointFolder + "/?\\n");
            awaitStaged(TOPIC, 7);
            awaitStaged(EXTRA_TOPIC, 2);
            execute("INSERT INTO orders VALUES (8, 1)");
            execute("INSERT INTO extra VALUES (3, 'c')");
            awaitStaged(TOPIC, 8);
            awaitStaged(EXTRA_TOPIC, 3);
        } finally {
            resumed.destroy();
            resumed.waitFor(120, TimeUnit.SECONDS);
            resumed.destroyForcibly();
        }
        assertThat(Files.readString(second)).contains("Stopped with savepoint");
        assertThat(ops(EXTRA_TOPIC))
                .as("added table: snapshot, then stream")
                .containsExactly("r", "r", "c");
        assertThat(ops(TOPIC))
                .as("one snapshot, then the stream")
                .containsExactly("r", "r", "r", "r", "r", "c", "c", "c");
    }

    private Process start(Path work, Path output, String tables) throws Exception {
        PostgresServer postgres = POSTGRES.server();
        return SluiceProcess.start(
                "768m",
                output,
                work.resolve("sluice.log"),
                List.of(
                        "ingest",
                        "--work-dir",
                        work.toString(),
                        "--set",
                        "postgres.hostname=" + postgres.host(),
                        "--set",
                        "postgres.port=" + postgres.port(),
                        "--set",
                        "postgres.username=" + postgres.username(),
                        "--set",
                        "postgres.database=shop",
                        "--set",
                        "tables=" + tables,
                        "--set",
                        "slot.name=cli_slot",
                        "--set",
                        "checkpoint.interval=500 ms",
                        "--set",
                        "kafka.bootstrap-servers=" + KAFKA.broker().bootstrapServers()));
    }

    private static List<String> ops(String topic) {
        return KAFKA.broker().readCommitted(topic, Duration.ofSeconds(30)).stream()
                .map(KafkaBroker.Record::value)
                .map(value -> value.replaceAll(".*\"op\":\"(\\w)\".*", "$1"))
                .toList();
    }

    private static void execute(String sql) throws Exception {
        try (Connection connection = POSTGRES.server().connect("shop");
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static void awaitStaged(String topic, int count) throws Exception {
        Await.until(
                count + " records in " + topic,
                Duration.ofMinutes(2),
                () -> KAFKA.broker().readCommitted(topic, Duration.ofSeconds(10)).size() >= count);
    }
}
