package dev.sluice.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.cli.SluiceCommand;
import dev.sluice.harness.AwaitWhileRunning;
import dev.sluice.harness.EmbeddedStack;
import dev.sluice.harness.EmbeddedStackExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.restartstrategy.RestartStrategies;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice forget} end to end on the demo's data: ingest, the warehouse pipeline (Iceberg) and
 * the CRM pipeline (JDBC) run while traffic changes the source; two customers are forgotten
 * mid-traffic by a run that is killed after its first table and rerun; the owner then deletes them
 * at the source and a second pass erases what arrived meanwhile (their deletes included). After
 * that no Parquet file of any snapshot or in the tables' folders and no CRM row holds their ids or
 * e-mail hashes, and every other row equals the source. Also the bad inputs of the command.
 */
class ForgetEndToEndITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(8)
                            .build());

    @RegisterExtension static final EmbeddedStackExtension STACK = new EmbeddedStackExtension();

    private static final Duration DEADLINE = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    record Run(int exitCode, String out, String err) {}

    @Test
    void forgetsTwoCustomersWhileTrafficRunsAndLeavesEveryoneElse() throws Exception {
        EmbeddedStack stack = STACK.stack();
        PaymentsScenario scenario = new PaymentsScenario(stack, 13, Duration.ofSeconds(1));
        scenario.createSourceDatabase(40);
        JobClient ingest = scenario.startIngest(failFast());
        JobClient pipeline = scenario.startPipeline(failFast());
        JobClient crm = scenario.startCrmPipeline(failFast());
        AwaitWhileRunning.until(
                "Iceberg equals Postgres",
                pipeline,
                DEADLINE,
                () -> PaymentsEndToEndITCase.icebergEqualsPostgres(scenario, stack));
        stack.postgres().createDatabase("sluice_erasure");
        Path audit = dir.resolve("audit.jsonl");
        List<String> forgotten = uniqueEmailCustomers(scenario, 2);

        // the bad inputs first, while nothing was erased
        Run unknown = forget(scenario, audit, "--subject", "custmer", "--id", "1");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("Unknown subject 'custmer'").contains("customer");
        Run notFound = forget(scenario, audit, "--subject", "customer", "--id", "999999");
        assertThat(notFound.exitCode()).as(notFound.err()).isZero();
        assertThat(notFound.out()).contains("0 rows in 3 datasets");
        Run dry =
                forget(
                        scenario,
                        audit,
                        "--subject",
                        "customer",
                        "--id",
                        forgotten.get(0),
                        "--dry-run",
                        "--format",
                        "json");
        assertThat(dry.exitCode()).as(dry.err()).isZero();
        JsonNode dryReport = JSON.readTree(dry.out());
        assertThat(dryReport.path("rows").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(dryReport.path("dryRun").asBoolean()).isTrue();

        // traffic runs while forget does
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Void> traffic =
                CompletableFuture.runAsync(
                        () -> {
                            try (Connection c = scenario.connect()) {
                                while (!stop.get()) {
                                    scenario.traffic().step(c);
                                }
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });
        String[] request = {
            "--subject", "customer", "--id", forgotten.get(0), "--id", forgotten.get(1)
        };
        Run killed =
                forget(
                        scenario,
                        audit,
                        concat(request, "--fail-after", "warehouse.payments.customers/erase"));
        assertThat(killed.exitCode()).isNotZero();
        assertThat(killed.err()).contains("--fail-after");
        Run resumed = forget(scenario, audit, concat(request, "--format", "json"));
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        JsonNode first = JSON.readTree(resumed.out());
        assertThat(first.path("pass").asInt()).isEqualTo(1);
        assertThat(first.path("datasets")).hasSize(3);
        assertThat(first.toString()).contains("\"resumed\":true");
        stop.set(true);
        traffic.get(1, TimeUnit.MINUTES);

        // the owner deletes them at the source; pass 2 erases what arrived after pass 1
        deleteAtSource(scenario, forgotten);
        AwaitWhileRunning.until(
                "Iceberg equals Postgres after the owner's delete",
                pipeline,
                DEADLINE,
                () -> PaymentsEndToEndITCase.icebergEqualsPostgres(scenario, stack));
        AwaitWhileRunning.until(
                "the CRM table equals Postgres",
                crm,
                DEADLINE,
                () -> PaymentsEndToEndITCase.crmEqualsPostgres(scenario, stack));
        Run second = forget(scenario, audit, concat(request, "--format", "json"));
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(JSON.readTree(second.out()).path("pass").asInt()).isEqualTo(2);

        Run verify = forget(scenario, audit, concat(request, "--verify", "--format", "json"));
        // the figures of docs/erasure.md's verification example come from this output
        System.out.println(forget(scenario, audit, concat(request, "--verify")).out());
        JsonNode hits = JSON.readTree(verify.out());
        for (JsonNode place : hits.path("places")) {
            if (!place.path("place").asText().startsWith("staging")) {
                assertThat(place.path("hits").asLong()).as(place.toString()).isZero();
            }
        }
        assertThat(hits.path("places").toString())
                .contains("iceberg files of warehouse.payments.customers")
                .contains("iceberg files of warehouse.payments.cards")
                .contains("jdbc table customers");
        // everyone else: row for row
        assertThat(PaymentsEndToEndITCase.icebergEqualsPostgres(scenario, stack)).isTrue();
        assertThat(PaymentsEndToEndITCase.crmEqualsPostgres(scenario, stack)).isTrue();

        Run listed =
                new Run(0, run("audit", "--kind", "erasure", "--log", audit.toString()).out(), "");
        assertThat(listed.out()).contains("erase").contains("purge").contains("failed");

        crm.cancel().get(30, TimeUnit.SECONDS);
        pipeline.cancel().get(30, TimeUnit.SECONDS);
        ingest.cancel().get(30, TimeUnit.SECONDS);
    }

    private Run forget(PaymentsScenario scenario, Path audit, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("forget"));
        all.addAll(List.of(args));
        all.addAll(
                List.of(
                        "--pipelines",
                        PaymentsScenario.PIPELINE,
                        "--pipelines",
                        PaymentsScenario.CRM_PIPELINE,
                        "--catalog-dir",
                        PaymentsScenario.CATALOG,
                        "--warehouse",
                        scenario.stack().iceberg().settings().warehouse(),
                        "--lock-jdbc-url",
                        lockUrl(scenario.stack()),
                        "--orphan-min-age",
                        "1h",
                        "--audit-log",
                        audit.toString()));
        scenario.variables()
                .names()
                .forEach(
                        n ->
                                all.addAll(
                                        List.of(
                                                "--var",
                                                n
                                                        + "="
                                                        + scenario.variables()
                                                                .get(n)
                                                                .orElseThrow()
                                                                .value())));
        return run(all.toArray(String[]::new));
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code =
                SluiceCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    private static String lockUrl(EmbeddedStack stack) {
        return stack.postgres().jdbcUrl("sluice_erasure")
                + "?user="
                + stack.postgres().username()
                + "&password="
                + stack.postgres().password();
    }

    private static String[] concat(String[] a, String... b) {
        List<String> out = new ArrayList<>(List.of(a));
        out.addAll(List.of(b));
        return out.toArray(String[]::new);
    }

    /** Customers with a card whose e-mail no other customer shares. */
    private static List<String> uniqueEmailCustomers(PaymentsScenario scenario, int n)
            throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = scenario.connect();
                Statement s = c.createStatement();
                ResultSet r =
                        s.executeQuery(
                                "SELECT c.id FROM customers c WHERE EXISTS (SELECT 1 FROM cards k"
                                        + " WHERE k.customer_id = c.id) AND (SELECT count(*) FROM"
                                        + " customers o WHERE o.email = c.email) = 1 ORDER BY c.id"
                                        + " LIMIT "
                                        + n)) {
            while (r.next()) {
                out.add(String.valueOf(r.getLong(1)));
            }
        }
        assertThat(out).hasSize(n);
        return out;
    }

    private static void deleteAtSource(PaymentsScenario scenario, List<String> ids)
            throws Exception {
        try (Connection c = scenario.connect()) {
            c.setAutoCommit(false);
            for (String sql :
                    List.of(
                            "DELETE FROM payments WHERE card_id IN (SELECT id FROM cards WHERE"
                                    + " customer_id = ?)",
                            "DELETE FROM cards WHERE customer_id = ?",
                            "DELETE FROM customers WHERE id = ?")) {
                for (String id : ids) {
                    try (PreparedStatement p = c.prepareStatement(sql)) {
                        p.setLong(1, Long.parseLong(id));
                        p.executeUpdate();
                    }
                }
            }
            c.commit();
        }
    }

    private static StreamExecutionEnvironment failFast() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRestartStrategy(RestartStrategies.noRestart());
        return env;
    }
}
