package dev.sluice.ingest;

import dev.sluice.harness.PostgresServer;
import dev.sluice.staging.StagingRecord;
import dev.sluice.stagingkeys.KeyStoreSettings;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The ingest's encoding of a change of an encrypted table, side by side in one JVM and on one
 * thread, keys cached (the stream case of {@code IngestEncryptionBenchmark}): "off" (the encoder
 * alone, what a table without encryption costs), "tree" (encoder, then the operator's former parse,
 * encrypt and write of the whole change) and "spans" (encoder noting where the values lie, then
 * tokens spliced in). Updates of a customers row (id, email, name, phone, country; email, name,
 * phone encrypted in both row images), alternating rounds; prints changes/s and bytes allocated per
 * change, then the median on/off ratio of each path. Needs a key store: starts an embedded
 * PostgreSQL, and {@code SLUICE_STAGING_MASTER_KEY} set (32 bytes, base64).
 *
 * <pre>{@code
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) \
 *     dev.sluice.ingest.StagingSealBenchmark [changes per round, default 100000] [rounds, 7]
 * }</pre>
 */
public final class StagingSealBenchmark {

    private static final Schema ROW =
            SchemaBuilder.struct()
                    .name("shop.public.customers.Value")
                    .optional()
                    .field("id", Schema.INT64_SCHEMA)
                    .field("email", Schema.OPTIONAL_STRING_SCHEMA)
                    .field("name", Schema.OPTIONAL_STRING_SCHEMA)
                    .field("phone", Schema.OPTIONAL_STRING_SCHEMA)
                    .field("country", Schema.OPTIONAL_STRING_SCHEMA)
                    .build();
    private static final Schema SOURCE =
            SchemaBuilder.struct()
                    .name("io.debezium.connector.postgresql.Source")
                    .field("ts_ms", Schema.INT64_SCHEMA)
                    .field("snapshot", Schema.OPTIONAL_STRING_SCHEMA)
                    .field("db", Schema.STRING_SCHEMA)
                    .field("schema", Schema.STRING_SCHEMA)
                    .field("table", Schema.STRING_SCHEMA)
                    .field("txId", Schema.OPTIONAL_INT64_SCHEMA)
                    .field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
                    .build();
    private static final Schema ENVELOPE =
            SchemaBuilder.struct()
                    .name("shop.public.customers.Envelope")
                    .field("before", ROW)
                    .field("after", ROW)
                    .field("source", SOURCE)
                    .field("op", Schema.STRING_SCHEMA)
                    .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
                    .build();
    private static final Schema KEY =
            SchemaBuilder.struct()
                    .name("shop.public.customers.Key")
                    .field("id", Schema.INT64_SCHEMA)
                    .build();
    private static final String[] PATHS = {"off", "tree", "spans"};

    private StagingSealBenchmark() {}

    public static void main(String[] args) throws Exception {
        int perRound = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        int subjects = 1_000;
        Path dir = Files.createTempDirectory("sluice-seal-bench");
        try (PostgresServer postgres = PostgresServer.start(dir.resolve("pg"))) {
            postgres.createDatabase("keys");
            KeyStoreSettings settings =
                    new KeyStoreSettings(
                            postgres.jdbcUrl("keys"),
                            postgres.username(),
                            KeyStoreSettings.DEFAULT_PASSWORD_ENV,
                            KeyStoreSettings.DEFAULT_TABLE,
                            KeyStoreSettings.DEFAULT_MASTER_KEY_ENV);
            StagingEncryption.Rule rule =
                    new StagingEncryption.Rule(
                            "customer",
                            "id",
                            new LinkedHashSet<>(List.of("email", "name", "phone")));
            StagingEncryption encryption =
                    new StagingEncryption(Map.of("public.customers", rule), settings);
            try {
                Map<String, StagingEncryption.Rule> byTopic =
                        encryption.byTopic(
                                (schema, table) ->
                                        StagingTopics.topicFor("staging", "shop", schema, table));
                List<SourceRecord> records = records(subjects);
                Set<String> ids = new LinkedHashSet<>();
                for (int i = 0; i < subjects; i++) {
                    ids.add(String.valueOf(1_000_000L + i));
                }
                encryption.keys().prepare("customer", ids);
                Paths paths =
                        new Paths(
                                encryption,
                                rule,
                                new StagingRecordDeserializer("staging", "shop", "staging.dlq"),
                                new StagingRecordDeserializer(
                                        "staging",
                                        "shop",
                                        "staging.dlq",
                                        DeadLetterKeys.raw(),
                                        byTopic));
                measure(paths, records, perRound, rounds);
            } finally {
                encryption.close();
            }
        }
    }

