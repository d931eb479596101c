package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.harness.Await;
import dev.sluice.harness.KafkaBroker;
import dev.sluice.harness.KafkaExtension;
import dev.sluice.harness.MariaDbServer;
import dev.sluice.testing.SluiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice ingest --source mysql} as a process: the MySQL ingest runs from its own job jar in
 * a class loader of its own (the command line carries the PostgreSQL connector), snapshot and
 * binlog reach staging, and SIGTERM stops it with a savepoint; a table the server lacks stops the
 * preflight with exit code 3 and the fix.
 */
class MySqlIngestCommandITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    private static final Pattern STARTED =
            Pattern.compile(
                    "MySQL ingest job ([0-9a-f]{32}) running \\(job jar \\S+\\); Flink web UI:"
                            + " (\\S+)");
    private static final String TOPIC = "staging.shop.public.orders";

    private static Path folder;
    private static MariaDbServer mariaDb;

    @TempDir Path dir;

    @BeforeAll
    static void startMariaDb() throws Exception {
        folder = Files.createTempDirectory("mysql-ingest-cli");
        mariaDb = MariaDbServer.start(folder);
        mariaDb.createDatabase("shop");
        try (Connection connection = mariaDb.connect("shop");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, total DECIMAL(10, 2))");
            statement.execute("INSERT INTO orders VALUES (1, 1.5), (2, 3), (3, 4.5)");
        }
    }

    @AfterAll
    static void stopMariaDb() throws Exception {
        if (mariaDb != null) {
            mariaDb.close();
        }
    }

    @Test
    void runsFromItsOwnJobJarAndStopsWithASavepoint() throws Exception {
        Path work = dir.resolve("work");
        Path output = dir.resolve("run.out");
        Process ingest = start(work, output, "orders");
        try {
            SluiceProcess.awaitCheckpoint(output, STARTED);
            awaitStaged(3);
            try (Connection connection = mariaDb.connect("shop");
                    Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO orders VALUES (4, 6)");
                statement.execute("UPDATE orders SET total = 2 WHERE id = 1");
            }
            awaitStaged(5);
            ingest.destroy(); // SIGTERM, handled like Ctrl-C
            assertThat(ingest.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(ingest.exitValue()).as(Files.readString(output)).isZero();
        } finally {
            ingest.destroyForcibly();
        }
        String printed = Files.readString(output);
        assertThat(printed)
                .contains("Ready: 1 table(s) of jdbc:mysql://", "orders -> " + TOPIC)
                .contains("Starting with a snapshot of every table")
                .containsPattern("Stopped with savepoint \\S+");
        assertThat(
                        KAFKA.broker().readCommitted(TOPIC, Duration.ofSeconds(30)).stream()
                                .map(KafkaBroker.Record::value)
                                .map(value -> value.replaceAll(".*\"op\":\"(\\w)\".*", "$1"))
                                .toList())
                .containsExactly("r", "r", "r", "c", "u");
    }

    @Test
    void aMissingTableStopsThePreflightWithItsFix() throws Exception {
        Path output = dir.resolve("check.out");
        Process check = start(dir.resolve("work"), output, "orders;nothere", "--check");
        assertThat(check.waitFor(180, TimeUnit.SECONDS)).isTrue();
        String printed = Files.readString(output);
        assertThat(check.exitValue()).as(printed).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(printed)
                .contains("shop.nothere: no such table. Fix the option 'tables'")
                .doesNotContain("Exception");
    }

    private Process start(Path work, Path output, String tables, String... more) throws Exception {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "ingest",
                                "--source",
                                "mysql",
                                "--job-jar",
                                System.getProperty("sluice.ingestMysqlJar"),
                                "--work-dir",
                                work.toString(),
                                "--set",
                                "mysql.hostname=" + mariaDb.host(),
                                "--set",
                                "mysql.port=" + mariaDb.port(),
                                "--set",
                                "mysql.username=" + mariaDb.username(),
                                "--set",
                                "mysql.database=shop",
                                "--set",
                                "tables=" + tables,
                                "--set",
                                "checkpoint.interval=500 ms",
                                "--set",
                                "kafka.bootstrap-servers=" + KAFKA.broker().bootstrapServers()));
        args.addAll(List.of(more));
        return SluiceProcess.start("768m", output, work.resolve("sluice.log"), args);
    }

    private static void awaitStaged(int count) throws Exception {
        Await.until(
                count + " records in " + TOPIC,
                Duration.ofMinutes(2),
                () -> KAFKA.broker().readCommitted(TOPIC, Duration.ofSeconds(10)).size() >= count);
    }
}
