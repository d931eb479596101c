package dev.sluice.benchmarks;

import dev.sluice.cluster.LocalFlinkCluster;
import dev.sluice.demo.PaymentsDatabase;
import dev.sluice.demo.PaymentsScenario;
import dev.sluice.harness.EmbeddedStack;
import dev.sluice.harness.LoadGenerator;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;
import org.postgresql.replication.PGReplicationStream;

/**
 * The CDC benchmark (issue #14): every stage of the payments path on the embedded stack, each
 * against its own physical limit in the same run, then the sustained end-to-end rate with its
 * freshness. Prints one table; never run as a timed test ({@code CdcBenchmarkITCase} only checks
 * that it runs at tiny sizes).
 *
 * <pre>{@code
 * benchmarks/run-cdc-benchmark [--quick] [--snapshot-rows N] [--backlog N] [--hold S]
 *     [--rates r1,r2,...] [--connections N] [--batch N]
 * }</pre>
 */
public final class CdcBenchmark {

    /** The payments pipeline's checkpoint interval ({@code @checkpoint-interval 2 s}). */
    static final Duration PIPELINE_CHECKPOINT = Duration.ofSeconds(2);

    static final Duration INGEST_CHECKPOINT = Duration.ofSeconds(1);

    private static final Duration STAGE_DEADLINE = Duration.ofMinutes(30);
    private static final String RAW_SLOT = "sluice_benchmark_raw";

