package dev.sluice.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.cli.SluiceCommand;
import dev.sluice.harness.Await;
import dev.sluice.harness.AwaitWhileRunning;
import dev.sluice.harness.EmbeddedStack;
import dev.sluice.harness.EmbeddedStackExtension;
import dev.sluice.harness.KafkaBroker;
import dev.sluice.lifecycle.MaintenanceLock;
import dev.sluice.stagingkeys.KeyStoreSettings;
import dev.sluice.stagingkeys.StagingDecryptor;
import dev.sluice.stagingkeys.SubjectKeys;
import dev.sluice.testing.SluiceProcess;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.restartstrategy.RestartStrategies;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.flink.maintenance.api.TriggerLockFactory;
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
    private static final String REQUEST = "it-forget-two-customers";
    private static final String KEY_DATABASE = "sluice_keys";

    @TempDir Path dir;

    record Run(int exitCode, String out, String err) {}

    @Test
    void forgetsTwoCustomersWhileTrafficRunsAndLeavesEveryoneElse() throws Exception {
        EmbeddedStack stack = STACK.stack();
        stack.postgres().createDatabase(KEY_DATABASE);
        PaymentsScenario scenario =
                new PaymentsScenario(stack, 13, Duration.ofSeconds(1))
                        .encryptStaging(
                                stack.postgres().jdbcUrl(KEY_DATABASE),
                                stack.postgres().username());
        scenario.createSourceDatabase(40);
        JobClient ingest = scenario.startIngest(failFast());
        JobClient pipeline = scenario.startPipeline(failFast());
        JobClient crm = scenario.startCrmPipeline(failFast());
        awaitIceberg("Iceberg equals Postgres", pipeline, scenario, stack);
        stack.postgres().createDatabase("sluice_erasure");
        Path audit = dir.resolve("audit.jsonl");
        List<String> forgotten = uniqueEmailCustomers(scenario, 2);
        List<String> forgottenEmails = emailsOf(scenario, forgotten);
        // another customer takes the first forgotten customer's e-mail address (the traffic draws
        // addresses from a finite pool, so this happens by chance too): forget finds the rows of
        // datasets holding the ids by the ids, so this customer's rows stay everywhere
        String sharer = shareEmail(scenario, forgotten, forgottenEmails.get(0));
        awaitIceberg("the shared e-mail reached Iceberg", pipeline, scenario, stack);
        awaitCrm("the shared e-mail reached the CRM table", crm, scenario, stack);

        // the bad inputs first, while nothing was erased
        Run unknown = forget(scenario, audit, "--subject", "custmer", "--id", "1");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("Unknown subject 'custmer'").contains("customer");
        Run notFound = forget(scenario, audit, "--subject", "customer", "--id", "999999");
        assertThat(notFound.exitCode()).as(notFound.err()).isZero();
        // three datasets and the staging key store
        assertThat(notFound.out()).contains("0 rows in 4 datasets");
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
            "--subject",
            "customer",
            "--id",
            forgotten.get(0),
            "--id",
            forgotten.get(1),
            "--request-id",
            REQUEST
        };
        // a real crash: forget in a JVM of its own, SIGKILLed once its first Iceberg table is
        // done while it waits for the second one, whose maintenance lock this test holds
        List<String> icebergTables = new ArrayList<>();
        List<String> icebergDatasets = new ArrayList<>();
        for (JsonNode d : dryReport.path("datasets")) {
            if (d.path("kind").asText().equals("iceberg")) {
                icebergTables.add(d.path("table").asText());
                icebergDatasets.add(d.path("dataset").asText());
            }
        }
        assertThat(icebergTables).hasSize(2);
        MaintenanceLock locks = new MaintenanceLock(lockUrl(stack), Map.of());
        locks.prepare();
        TriggerLockFactory secondLock = locks.forTable(icebergTables.get(1));
        secondLock.open();
        TriggerLockFactory.Lock held = secondLock.createLock();
        assertThat(held.tryLock()).isTrue();
        Path childOut = Path.of("target", "forget-killed.out");
        Process child =
                SluiceProcess.start(
                        "768m",
                        childOut,
                        Path.of("target", "forget-killed.log"),
                        forgetArgs(scenario, audit, concat(request, "--lock-wait", "10m")));
        try {
            long[] steps;
            try {
                steps =
                        Await.value(
                                "the killed forget to record a step done, and not all",
                                Duration.ofMinutes(5),
                                java.sql.SQLException.class,
                                () -> {
                                    assertThat(child.isAlive())
                                            .as(
                                                    "forget ended before the kill: %s",
                                                    readQuietly(childOut))
                                            .isTrue();
                                    long[] s = steps(stack);
                                    return s[0] >= 1 && s[1] == 0 ? s : null;
                                });
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError(e.getMessage() + "; its output: " + readQuietly(childOut));
            }
            assertThat(steps[0]).isGreaterThanOrEqualTo(1);
            child.destroyForcibly(); // SIGKILL on Linux: no finally, no shutdown hook
            assertThat(child.waitFor(1, TimeUnit.MINUTES)).isTrue();
            assertThat(child.exitValue()).isEqualTo(137);
        } finally {
            if (child.isAlive()) {
                child.destroyForcibly().waitFor(1, TimeUnit.MINUTES);
            }
            held.unlock();
            secondLock.close();
        }
        long[] afterKill = steps(stack);
        assertThat(afterKill[1]).as("complete recorded by the killed run").isZero();
        // the kill may have left the lock of the table it was purging held: the documented
        // recovery is a rerun with --break-lock (no other forget or maintenance runs here)
        Run resumed = forget(scenario, audit, concat(request, "--break-lock", "--format", "json"));
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        JsonNode first = JSON.readTree(resumed.out());
        assertThat(first.path("pass").asInt()).isEqualTo(1);
        assertThat(first.path("datasets")).hasSize(4); // 3 datasets + the staging keys
        assertThat(first.toString()).contains("\"resumed\":true");
        // the done steps were skipped: the customers table was erased once in pass 1
        List<JsonNode> records =
                auditRecords(audit).stream()
                        .filter(r -> r.path("requestId").asText().equals(REQUEST))
                        .toList();
        assertThat(
                        records.stream()
                                .filter(r -> r.path("pass").asInt() == 1)
                                .filter(r -> r.path("action").asText().equals("request")))
                .hasSize(2); // both runs
        assertThat(
                        records.stream()
                                .filter(r -> r.path("pass").asInt() == 1)
                                .filter(r -> r.path("action").asText().equals("erase"))
                                .filter(
                                        r ->
                                                r.path("dataset")
                                                        .asText()
                                                        .equals(icebergDatasets.get(0))))
                .hasSize(1);
        assertThat(records.stream().filter(r -> r.path("action").asText().equals("shred")))
                .hasSize(1);
        assertThat(crmRows(stack, sharer))
                .as("customer %s shares an e-mail address with a forgotten one", sharer)
                .isEqualTo(1);
        stop.set(true);
        traffic.get(1, TimeUnit.MINUTES);

        // the owner deletes them at the source; pass 2 erases what arrived after pass 1
        deleteAtSource(scenario, forgotten);
        awaitIceberg("Iceberg equals Postgres after the owner's delete", pipeline, scenario, stack);
        awaitCrm("the CRM table equals Postgres", crm, scenario, stack);
        Run second = forget(scenario, audit, concat(request, "--format", "json"));
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(JSON.readTree(second.out()).path("pass").asInt()).isEqualTo(2);

        Run verify = forget(scenario, audit, concat(request, "--verify", "--format", "json"));
        // the figures of docs/erasure.md's verification example come from this output
        System.out.println(forget(scenario, audit, concat(request, "--verify")).out());
        JsonNode hits = JSON.readTree(verify.out());
        // with crypto-shredding: 0 everywhere, staging included
        for (JsonNode place : hits.path("places")) {
            assertThat(place.path("hits").asLong()).as(place.toString()).isZero();
        }
        assertThat(verify.exitCode()).as(verify.err()).isZero();
        assertThat(hits.path("places").toString())
                .contains("staging topic staging.payments.public.customers")
                .contains("iceberg files of warehouse.payments.customers")
                .contains("iceberg files of warehouse.payments.cards")
                .contains("jdbc table customers");
        // a decrypted replay of staging from the earliest offset: the forgotten customers' rows
        // read NULL with the marker, their e-mails appear nowhere; everyone else decrypts
        try (SubjectKeys keys =
                new KeyStoreSettings(
                                stack.postgres().jdbcUrl(KEY_DATABASE),
                                stack.postgres().username(),
                                KeyStoreSettings.DEFAULT_PASSWORD_ENV,
                                KeyStoreSettings.DEFAULT_TABLE,
                                KeyStoreSettings.DEFAULT_MASTER_KEY_ENV)
                        .open()) {
            StagingDecryptor decryptor = new StagingDecryptor(keys);
            int shredded = 0;
            int decrypted = 0;
            for (String table : List.of("customers", "cards")) {
                for (KafkaBroker.Record r :
                        stack.kafka().readCommitted(scenario.stagingTopic(table), DEADLINE)) {
                    String plain =
                            new String(
                                    decryptor.decryptEvent(
                                            r.value().getBytes(StandardCharsets.UTF_8)),
                                    StandardCharsets.UTF_8);
                    JsonNode event = JSON.readTree(plain);
                    if (!ofCustomer(event, table, sharer)) {
                        for (String email : forgottenEmails) {
                            assertThat(plain).doesNotContain(email);
                        }
                    }
                    for (String side : List.of("before", "after")) {
                        JsonNode row = event.path(side);
                        if (!row.isObject()) {
                            continue;
                        }
                        String subject =
                                row.path(table.equals("customers") ? "id" : "customer_id").asText();
                        String column = table.equals("customers") ? "email" : "card_number";
                        if (forgotten.contains(subject)) {
                            assertThat(row.path(column).isNull()).as(plain).isTrue();
                            assertThat(row.path(StagingDecryptor.SHREDDED).asBoolean())
                                    .as(plain)
                                    .isTrue();
                            shredded++;
                        } else if (row.hasNonNull(column)) {
                            assertThat(row.path(column).asText())
                                    .doesNotStartWith(SubjectKeys.TOKEN_PREFIX);
                            decrypted++;
                        }
                    }
                }
            }
            assertThat(shredded).isGreaterThanOrEqualTo(4);
            assertThat(decrypted).isGreaterThan(40);
        }

        // everyone else: row for row
        assertThat(PaymentsEndToEndITCase.icebergEqualsPostgres(scenario, stack)).isTrue();
        assertThat(PaymentsEndToEndITCase.crmEqualsPostgres(scenario, stack)).isTrue();

        Run listed =
                new Run(0, run("audit", "--kind", "erasure", "--log", audit.toString()).out(), "");
        assertThat(listed.out()).contains("erase").contains("purge").contains("shred");

        crm.cancel().get(30, TimeUnit.SECONDS);
        pipeline.cancel().get(30, TimeUnit.SECONDS);
        ingest.cancel().get(30, TimeUnit.SECONDS);
    }

    private Run forget(PaymentsScenario scenario, Path audit, String... args) throws Exception {
        return run(forgetArgs(scenario, audit, args).toArray(String[]::new));
    }

    private static List<String> forgetArgs(PaymentsScenario scenario, Path audit, String... args) {
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
                        audit.toString(),
                        "--staging-key-store-url",
                        scenario.stack().postgres().jdbcUrl(KEY_DATABASE),
                        "--staging-key-store-user",
                        scenario.stack().postgres().username()));
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
        return all;
    }

    /** {done steps, complete markers} of the request in sluice_erasure_steps. */
    private static long[] steps(EmbeddedStack stack) throws java.sql.SQLException {
        try (Connection c = stack.postgres().connect("sluice_erasure");
                PreparedStatement p =
                        c.prepareStatement(
                                "SELECT count(*) FILTER (WHERE state = 'done' AND target <> '*'),"
                                        + " count(*) FILTER (WHERE target = '*') FROM"
                                        + " sluice_erasure_steps WHERE request_id = ?")) {
            p.setString(1, REQUEST);
            try (ResultSet r = p.executeQuery()) {
                r.next();
                return new long[] {r.getLong(1), r.getLong(2)};
            }
        } catch (java.sql.SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return new long[] {0, 0}; // the state table is created by the first run
            }
            throw e;
        }
    }

    private static List<JsonNode> auditRecords(Path audit) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(audit)) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
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

    /** Gives a customer other than the forgotten ones {@code email}; returns its id. */
    private static String shareEmail(
            PaymentsScenario scenario, List<String> forgotten, String email) throws Exception {
        try (Connection c = scenario.connect();
                PreparedStatement p =
                        c.prepareStatement(
                                "UPDATE customers SET email = ?, updated_at = clock_timestamp()"
                                        + " WHERE id = (SELECT min(id) FROM customers WHERE id NOT"
                                        + " IN (?, ?)) RETURNING id")) {
            p.setString(1, email);
            p.setLong(2, Long.parseLong(forgotten.get(0)));
            p.setLong(3, Long.parseLong(forgotten.get(1)));
            try (ResultSet r = p.executeQuery()) {
                assertThat(r.next()).isTrue();
                return String.valueOf(r.getLong(1));
            }
        }
    }

    private static void awaitIceberg(
            String what, JobClient pipeline, PaymentsScenario scenario, EmbeddedStack stack)
            throws Exception {
        try {
            AwaitWhileRunning.until(
                    what,
                    pipeline,
                    DEADLINE,
                    () -> PaymentsEndToEndITCase.icebergEqualsPostgres(scenario, stack));
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(
                    e.getMessage()
                            + ": "
                            + PaymentsEndToEndITCase.lastIcebergDifference
                            + "; the customers table's last commits: "
                            + history(stack, "customers"),
                    e);
        }
    }

    /** The last commits of a warehouse table: operation, checkpoint id, records added/deleted. */
    private static String history(EmbeddedStack stack, String table) {
        List<String> out = new ArrayList<>();
        org.apache.iceberg.Table t =
                stack.iceberg().loadTable(PaymentsScenario.warehouseTable(table));
        for (org.apache.iceberg.Snapshot s : t.snapshots()) {
            Map<String, String> m = s.summary();
            out.add(
                    s.sequenceNumber()
                            + " "
                            + s.operation()
                            + " ckpt="
                            + m.get("flink.max-committed-checkpoint-id")
                            + " +"
                            + m.get("added-records")
                            + " -eq"
                            + m.get("added-equality-deletes")
                            + " -pos"
                            + m.get("added-position-deletes")
                            + " at "
                            + java.time.Instant.ofEpochMilli(s.timestampMillis()));
        }
        return String.join(", ", out.subList(Math.max(0, out.size() - 30), out.size()));
    }

    private static void awaitCrm(
            String what, JobClient crm, PaymentsScenario scenario, EmbeddedStack stack)
            throws Exception {
        try {
            AwaitWhileRunning.until(
                    what,
                    crm,
                    DEADLINE,
                    () -> PaymentsEndToEndITCase.crmEqualsPostgres(scenario, stack));
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(
                    e.getMessage() + ": " + PaymentsEndToEndITCase.lastCrmDifference, e);
        }
    }

    private static long crmRows(EmbeddedStack stack, String id) throws Exception {
        try (Connection c = stack.postgres().connect(PaymentsScenario.CRM_DATABASE);
                PreparedStatement p =
                        c.prepareStatement("SELECT count(*) FROM customers WHERE id = ?")) {
            p.setLong(1, Long.parseLong(id));
            try (ResultSet r = p.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /** Whether a staged event of {@code table} is about customer {@code id}. */
    private static boolean ofCustomer(JsonNode event, String table, String id) {
        String column = table.equals("customers") ? "id" : "customer_id";
        for (String side : List.of("before", "after")) {
            if (event.path(side).path(column).asText().equals(id)) {
                return true;
            }
        }
        return false;
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

    private static List<String> emailsOf(PaymentsScenario scenario, List<String> ids)
            throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = scenario.connect();
                PreparedStatement p =
                        c.prepareStatement("SELECT email FROM customers WHERE id = ?")) {
            for (String id : ids) {
                p.setLong(1, Long.parseLong(id));
                try (ResultSet r = p.executeQuery()) {
                    assertThat(r.next()).isTrue();
                    out.add(r.getString(1));
                }
            }
        }
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
