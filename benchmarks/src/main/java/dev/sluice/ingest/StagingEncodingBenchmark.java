package dev.sluice.ingest;

import dev.sluice.staging.StagingRecord;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The ingest job's change encoding, side by side in one JVM and on one thread: the Jackson tree
 * ({@code encodeTree}, what every table went through before) against the direct {@code
 * JsonGenerator} writer ({@code encodeStreaming}), over the same updates of a payments row as the
 * pgoutput stream hands them over (REPLICA IDENTITY FULL: before and after), in alternating rounds
 * so that other load on the machine hits both alike. Prints changes/s and bytes allocated per
 * change for each round, then the median ratio. In this package for the package-private encoder.
 *
 * <pre>{@code
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) \
 *     dev.sluice.ingest.StagingEncodingBenchmark [changes per round, default 200000] [rounds, 7]
 * }</pre>
 */
public final class StagingEncodingBenchmark {

    private static final Schema NUMERIC =
            SchemaBuilder.string()
                    .parameter(ChangeEventEncoder.SOURCE_TYPE_PARAMETER, "NUMERIC")
                    .optional()
                    .build();
    private static final Schema ZONED =
            SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").optional().build();
    private static final Schema ROW =
            SchemaBuilder.struct()
                    .name("payments.public.payments.Value")
                    .optional()
                    .field("id", Schema.INT64_SCHEMA)
                    .field("card_id", Schema.INT64_SCHEMA)
                    .field("amount", NUMERIC)
                    .field("currency", Schema.STRING_SCHEMA)
                    .field("status", Schema.STRING_SCHEMA)
                    .field("created_at", ZONED)
                    .field("updated_at", ZONED)
                    .build();
    private static final Schema SOURCE =
            SchemaBuilder.struct()
                    .name("io.debezium.connector.postgresql.Source")
                    .field("version", Schema.STRING_SCHEMA)
                    .field("connector", Schema.STRING_SCHEMA)
                    .field("name", Schema.STRING_SCHEMA)
                    .field("ts_ms", Schema.INT64_SCHEMA)
                    .field("snapshot", Schema.OPTIONAL_STRING_SCHEMA)
                    .field("db", Schema.STRING_SCHEMA)
                    .field("sequence", Schema.OPTIONAL_STRING_SCHEMA)
                    .field("schema", Schema.STRING_SCHEMA)
                    .field("table", Schema.STRING_SCHEMA)
                    .field("txId", Schema.OPTIONAL_INT64_SCHEMA)
                    .field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
                    .field("xmin", Schema.OPTIONAL_INT64_SCHEMA)
                    .build();
    private static final Schema ENVELOPE =
            SchemaBuilder.struct()
                    .name("payments.public.payments.Envelope")
                    .field("before", ROW)
                    .field("after", ROW)
                    .field("source", SOURCE)
                    .field("op", Schema.STRING_SCHEMA)
                    .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
                    .build();
    private static final Schema KEY =
            SchemaBuilder.struct()
                    .name("payments.public.payments.Key")
                    .field("id", Schema.INT64_SCHEMA)
                    .build();

    private StagingEncodingBenchmark() {}

