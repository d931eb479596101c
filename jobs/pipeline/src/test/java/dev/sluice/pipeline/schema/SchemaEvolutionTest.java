package dev.sluice.pipeline.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gate.PolicySources;
import dev.sluice.stagingschemas.StagingColumn;
import dev.sluice.stagingschemas.StagingSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.table.types.logical.utils.LogicalTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaEvolutionTest {

    private static boolean widens(String from, String to) {
        return SchemaEvolution.isWidening(
                LogicalTypeParser.parse(from, SchemaEvolutionTest.class.getClassLoader()),
                new StagingColumn("c", to, true, false));
    }

    @Test
    void widensOnlyWhereEveryValueFits() {
        assertThat(widens("INT", "BIGINT")).isTrue();
        assertThat(widens("SMALLINT", "INT")).isTrue();
        assertThat(widens("FLOAT", "DOUBLE")).isTrue();
        assertThat(widens("DECIMAL(10, 2)", "DECIMAL(12, 2)")).isTrue();
        assertThat(widens("VARCHAR(10)", "VARCHAR(20)")).isTrue();
        // narrowing, a scale change and retypes are not widenings: values that no longer fit
        // go to dead letter instead
        assertThat(widens("BIGINT", "INT")).isFalse();
        assertThat(widens("DECIMAL(12, 2)", "DECIMAL(10, 2)")).isFalse();
        assertThat(widens("DECIMAL(10, 2)", "DECIMAL(12, 4)")).isFalse();
        assertThat(widens("BIGINT", "STRING")).isFalse();
        assertThat(widens("INT", "INT")).isFalse();
        assertThat(widens("INT", "not a type")).isFalse();
    }

    @Test
    void jdbcTypesFollowTheConnectorsMapping() {
        assertThat(SchemaEvolution.jdbcType("STRING")).isEqualTo("TEXT");
        assertThat(SchemaEvolution.jdbcType("VARCHAR(20)")).isEqualTo("VARCHAR(20)");
        assertThat(SchemaEvolution.jdbcType("DECIMAL(12, 2)")).isEqualTo("NUMERIC(12, 2)");
        assertThat(SchemaEvolution.jdbcType("DOUBLE")).isEqualTo("DOUBLE PRECISION");
        assertThat(SchemaEvolution.jdbcType("TIMESTAMP_LTZ(6)"))
                .isEqualTo("TIMESTAMP WITH TIME ZONE");
        assertThat(SchemaEvolution.jdbcType("TIMESTAMP(6)")).isEqualTo("TIMESTAMP");
        assertThatThrownBy(() -> SchemaEvolution.jdbcType("ARRAY<INT>"))
                .hasMessageContaining("add the column to the sink database by hand");
    }

    @Test
    void aColumnIsReviewedWhenThePolicyClassifiesIt(@TempDir Path dir) throws Exception {
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(
                policy,
                "version: 1\n"
                        + "kafka_clusters:\n  platform: ['localhost:9092']\n"
                        + "sources:\n"
                        + "  - kafka: {cluster: platform, topic: 'staging.shop.public.*'}\n"
                        + "    dataset: shop.*\n"
                        + "classes:\n  INTERNAL.LOYALTY: \"a loyalty tier, not sensitive\"\n"
                        + "classifications:\n"
                        + "  shop.customers.email: [PII.EMAIL]\n"
                        + "  shop.customers.tier: [INTERNAL.LOYALTY]\n");
        PolicyColumnReview review =
                new PolicyColumnReview(PolicySources.load(List.of(policy.toString())));
        StagingSchema schema =
                new StagingSchema(
                        "staging.shop.public.customers",
                        "v",
                        null,
                        List.of(),
                        java.time.Instant.EPOCH,
                        dev.sluice.stagingschemas.SchemaChange.NONE);
        String table = "default_catalog.staging.customers";
        assertThat(review.mayPropagate(table, schema, column("tier"))).isTrue();
        assertThat(review.mayPropagate(table, schema, column("email"))).isTrue();
        assertThat(review.mayPropagate(table, schema, column("secret"))).isFalse();
        StagingSchema other =
                new StagingSchema(
                        "staging.other.public.customers",
                        "v",
                        null,
                        List.of(),
                        java.time.Instant.EPOCH,
                        dev.sluice.stagingschemas.SchemaChange.NONE);
        assertThat(review.mayPropagate(table, other, column("tier"))).isFalse();
    }

    @Test
    void aTemporarySinkIsToldApartFromACatalogOne() {
        org.apache.flink.table.api.TableEnvironment tEnv =
                org.apache.flink.table.api.TableEnvironment.create(
                        org.apache.flink.table.api.EnvironmentSettings.inStreamingMode());
        tEnv.executeSql("CREATE DATABASE crm");
        tEnv.executeSql("CREATE TABLE crm.kept (id BIGINT) WITH ('connector' = 'blackhole')");
        tEnv.executeSql(
                "CREATE TEMPORARY TABLE crm.session_only (id BIGINT) WITH ('connector' ="
                        + " 'blackhole')");
        assertThat(SchemaEvolution.temporary(tEnv, "default_catalog.crm.kept")).isFalse();
        assertThat(SchemaEvolution.temporary(tEnv, "default_catalog.crm.session_only")).isTrue();
        assertThat(SchemaEvolution.temporary(tEnv, "default_catalog.crm.missing")).isFalse();
    }

    private static StagingColumn column(String name) {
        return new StagingColumn(name, "STRING", true, false);
    }
}
