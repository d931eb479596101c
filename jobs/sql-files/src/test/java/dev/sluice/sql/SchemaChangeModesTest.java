package dev.sluice.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.stagingschemas.SchemaChangeMode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchemaChangeModesTest {

    private static final String HEADER = "-- @owner payments\n-- @description Feed\n";

    private static PipelineMetadata parse(String text) {
        return PipelineMetadataParser.parse(new SourceText("pipelines/feed.sql", text));
    }

    @Test
    void defaultIsIgnoreForEverySink() {
        SchemaChangeModes modes = parse(HEADER + "SELECT 1;").schemaChanges();
        assertThat(modes).isEqualTo(SchemaChangeModes.DEFAULT);
        assertThat(modes.forSink("warehouse.payments.customers"))
                .isEqualTo(SchemaChangeMode.IGNORE);
    }

    @Test
    void pipelineModeAndPerSinkModes() {
        PipelineMetadata metadata =
                parse(
                        HEADER
                                + "-- @schema-changes evolve\n"
                                + "--   @schema-changes   warehouse.payments.customers = fail\n"
                                + "-- @schema-changes crm.customers=ignore\n"
                                + "-- @team x\n");
        SchemaChangeModes modes = metadata.schemaChanges();
        assertThat(modes.pipeline()).isEqualTo(SchemaChangeMode.EVOLVE);
        assertThat(modes.bySink())
                .isEqualTo(
                        Map.of(
                                "warehouse.payments.customers", SchemaChangeMode.FAIL,
                                "crm.customers", SchemaChangeMode.IGNORE));
        assertThat(modes.forSink("warehouse.payments.customers")).isEqualTo(SchemaChangeMode.FAIL);
        // a sink named by its last parts matches its full name
        assertThat(modes.forSink("default_catalog.crm.customers"))
                .isEqualTo(SchemaChangeMode.IGNORE);
        assertThat(modes.forSink("warehouse.payments.cards")).isEqualTo(SchemaChangeMode.EVOLVE);
        assertThat(metadata.tags()).isEqualTo(Map.of("team", "x"));
    }

    @Test
    void strictestModeWins() {
        assertThat(SchemaChangeMode.IGNORE.strictest(SchemaChangeMode.EVOLVE))
                .isEqualTo(SchemaChangeMode.EVOLVE);
        assertThat(SchemaChangeMode.FAIL.strictest(SchemaChangeMode.EVOLVE))
                .isEqualTo(SchemaChangeMode.FAIL);
        assertThat(SchemaChangeMode.EVOLVE.strictest(SchemaChangeMode.IGNORE))
                .isEqualTo(SchemaChangeMode.EVOLVE);
    }

    @Test
    void badModePointsAtTheValueAndListsTheAllowedOnes() {
        assertThatThrownBy(() -> parse(HEADER + "-- @schema-changes evolv\n"))
                .isInstanceOfSatisfying(
                        SqlFileException.class,
                        e -> {
                            assertThat(e.location()).hasToString("pipelines/feed.sql:3:20");
                            assertThat(e.getMessage())
                                    .contains("Invalid schema-change mode 'evolv'")
                                    .contains("evolve, ignore or fail");
                        });
        assertThatThrownBy(
                        () ->
                                parse(
                                        HEADER
                                                + "-- @schema-changes warehouse.payments.customers=drop\n"))
                .isInstanceOfSatisfying(
                        SqlFileException.class,
                        e -> {
                            assertThat(e.location()).hasToString("pipelines/feed.sql:3:49");
                            assertThat(e.getMessage()).contains("'drop'");
                        });
        assertThatThrownBy(() -> parse(HEADER + "-- @schema-changes\n"))
                .hasMessageContaining("Invalid schema-change mode ''");
    }

    @Test
    void duplicatesAreRefused() {
        assertThatThrownBy(
                        () ->
                                parse(
                                        HEADER
                                                + "-- @schema-changes fail\n-- @schema-changes evolve\n"))
                .hasMessageContaining("Duplicate header field @schema-changes (first on line 3)");
        assertThatThrownBy(
                        () ->
                                parse(
                                        HEADER
                                                + "-- @schema-changes a.b=fail\n-- @schema-changes a.b=evolve\n"))
                .hasMessageContaining(
                        "Duplicate header field @schema-changes a.b (first on line 3)");
    }
}
