package dev.sluice.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.harness.EmbeddedStack;
import dev.sluice.harness.EmbeddedStackExtension;
import dev.sluice.harness.ObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The payments path of {@link PaymentsEndToEndITCase} with the warehouse production runs: an
 * Iceberg REST catalog with its tables on an S3-compatible object store. CDC → staging → upserts
 * and deletes through the REST catalog onto the bucket, read back with Iceberg's generic reader,
 * equal to PostgreSQL row for row.
 */
class PaymentsOnRestWarehouseITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(8)
                            // the restarted job's closed class loader stays the context loader of
                            // Iceberg's static worker threads (S3 reads): let them fall through
                            .setConfiguration(
                                    new Configuration()
                                            .set(CoreOptions.CHECK_LEAKED_CLASSLOADER, false))
                            .build());

    @RegisterExtension
    static final EmbeddedStackExtension STACK =
            new EmbeddedStackExtension(EmbeddedStack.Warehouse.REST);

    @Test
    void icebergThroughTheRestCatalogOnTheObjectStoreEqualsPostgres() throws Exception {
        EmbeddedStack stack = STACK.stack();
        PaymentsEndToEndITCase.proveThePaymentsPath(stack);

        for (String table : PaymentsScenario.SOURCE_TABLES) {
            assertThat(stack.iceberg().loadTable(PaymentsScenario.warehouseTable(table)).location())
                    .startsWith("s3://" + EmbeddedStack.WAREHOUSE_BUCKET + "/");
        }
        ObjectStore store = stack.iceberg().objectStore().orElseThrow();
        try (Stream<Path> objects =
                Files.walk(store.bucketFolder(EmbeddedStack.WAREHOUSE_BUCKET))) {
            assertThat(objects.map(Path::toString))
                    .as("data, delete and metadata files in the bucket")
                    .anyMatch(name -> name.endsWith(".parquet"))
                    .anyMatch(name -> name.endsWith(".metadata.json"));
        }
    }
}
