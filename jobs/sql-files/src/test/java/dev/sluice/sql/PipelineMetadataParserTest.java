package dev.sluice.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineMetadataParserTest {

    private static PipelineMetadata parse(String text) {
        return PipelineMetadataParser.parse(new SourceText("pipelines/payments/to_lake.sql", text));
    }

    private static SqlFileException failure(String text) {
        try {
            parse(text);
        } catch (SqlFileException e) {
            return e;
        }
        throw new AssertionError("expected a SqlFileException for:\n" + text);
    }

    @Test
    void readsTheAgreedHeader() {
        PipelineMetadata metadata =
                parse(
                        "-- @owner payments\n"
                                + "-- @description Card payments into the Iceberg warehouse, card number masked\n"
                                + "-- @parallelism 2\n"
                                + "-- @checkpoint-interval 10 s\n"
                                + "--@team-channel #payments-data\n"
                                + "\n"
                                + "LOAD MODULE sluice;\n"
                                + "-- @owner not-a-header-line-any-more\n");
        assertThat(metadata)
                .isEqualTo(
                        new PipelineMetadata(
                                "to_lake",
                                "payments",
                                "Card payments into the Iceberg warehouse, card number masked",
                                2,
                                Duration.ofSeconds(10),
                                Map.of("team-channel", "#payments-data")));
    }

    @Test
    void defaultsAndExplicitName() {
        PipelineMetadata metadata =
                parse(
                        "-- A free comment line before the fields is fine.\n"
                                + "-- @name lake-feed\n-- @owner growth\n-- @description Feed\n"
                                + "SELECT 1;");
        assertThat(metadata.name()).isEqualTo("lake-feed");
        assertThat(metadata.parallelism()).isEqualTo(PipelineMetadata.DEFAULT_PARALLELISM);
        assertThat(metadata.checkpointInterval())
                .isEqualTo(PipelineMetadata.DEFAULT_CHECKPOINT_INTERVAL);
        assertThat(
                        parse("-- @owner a\n-- @description b\n-- @checkpoint-interval 1min\n")
                                .checkpointInterval())
                .isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void missingRequiredFieldNamesItAndShowsAnExample() {
        SqlFileException e = failure("-- @owner payments\nSELECT 1;");
        assertThat(e.location()).hasToString("pipelines/payments/to_lake.sql:1:1");
        assertThat(e.getMessage()).contains("Missing required header field @description");
        assertThat(failure("SELECT 1; -- @owner x").getMessage()).contains("@owner");
    }

    @Test
    void headerStopsAtTheFirstStatement() {
        assertThat(failure("-- @owner a\nSELECT 1;\n-- @description too late\n").getMessage())
                .contains("Missing required header field @description");
    }

    @Test
    void invalidParallelismPointsAtTheValue() {
        SqlFileException e = failure("-- @owner a\n-- @description b\n-- @parallelism zero\n");
        assertThat(e.location()).hasToString("pipelines/payments/to_lake.sql:3:17");
        assertThat(e.getMessage())
                .isEqualTo(
                        "Invalid header field @parallelism: 'zero'. Use a whole number of 1 or"
                                + " more, e.g. -- @parallelism 2.");
        assertThat(e.excerpt()).isEqualTo("  -- @parallelism zero\n                  ^");
        assertThat(failure("-- @owner a\n-- @description b\n-- @parallelism 0\n").getMessage())
                .contains("@parallelism: '0'");
    }

    @Test
    void invalidDurationsAreRefused() {
        for (String value : new String[] {"10 parsecs", "-5 s", "0 s", "soon"}) {
            assertThat(
                            failure(
                                            "-- @owner a\n-- @description b\n-- @checkpoint-interval "
                                                    + value
                                                    + "\n")
                                    .getMessage())
                    .as(value)
                    .startsWith("Invalid header field @checkpoint-interval: '" + value + "'.");
        }
    }

    @Test
    void emptyAndDuplicateFieldsAreRefused() {
        assertThat(failure("-- @owner\n-- @description b\n").getMessage())
                .isEqualTo("Invalid header field @owner: ''. It needs a value.");
        SqlFileException duplicate = failure("-- @owner a\n-- @owner b\n-- @description c\n");
        assertThat(duplicate.location().line()).isEqualTo(2);
        assertThat(duplicate.getMessage())
                .contains("Duplicate header field @owner (first on line 1)");
    }

    @Test
    void invalidNameIsRefused() {
        assertThat(failure("-- @name bad name!\n-- @owner a\n-- @description b\n").getMessage())
                .startsWith("Invalid header field @name: 'bad name!'.");
    }
}