    private static void measure(Paths paths, List<SourceRecord> records, int perRound, int rounds)
            throws Exception {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        for (int i = 0; i < 2; i++) {
            for (int path = 0; path < PATHS.length; path++) {
                paths.run(path, records, perRound);
            }
        }
        System.out.printf(
                Locale.ROOT,
                "%d rounds of %,d customer updates (3 of 5 columns encrypted in both rows), keys"
                        + " cached, load average %s%n",
                rounds,
                perRound,
                loadAverage());
        double[][] ratios = new double[2][rounds];
        for (int round = 0; round < rounds; round++) {
            double[] perSecond = new double[PATHS.length];
            double[] allocated = new double[PATHS.length];
            // rotate which goes first
            for (int k = 0; k < PATHS.length; k++) {
                int path = (round + k) % PATHS.length;
                long bytes = threads.getThreadAllocatedBytes(thread);
                long start = System.nanoTime();
                paths.run(path, records, perRound);
                double seconds = (System.nanoTime() - start) / 1e9;
                perSecond[path] = perRound / seconds;
                allocated[path] =
                        (threads.getThreadAllocatedBytes(thread) - bytes) / (double) perRound;
            }
            ratios[0][round] = perSecond[1] / perSecond[0];
            ratios[1][round] = perSecond[2] / perSecond[0];
            System.out.printf(
                    Locale.ROOT,
                    "round %d: off %,.0f/s %,.0f B | tree %,.0f/s %,.0f B (on/off %.2f) | spans"
                            + " %,.0f/s %,.0f B (on/off %.2f)%n",
                    round + 1,
                    perSecond[0],
                    allocated[0],
                    perSecond[1],
                    allocated[1],
                    ratios[0][round],
                    perSecond[2],
                    allocated[2],
                    ratios[1][round]);
        }
        for (double[] r : ratios) {
            Arrays.sort(r);
        }
        System.out.printf(
                Locale.ROOT,
                "median on/off: tree %.2f (%.2f-%.2f), spans %.2f (%.2f-%.2f); load average %s%n",
                ratios[0][rounds / 2],
                ratios[0][0],
                ratios[0][rounds - 1],
                ratios[1][rounds / 2],
                ratios[1][0],
                ratios[1][rounds - 1],
                loadAverage());
    }

    /** The three ways a change of the customers table can go to staging bytes. */
    private record Paths(
            StagingEncryption encryption,
            StagingEncryption.Rule rule,
            StagingRecordDeserializer plain,
            StagingRecordDeserializer withSpans) {

        static long sink;

        void run(int path, List<SourceRecord> records, int count) throws Exception {
            List<String> columns = rule.columnOrder();
            for (int i = 0; i < count; i++) {
                SourceRecord record = records.get(i % records.size());
                Struct value = (Struct) record.value();
                ChangeEventEncoder.Substitutions substitutions =
                        new ChangeEventEncoder.Substitutions();
                byte[] staged;
                if (path == 0) {
                    staged = plain.encodeStreaming(record, value, substitutions).value;
                } else if (path == 1) {
                    StagingRecord encoded = plain.encodeStreaming(record, value, substitutions);
                    ObjectNode envelope = (ObjectNode) encryption.mapper().readTree(encoded.value);
                    encryption.apply(rule, envelope);
                    staged = encryption.mapper().writeValueAsBytes(envelope);
                } else {
                    StagingRecord encoded = withSpans.encodeStreaming(record, value, substitutions);
                    String[] ids = encryption.subjectIds(encoded.value, encoded.plainSpans);
                    staged = encryption.seal(rule, columns, encoded.value, encoded.plainSpans, ids);
                }
                sink += staged.length;
            }
        }
    }

    private static List<SourceRecord> records(int count) {
        List<SourceRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long id = 1_000_000L + i;
            Struct source =
                    new Struct(SOURCE)
                            .put("ts_ms", 1_765_036_982_000L + i)
                            .put("snapshot", "false")
                            .put("db", "shop")
                            .put("schema", "public")
                            .put("table", "customers")
                            .put("txId", 4_242L + i / 20)
                            .put("lsn", 123_456_789L + 200L * i);
            Struct value =
                    new Struct(ENVELOPE)
                            .put("before", row(id, "user" + id + "@example.com"))
                            .put("after", row(id, "new" + id + "@example.com"))
                            .put("source", source)
                            .put("op", "u")
                            .put("ts_ms", 1_765_036_982_321L + i);
            records.add(
                    new SourceRecord(
                            Map.of("server", "shop"),
                            Map.of("lsn", 123_456_789L + 200L * i),
                            "shop.public.customers",
                            null,
                            KEY,
                            new Struct(KEY).put("id", id),
                            ENVELOPE,
                            value));
        }
        return records;
    }

    private static Struct row(long id, String email) {
        return new Struct(ROW)
                .put("id", id)
                .put("email", email)
                .put("name", "Name " + id)
                .put("phone", "+31 6 " + String.format(Locale.ROOT, "%08d", id % 100_000_000))
                .put("country", id % 3 == 0 ? "NL" : "DE");
    }

    private static String loadAverage() {
        try {
            return String.join(
                    " ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
        } catch (java.io.IOException e) {
            return "n/a";
        }
    }
}
