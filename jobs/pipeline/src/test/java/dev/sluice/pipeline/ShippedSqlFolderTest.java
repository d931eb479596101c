package dev.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sql.PipelineMetadata;
import dev.sluice.sql.PipelineMetadataParser;
import dev.sluice.sql.SqlFiles;
import org.junit.jupiter.api.Test;

/** The pipeline job reads the shipped sql/ folder from its own classpath, as in the job jar. */
class ShippedSqlFolderTest {

    @Test
    void theJobJarsOwnSqlFolderIsOnTheClasspath() {
        assertThat(SqlFiles.listCatalog("classpath:sql/catalog")).isNotEmpty();
        PipelineMetadata metadata =
                PipelineMetadataParser.parse(
                        SqlFiles.read(
                                "classpath:sql/pipelines/payments/payments_to_warehouse.sql"));
        assertThat(metadata.name()).isEqualTo("payments_to_warehouse");
        assertThat(metadata.owner()).isEqualTo("payments");
    }
}
