package dev.sluice.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.harness.Await;
import dev.sluice.harness.EmbeddedStack;
import dev.sluice.harness.KafkaBroker;
import dev.sluice.harness.PostgresServer;
import dev.sluice.pipeline.PipelineRunner;
import dev.sluice.sql.Pipeline;
import dev.sluice.sql.PipelineLoader;
import dev.sluice.sql.SourceText;
import dev.sluice.sql.SqlFiles;
import dev.sluice.sql.Variables;
import dev.sluice.testing.StandaloneFlinkCluster;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

/**
 * The fault-injection suite: PostgreSQL → ingest → staging (Kafka) → two pipelines (Iceberg upsert,
 * JDBC upsert) on a standalone Flink cluster whose TaskManagers are separate JVMs, under a steady
 * stream of inserts, updates, deletes, hot keys and multi-row transactions, while faults are
 * injected at random moments. After each fault the traffic pauses and the suite measures how long
 * every sink takes to equal the source again, and counts what was lost or duplicated:
 *
 * <ul>
 *   <li>staging: every committed change once (distinct source position per record), no gap per key
 *       (each update's and delete's {@code before} equals the key's previous {@code after}), as
 *       many changes as the traffic committed, and the replayed topic equal to the source;
 *   <li>Iceberg: every table equal to the source row for row, column by column (masked as the
 *       pipeline masks), no key twice;
 *   <li>JDBC: the CRM mirror equal to the source customers, masked.
 * </ul>
 *
 * <p>{@code FaultInjectionITCase} runs a CI-sized selection; {@code benchmarks/run-chaos} runs all
 * faults at full size. Used by tests only.
 */
final class ChaosSuite implements AutoCloseable {

    /** The faults, in the order the suite injects them. */
    enum Fault {
        TASK_MANAGER_KILL_INGEST("TaskManager kill -9 (the one running ingest)"),
        TASK_MANAGER_KILL_PIPELINE(
                "TaskManager kill -9 (the one running the Iceberg pipeline, just after a checkpoint:"
                        + " during its commit)"),
        RESCALE("stop-with-savepoint, restart at parallelism 1 → 2 → 1 (both pipelines)"),
        KAFKA_RESTART("Kafka broker restart"),
        POSTGRES_RESTART("PostgreSQL source restart (slot kept)"),
        WAREHOUSE_UNWRITABLE("Iceberg warehouse unwritable"),
        JDBC_TARGET_RESTART("JDBC target database restart"),
        JOB_MANAGER_RESTART(
                "JobManager restart (no HA: every job resubmitted from its last retained"
                        + " checkpoint)");

        final String description;

        Fault(String description) {
            this.description = description;
        }
    }

    /** How much to run: row changes at least, injections per fault, the faults, the outage. */
    record Settings(long changes, int injections, List<Fault> faults, Duration outage, long seed) {}

    /** One line of the table. */
    static final class Result {
        final Fault fault;
        int injected;
        long lost;
        long duplicated;
        final List<Duration> recoveries = new ArrayList<>();
        final List<String> notes = new ArrayList<>();

        Result(Fault fault) {
            this.fault = fault;
        }
    }

    /** Loss and duplication found by one comparison of every sink with the source. */
    record Damage(
            long stagingLost,
            long stagingDuplicated,
            long icebergLost,
            long icebergDuplicated,
            long jdbcLost,
            long jdbcDuplicated) {
        long lost() {
            return stagingLost + icebergLost + jdbcLost;
        }

        long duplicated() {
            return stagingDuplicated + icebergDuplicated + jdbcDuplicated;
        }

        boolean none() {
            return lost() == 0 && duplicated() == 0;
        }

        @Override
        public String toString() {
            return "staging "
                    + stagingLost
                    + "/"
                    + stagingDuplicated
                    + ", iceberg "
                    + icebergLost
                    + "/"
                    + icebergDuplicated
                    + ", jdbc "
                    + jdbcLost
                    + "/"
                    + jdbcDuplicated;
        }
    }

