package dev.sluice.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IcebergCatalogSettingsTest {

    @Test
    void hadoopFolderBecomesFlinkCatalogTypeHadoop() {
        Path folder = Path.of("/data/wh");
        String uri = folder.toUri().toString();
        IcebergCatalogSettings settings = IcebergCatalogSettings.hadoop(folder);

        assertThat(settings.type()).isEqualTo("hadoop");
        assertThat(settings.icebergProperties())
                .containsExactlyInAnyOrderEntriesOf(Map.of("type", "hadoop", "warehouse", uri));
        assertThat(settings.flinkCatalogOptions())
                .containsExactly(
                        Map.entry("type", "iceberg"),
                        Map.entry("catalog-type", "hadoop"),
                        Map.entry("warehouse", uri));
    }

    @Test
    void restCatalogKeepsItsOwnPropertiesAndHidesTheCredential() {
        IcebergCatalogSettings settings =
                IcebergCatalogSettings.of(
                        Map.of(
                                "type", "REST",
                                "uri", "https://catalog.internal:8181",
                                "warehouse", "analytics",
                                "credential", "client:s3cr3t"));

        assertThat(settings.flinkCatalogOptions())
                .containsEntry("type", "iceberg")
                .containsEntry("catalog-type", "rest")
                .containsEntry("uri", "https://catalog.internal:8181")
                .containsEntry("credential", "client:s3cr3t");
        assertThat(settings.icebergProperties()).containsEntry("type", "rest");
        assertThat(settings.describe())
                .isEqualTo(
                        "Iceberg rest catalog at https://catalog.internal:8181, warehouse analytics");
        assertThat(settings.toString()).doesNotContain("s3cr3t").contains("credential=******");
    }

    @Test
    void jdbcCatalogGoesThroughCatalogImplAndNeverShowsThePassword() {
        IcebergCatalogSettings settings =
                IcebergCatalogSettings.of(
                        Map.of(
                                "type", "jdbc",
                                "uri", "jdbc:postgresql://db:5432/catalog?password=inline",
                                "user", "iceberg",
                                "password", "hunter2",
                                "warehouse", "s3a://bucket/wh"));

        assertThat(settings.icebergProperties())
                .containsEntry("jdbc.user", "iceberg")
                .containsEntry("jdbc.password", "hunter2")
                .doesNotContainKeys("user", "password");
        assertThat(settings.flinkCatalogOptions())
                .containsEntry("catalog-impl", "org.apache.iceberg.jdbc.JdbcCatalog")
                .doesNotContainKey("catalog-type");
        assertThat(settings.describe())
                .isEqualTo(
                        "Iceberg jdbc catalog at jdbc:postgresql://db:5432/catalog?…, warehouse"
                                + " s3a://bucket/wh")
                .doesNotContain("hunter2", "inline");
        assertThat(settings.toString()).doesNotContain("hunter2", "inline");
    }

    @Test
    void userInfoInAUriIsNotShown() {
        assertThat(IcebergCatalogSettings.redactedUri("https://me:pw@catalog:8181/api"))
                .isEqualTo("https://…@catalog:8181/api");
    }

    @Test
    void missingOrWrongPropertiesSayWhatToSet() {
        assertThatThrownBy(() -> IcebergCatalogSettings.of(Map.of("warehouse", "/x")))
                .hasMessage(
                        "Missing Iceberg catalog property 'type'. Set it to hadoop, rest or jdbc.");
        assertThatThrownBy(() -> IcebergCatalogSettings.of(Map.of("type", "hive")))
                .hasMessage("Invalid Iceberg catalog type: 'hive'. Use hadoop, rest or jdbc.");
        assertThatThrownBy(() -> IcebergCatalogSettings.of(Map.of("type", "hadoop")))
                .hasMessage(
                        "Missing Iceberg catalog property 'warehouse' for type hadoop. Set it, for"
                                + " example 'warehouse'='file:/data/warehouse'.");
        assertThatThrownBy(() -> IcebergCatalogSettings.of(Map.of("type", "rest")))
                .hasMessageStartingWith("Missing Iceberg catalog property 'uri' for type rest.");
        assertThatThrownBy(
                        () ->
                                IcebergCatalogSettings.of(
                                        Map.of("type", "rest", "uri", "catalog:8181")))
                .hasMessageStartingWith("Invalid REST catalog uri: catalog:8181.");
        assertThatThrownBy(
                        () ->
                                IcebergCatalogSettings.of(
                                        Map.of(
                                                "type", "jdbc",
                                                "uri", "postgresql://db/c",
                                                "warehouse", "/w")))
                .hasMessageStartingWith("Invalid JDBC catalog uri: postgresql://db/c.");
        assertThatThrownBy(
                        () ->
                                IcebergCatalogSettings.of(
                                        Map.of("type", "jdbc", "uri", "jdbc:postgresql://db/c")))
                .hasMessageStartingWith(
                        "Missing Iceberg catalog property 'warehouse' for type jdbc.");
        assertThatThrownBy(
                        () ->
                                IcebergCatalogSettings.of(
                                        Map.of("type", "hadoop", "catalog-type", "hadoop")))
                .hasMessageStartingWith("Invalid Iceberg catalog property 'catalog-type'.");
        assertThatThrownBy(
                        () ->
                                IcebergCatalogSettings.of(
                                        Map.of(
                                                "type", "jdbc",
                                                "uri", "jdbc:postgresql://db/c",
                                                "warehouse", "/w",
                                                "user", "a",
                                                "jdbc.user", "b")))
                .hasMessage(
                        "Invalid Iceberg catalog properties: both 'user' and 'jdbc.user' are set."
                                + " Keep one of them.");
    }
}
