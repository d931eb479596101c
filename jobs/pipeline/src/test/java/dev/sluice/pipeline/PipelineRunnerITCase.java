package dev.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.harness.Await;
import dev.sluice.sql.Variables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionJobVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class PipelineRunnerITCase {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(4)
                            .build());

    @Test
    void allInsertsOfAFileRunAsOneJobWithTheHeaderSettings(
            @TempDir Path dir, @InjectMiniCluster MiniCluster miniCluster) throws Exception {
        Path catalog = dir.resolve("10_source.sql");
        Files.writeString(
                catalog,
                "CREATE TABLE events (id BIGINT, kind STRING) WITH (\n"
                        + "  'connector' = 'datagen', 'rows-per-second' = '${RATE}');\n");
        Path pipeline = dir.resolve("fan_out.sql");
        Files.writeString(
                pipeline,
                "-- @owner platform\n"
                        + "-- @description Two sinks from one source\n"
                        + "-- @parallelism 2\n"
                        + "-- @checkpoint-interval 1500 ms\n"
                        + "CREATE TEMPORARY TABLE left_sink (id BIGINT) WITH ('connector' = 'blackhole');\n"
                        + "CREATE TEMPORARY TABLE right_sink (kind STRING) WITH ('connector' = 'blackhole');\n"
                        + "INSERT INTO left_sink SELECT id FROM events;\n"
                        + "EXECUTE STATEMENT SET BEGIN INSERT INTO right_sink SELECT kind FROM events; END;\n");

        StreamTableEnvironment tEnv =
                StreamTableEnvironment.create(StreamExecutionEnvironment.getExecutionEnvironment());
        Variables vars = Variables.builder().put("RATE", "50", false, "test").build();
        TableResult result = PipelineRunner.execute(tEnv, List.of(catalog), pipeline, vars);

        JobClient client = result.getJobClient().orElseThrow();
        try {
            JobID jobId = client.getJobID();
            AccessExecutionGraph graph =
                    Await.value(
                            "the execution graph of " + jobId,
                            Duration.ofSeconds(60),
                            IOException.class,
                            () -> {
                                AccessExecutionGraph g = miniCluster.getExecutionGraph(jobId).get();
                                return g.getAllVertices().isEmpty() ? null : g;
                            });
            assertThat(graph.getJobName()).isEqualTo("fan_out");
            assertThat(graph.getCheckpointCoordinatorConfiguration().getCheckpointInterval())
                    .isEqualTo(1500);
            assertThat(graph.getArchivedExecutionConfig().getObjectReuseEnabled())
                    .as("Sluice's default, see PipelineRunner#applyDefaults")
                    .isTrue();
            List<AccessExecutionJobVertex> vertices =
                    StreamSupport.stream(graph.getVerticesTopologically().spliterator(), false)
                            .map(AccessExecutionJobVertex.class::cast)
                            .toList();
            assertThat(vertices.stream().map(AccessExecutionJobVertex::getName).toList())
                    .as("both INSERTs are in this one job")
                    .anySatisfy(name -> assertThat(name).contains("left_sink"))
                    .anySatisfy(name -> assertThat(name).contains("right_sink"));
            assertThat(vertices).allSatisfy(v -> assertThat(v.getParallelism()).isEqualTo(2));
            assertThat(miniCluster.listJobs().get()).hasSize(1);
        } finally {
            client.cancel().get();
        }
    }
}
