package dev.sluice.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.cli.SluiceCommand;
import dev.sluice.harness.Await;
import dev.sluice.harness.IcebergWarehouse;
import dev.sluice.harness.ObjectStore;
import dev.sluice.harness.PostgresServer;
import dev.sluice.harness.RestCatalog;
import dev.sluice.testing.StandaloneFlinkCluster;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints and savepoints on the object store, as production runs them: a standalone Flink
 * cluster (JobManager and TaskManager in their own JVMs) with Flink's S3 filesystem plugin in its
 * own folder under the plugins directory, configured for s3proxy (endpoint, path-style access; keys
 * only in the processes' environment). {@code sluice submit --checkpoint-dir s3://…} runs a
 * pipeline that writes a sequence into an Iceberg table through the REST catalog; {@code sluice
 * cancel --savepoint s3://…} stops it with a savepoint in the bucket; {@code sluice submit
 * --from-savepoint} resumes it; the table then holds the numbers from 1 on, each exactly once.
 */
class ObjectStoreCheckpointsITCase {
    private static final Pattern JOB_ID = Pattern.compile("as job ([0-9a-f]{32})");
    private static final Pattern SAVEPOINT = Pattern.compile("Stopped with savepoint (\\S+)");
    private static final String STATE_BUCKET = "flink-state";
    // more than the test reads (the job runs until cancelled); datagen keeps the numbers still to
    // come in its state, so not many more
    private static final long ROWS = 20_000;
    private static final TableIdentifier TABLE = TableIdentifier.of("ckpt", "numbers_copy");

    @TempDir static Path dir;
    static PostgresServer postgres;
    static IcebergWarehouse warehouse;
    static ObjectStore store;
    static StandaloneFlinkCluster cluster;
    static Path jar;
    static Path catalog;
    static Path secrets;

    record Run(int exitCode, String out, String err) {}

    @BeforeAll
    static void start() throws Exception {
        jar = Path.of(System.getProperty("sluice.jobJar"));
        assertThat(jar)
                .as("the job jar of jobs/job-jar (failsafe's sluice.jobJar)")
                .isRegularFile();
        Path plugins = Path.of(System.getProperty("sluice.flinkPluginsDir"));
        try (Stream<Path> files = Files.list(plugins.resolve("s3-fs-hadoop"))) {
            assertThat(files.map(p -> p.getFileName().toString()).toList())
                    .as("Flink's S3 plugin, copied by the cli build")
                    .singleElement()
                    .satisfies(name -> assertThat(name).startsWith("flink-s3-fs-hadoop-"));
        }
        postgres = PostgresServer.start(dir);
        store = ObjectStore.start(dir, "warehouse", STATE_BUCKET);
        warehouse =
                IcebergWarehouse.onRestCatalog(
                        store, RestCatalog.start(dir, postgres, store, "warehouse"));
        RestCatalog rest = warehouse.restCatalog().orElseThrow();

        // the keys reach the cluster as environment variables, as from a Kubernetes Secret; the
        // configuration file (which Flink logs) has only the endpoint
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("FLINK_PLUGINS_DIR", plugins.toString());
        environment.put("AWS_ACCESS_KEY_ID", store.accessKey());
        environment.put("AWS_SECRET_ACCESS_KEY", store.secretKey());
        environment.put("AWS_REGION", ObjectStore.REGION);
        environment.put("AWS_REQUEST_CHECKSUM_CALCULATION", "WHEN_REQUIRED");
        environment.put("AWS_RESPONSE_CHECKSUM_VALIDATION", "WHEN_REQUIRED");
        environment.put("ICEBERG_CATALOG_TOKEN", rest.token());
        Map<String, String> configuration = new LinkedHashMap<>();
        configuration.put("s3.endpoint", store.endpoint());
        configuration.put("s3.path.style.access", "true");
        cluster =
                StandaloneFlinkCluster.start(
                        Files.createDirectories(dir.resolve("cluster")),
                        2,
                        configuration,
                        environment,
                        // what a cluster running Iceberg on S3 has in lib/ (docs/warehouse.md)
                        List.of("/iceberg-aws-bundle/"));

        catalog = Files.createDirectories(dir.resolve("catalog"));
        // the shipped warehouse catalog file, unchanged
        Files.copy(
                Path.of("..", "sql", "catalog", "20_warehouse.sql"),
                catalog.resolve("20_warehouse.sql"));
        Files.writeString(
                catalog.resolve("10_numbers.sql"),
                "CREATE TABLE numbers (id BIGINT NOT NULL) WITH (\n"
                        + "  'connector' = 'datagen', 'rows-per-second' = '${RATE}',\n"
                        + "  'fields.id.kind' = 'sequence', 'fields.id.start' = '1',"
                        + " 'fields.id.end' = '"
                        + ROWS
                        + "');\n");
        Files.writeString(
                catalog.resolve("30_ckpt.sql"),
                "CREATE DATABASE IF NOT EXISTS warehouse.ckpt;\n"
                        + "CREATE TABLE IF NOT EXISTS warehouse.ckpt.numbers_copy (\n"
                        + "  id BIGINT NOT NULL, label STRING\n"
                        + ") WITH ('format-version' = '2');\n");
        secrets = dir.resolve("warehouse.secrets");
        Files.writeString(secrets, "ICEBERG_CATALOG_TOKEN=" + rest.token() + "\n");
    }

    @AfterAll
    static void stop() throws Exception {
        Exception failure = null;
        for (AutoCloseable closeable : new AutoCloseable[] {cluster, warehouse, postgres}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
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

    static Run sluice(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code =
                SluiceCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    private static String submit(Path pipeline, String... extra) {
        RestCatalog rest = warehouse.restCatalog().orElseThrow();
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "submit",
                                pipeline.toString(),
                                "--rest",
                                cluster.rest().toString(),
                                "--jar",
                                jar.toString(),
                                "--catalog",
                                catalog.toString(),
                                "--no-policy",
                                "--var",
                                "RATE=200",
                                "--var",
                                "ICEBERG_CATALOG_TYPE=rest",
                                "--var",
                                "ICEBERG_WAREHOUSE=" + rest.warehouse(),
                                "--var",
                                "ICEBERG_CATALOG_URI=" + rest.uri(),
                                "--var",
                                "ICEBERG_IO_IMPL=org.apache.iceberg.aws.s3.S3FileIO",
                                "--var",
                                "S3_ENDPOINT=" + store.endpoint(),
                                "--var",
                                "S3_PATH_STYLE_ACCESS=true",
                                "--secret-file",
                                secrets.toString(),
                                "--checkpoint-dir",
                                "s3://" + STATE_BUCKET + "/checkpoints",
                                "--savepoint-dir",
                                "s3://" + STATE_BUCKET + "/savepoints"));
        args.addAll(List.of(extra));
        Run run = sluice(args.toArray(String[]::new));
        assertThat(run.exitCode())
                .as(run.out() + run.err() + "\nlogs: " + cluster.workDir())
                .isZero();
        Matcher id = JOB_ID.matcher(run.out());
        assertThat(id.find()).as(run.out()).isTrue();
        return id.group(1);
    }

    private static void awaitState(String jobId, String state) throws Exception {
        Await.until(
                "job " + jobId + " " + state + " (logs in " + cluster.workDir() + ")",
                Duration.ofSeconds(180),
                IOException.class,
                () -> {
                    String now = cluster.get("jobs/" + jobId).path("state").asText();
                    assertThat(now).as("job " + jobId).isNotIn("FAILED", "CANCELED");
                    return state.equals(now);
                });
    }

    /** Objects of the state bucket under {@code prefix} whose name is {@code name}. */
    private static List<String> objects(String prefix, String name) throws IOException {
        Path root = store.bucketFolder(STATE_BUCKET);
        Path under = root.resolve(prefix);
        if (!Files.isDirectory(under)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(under)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().equals(name))
                    .map(p -> root.relativize(p).toString())
                    .sorted()
                    .toList();
        }
    }

    private Set<Long> ids() {
        List<Map<String, Object>> rows = warehouse.rows(TABLE);
        Set<Long> ids = new TreeSet<>();
        for (Map<String, Object> row : rows) {
            long id = (Long) row.get("id");
            assertThat(ids.add(id)).as("id %d written once", id).isTrue();
            assertThat(row.get("label")).isEqualTo("n" + id);
        }
        return ids;
    }

    @Test
    void checkpointsAndASavepointOnTheObjectStoreAndAResumeLosingAndDoublingNothing()
            throws Exception {
        Path pipeline = dir.resolve("numbers_to_warehouse.sql");
        Files.writeString(
                pipeline,
                "-- @owner platform\n"
                        + "-- @description A sequence into Iceberg, checkpointed to the object store\n"
                        + "-- @checkpoint-interval 1 s\n"
                        + "INSERT INTO warehouse.ckpt.numbers_copy\n"
                        + "SELECT id, CONCAT('n', CAST(id AS STRING)) FROM numbers;\n");
        String first = submit(pipeline);
        awaitState(first, "RUNNING");

        // checkpoints land in the bucket, through Flink's S3 plugin
        List<String> checkpoints =
                Await.value(
                        "a checkpoint's _metadata of job " + first + " in the bucket",
                        Duration.ofSeconds(120),
                        () -> {
                            List<String> found = objects("checkpoints/" + first, "_metadata");
                            return found.isEmpty() ? null : found;
                        });
        assertThat(checkpoints.get(0)).matches("checkpoints/" + first + "/chk-\\d+/_metadata");
        // Flink's checkpoint statistics follow the _metadata file a moment later
        String externalPath =
                Await.value(
                        "a completed checkpoint of job " + first + " in Flink's statistics",
                        Duration.ofSeconds(60),
                        IOException.class,
                        () -> {
                            String path =
                                    cluster.get("jobs/" + first + "/checkpoints")
                                            .path("latest")
                                            .path("completed")
                                            .path("external_path")
                                            .asText();
                            return path.isEmpty() ? null : path;
                        });
        assertThat(externalPath)
                .startsWith("s3://" + STATE_BUCKET + "/checkpoints/" + first + "/chk-");

        // stop with a savepoint into the bucket
        Run cancel =
                sluice(
                        "cancel",
                        first,
                        "--savepoint",
                        "s3://" + STATE_BUCKET + "/savepoints",
                        "--rest",
                        cluster.rest().toString());
        assertThat(cancel.exitCode()).as(cancel.out() + cancel.err()).isZero();
        Matcher savepointMatch = SAVEPOINT.matcher(cancel.out());
        assertThat(savepointMatch.find()).as(cancel.out()).isTrue();
        String savepoint = savepointMatch.group(1);
        assertThat(savepoint).startsWith("s3://" + STATE_BUCKET + "/savepoints/savepoint-");
        awaitState(first, "FINISHED");
        assertThat(objects("savepoints", "_metadata"))
                .singleElement()
                .satisfies(
                        key ->
                                assertThat("s3://" + STATE_BUCKET + "/" + key)
                                        .isEqualTo(savepoint + "/_metadata"));

        Set<Long> beforeResume = ids();
        assertThat(beforeResume)
                .as("the first job committed the sequence from 1 up to its savepoint, no gaps")
                .isNotEmpty()
                .containsExactlyElementsOf(range(beforeResume.size()));

        // resume from the savepoint: the sequence continues where it stopped
        String second = submit(pipeline, "--from-savepoint", savepoint);
        JsonNode restored =
                Await.value(
                        "job " + second + " restored from " + savepoint,
                        Duration.ofSeconds(120),
                        IOException.class,
                        () -> {
                            JsonNode node =
                                    cluster.get("jobs/" + second + "/checkpoints")
                                            .path("latest")
                                            .path("restored");
                            return node.isMissingNode() || node.isNull() ? null : node;
                        });
        assertThat(restored.path("external_path").asText()).isEqualTo(savepoint);
        int wanted = beforeResume.size() + 200;
        Set<Long> afterResume =
                Await.value(
                        "job " + second + " committing " + wanted + " rows in all",
                        Duration.ofSeconds(180),
                        () -> {
                            Set<Long> ids = ids();
                            return ids.size() >= wanted ? ids : null;
                        });
        assertThat(afterResume)
                .as("the resumed job continued the sequence: nothing lost, nothing doubled")
                .containsExactlyElementsOf(range(afterResume.size()));
        Run cancelSecond = sluice("cancel", second, "--rest", cluster.rest().toString());
        assertThat(cancelSecond.exitCode()).as(cancelSecond.out() + cancelSecond.err()).isZero();

        // the keys and the catalog token reach the processes only through their environment
        List<String> secretsShown = new ArrayList<>();
        for (String name :
                List.of("jobmanager.log", "taskmanager.log", "jobmanager.out", "taskmanager.out")) {
            Path file = cluster.workDir().resolve(name);
            String text = Files.exists(file) ? Files.readString(file) : "";
            for (String secret :
                    List.of(store.secretKey(), warehouse.restCatalog().orElseThrow().token())) {
                if (text.contains(secret)) {
                    secretsShown.add(name);
                }
            }
        }
        String jobConfig =
                cluster.get("jobs/" + second + "/jobmanager/config").toString()
                        + cluster.get("jobs/" + second + "/config");
        assertThat(jobConfig)
                .doesNotContain(store.secretKey())
                .doesNotContain(warehouse.restCatalog().orElseThrow().token());
        assertThat(secretsShown).as("cluster files showing a secret").isEmpty();
    }

    private static List<Long> range(int count) {
        List<Long> ids = new ArrayList<>(count);
        for (long i = 1; i <= count; i++) {
            ids.add(i);
        }
        return ids;
    }
}
