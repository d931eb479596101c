package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.jar.JarFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the shaded job jar carries: Sluice's jobs, functions and SQL, the connectors and drivers
 * they need, their factories registered; and what it must not carry: Flink itself (the cluster has
 * it), logging backends, the embedded stack of the demo, and the command line with what only it
 * uses.
 */
class JobJarITCase {

    private static JarFile jar;

    @BeforeAll
    static void openJar() throws IOException {
        String path = System.getProperty("sluice.jobJar");
        assertThat(path).as("failsafe passes sluice.jobJar").isNotNull();
        jar = new JarFile(path);
    }

    @Test
    void carriesTheJobsFunctionsConnectorsAndSql() throws IOException {
        assertThat(jar.getManifest()).isNotNull();
        assertContains(
                "dev/sluice/ingest/IngestJob.class",
                "dev/sluice/pipeline/PipelineJob.class",
                // releases the libraries' threads and drivers with the job's class loader
                "dev/sluice/classloader/LibraryThreadsAndDriversRelease.class",
                "dev/sluice/udf/SluiceModuleFactory.class",
                "dev/sluice/policy/mask/HiveMasker.class",
                "org/apache/flink/cdc/connectors/postgres/source/PostgresSourceBuilder.class",
                "org/apache/flink/connector/kafka/sink/KafkaSink.class",
                "org/apache/flink/connector/jdbc/JdbcConnectionOptions.class",
                "org/apache/iceberg/flink/FlinkCatalogFactory.class",
                "org/postgresql/Driver.class",
                "sql/pipelines/payments/payments_to_warehouse.sql",
                "sql/catalog/10_staging.sql");
    }

    @Test
    void registersTableFactoriesOfSluiceAndTheConnectors() throws IOException {
        String factories = text("META-INF/services/org.apache.flink.table.factories.Factory");

        assertThat(factories)
                .contains(
                        "dev.sluice.udf.SluiceModuleFactory",
                        "org.apache.flink.streaming.connectors.kafka.table.KafkaDynamicTableFactory",
                        "org.apache.iceberg.flink.FlinkDynamicTableFactory",
                        "org.apache.flink.connector.jdbc.core.table.JdbcDynamicTableFactory",
                        "dev.sluice.connectors.deadletter.DeadLetterJsonFormatFactory",
                        "dev.sluice.connectors.deadletter.DeadLetterJdbcFactory",
                        "org.apache.iceberg.flink.SluiceIcebergCatalogFactory");
    }

    @Test
    void carriesSluicesPgOutputColumnValueNotDebeziums() throws IOException {
        // Sluice's copy reads numeric Infinity (it calls toSpecialValue); Debezium 1.9.8's threw
        var entry =
                jar.getJarEntry(
                        "io/debezium/connector/postgresql/connection/pgoutput/PgOutputColumnValue.class");
        assertThat(entry).isNotNull();
        try (var in = jar.getInputStream(entry)) {
            assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1))
                    .contains("toSpecialValue");
        }
    }

    @Test
    void leavesOutFlinkLoggingHadoopAndTheEmbeddedStack() {
        assertAbsent(
                "org/apache/flink/streaming/api/environment/StreamExecutionEnvironment.class",
                "org/apache/flink/table/planner/delegation/PlannerBase.class",
                "org/apache/flink/runtime/minicluster/MiniCluster.class",
                "org/apache/logging/log4j/Logger.class",
                "org/slf4j/Logger.class",
                "dev/sluice/harness/EmbeddedStack.class",
                "kafka/server/KafkaRaftServer.class",
                "scala/Option.class",
                "io/zonky/test/db/postgres/embedded/EmbeddedPostgres.class",
                // Hadoop comes from the cluster's lib/ (deploy/Dockerfile, flink-lib-hadoop)
                "org/apache/hadoop/conf/Configuration.class",
                "org/apache/hadoop/shaded/com/google/common/base/Preconditions.class");
    }

    @Test
    void leavesOutTheCommandLineAndWhatOnlyItUses() throws IOException {
        assertAbsent(
                "dev/sluice/cli/SluiceCommand.class",
                "dev/sluice/cli/FixProposal.class",
                "dev/sluice/demo/PaymentsDemo.class",
                "dev/sluice/deploy/ManifestRenderer.class",
                "dev/sluice/cluster/FlinkRestClient.class",
                "com/github/difflib/DiffUtils.class");
        assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
                .isEqualTo("dev.sluice.pipeline.PipelineJob");
    }

    private static void assertContains(String... entries) {
        for (String entry : entries) {
            assertThat(jar.getEntry(entry)).as("%s in the job jar", entry).isNotNull();
        }
    }

    private static void assertAbsent(String... entries) {
        for (String entry : entries) {
            assertThat(jar.getEntry(entry)).as("%s must not be in the job jar", entry).isNull();
        }
    }

    private static String text(String entry) throws IOException {
        try (InputStream in = jar.getInputStream(jar.getEntry(entry))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
