package dev.sluice.gate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sql.Pipeline;
import dev.sluice.sql.PipelineLoader;
import dev.sluice.sql.SqlFiles;
import dev.sluice.sql.Variables;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The datasets the example pipelines write, named as the example policy's sinks: name them. */
class SinkDatasetsTest {
    static final Path SQL = PolicyGateTest.SQL;

    @TempDir Path warehouse;

    @Test
    void examplePipelinesWriteTheWarehouseAndTheCrmByTheirPolicyNames() {
        Variables variables =
                Variables.builder()
                        .put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1", false, "test")
                        .put("ICEBERG_CATALOG_TYPE", "hadoop", false, "test")
                        .put("ICEBERG_WAREHOUSE", warehouse.toUri().toString(), false, "test")
                        .put("CRM_JDBC_URL", "jdbc:postgresql://crm-db:5432/crm", false, "test")
                        .put("CRM_USER", "crm", false, "test")
                        .put("CRM_PASSWORD", "s3cret", true, "test")
                        .build();
        List<PlannedPipeline> planned =
                List.of(
                                "pipelines/growth/customers_to_crm.sql",
                                "pipelines/payments/payments_to_warehouse.sql")
                        .stream()
                        .map(f -> load(SQL.resolve(f), variables))
                        .map(PolicyGateTest.planner()::plan)
                        .toList();

        List<SinkDatasets.Written> written =
                SinkDatasets.of(PolicyGateTest.examplePolicy(), planned);

        SinkDatasets.Written crm =
                written.stream()
                        .filter(w -> w.dataset().equals("crm.customers"))
                        .findFirst()
                        .orElseThrow();
        assertThat(crm.identity().kind()).isEqualTo("jdbc");
        assertThat(crm.identity().fields()).containsEntry("host", "crm-db");
        assertThat(crm.options()).containsEntry("table-name", "customers");
        assertThat(crm.options()).containsEntry("password", "s3cret");
        assertThat(crm.writer()).endsWith("customers_to_crm.sql");
        assertThat(crm.toString()).doesNotContain("s3cret");
        assertThat(written.stream().map(SinkDatasets.Written::dataset))
                .contains("warehouse.payments.payments", "warehouse.payments.customers")
                .doesNotHaveDuplicates();
    }

    private static Pipeline load(Path file, Variables variables) {
        return PipelineLoader.load(
                SqlFiles.readCatalog(SQL.resolve("catalog").toString()),
                SqlFiles.read(file),
                variables);
    }
}