    public static void main(String[] args) throws Exception {
        int perRound = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        List<SourceRecord> records = records(1_000);
        StagingRecordDeserializer deserializer =
                new StagingRecordDeserializer("staging", "payments", "staging.dead_letter");
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        // warm-up: both paths, same work
        for (int i = 0; i < 2; i++) {
            run(deserializer, records, perRound, true);
            run(deserializer, records, perRound, false);
        }
        double[] ratios = new double[rounds];
        System.out.printf(
                Locale.ROOT,
                "%d rounds of %,d payments updates (before and after), load average %s%n",
                rounds,
                perRound,
                loadAverage());
        for (int round = 0; round < rounds; round++) {
            double[] perSecond = new double[2];
            double[] allocated = new double[2];
            // alternate which goes first
            for (int k = 0; k < 2; k++) {
                boolean tree = (round + k) % 2 == 0;
                long bytes = threads.getThreadAllocatedBytes(thread);
                long start = System.nanoTime();
                run(deserializer, records, perRound, tree);
                double seconds = (System.nanoTime() - start) / 1e9;
                int side = tree ? 0 : 1;
                perSecond[side] = perRound / seconds;
                allocated[side] =
                        (threads.getThreadAllocatedBytes(thread) - bytes) / (double) perRound;
            }
            ratios[round] = perSecond[1] / perSecond[0];
            System.out.printf(
                    Locale.ROOT,
                    "round %d: tree %,.0f changes/s %,.0f B/change | streaming %,.0f changes/s"
                            + " %,.0f B/change | ratio %.2f%n",
                    round + 1,
                    perSecond[0],
                    allocated[0],
                    perSecond[1],
                    allocated[1],
                    ratios[round]);
        }
        Arrays.sort(ratios);
        System.out.printf(
                Locale.ROOT,
                "median streaming/tree %.2f (min %.2f, max %.2f), load average %s%n",
                ratios[rounds / 2],
                ratios[0],
                ratios[rounds - 1],
                loadAverage());
    }

    private static long sink;

    private static void run(
            StagingRecordDeserializer deserializer,
            List<SourceRecord> records,
            int count,
            boolean tree)
            throws Exception {
        for (int i = 0; i < count; i++) {
            SourceRecord record = records.get(i % records.size());
            Struct value = (Struct) record.value();
            ChangeEventEncoder.Substitutions substitutions = new ChangeEventEncoder.Substitutions();
            StagingRecord staged =
                    tree
                            ? deserializer.encodeTree(record, value, substitutions)
                            : deserializer.encodeStreaming(record, value, substitutions);
            sink += staged.value.length + staged.key.length;
        }
    }

    private static List<SourceRecord> records(int count) {
        List<SourceRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long id = 1_000_000L + i;
            Struct before = row(id, i, "authorized", "2026-12-06T16:03:01.123456Z");
            Struct after = row(id, i, "captured", "2026-12-06T16:03:02.654321Z");
            Struct source =
                    new Struct(SOURCE)
                            .put("version", "1.9.8.Final")
                            .put("connector", "postgresql")
                            .put("name", "postgres_cdc_source")
                            .put("ts_ms", 1_765_036_982_000L + i)
                            .put("snapshot", "false")
                            .put("db", "payments")
                            .put("schema", "public")
                            .put("table", "payments")
                            .put("txId", 4_242L + i / 20)
                            .put("lsn", 123_456_789L + 200L * i);
            Struct value =
                    new Struct(ENVELOPE)
                            .put("before", before)
                            .put("after", after)
                            .put("source", source)
                            .put("op", "u")
                            .put("ts_ms", 1_765_036_982_321L + i);
            records.add(
                    new SourceRecord(
                            Map.of("server", "payments"),
                            Map.of("lsn", 123_456_789L + 200L * i),
                            "payments.public.payments",
                            null,
                            KEY,
                            new Struct(KEY).put("id", id),
                            ENVELOPE,
                            value));
        }
        return records;
    }

    private static Struct row(long id, int i, String status, String updatedAt) {
        return new Struct(ROW)
                .put("id", id)
                .put("card_id", 10_000L + i % 977)
                .put("amount", (i % 5000) + "." + String.format(Locale.ROOT, "%02d", i % 100))
                .put("currency", i % 3 == 0 ? "EUR" : "USD")
                .put("status", status)
                .put("created_at", "2026-12-06T16:03:01.123456Z")
                .put("updated_at", updatedAt);
    }

    private static String loadAverage() {
        try {
            return String.join(
                    " ",
                    Arrays.copyOf(
                            java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
                                    .split(" "),
                            3));
        } catch (java.io.IOException e) {
            return "n/a";
        }
    }
}