    /** The sizes of a run. */
    record Settings(
            long snapshotRows,
            long backlogChanges,
            Duration hold,
            List<Integer> rates,
            int connections,
            int batch,
            int customers) {

        static Settings full() {
            return new Settings(
                    2_000_000,
                    1_000_000,
                    Duration.ofSeconds(60),
                    List.of(2_500, 5_000, 10_000, 20_000, 30_000, 40_000),
                    4,
                    20,
                    10_000);
        }

        static Settings quick() {
            return new Settings(
                    100_000,
                    50_000,
                    Duration.ofSeconds(15),
                    List.of(1_000, 2_500, 5_000),
                    4,
                    20,
                    2_000);
        }

        static Settings parse(String[] args) {
            Settings s = Arrays.asList(args).contains("--quick") ? quick() : full();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--quick")) {
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(
                            "Option " + arg + " needs a value; see benchmarks/run-cdc-benchmark");
                }
                String value = args[++i];
                s =
                        switch (arg) {
                            case "--snapshot-rows" ->
                                    new Settings(
                                            Long.parseLong(value),
                                            s.backlogChanges,
                                            s.hold,
                                            s.rates,
                                            s.connections,
                                            s.batch,
                                            s.customers);
                            case "--backlog" ->
                                    new Settings(
                                            s.snapshotRows,
                                            Long.parseLong(value),
                                            s.hold,
                                            s.rates,
                                            s.connections,
                                            s.batch,
                                            s.customers);
                            case "--hold" ->
                                    new Settings(
                                            s.snapshotRows,
                                            s.backlogChanges,
                                            Duration.ofSeconds(Long.parseLong(value)),
                                            s.rates,
                                            s.connections,
                                            s.batch,
                                            s.customers);
                            case "--rates" ->
                                    new Settings(
                                            s.snapshotRows,
                                            s.backlogChanges,
                                            s.hold,
                                            Arrays.stream(value.split(","))
                                                    .map(String::trim)
                                                    .map(Integer::valueOf)
                                                    .toList(),
                                            s.connections,
                                            s.batch,
                                            s.customers);
                            case "--connections" ->
                                    new Settings(
                                            s.snapshotRows,
                                            s.backlogChanges,
                                            s.hold,
                                            s.rates,
                                            Integer.parseInt(value),
                                            s.batch,
                                            s.customers);
                            case "--batch" ->
                                    new Settings(
                                            s.snapshotRows,
                                            s.backlogChanges,
                                            s.hold,
                                            s.rates,
                                            s.connections,
                                            Integer.parseInt(value),
                                            s.customers);
                            case "--customers" ->
                                    new Settings(
                                            s.snapshotRows,
                                            s.backlogChanges,
                                            s.hold,
                                            s.rates,
                                            s.connections,
                                            s.batch,
                                            Integer.parseInt(value));
                            default ->
                                    throw new IllegalArgumentException(
                                            "Unknown option "
                                                    + arg
                                                    + ". Use --quick, --snapshot-rows N, --backlog N,"
                                                    + " --hold SECONDS, --rates R1,R2,..., --connections N,"
                                                    + " --batch N, --customers N");
                        };
            }
            return s;
        }
    }

    /** One row of the stage table: ours against its limit. */
    record Stage(
            String name,
            long units,
            double startupSeconds,
            double oursPerSecond,
            String limitName,
            double limitPerSecond,
            String load) {
        double ratio() {
            return oursPerSecond / limitPerSecond;
        }
    }

    /** One step of the end-to-end ramp. */
    record Step(
            int askedChangesPerSecond,
            LoadGenerator.Result load,
            long commits,
            long p50Millis,
            long p99Millis,
            long maxMillis,
            double cpuSecondsPerMillion,
            double jvmRssMb,
            double postgresRssMb,
            String loadAverage,
            boolean held,
            boolean keptUp,
            FreshnessBreakdown.Hops hops) {}

    /** What a run measured. */
    record Report(List<Stage> stages, List<Step> steps) {
        Step highestHeld() {
            Step best = null;
            for (Step step : steps) {
                if (step.held()) {
                    best = step;
                }
            }
            return best;
        }

        Step highestKeptUp() {
            Step best = null;
            for (Step step : steps) {
                if (step.keptUp()) {
                    best = step;
                }
            }
            return best;
        }
    }

    private final Settings settings;
    private final PrintStream out;
    private final Progress progress;
    private final long jvmPid = ProcessHandle.current().pid();
    private EmbeddedStack stack;
    private PaymentsScenario scenario;
    private LocalFlinkCluster flink;
    private final List<Stage> stages = new ArrayList<>();
    private final Map<Boolean, KafkaConsumer<byte[], byte[]>> offsetConsumers = new HashMap<>();
    private final List<Step> steps = new ArrayList<>();

    /** The payments pipeline's job, whose checkpoints the end-to-end steps time. */
    private String pipelineJobId;

    /** The ingest job (resumed after the stream drain), whose checkpoints the steps time too. */
    private String ingestJobId;

    /** Ingest options for the run ({@code --ingest key=value}), e.g. producer batching. */
    private final Map<String, String> ingestOptions = new LinkedHashMap<>();

    /** Only the ingest stages (snapshot, stream drain): {@code --ingest-only}. */
    private boolean ingestOnly;

    CdcBenchmark(Settings settings, PrintStream out, boolean interactive) {
        this.settings = settings;
        this.out = out;
        this.progress = new Progress(interactive ? System.err : null);
    }

    public static void main(String[] args) throws Exception {
        // options of the run rather than of its sizes: --ingest key=value (repeatable),
        // --ingest-only; the rest are sizes
        Map<String, String> ingestOptions = new LinkedHashMap<>();
        boolean ingestOnly = false;
        List<String> sizes = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--ingest-only")) {
                ingestOnly = true;
            } else if (args[i].equals("--ingest")) {
                String option = i + 1 < args.length ? args[++i] : "";
                int equals = option.indexOf('=');
                if (equals <= 0) {
                    throw new IllegalArgumentException(
                            "Option --ingest needs key=value (an ingest job option, see"
                                    + " docs/ingest.md), e.g. --ingest kafka.producer.linger=0ms;"
                                    + " got '"
                                    + option
                                    + "'");
                }
                ingestOptions.put(option.substring(0, equals), option.substring(equals + 1));
            } else {
                sizes.add(args[i]);
            }
        }
        Settings settings = Settings.parse(sizes.toArray(String[]::new));
        CdcBenchmark benchmark = new CdcBenchmark(settings, System.out, System.console() != null);
        benchmark.ingestOptions.putAll(ingestOptions);
        benchmark.ingestOnly = ingestOnly;
        Report report = benchmark.run();
        if (report.stages().isEmpty()) {
            System.exit(1);
        }
        // Iceberg's and Kafka's non-daemon threads would keep the JVM alive
        System.exit(0);
    }

    Report run() throws Exception {
        Path work = Files.createTempDirectory("sluice-cdc-benchmark-");
        out.printf(
                Locale.ROOT,
                "CDC benchmark: snapshot %,d rows, backlog %,d changes, end to end %s changes/s"
                        + " held %d s each (%d connections, %d changes per transaction)%n"
                        + "machine: %d cores, load average %s at start%s%n",
                settings.snapshotRows(),
                settings.backlogChanges(),
                settings.rates(),
                settings.hold().toSeconds(),
                settings.connections(),
                settings.batch(),
                Runtime.getRuntime().availableProcessors(),
                ProcessStats.loadAverage(),
                (ingestOptions.isEmpty() ? "" : "; ingest options " + ingestOptions)
                        + (ingestOnly ? "; ingest stages only" : ""));
        List<JobClient> jobs = new ArrayList<>();
        try {
            stack = EmbeddedStack.start(work);
            Configuration cluster = new Configuration();
            // the end-to-end steps match Iceberg commits to the pipeline's checkpoints by id
            cluster.set(WebOptions.CHECKPOINTS_HISTORY_SIZE, FreshnessBreakdown.CHECKPOINT_HISTORY);
            flink = LocalFlinkCluster.start(8, cluster);
            scenario =
                    new PaymentsScenario(
                            stack,
                            14,
                            INGEST_CHECKPOINT,
                            PaymentsScenario.Source.POSTGRES,
                            ingestOptions);
            progress.note("creating the source database");
            scenario.createSourceDatabase(settings.customers());
            try (Connection connection = scenario.connect()) {
                CdcWorkload.bulkInsertPayments(connection, settings.snapshotRows());
                try (Statement statement = connection.createStatement()) {
                    statement.execute("VACUUM ANALYZE");
                }
            }
            JobClient ingest = snapshot();
            ingest = streamDrain(ingest, work.resolve("savepoints"));
            ingestJobId = ingest.getJobID().toHexString();
            jobs.add(ingest);
            if (!ingestOnly) {
                jobs.add(icebergUpsert());
                jobs.add(jdbcUpsert());
                endToEnd();
            }
        } finally {
            progress.done();
            for (JobClient job : jobs) {
                try {
                    job.cancel().get(60, TimeUnit.SECONDS);
                } catch (Exception e) {
                    out.println("Cancelling job " + job.getJobID() + " failed: " + e);
                }
            }
            offsetConsumers.values().forEach(KafkaConsumer::close);
            if (flink != null) {
                flink.close();
            }
            if (stack != null) {
                dropRawSlot();
                stack.close();
            }
        }
        Report report = new Report(List.copyOf(stages), List.copyOf(steps));
        print(report);
        return report;
    }

    // ---------------------------------------------------------------- snapshot

    private JobClient snapshot() throws Exception {
        long rows = 0;
        for (String table : PaymentsScenario.SOURCE_TABLES) {
            rows += scenario.postgresRows(table);
        }
        // the limit: COPY of the same tables over JDBC, counting rows and bytes
        progress.note("COPY TO STDOUT of " + rows + " rows");
        long copyStart = System.nanoTime();
        long copied = 0;
        try (Connection connection = scenario.connect()) {
            CopyManager copy = new CopyManager(connection.unwrap(BaseConnection.class));
            for (String table : PaymentsScenario.SOURCE_TABLES) {
                copied +=
                        copy.copyOut(
                                "COPY (SELECT * FROM " + table + ") TO STDOUT",
                                OutputStream.nullOutputStream());
            }
        }
        double copySeconds = seconds(copyStart);
        // ours: the ingest job's snapshot into staging, from submission to the last row staged
        long start = System.nanoTime();
        double cpuStart = ProcessStats.jvmCpuSeconds();
        JobClient ingest = scenario.startIngest(flink.environment(new Configuration()));
        long target = rows;
        long first = awaitCount("snapshot into staging", target, () -> stagedRecords(true));
        printCpu("snapshot", rows, cpuStart);
        addStage(
                new Stage(
                        "snapshot (ingest job → staging)",
                        rows,
                        startup(start, first),
                        rate(rows, start, first),
                        "COPY (SELECT *) TO STDOUT",
                        copied / copySeconds,
                        ProcessStats.loadAverage()));
        return ingest;
    }

    // ------------------------------------------------------------- stream drain

    private JobClient streamDrain(JobClient ingest, Path savepoints) throws Exception {
        // a checkpoint after the snapshot, so that the savepoint holds the stream position
        awaitSeconds(3 * INGEST_CHECKPOINT.toSeconds());
        progress.note("stopping ingest with a savepoint");
        String savepoint =
                ingest.stopWithSavepoint(
                                false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                        .get(5, TimeUnit.MINUTES);
        try (Connection connection = stack.postgres().connect(PaymentsDatabase.NAME);
                Statement statement = connection.createStatement()) {
            statement.execute(
                    "SELECT pg_create_logical_replication_slot('" + RAW_SLOT + "', 'pgoutput')");
        }
        long stagedBefore = stagedRecords(false);
        // the backlog: committed while nothing reads the WAL
        LoadGenerator.Result backlog = writeBacklog(settings.backlogChanges());
        long changes = backlog.rowChanges();
        // the limit: a raw pgoutput read of the same backlog through PgJDBC's replication API
        progress.note("raw pgoutput read of " + changes + " changes");
        long rawStart = System.nanoTime();
        long raw = readRawPgoutput(changes);
        double rawSeconds = seconds(rawStart);
        // ours: the ingest job resumed from its savepoint drains the backlog into staging
        Configuration resume = new Configuration();
        resume.setString("execution.savepoint.path", savepoint);
        long start = System.nanoTime();
        double cpuStart = ProcessStats.jvmCpuSeconds();
        JobClient resumed = scenario.startIngest(flink.environment(resume));
        long first =
                awaitCount(
                        "stream drain into staging",
                        changes,
                        () -> stagedRecords(true) - stagedBefore);
        printCpu("stream drain", changes, cpuStart);
        addStage(
                new Stage(
                        "stream drain (WAL → staging)",
                        changes,
                        startup(start, first),
                        rate(changes, start, first),
                        "raw pgoutput read (PgJDBC)",
                        raw / rawSeconds,
                        ProcessStats.loadAverage()));
        return resumed;
    }

    /**
     * The JVM's CPU seconds (Flink, Kafka and this benchmark, not PostgreSQL) since {@code
     * cpuStart}, per million units: less sensitive to other load on the machine than the rate.
     */
    private void printCpu(String stage, long units, double cpuStart) {
        double cpu = ProcessStats.jvmCpuSeconds() - cpuStart;
        out.printf(
                Locale.ROOT,
                "%s: JVM CPU %.1f s from job submission, %,.0f CPU-s per 1M%n",
                stage,
                cpu,
                cpu * 1e6 / Math.max(1, units));
    }

    private void addStage(Stage stage) {
        stages.add(stage);
        out.printf(
                Locale.ROOT,
                "%s: %,.0f/s after %.1f s start-up, against %s %,.0f/s (%.3f), load average"
                        + " %s%n",
                stage.name(),
                stage.oursPerSecond(),
                stage.startupSeconds(),
                stage.limitName(),
                stage.limitPerSecond(),
                stage.ratio(),
                stage.load());
    }

    private LoadGenerator.Result writeBacklog(long changes) throws Exception {
        long transactions = Math.max(1, changes / settings.batch());
        progress.note("writing a backlog of " + changes + " changes");
        // as fast as the database takes them, for as long as the count needs
        try (LoadGenerator load =
                LoadGenerator.start(
                        new LoadGenerator.Settings(
                                settings.connections(), 1_000_000, Duration.ofHours(1)),
                        scenario::connect,
                        this::lane)) {
            awaitCount(
                    "backlog written",
                    transactions,
                    () -> {
                        if (load.failure() != null) {
                            throw new IllegalStateException(
                                    "The backlog's load failed: " + load.failure(), load.failure());
                        }
                        if (load.transactions() >= transactions) {
                            load.stop();
                        }
                        return load.transactions();
                    });
            load.stop();
            return load.result();
        }
    }

    private LoadGenerator.Lane lane(int index) {
        try (Connection connection = scenario.connect()) {
            return CdcWorkload.lane(
                    connection, index, settings.connections(), settings.batch(), 14);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot prepare workload lane " + index, e);
        }
    }

    private long readRawPgoutput(long expected) throws Exception {
        Properties properties = new Properties();
        PGProperty.USER.set(properties, stack.postgres().username());
        PGProperty.PASSWORD.set(properties, stack.postgres().password());
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(properties, "9.4");
        PGProperty.REPLICATION.set(properties, "database");
        PGProperty.PREFER_QUERY_MODE.set(properties, "simple");
        long changes = 0;
        long deadline = System.nanoTime() + STAGE_DEADLINE.toNanos();
        try (Connection connection =
                        DriverManager.getConnection(
                                stack.postgres().jdbcUrl(PaymentsDatabase.NAME), properties);
                PGReplicationStream stream =
                        connection
                                .unwrap(PGConnection.class)
                                .getReplicationAPI()
                                .replicationStream()
                                .logical()
                                .withSlotName(RAW_SLOT)
                                .withSlotOption("proto_version", 1)
                                .withSlotOption(
                                        "publication_names",
                                        scenario.ingestConfig().publicationName())
                                .start()) {
            while (changes < expected) {
                ByteBuffer message = stream.readPending();
                if (message == null) {
                    if (System.nanoTime() > deadline) {
                        throw new TimeoutException(
                                "Raw pgoutput read: " + changes + " of " + expected + " changes");
                    }
                    TimeUnit.MILLISECONDS.sleep(1); // waiting for the server, not pacing
                    continue;
                }
                byte type = message.get(message.position());
                if (type == 'I' || type == 'U' || type == 'D') {
                    changes++;
                    progress.update("raw pgoutput read", changes, expected);
                }
            }
        }
        return changes;
    }

    private void dropRawSlot() {
        try (Connection connection = stack.postgres().connect(PaymentsDatabase.NAME);
                Statement statement = connection.createStatement()) {
            statement.execute(
                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                            + " WHERE slot_name = '"
                            + RAW_SLOT
                            + "'");
        } catch (SQLException e) {
            out.println("Dropping the raw replication slot failed: " + e.getMessage());
        }
    }

    // ------------------------------------------------------- staging → Iceberg

    private JobClient icebergUpsert() throws Exception {
        // the limit: a plain Kafka consumer reading the same topics
        long consumeStart = System.nanoTime();
        long consumed = consumeAll(topics());
        double consumeSeconds = seconds(consumeStart);
        long records = consumed;
        // ours: the warehouse pipeline from the start of staging until Iceberg equals Postgres
        long start = System.nanoTime();
        JobClient pipeline = scenario.startPipeline(flink.environment(new Configuration()));
        pipelineJobId = pipeline.getJobID().toHexString();
        long[] expected = new long[PaymentsScenario.SOURCE_TABLES.size()];
        long expectedTotal = 0;
        for (int i = 0; i < expected.length; i++) {
            expected[i] = scenario.postgresRows(PaymentsScenario.SOURCE_TABLES.get(i));
            expectedTotal += expected[i];
        }
        long total = expectedTotal;
        long first =
                awaitCount(
                        "staging → Iceberg (rows equal to Postgres)",
                        total,
                        () -> {
                            long matching = 0;
                            for (int i = 0; i < expected.length; i++) {
                                long rows = icebergRows(PaymentsScenario.SOURCE_TABLES.get(i));
                                matching +=
                                        rows == expected[i]
                                                ? rows
                                                : Math.min(rows, expected[i] - 1);
                            }
                            awaitSeconds(
                                    1); // each check scans the tables: not more than once a second
                            return matching;
                        });
        double perSecond = rate(records, start, first);
        double startup = startup(start, first);
        String load = ProcessStats.loadAverage();
        addStage(
                new Stage(
                        "staging → Iceberg upsert",
                        records,
                        startup,
                        perSecond,
                        "plain Kafka consumer",
                        consumed / consumeSeconds,
                        load));
        // the other limit: Iceberg append of the same rows (generic Parquet writer, no Flink)
        double append = icebergAppend(records);
        addStage(
                new Stage(
                        "staging → Iceberg upsert",
                        records,
                        startup,
                        perSecond,
                        "Iceberg append, same rows",
                        append,
                        ProcessStats.loadAverage()));
        return pipeline;
    }

    private long icebergRows(String table) {
        TableIdentifier identifier = PaymentsScenario.warehouseTable(table);
        return stack.iceberg().rowCount(identifier);
    }

    private double icebergAppend(long rows) throws Exception {
        Table source = stack.iceberg().loadTable(PaymentsScenario.warehouseTable("payments"));
        List<Record> sample = new ArrayList<>();
        try (CloseableIterable<Record> records = IcebergGenerics.read(source).build()) {
            for (Record record : records) {
                sample.add(record.copy());
                if (sample.size() >= 100_000) {
                    break;
                }
            }
        }
        TableIdentifier appendId =
                TableIdentifier.of(
                        PaymentsScenario.warehouseTable("payments").namespace(),
                        "payments_append_benchmark");
        Table target =
                stack.iceberg()
                        .catalog()
                        .createTable(appendId, source.schema(), PartitionSpec.unpartitioned());
        progress.note("Iceberg append of " + rows + " rows");
        long start = System.nanoTime();
        GenericAppenderFactory appenders = new GenericAppenderFactory(target.schema());
        OutputFileFactory files =
                OutputFileFactory.builderFor(target, 1, 1).format(FileFormat.PARQUET).build();
        DataWriter<Record> writer =
                appenders.newDataWriter(files.newOutputFile(), FileFormat.PARQUET, null);
        try (writer) {
            for (long i = 0; i < rows; i++) {
                writer.write(sample.get((int) (i % sample.size())));
            }
        }
        target.newAppend().appendFile(writer.toDataFile()).commit();
        return rows / seconds(start);
    }

    /**
     * Reads the topics from the beginning to their current end (committed records only) with a
     * plain consumer and returns the records read.
     */
    private long consumeAll(Collection<String> topics) throws Exception {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        long count = 0;
        long deadline = System.nanoTime() + STAGE_DEADLINE.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = partitions(consumer, topics);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long total = ends.values().stream().mapToLong(Long::longValue).sum();
            while (true) {
                long behind = 0;
                for (TopicPartition partition : partitions) {
                    behind += Math.max(0, ends.get(partition) - consumer.position(partition));
                }
                progress.update("plain Kafka consumer (offsets)", total - behind, total);
                if (behind == 0) {
                    return count;
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                count += records.count();
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException(
                            "Plain Kafka consumer: " + behind + " offsets left after " + count);
                }
            }
        }
    }

    // ---------------------------------------------------------- staging → JDBC

    private JobClient jdbcUpsert() throws Exception {
        String topic = scenario.stagingTopic("customers");
        long records = consumeAll(List.of(topic));
        long customers = scenario.postgresRows("customers");
        long start = System.nanoTime();
        JobClient crm = scenario.startCrmPipeline(flink.environment(new Configuration()));
        long first =
                awaitCount(
                        "staging → JDBC upsert (CRM rows equal to Postgres)",
                        customers,
                        () -> {
                            awaitSeconds(1);
                            return scenario.crmRows();
                        });
        double perSecond = rate(records, start, first);
        String load = ProcessStats.loadAverage();
        // the limit: batched INSERT … ON CONFLICT by JDBC directly, as many rows, same keys
        double direct = directUpsert(records, customers);
        addStage(
                new Stage(
                        "staging → JDBC upsert",
                        records,
                        startup(start, first),
                        perSecond,
                        "batched INSERT … ON CONFLICT",
                        direct,
                        load));
        return crm;
    }

    private double directUpsert(long rows, long keys) throws SQLException {
        try (Connection connection = stack.postgres().connect(PaymentsScenario.CRM_DATABASE)) {
            try (Statement statement = connection.createStatement()) {
                statement.execute(
                        "CREATE TABLE customers_direct (id BIGINT PRIMARY KEY, name TEXT,"
                                + " email_hash TEXT, phone TEXT, country TEXT, updated_at TIMESTAMP)");
            }
            connection.setAutoCommit(false);
            long start = System.nanoTime();
            try (PreparedStatement upsert =
                    connection.prepareStatement(
                            "INSERT INTO customers_direct (id, name, email_hash, phone, country,"
                                    + " updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO"
                                    + " UPDATE SET name = EXCLUDED.name, email_hash ="
                                    + " EXCLUDED.email_hash, phone = EXCLUDED.phone, country ="
                                    + " EXCLUDED.country, updated_at = EXCLUDED.updated_at")) {
                java.sql.Timestamp now = java.sql.Timestamp.from(Instant.now());
                for (long i = 0; i < rows; i++) {
                    upsert.setLong(1, 1 + i % Math.max(1, keys));
                    upsert.setString(2, "A*** L*******");
                    upsert.setString(3, Long.toHexString(i * 0x9E3779B97F4A7C15L));
                    upsert.setString(4, "+44 20 7946 0*" + (i % 100));
                    upsert.setString(5, "GB");
                    upsert.setTimestamp(6, now);
                    upsert.addBatch();
                    if (i % 1000 == 999 || i == rows - 1) {
                        // one key once per batch, as the connector's buffer reduces by key
                        upsert.executeBatch();
                        connection.commit();
                    }
                }
            }
            return rows / seconds(start);
        }
    }

    // ------------------------------------------------------------- end to end

    private void endToEnd() throws Exception {
        long goalMillis = PIPELINE_CHECKPOINT.toMillis() + 1000;
        Table payments = stack.iceberg().loadTable(PaymentsScenario.warehouseTable("payments"));
        for (int rate : settings.rates()) {
            payments.refresh();
            long lastSnapshot =
                    payments.currentSnapshot() == null
                            ? -1
                            : payments.currentSnapshot().snapshotId();
            double jvmCpu = ProcessStats.cpuSeconds(jvmPid);
            double pgCpu = ProcessStats.cpuSeconds(stack.postgres().pid());
            double tps = (double) rate / settings.batch();
            progress.note(
                    String.format(
                            Locale.ROOT,
                            "end to end at %,d changes/s for %d s",
                            rate,
                            settings.hold().toSeconds()));
            LoadGenerator.Result result;
            try (FreshnessBreakdown breakdown =
                    new FreshnessBreakdown(
                            stack.kafka().bootstrapServers(),
                            scenario.stagingTopic("payments"),
                            flink.webUi(),
                            ingestJobId,
                            pipelineJobId)) {
                try (LoadGenerator load =
                        LoadGenerator.start(
                                new LoadGenerator.Settings(
                                        settings.connections(), tps, settings.hold()),
                                scenario::connect,
                                this::lane)) {
                    long started = System.nanoTime();
                    while (!load.await(Duration.ofMillis(500))) {
                        progress.update(
                                "end to end at " + rate + "/s (seconds)",
                                (System.nanoTime() - started) / 1_000_000_000L,
                                settings.hold().toSeconds());
                    }
                    result = load.result();
                }
                double cpu =
                        ProcessStats.cpuSeconds(jvmPid)
                                - jvmCpu
                                + ProcessStats.cpuSeconds(stack.postgres().pid())
                                - pgCpu;
                // commits of the step's changes: wait one more pipeline interval and a bit
                awaitSeconds(PIPELINE_CHECKPOINT.toSeconds() * 2 + 2);
                payments.refresh();
                List<FreshnessBreakdown.Commit> commits =
                        FreshnessBreakdown.commits(payments, lastSnapshot);
                FreshnessBreakdown.Hops hops = breakdown.finish(commits);
                List<Long> lags = new ArrayList<>();
                commits.forEach(commit -> lags.add(commit.freshnessMillis()));
                FreshnessBreakdown.Percentiles freshness = FreshnessBreakdown.Percentiles.of(lags);
                long max = lags.isEmpty() ? -1 : Collections.max(lags);
                boolean held = result.reached() && !lags.isEmpty() && freshness.p99() <= goalMillis;
                boolean keptUp = result.reached() && keptUp(lags);
                steps.add(
                        new Step(
                                rate,
                                result,
                                lags.size(),
                                freshness.p50(),
                                freshness.p99(),
                                max,
                                cpu / Math.max(1, result.rowChanges()) * 1_000_000,
                                ProcessStats.rssMegabytes(jvmPid),
                                ProcessStats.rssMegabytes(stack.postgres().pid()),
                                ProcessStats.loadAverage(),
                                held,
                                keptUp,
                                hops));
                out.printf(
                        Locale.ROOT,
                        "end to end at %,d changes/s: %s; freshness p99 %d ms over %d commits%s%n",
                        rate,
                        result.describe(),
                        freshness.p99(),
                        lags.size(),
                        held ? "" : keptUp ? " (over the goal, kept up)" : " (fell behind)");
                if (!keptUp) {
                    break;
                }
            }
        }
    }

    /**
     * Whether the pipeline kept up with the step's load: its commits' freshness, oldest commit
     * first, did not grow over the step by more than one pipeline interval (the median of the last
     * third against the first third). A pipeline falling behind shows freshness growing with the
     * backlog; one that keeps up at a freshness over the goal shows it flat.
     */
    static boolean keptUp(List<Long> lagsOldestFirst) {
        int third = lagsOldestFirst.size() / 3;
        if (third == 0) {
            return false;
        }
        List<Long> first = new ArrayList<>(lagsOldestFirst.subList(0, third));
        List<Long> last =
                new ArrayList<>(
                        lagsOldestFirst.subList(
                                lagsOldestFirst.size() - third, lagsOldestFirst.size()));
        Collections.sort(first);
        Collections.sort(last);
        return FreshnessBreakdown.percentile(last, 0.5)
                <= FreshnessBreakdown.percentile(first, 0.5) + PIPELINE_CHECKPOINT.toMillis();
    }

    // ------------------------------------------------------------------ helpers

    private List<String> topics() {
        return PaymentsScenario.SOURCE_TABLES.stream().map(scenario::stagingTopic).toList();
    }

    /** Records in the staging topics (committed ones when {@code committed}). */
    private long stagedRecords(boolean committed) {
        return endOffsets(topics(), committed);
    }

    /**
     * The sum of the end offsets of the topics' partitions: the last stable offsets when {@code
     * committed}; both include one transaction marker per committed transaction and partition.
     */
    private long endOffsets(Collection<String> topics, boolean committed) {
        KafkaConsumer<byte[], byte[]> consumer = offsetsConsumer(committed);
        long total = 0;
        for (long offset : consumer.endOffsets(partitions(consumer, topics)).values()) {
            total += offset;
        }
        return total;
    }

    /**
     * One consumer per isolation level for end offsets, kept for the run: a new consumer per poll
     * cost the benchmark's JVM more CPU than the stage it timed at small sizes (JFR).
     */
    private KafkaConsumer<byte[], byte[]> offsetsConsumer(boolean committed) {
        return offsetConsumers.computeIfAbsent(
                committed,
                readCommitted -> {
                    Properties properties = new Properties();
                    properties.put(
                            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            stack.kafka().bootstrapServers());
                    properties.put(
                            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                            readCommitted ? "read_committed" : "read_uncommitted");
                    return new KafkaConsumer<>(
                            properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                });
    }

    private static List<TopicPartition> partitions(
            KafkaConsumer<byte[], byte[]> consumer, Collection<String> topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic)
                    .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        return partitions;
    }

    /**
     * Waits until {@code count} reaches {@code target}; returns the {@link System#nanoTime()} at
     * which it was first seen above zero (the end of the job's start-up, to a poll), or 0 when the
     * first count seen was already the target (start-up and work cannot be told apart).
     */
    private long awaitCount(String what, long target, Count count) throws Exception {
        long deadline = System.nanoTime() + STAGE_DEADLINE.toNanos();
        long firstUnit = 0;
        long done;
        while ((done = count.get()) < target) {
            if (firstUnit == 0 && done > 0) {
                firstUnit = System.nanoTime();
            }
            progress.update(what, done, target);
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(
                        what + ": " + done + " of " + target + " after " + STAGE_DEADLINE);
            }
            TimeUnit.MILLISECONDS.sleep(100); // polling a count, not pacing
        }
        progress.update(what, done, target);
        return firstUnit;
    }

    /** Start-up seconds from {@code start} to {@code first}, NaN when unknown ({@code first} 0). */
    private static double startup(long start, long first) {
        return first == 0 ? Double.NaN : (first - start) / 1e9;
    }

    /** {@code units} per second from {@code first} (or from {@code start} when unknown) to now. */
    private static double rate(long units, long start, long first) {
        return units / seconds(first == 0 ? start : first);
    }

    /** A count that may need the network or the database. */
    @FunctionalInterface
    private interface Count {
        long get() throws Exception;
    }

    private static void awaitSeconds(long seconds) throws InterruptedException {
        TimeUnit.SECONDS.sleep(seconds); // letting the jobs checkpoint, not pacing a test
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    // ------------------------------------------------------------------- table

    private void print(Report report) {
        out.println();
        out.printf(
                Locale.ROOT,
                "%s, %d cores, load average now %s%n",
                Instant.now().toString().substring(0, 16).replace('T', ' ') + " UTC",
                Runtime.getRuntime().availableProcessors(),
                ProcessStats.loadAverage());
        out.println();
        out.println(
                "| stage | units | job start-up s | ours (/s) | physical limit | limit (/s) |"
                        + " ours / limit | load average |");
        out.println("|---|---:|---:|---:|---|---:|---:|---|");
        for (Stage stage : report.stages()) {
            out.printf(
                    Locale.ROOT,
                    "| %s | %,d | %s | %,.0f | %s | %,.0f | %.3f | %s |%n",
                    stage.name(),
                    stage.units(),
                    Double.isNaN(stage.startupSeconds())
                            ? "n/a (included)"
                            : String.format(Locale.ROOT, "%.1f", stage.startupSeconds()),
                    stage.oursPerSecond(),
                    stage.limitName(),
                    stage.limitPerSecond(),
                    stage.ratio(),
                    stage.load());
        }
        out.println();
        out.printf(
                Locale.ROOT,
                "End to end (source commit → visible in an Iceberg scan; freshness of the oldest"
                        + " row of each commit; goal p99 ≤ %d ms = pipeline checkpoint + 1 s):%n%n",
                PIPELINE_CHECKPOINT.toMillis() + 1000);
        out.println(
                "| asked changes/s | achieved changes/s | commits | freshness p50 / p99 / max ms |"
                        + " CPU-s per 1M changes | RSS JVM / PostgreSQL MB | load average |"
                        + " held |");
        out.println("|---:|---:|---:|---|---:|---|---|---|");
        for (Step step : report.steps()) {
            out.printf(
                    Locale.ROOT,
                    "| %,d | %,.0f | %d | %d / %d / %d | %,.0f | %,.0f / %,.0f | %s | %s |%n",
                    step.askedChangesPerSecond(),
                    step.load().rowChangesPerSecond(),
                    step.commits(),
                    step.p50Millis(),
                    step.p99Millis(),
                    step.maxMillis(),
                    step.cpuSecondsPerMillion(),
                    step.jvmRssMb(),
                    step.postgresRssMb(),
                    step.loadAverage(),
                    step.held()
                            ? "yes"
                            : !step.load().reached()
                                    ? "no (load: short)"
                                    : step.keptUp()
                                            ? "no (freshness; kept up)"
                                            : "no (fell behind)");
        }
        out.println();
        out.println(
                "Where the freshness goes (p50 / p99 ms; see FreshnessBreakdown): source commit →"
                        + " visible in staging to read_committed (WAL read, ingest checkpoint, Kafka"
                        + " commit), beside the ingest checkpoints' own duration; oldest row of an"
                        + " Iceberg commit → the pipeline checkpoint that committed it (the above"
                        + " plus waiting for the checkpoint) → its last acknowledgement → Iceberg"
                        + " commit:");
        out.println();
        out.println(
                "| asked changes/s | source commit → visible in staging | ingest checkpoint"
                        + " trigger → last ack | oldest row → pipeline checkpoint trigger | trigger"
                        + " → last ack | last ack → Iceberg commit | freshness p50 / p99 |");
        out.println("|---:|---|---|---|---|---|---|");
        for (Step step : report.steps()) {
            FreshnessBreakdown.Hops hops = step.hops();
            out.printf(
                    Locale.ROOT,
                    "| %,d | %s | %s | %s | %s | %s | %,d / %,d |%n",
                    step.askedChangesPerSecond(),
                    hops.sourceToVisible(),
                    hops.ingestCheckpoint(),
                    hops.oldestToTrigger(),
                    hops.triggerToAck(),
                    hops.ackToCommit(),
                    step.p50Millis(),
                    step.p99Millis());
        }
        Step best = report.highestHeld();
        out.println();
        out.println(
                best == null
                        ? "No rate held its freshness goal."
                        : String.format(
                                Locale.ROOT,
                                "Highest rate held for %d s: %,.0f row changes/s, freshness p50"
                                        + " %d ms, p99 %d ms, max %d ms.",
                                settings.hold().toSeconds(),
                                best.load().rowChangesPerSecond(),
                                best.p50Millis(),
                                best.p99Millis(),
                                best.maxMillis()));
        Step kept = report.highestKeptUp();
        if (kept != null && kept != best) {
            out.printf(
                    Locale.ROOT,
                    "Highest rate the pipelines kept up with for %d s (freshness flat, over the"
                            + " goal): %,.0f row changes/s, freshness p50 %d ms, p99 %d ms, max %d"
                            + " ms.%n",
                    settings.hold().toSeconds(),
                    kept.load().rowChangesPerSecond(),
                    kept.p50Millis(),
                    kept.p99Millis(),
                    kept.maxMillis());
        }
    }
}