    /**
     * The JDBC target's password: the target trusts loopback connections and ignores it, so it can
     * be a canary that must appear in no log, REST answer or exception of the cluster.
     */
    static final String CANARY = "ch4os-c4n4ry-Pw-15";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WAREHOUSE = "warehouse";
    private static final String CRM = "crm";
    private static final List<Long> HOT_CUSTOMERS = List.of(1L, 2L, 3L);
    private static final Duration RECOVERY_DEADLINE = Duration.ofMinutes(5);

    private final Settings settings;
    private final EmbeddedStack stack;
    private final Path workDir;
    private final Path jobJar;
    private final Random random;
    private final PaymentsScenario scenario;
    private final PostgresServer crm;
    private final StandaloneFlinkCluster cluster;
    private final Path checkpoints;
    private final Map<String, JobClient> jobs = new LinkedHashMap<>();
    private final List<JobID> everyJob = new ArrayList<>();
    private final Map<String, Integer> parallelism = new HashMap<>();
    private final Map<Fault, Result> results = new EnumMap<>(Fault.class);
    private final Traffic traffic;
    private final List<String> log = new ArrayList<>();
    private int taskManagers = 2;
    private Damage previous = new Damage(0, 0, 0, 0, 0, 0);

    ChaosSuite(Settings settings, EmbeddedStack stack, Path workDir, Path jobJar) throws Exception {
        this.settings = settings;
        this.stack = stack;
        this.workDir = workDir;
        this.jobJar = jobJar;
        this.random = new Random(settings.seed());
        this.checkpoints = Files.createDirectories(workDir.resolve("checkpoints"));
        this.scenario = new PaymentsScenario(stack, settings.seed(), Duration.ofSeconds(1));
        this.crm = PostgresServer.start(Files.createDirectories(workDir.resolve("crm")));
        StandaloneFlinkCluster started = null;
        try {
            started =
                    StandaloneFlinkCluster.start(
                            workDir.resolve("flink"),
                            4,
                            taskManagers,
                            List.of(
                                    // a killed TaskManager or a stopped JobManager is noticed in
                                    // seconds, not the default 50 s
                                    "heartbeat.interval: 2000",
                                    "heartbeat.timeout: 8000",
                                    // each job (re)submission leaves 25-30 MB of classes in the
                                    // metaspace of the TaskManager that ran it (see
                                    // docs/reliability.md); the default 256 MB ran out after 8-11
                                    // submissions: room for a full run's 17
                                    "taskmanager.memory.jvm-metaspace.size: 768m",
                                    "taskmanager.memory.process.size: 1792m"));
        } catch (Exception e) {
            crm.close();
            throw e;
        }
        this.cluster = started;
        this.traffic = new Traffic();
    }

