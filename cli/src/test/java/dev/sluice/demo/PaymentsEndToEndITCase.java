package dev.sluice.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.harness.AwaitWhileRunning;
import dev.sluice.harness.EmbeddedStack;
import dev.sluice.harness.EmbeddedStackExtension;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.restartstrategy.RestartStrategies;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.DeserializationFeature;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole path, proven on real components: Postgres snapshot and a stream of thousands of
 * inserts, updates (several per key) and deletes (also of rows inserted after start) → ingest job →
 * staging topics → SQL pipeline with masking → Iceberg. Iceberg must equal Postgres row for row,
 * and each staging topic must hold exactly the committed changes.
 */
class PaymentsEndToEndITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(8)
                            .build());

    @RegisterExtension static final EmbeddedStackExtension STACK = new EmbeddedStackExtension();

    private static final int SEED_CUSTOMERS = 200;
    private static final int TRANSACTIONS = 1_500;
    private static final Duration DEADLINE = Duration.ofMinutes(3);
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    @Test
    void icebergEqualsPostgresAndStagingHoldsExactlyTheCommittedChanges() throws Exception {
        proveThePaymentsPath(STACK.stack());
    }

    /**
     * Runs the payments scenario on {@code stack} and proves Iceberg, staging and the CRM table
     * equal PostgreSQL; shared with {@link PaymentsOnRestWarehouseITCase}.
     */
    static void proveThePaymentsPath(EmbeddedStack stack) throws Exception {
        PaymentsScenario scenario = new PaymentsScenario(stack, 7, Duration.ofSeconds(1));
        scenario.createSourceDatabase(SEED_CUSTOMERS);
        Map<String, Long> seeded = scenario.traffic().rowChangesByTable();

        JobClient ingest = scenario.startIngest(failFast());
        AwaitWhileRunning.until(
                "snapshot in staging",
                ingest,
                DEADLINE,
                () -> stagingCountsEqual(scenario, seeded));

        JobClient pipeline = scenario.startPipeline(failFast());
        JobClient crm = scenario.startCrmPipeline(failFast());
        try (Connection connection = scenario.connect()) {
            for (int i = 0; i < TRANSACTIONS; i++) {
                scenario.traffic().step(connection);
            }
        }
        Map<String, Long> committed = scenario.traffic().rowChangesByTable();
        assertThat(scenario.traffic().rowChanges()).isGreaterThan(3_000);

        AwaitWhileRunning.until(
                "staging has every change",
                ingest,
                DEADLINE,
                () -> stagingCountsEqual(scenario, committed));
        AwaitWhileRunning.until(
                "Iceberg equals Postgres",
                pipeline,
                DEADLINE,
                () -> icebergEqualsPostgres(scenario, stack));
        AwaitWhileRunning.until(
                "the CRM table (JDBC) equals Postgres customers, masked",
                crm,
                DEADLINE,
                () -> crmEqualsPostgres(scenario, stack));

        for (String table : PaymentsScenario.SOURCE_TABLES) {
            List<JsonNode> changes = stagingChanges(scenario, table);
            assertThat(changes)
                    .as("changes in staging for %s", table)
                    .hasSize(committed.get(table).intValue());
            assertThat(replay(changes))
                    .as("staging replayed for %s", table)
                    .isEqualTo(postgresRowsNormalized(scenario, table));
        }
        assertThat(icebergRows(stack, "cards").values())
                .allSatisfy(
                        row -> assertThat((String) row.get("card_number")).matches("n{12}\\d{4}"));

        crm.cancel().get(30, TimeUnit.SECONDS);
        pipeline.cancel().get(30, TimeUnit.SECONDS);
        ingest.cancel().get(30, TimeUnit.SECONDS);
    }

    private static StreamExecutionEnvironment failFast() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRestartStrategy(RestartStrategies.noRestart());
        return env;
    }

    static boolean stagingCountsEqual(PaymentsScenario scenario, Map<String, Long> expected) {
        for (String table : PaymentsScenario.SOURCE_TABLES) {
            if (stagingChanges(scenario, table).size() != expected.get(table)) {
                return false;
            }
        }
        return true;
    }

    private static List<JsonNode> stagingChanges(PaymentsScenario scenario, String table) {
        return scenario
                .stack()
                .kafka()
                .readCommitted(scenario.stagingTopic(table), Duration.ofSeconds(10))
                .stream()
                .map(record -> parse(record.value()))
                .toList();
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("Not JSON: " + json, e);
        }
    }

    /** Applies the changes in order: the state a consumer of the topic ends with, by id. */
    private static Map<Long, Map<String, Object>> replay(List<JsonNode> changes) {
        Map<Long, Map<String, Object>> state = new TreeMap<>();
        for (JsonNode change : changes) {
            if (change.get("op").asText().equals("d")) {
                state.remove(change.get("before").get("id").asLong());
            } else {
                JsonNode after = change.get("after");
                Map<String, Object> row = new HashMap<>();
                after.fields()
                        .forEachRemaining(
                                field ->
                                        row.put(
                                                field.getKey(),
                                                stagingValue(field.getKey(), field.getValue())));
                state.put(after.get("id").asLong(), row);
            }
        }
        return state;
    }

    private static Object stagingValue(String column, JsonNode value) {
        if (value.isNull()) {
            return null;
        }
        if (column.endsWith("_at")) {
            return OffsetDateTime.parse(value.asText()).toInstant();
        }
        if (value.isIntegralNumber()) {
            return value.asLong();
        }
        if (column.equals("amount")) {
            // numeric is staged as plain decimal text; amount is DECIMAL(12, 2)
            return new BigDecimal(value.asText()).setScale(2);
        }
        return value.asText();
    }

    private static Map<Long, Map<String, Object>> postgresRowsNormalized(
            PaymentsScenario scenario, String table) throws Exception {
        Map<Long, Map<String, Object>> rows = new TreeMap<>();
        for (Map<String, Object> row : postgresRows(scenario, table).values()) {
            Map<String, Object> normalized = new HashMap<>();
            row.forEach(
                    (column, value) ->
                            normalized.put(
                                    column,
                                    value instanceof OffsetDateTime ? instant(value) : value));
            rows.put((Long) row.get("id"), normalized);
        }
        return rows;
    }

    static boolean icebergEqualsPostgres(PaymentsScenario scenario, EmbeddedStack stack) {
        try {
            for (String table : List.of("customers", "cards", "payments")) {
                Map<Long, Map<String, Object>> expected = expectedWarehouse(scenario, table);
                Map<Long, Map<String, Object>> actual = icebergRows(stack, table);
                if (!expected.equals(actual)) {
                    int rows = stack.iceberg().rows(PaymentsScenario.warehouseTable(table)).size();
                    lastIcebergDifference =
                            table
                                    + " ("
                                    + rows
                                    + " rows for "
                                    + actual.size()
                                    + " ids): "
                                    + difference(expected, actual, "Iceberg");
                    return false;
                }
            }
            return true;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** What the last unequal comparison of the warehouse found (for a test's failure message). */
    static volatile String lastIcebergDifference = "";

    static boolean crmEqualsPostgres(PaymentsScenario scenario, EmbeddedStack stack) {
        try {
            Map<Long, Map<String, Object>> expected = new TreeMap<>();
            for (Map<String, Object> row : postgresRows(scenario, "customers").values()) {
                Map<String, Object> out = new HashMap<>();
                out.put("id", row.get("id"));
                out.put("name", hiveShowLastN((String) row.get("name"), 0));
                out.put("email_hash", sha256Hex((String) row.get("email")));
                out.put("phone", hiveShowLastN((String) row.get("phone"), 2));
                out.put("country", row.get("country"));
                out.put("updated_at", instant(row.get("updated_at")));
                expected.put((Long) row.get("id"), out);
            }
            Map<Long, Map<String, Object>> actual = new TreeMap<>();
            try (Connection connection = stack.postgres().connect(PaymentsScenario.CRM_DATABASE);
                    Statement statement = connection.createStatement();
                    ResultSet result =
                            statement.executeQuery(
                                    "SELECT id, name, email_hash, phone, country, updated_at"
                                            + " FROM customers")) {
                while (result.next()) {
                    Map<String, Object> row = new HashMap<>();
                    row.put("id", result.getLong("id"));
                    row.put("name", result.getString("name"));
                    row.put("email_hash", result.getString("email_hash"));
                    row.put("phone", result.getString("phone"));
                    row.put("country", result.getString("country"));
                    // the CRM keeps UTC wall time (TIMESTAMP), see customers_to_crm.sql
                    row.put(
                            "updated_at",
                            result.getObject("updated_at", java.time.LocalDateTime.class)
                                    .toInstant(java.time.ZoneOffset.UTC));
                    actual.put(result.getLong("id"), row);
                }
            }
            if (!expected.equals(actual)) {
                lastCrmDifference = difference(expected, actual, "CRM");
            }
            return expected.equals(actual);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** What the last unequal comparison of the CRM table found (for a test's failure message). */
    static volatile String lastCrmDifference = "";

    private static String difference(
            Map<Long, Map<String, Object>> expected,
            Map<Long, Map<String, Object>> actual,
            String where) {
        StringBuilder out = new StringBuilder();
        int shown = 0;
        java.util.Set<Long> ids = new java.util.TreeSet<>(expected.keySet());
        ids.addAll(actual.keySet());
        for (Long id : ids) {
            Map<String, Object> e = expected.get(id);
            Map<String, Object> a = actual.get(id);
            if (java.util.Objects.equals(e, a)) {
                continue;
            }
            if (shown++ < 5) {
                out.append("id ")
                        .append(id)
                        .append(
                                e == null
                                        ? ": extra in " + where
                                        : a == null ? ": missing in " + where : "")
                        .append(e != null && a != null ? ": expected " + e + " but was " + a : "")
                        .append("; ");
            }
        }
        return out.append(shown).append(" rows differ").toString();
    }

    /** What the pipeline must produce for a table: the Postgres rows, projected and masked. */
    static Map<Long, Map<String, Object>> expectedWarehouse(PaymentsScenario scenario, String table)
            throws Exception {
        Map<Long, Map<String, Object>> expected = new TreeMap<>();
        for (Map<String, Object> row : postgresRows(scenario, table).values()) {
            Map<String, Object> out = new HashMap<>();
            switch (table) {
                case "customers" -> {
                    out.put("id", row.get("id"));
                    out.put("email_hash", sha256Hex((String) row.get("email")));
                    out.put("phone", hiveShowLastN((String) row.get("phone"), 2));
                    out.put("country", row.get("country"));
                    out.put("updated_at", instant(row.get("updated_at")));
                }
                case "cards" -> {
                    out.put("id", row.get("id"));
                    out.put("customer_id", row.get("customer_id"));
                    out.put("card_number", hiveShowLastN((String) row.get("card_number"), 4));
                    out.put("brand", row.get("brand"));
                    out.put("expiry", row.get("expiry"));
                    out.put("updated_at", instant(row.get("updated_at")));
                }
                default -> {
                    out.put("id", row.get("id"));
                    out.put("card_id", row.get("card_id"));
                    out.put("amount", ((BigDecimal) row.get("amount")).setScale(2));
                    out.put("currency", row.get("currency"));
                    out.put("status", row.get("status"));
                    out.put("created_at", instant(row.get("created_at")));
                    out.put("updated_at", instant(row.get("updated_at")));
                }
            }
            expected.put((Long) row.get("id"), out);
        }
        return expected;
    }

    private static Map<Long, Map<String, Object>> icebergRows(EmbeddedStack stack, String table) {
        Map<Long, Map<String, Object>> rows = new TreeMap<>();
        for (Map<String, Object> row :
                stack.iceberg().rows(PaymentsScenario.warehouseTable(table))) {
            Map<String, Object> normalized = new HashMap<>();
            row.forEach(
                    (column, value) ->
                            normalized.put(
                                    column,
                                    value instanceof OffsetDateTime ? instant(value) : value));
            rows.put((Long) row.get("id"), normalized);
        }
        return rows;
    }

    static Object instant(Object time) {
        return ((OffsetDateTime) time).toInstant();
    }

    static Map<Long, Map<String, Object>> postgresRows(PaymentsScenario scenario, String table)
            throws Exception {
        Map<Long, Map<String, Object>> rows = new TreeMap<>();
        try (Connection connection = scenario.connect();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT * FROM " + table)) {
            ResultSetMetaData meta = result.getMetaData();
            while (result.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    Object value = result.getObject(i);
                    if (meta.getColumnTypeName(i).equals("timestamptz")) {
                        value = result.getObject(i, OffsetDateTime.class);
                    }
                    row.put(meta.getColumnName(i), value);
                }
                rows.put(result.getLong("id"), row);
            }
        }
        return rows;
    }

    /**
     * Hive's mask_show_last_n with default replacements: upper X, lower x, digit n, others kept.
     */
    static String hiveShowLastN(String value, int shown) {
        if (value == null) {
            return null;
        }
        StringBuilder masked = new StringBuilder();
        int keepFrom = value.length() - shown;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (i >= keepFrom) {
                masked.append(c);
            } else if (Character.isUpperCase(c)) {
                masked.append('X');
            } else if (Character.isLowerCase(c)) {
                masked.append('x');
            } else if (Character.isDigit(c)) {
                masked.append('n');
            } else {
                masked.append(c);
            }
        }
        return masked.toString();
    }

    static String sha256Hex(String value) throws Exception {
        return HexFormat.of()
                .formatHex(
                        MessageDigest.getInstance("SHA-256")
                                .digest(value.getBytes(StandardCharsets.UTF_8)));
    }
}