    /** Runs every fault and returns the table's lines. */
    List<Result> run() throws Exception {
        scenario.createSourceDatabase(200);
        crm.createDatabase(CRM);
        try (Connection connection = crm.connect(CRM);
                Statement statement = connection.createStatement()) {
            statement.execute(
                    "CREATE TABLE customers (id BIGINT PRIMARY KEY, name TEXT, email_hash TEXT,"
                            + " phone TEXT, country TEXT, updated_at TIMESTAMP)");
        }
        start("ingest", null, 1);
        start(WAREHOUSE, null, 1);
        start(CRM, null, 1);
        awaitEqual("the initial snapshot in every sink", Duration.ofMinutes(5));

        Thread thread = new Thread(traffic, "chaos-traffic");
        thread.setDaemon(true);
        thread.start();
        try {
            for (Fault fault : settings.faults()) {
                Result result = results.computeIfAbsent(fault, Result::new);
                for (int i = 0; i < settings.injections(); i++) {
                    awaitRandomMoment();
                    long injectedAt = System.nanoTime();
                    note("inject " + fault + " #" + (i + 1));
                    try {
                        inject(fault, result);
                    } catch (Exception e) {
                        // a cluster process that died on its own explains the failure best
                        try {
                            cluster.checkProcesses();
                        } catch (IllegalStateException died) {
                            died.addSuppressed(e);
                            throw died;
                        }
                        throw e;
                    }
                    result.injected++;
                    traffic.pause();
                    long faultOver = System.nanoTime();
                    Duration recovery = awaitEqualOrDeadline(fault + " #" + (i + 1));
                    result.recoveries.add(recovery);
                    Damage damage = damage();
                    result.lost += Math.max(0, damage.lost() - previous.lost());
                    result.duplicated += Math.max(0, damage.duplicated() - previous.duplicated());
                    if (!damage.none()) {
                        result.notes.add("#" + (i + 1) + ": " + damage);
                    }
                    note(
                            fault
                                    + " #"
                                    + (i + 1)
                                    + ": injected "
                                    + Duration.ofNanos(faultOver - injectedAt).toMillis()
                                    + " ms, recovered in "
                                    + recovery.toMillis()
                                    + " ms, damage so far: "
                                    + damage);
                    previous = damage;
                    traffic.resume();
                }
            }
            // the rest of the changes, without faults
            Await.until(
                    settings.changes() + " row changes committed",
                    Duration.ofHours(2),
                    () -> traffic.changes() >= settings.changes() || traffic.failure() != null);
        } finally {
            traffic.stop();
            thread.join(TimeUnit.MINUTES.toMillis(1));
        }
        if (traffic.failure() != null) {
            throw new IllegalStateException("The traffic stopped", traffic.failure());
        }
        awaitEqualOrDeadline("the end");
        Damage last = damage();
        note("final damage: " + last + " after " + traffic.changes() + " row changes");
        if (last.lost() > previous.lost() || last.duplicated() > previous.duplicated()) {
            Result tail = new Result(null);
            tail.lost = last.lost() - previous.lost();
            tail.duplicated = last.duplicated() - previous.duplicated();
            tail.notes.add("found only at the end: " + last);
            List<Result> all = new ArrayList<>(results.values());
            all.add(tail);
            return all;
        }
        return new ArrayList<>(results.values());
    }

    long changes() {
        return traffic.changes();
    }

    /**
     * Where the canary (the JDBC password) shows: every log and output file of the JobManager and
     * the TaskManagers, and the REST API's configuration, plan and exception history (failures
     * included: the faults failed every job several times) of every job this suite ran.
     */
    List<String> canaryFindings() throws Exception {
        List<String> found = new ArrayList<>();
        for (Path file : cluster.logFiles()) {
            if (Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1)
                    .contains(CANARY)) {
                found.add(file.toString());
            }
        }
        int answers = 0;
        for (JobID job : everyJob) {
            for (String path :
                    List.of("", "/config", "/plan", "/exceptions", "/checkpoints/config")) {
                String answer = cluster.get("jobs/" + job + path).toString();
                answers++;
                if (answer.contains(CANARY)) {
                    found.add("REST jobs/" + job + path);
                }
            }
        }
        note(
                "canary searched in "
                        + cluster.logFiles().size()
                        + " log files and "
                        + answers
                        + " REST answers: "
                        + found.size()
                        + " found");
        return found;
    }

    List<String> log() {
        return log;
    }

    StandaloneFlinkCluster cluster() {
        return cluster;
    }

    /** The table: fault × times injected × lost × duplicated × recovery time. */
    static String table(List<Result> results, long changes) {
        StringBuilder table = new StringBuilder();
        table.append("| fault | injected | lost | duplicated | recovery (median / max) |\n");
        table.append("|---|---:|---:|---:|---|\n");
        for (Result result : results) {
            List<Long> millis =
                    result.recoveries.stream().map(Duration::toMillis).sorted().toList();
            String recovery =
                    millis.isEmpty()
                            ? "—"
                            : String.format(
                                    "%.1f s / %.1f s",
                                    millis.get(millis.size() / 2) / 1000.0,
                                    millis.get(millis.size() - 1) / 1000.0);
            table.append("| ")
                    .append(result.fault == null ? "(end of run)" : result.fault.description)
                    .append(" | ")
                    .append(result.injected)
                    .append(" | ")
                    .append(result.lost)
                    .append(" | ")
                    .append(result.duplicated)
                    .append(" | ")
                    .append(recovery)
                    .append(" |\n");
        }
        table.append("\n").append(changes).append(" row changes committed to the source.\n");
        for (Result result : results) {
            for (String note : result.notes) {
                table.append("- ")
                        .append(result.fault == null ? "end" : result.fault.name())
                        .append(" ")
                        .append(note)
                        .append("\n");
            }
        }
        return table.toString();
    }

    private void note(String line) {
        String stamped = java.time.Instant.now() + " " + line;
        log.add(stamped);
        System.out.println("[chaos] " + stamped);
    }

    // ---------------------------------------------------------------- jobs

    private StreamExecutionEnvironment environment(String savepoint) {
        Configuration conf = new Configuration();
        conf.setString("restart-strategy.type", "fixed-delay");
        conf.setString("restart-strategy.fixed-delay.attempts", String.valueOf(Integer.MAX_VALUE));
        conf.setString("restart-strategy.fixed-delay.delay", "2 s");
        conf.setString("state.checkpoints.dir", checkpoints.toUri().toString());
        conf.setString("state.checkpoints.num-retained", "3");
        conf.setString(
                "execution.checkpointing.externalized-checkpoint-retention",
                "RETAIN_ON_CANCELLATION");
        if (savepoint != null) {
            conf.setString("execution.savepoint.path", savepoint);
        }
        return StreamExecutionEnvironment.createRemoteEnvironment(
                cluster.rest().getHost(), cluster.rest().getPort(), conf, jobJar.toString());
    }

    private void start(String job, String savepoint, int parallelism) throws Exception {
        StreamExecutionEnvironment env = environment(savepoint);
        JobClient client;
        switch (job) {
            case "ingest" -> client = scenario.startIngest(env);
            case WAREHOUSE -> client = startPipeline(env, PaymentsScenario.PIPELINE, parallelism);
            case CRM -> client = startPipeline(env, PaymentsScenario.CRM_PIPELINE, parallelism);
            default -> throw new IllegalArgumentException(job);
        }
        jobs.put(job, client);
        everyJob.add(client.getJobID());
        this.parallelism.put(job, parallelism);
        awaitRunning(job);
    }

    private JobClient startPipeline(StreamExecutionEnvironment env, String file, int parallelism) {
        SourceText original = SqlFiles.read(file);
        SourceText text =
                new SourceText(
                        original.name(),
                        original.text()
                                .replaceFirst(
                                        "(?m)^-- @parallelism \\d+",
                                        "-- @parallelism " + parallelism));
        Variables variables =
                scenario.variables()
                        .with(
                                Variables.builder()
                                        .put("CRM_JDBC_URL", crm.jdbcUrl(CRM), false, "chaos")
                                        .put("CRM_USER", crm.username(), false, "chaos")
                                        .put("CRM_PASSWORD", CANARY, true, "chaos")
                                        .build());
        Pipeline pipeline =
                PipelineLoader.load(
                        SqlFiles.readCatalog(PaymentsScenario.CATALOG), text, variables);
        StreamTableEnvironment tableEnv = StreamTableEnvironment.create(env);
        return PipelineRunner.execute(tableEnv, pipeline).getJobClient().orElseThrow();
    }

    private void awaitRunning(String job) throws Exception {
        JobID id = jobs.get(job).getJobID();
        Await.until(
                job + " job " + id + " running with every task",
                Duration.ofMinutes(3),
                IOException.class,
                () -> {
                    JsonNode details = cluster.get("jobs/" + id);
                    if (!"RUNNING".equals(details.path("state").asText())) {
                        return false;
                    }
                    for (JsonNode vertex : details.path("vertices")) {
                        if (!"RUNNING".equals(vertex.path("status").asText())) {
                            return false;
                        }
                    }
                    return true;
                });
    }

    // ---------------------------------------------------------------- faults

    private void awaitRandomMoment() throws Exception {
        long target = traffic.changes() + 100 + random.nextInt(400);
        Await.until(
                "traffic reaches " + target + " row changes",
                Duration.ofMinutes(5),
                () -> traffic.changes() >= target || traffic.failure() != null);
    }

    private void inject(Fault fault, Result result) throws Exception {
        switch (fault) {
            case TASK_MANAGER_KILL_INGEST -> killTaskManagerOf("ingest", result);
            case TASK_MANAGER_KILL_PIPELINE -> {
                awaitNextCompletedCheckpoint(WAREHOUSE);
                killTaskManagerOf(WAREHOUSE, result);
            }
            case RESCALE -> {
                rescale(2);
                awaitRandomMoment();
                rescale(1);
            }
            case KAFKA_RESTART -> stack.kafka().restart();
            case POSTGRES_RESTART -> {
                // the clients pause while their database restarts: a commit cut off by the
                // restart would leave the traffic unsure whether it happened
                traffic.pause();
                try {
                    stack.postgres().restart();
                } finally {
                    traffic.resume();
                }
            }
            case WAREHOUSE_UNWRITABLE -> {
                Path warehouse = Path.of(java.net.URI.create(warehouseLocation()));
                WarehouseLock lock = WarehouseLock.lock(warehouse);
                result.notes.add("made unwritable by " + lock.how());
                try {
                    long until = System.nanoTime() + settings.outage().toNanos();
                    Await.until(
                            "the warehouse outage of " + settings.outage(),
                            settings.outage().plusMinutes(1),
                            () -> System.nanoTime() >= until);
                } finally {
                    lock.unlock();
                }
            }
            case JDBC_TARGET_RESTART -> crm.restart();
            case JOB_MANAGER_RESTART -> restartJobManager();
        }
    }

    private String warehouseLocation() {
        String warehouse = stack.iceberg().flinkCatalogOptions().get("warehouse");
        return warehouse.startsWith("file:") ? warehouse : Path.of(warehouse).toUri().toString();
    }

    private void killTaskManagerOf(String job, Result result) throws Exception {
        String taskManager = taskManagerOf(job);
        List<String> victims = new ArrayList<>();
        for (Map.Entry<String, JobClient> entry : jobs.entrySet()) {
            if (taskManager.equals(taskManagerOf(entry.getKey()))) {
                victims.add(entry.getKey());
            }
        }
        cluster.kill(taskManager);
        result.notes.add("killed " + taskManager + " running " + victims);
        // as Kubernetes would: a new TaskManager replaces the dead one
        cluster.startTaskManager();
    }

    private String taskManagerOf(String job) throws Exception {
        JobID id = jobs.get(job).getJobID();
        return Await.value(
                "the TaskManager running " + job,
                Duration.ofMinutes(3),
                IOException.class,
                () -> {
                    for (JsonNode vertex : cluster.get("jobs/" + id).path("vertices")) {
                        JsonNode managers =
                                cluster.get(
                                        "jobs/"
                                                + id
                                                + "/vertices/"
                                                + vertex.path("id").asText()
                                                + "/taskmanagers");
                        for (JsonNode manager : managers.path("taskmanagers")) {
                            String resource = manager.path("taskmanager-id").asText();
                            if (!resource.isEmpty()
                                    && "RUNNING".equals(manager.path("status").asText())) {
                                return resource;
                            }
                        }
                    }
                    return null;
                });
    }

    private void awaitNextCompletedCheckpoint(String job) throws Exception {
        JobID id = jobs.get(job).getJobID();
        long before =
                cluster.get("jobs/" + id + "/checkpoints")
                        .path("counts")
                        .path("completed")
                        .asLong();
        Await.until(
                "a checkpoint of " + job + " completes",
                Duration.ofMinutes(2),
                IOException.class,
                () ->
                        cluster.get("jobs/" + id + "/checkpoints")
                                        .path("counts")
                                        .path("completed")
                                        .asLong()
                                > before);
    }

    private void rescale(int to) throws Exception {
        for (String job : List.of(WAREHOUSE, CRM)) {
            String savepoint =
                    jobs.get(job)
                            .stopWithSavepoint(
                                    false,
                                    workDir.resolve("savepoints").toUri().toString(),
                                    SavepointFormatType.CANONICAL)
                            .get(3, TimeUnit.MINUTES);
            start(job, savepoint, to);
        }
    }

    private void restartJobManager() throws Exception {
        Map<String, JobID> before = new LinkedHashMap<>();
        jobs.forEach((job, client) -> before.put(job, client.getJobID()));
        cluster.restartJobManager(cluster.liveTaskManagers().size());
        for (Map.Entry<String, JobID> entry : before.entrySet()) {
            Path checkpoint = latestCheckpoint(entry.getValue());
            start(entry.getKey(), checkpoint.toUri().toString(), parallelism.get(entry.getKey()));
        }
    }

    /** The newest retained checkpoint of a job (a chk-N folder with its _metadata). */
    private Path latestCheckpoint(JobID job) throws IOException {
        Path folder = checkpoints.resolve(job.toHexString());
        try (Stream<Path> retained = Files.list(folder)) {
            return retained.filter(path -> path.getFileName().toString().startsWith("chk-"))
                    .filter(path -> Files.exists(path.resolve("_metadata")))
                    .max(
                            java.util.Comparator.comparingLong(
                                    path ->
                                            Long.parseLong(
                                                    path.getFileName().toString().substring(4))))
                    .orElseThrow(
                            () ->
                                    new IOException(
                                            "No retained checkpoint of " + job + " in " + folder));
        }
    }

    // ---------------------------------------------------------------- checks

    private void awaitEqual(String what, Duration deadline) throws Exception {
        Await.until(what, deadline, () -> damage().none());
    }

    /** Waits until every sink equals the source; returns how long it took (the deadline if not). */
    private Duration awaitEqualOrDeadline(String what) throws Exception {
        long start = System.nanoTime();
        try {
            awaitEqual("every sink equals the source after " + what, RECOVERY_DEADLINE);
        } catch (java.util.concurrent.TimeoutException e) {
            note("NOT RECOVERED within " + RECOVERY_DEADLINE + " after " + what);
        }
        // only the faults stop cluster processes: one that died on its own fails the run
        cluster.checkProcesses();
        for (String job : jobs.keySet()) {
            JobStatus status = jobs.get(job).getJobStatus().get(30, TimeUnit.SECONDS);
            if (status.isGloballyTerminalState()) {
                throw new IllegalStateException(job + " job ended: " + status);
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Compares every sink with the source (traffic paused). */
    private Damage damage() throws Exception {
        long[] staging = stagingDamage();
        long[] iceberg = icebergDamage();
        long[] jdbc = jdbcDamage();
        return new Damage(staging[0], staging[1], iceberg[0], iceberg[1], jdbc[0], jdbc[1]);
    }

    private long[] stagingDamage() throws Exception {
        long lost = 0;
        long duplicated = 0;
        Map<String, Long> committed = new HashMap<>(scenario.traffic().rowChangesByTable());
        committed.merge("customers", traffic.hotChanges(), Long::sum);
        for (String table : PaymentsScenario.SOURCE_TABLES) {
            List<KafkaBroker.Record> records =
                    stack.kafka()
                            .readCommitted(scenario.stagingTopic(table), Duration.ofSeconds(30));
            Set<String> positions = new HashSet<>();
            Map<String, JsonNode> last = new HashMap<>();
            long gaps = 0;
            for (KafkaBroker.Record record : records) {
                JsonNode change = JSON.readTree(record.value());
                String op = change.get("op").asText();
                JsonNode row = op.equals("d") ? change.get("before") : change.get("after");
                String id = row.get("id").asText();
                if (!positions.add(
                        change.get("source").get("lsn").asText() + "/" + op + "/" + id)) {
                    duplicated++;
                    continue;
                }
                JsonNode previousAfter = last.get(id);
                switch (op) {
                    case "r", "c" -> {
                        if (previousAfter != null) {
                            gaps++; // created twice without a delete between: a lost delete
                        }
                        last.put(id, change.get("after"));
                    }
                    case "u" -> {
                        if (previousAfter == null || !previousAfter.equals(change.get("before"))) {
                            gaps++;
                        }
                        last.put(id, change.get("after"));
                    }
                    default -> {
                        if (previousAfter == null || !previousAfter.equals(change.get("before"))) {
                            gaps++;
                        }
                        last.remove(id);
                    }
                }
            }
            long missing = committed.get(table) - positions.size();
            lost += Math.max(gaps, Math.max(0, missing));
            // the replayed topic against the source: the last change of a key lost shows here
            Map<Long, Map<String, Object>> source =
                    PaymentsEndToEndITCase.postgresRows(scenario, table);
            for (Map.Entry<Long, Map<String, Object>> entry : source.entrySet()) {
                JsonNode staged = last.get(String.valueOf(entry.getKey()));
                if (staged == null || !sameRow(entry.getValue(), staged)) {
                    lost++;
                }
            }
            for (String id : last.keySet()) {
                if (!source.containsKey(Long.parseLong(id))) {
                    lost++; // a delete not staged
                }
            }
        }
        return new long[] {lost, duplicated};
    }

    private static boolean sameRow(Map<String, Object> source, JsonNode staged) {
        for (Map.Entry<String, Object> column : source.entrySet()) {
            JsonNode value = staged.get(column.getKey());
            Object expected = column.getValue();
            if (expected == null) {
                if (value != null && !value.isNull()) {
                    return false;
                }
            } else if (value == null || value.isNull()) {
                return false;
            } else if (expected instanceof OffsetDateTime time) {
                if (!time.toInstant().equals(OffsetDateTime.parse(value.asText()).toInstant())) {
                    return false;
                }
            } else if (expected instanceof BigDecimal decimal) {
                if (decimal.compareTo(new BigDecimal(value.asText())) != 0) {
                    return false;
                }
            } else if (!String.valueOf(expected).equals(value.asText())) {
                return false;
            }
        }
        return true;
    }

    private long[] icebergDamage() throws Exception {
        long lost = 0;
        long duplicated = 0;
        for (String table : PaymentsScenario.SOURCE_TABLES) {
            Map<Long, Map<String, Object>> expected =
                    PaymentsEndToEndITCase.expectedWarehouse(scenario, table);
            Map<Long, Map<String, Object>> actual = new TreeMap<>();
            for (Map<String, Object> row :
                    stack.iceberg().rows(PaymentsScenario.warehouseTable(table))) {
                Map<String, Object> normalized = new HashMap<>();
                row.forEach(
                        (column, value) ->
                                normalized.put(
                                        column,
                                        value instanceof OffsetDateTime
                                                ? PaymentsEndToEndITCase.instant(value)
                                                : value));
                if (actual.put((Long) row.get("id"), normalized) != null) {
                    duplicated++;
                }
            }
            lost += differences(expected, actual);
        }
        return new long[] {lost, duplicated};
    }

    private long[] jdbcDamage() throws Exception {
        Map<Long, Map<String, Object>> expected = new TreeMap<>();
        for (Map<String, Object> row :
                PaymentsEndToEndITCase.postgresRows(scenario, "customers").values()) {
            Map<String, Object> out = new HashMap<>();
            out.put("id", row.get("id"));
            out.put("name", PaymentsEndToEndITCase.hiveShowLastN((String) row.get("name"), 0));
            out.put("email_hash", PaymentsEndToEndITCase.sha256Hex((String) row.get("email")));
            out.put("phone", PaymentsEndToEndITCase.hiveShowLastN((String) row.get("phone"), 2));
            out.put("country", row.get("country"));
            out.put("updated_at", PaymentsEndToEndITCase.instant(row.get("updated_at")));
            expected.put((Long) row.get("id"), out);
        }
        Map<Long, Map<String, Object>> actual = new TreeMap<>();
        try (Connection connection = crm.connect(CRM);
                Statement statement = connection.createStatement();
                ResultSet result =
                        statement.executeQuery(
                                "SELECT id, name, email_hash, phone, country, updated_at FROM"
                                        + " customers")) {
            while (result.next()) {
                Map<String, Object> row = new HashMap<>();
                row.put("id", result.getLong("id"));
                row.put("name", result.getString("name"));
                row.put("email_hash", result.getString("email_hash"));
                row.put("phone", result.getString("phone"));
                row.put("country", result.getString("country"));
                LocalDateTime updated = result.getObject("updated_at", LocalDateTime.class);
                row.put("updated_at", updated == null ? null : updated.toInstant(ZoneOffset.UTC));
                actual.put(result.getLong("id"), row);
            }
        } catch (SQLException e) {
            // the JDBC target is restarting: everything counts as not there yet
            return new long[] {expected.size(), 0};
        }
        return new long[] {differences(expected, actual), 0};
    }

    /** Rows missing or different in {@code actual}, plus rows it has that should be gone. */
    private static long differences(
            Map<Long, Map<String, Object>> expected, Map<Long, Map<String, Object>> actual) {
        long differences = 0;
        for (Map.Entry<Long, Map<String, Object>> entry : expected.entrySet()) {
            if (!entry.getValue().equals(actual.get(entry.getKey()))) {
                differences++;
            }
        }
        for (Long id : actual.keySet()) {
            if (!expected.containsKey(id)) {
                differences++;
            }
        }
        return differences;
    }

    // ---------------------------------------------------------------- traffic

    /**
     * The demo's payments traffic (inserts, updates, deletes, 1–4 operations per transaction) at
     * full speed, plus a hot-key transaction every fifth step: one UPDATE of three customers.
     */
    private final class Traffic implements Runnable {
        private final ReentrantLock steps = new ReentrantLock();
        private final AtomicLong hot = new AtomicLong();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile boolean stopped;
        private int pauses;

        @Override
        public void run() {
            Connection connection = null;
            try {
                while (!stopped) {
                    steps.lock();
                    try {
                        if (stopped) {
                            return;
                        }
                        if (connection == null) {
                            connection = scenario.connect();
                        }
                        try {
                            if (random.nextInt(5) == 0) {
                                hotKeys(connection);
                            } else {
                                scenario.traffic().step(connection);
                            }
                        } catch (SQLException e) {
                            // rolled back and not counted; a new connection next time
                            close(connection);
                            connection = null;
                        }
                    } finally {
                        steps.unlock();
                    }
                }
            } catch (Throwable e) {
                failure.set(e);
            } finally {
                close(connection);
            }
        }

        private void hotKeys(Connection connection) throws SQLException {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try (PreparedStatement update =
                    connection.prepareStatement(
                            "UPDATE customers SET country = ?, updated_at = clock_timestamp()"
                                    + " WHERE id = ANY (?)")) {
                update.setString(1, "C" + random.nextInt(100));
                update.setArray(
                        2, connection.createArrayOf("bigint", HOT_CUSTOMERS.toArray(new Long[0])));
                int rows = update.executeUpdate();
                connection.commit();
                hot.addAndGet(rows);
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        }

        long hotChanges() {
            return hot.get();
        }

        long changes() {
            return scenario.traffic().rowChanges() + hot.get();
        }

        Throwable failure() {
            return failure.get();
        }

        /** Returns once no transaction is in flight; nested pauses need as many resumes. */
        void pause() {
            steps.lock();
            pauses++;
        }

        void resume() {
            pauses--;
            steps.unlock();
        }

        void stop() {
            stopped = true;
        }

        private void close(Connection connection) {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // already broken
                }
            }
        }
    }

    // ---------------------------------------------------------------- warehouse lock

    /**
     * Makes every folder of the warehouse unwritable: {@code chattr +i} as root (root ignores
     * permissions; the immutable flag stops it), {@code chmod a-w} otherwise.
     */
    record WarehouseLock(List<Path> folders, boolean immutable) {

        static WarehouseLock lock(Path warehouse) throws Exception {
            List<Path> folders;
            try (Stream<Path> all = Files.walk(warehouse)) {
                folders = all.filter(Files::isDirectory).toList();
            }
            boolean root = "0".equals(run("id", "-u").trim());
            for (Path folder : folders) {
                if (root) {
                    run("chattr", "+i", folder.toString());
                } else {
                    run("chmod", "a-w", folder.toString());
                }
            }
            return new WarehouseLock(folders, root);
        }

        String how() {
            return (immutable ? "chattr +i" : "chmod a-w") + " on " + folders.size() + " folders";
        }

        void unlock() throws Exception {
            for (Path folder : folders) {
                if (immutable) {
                    run("chattr", "-i", folder.toString());
                } else {
                    run("chmod", "u+w", folder.toString());
                }
            }
        }

        private static String run(String... command) throws Exception {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + output);
            }
            return output;
        }
    }

    @Override
    public void close() throws Exception {
        Exception failure = null;
        for (AutoCloseable part : new AutoCloseable[] {cluster, crm}) {
            try {
                part.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
