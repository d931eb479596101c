package dev.sluice.connectors.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.stagingschemas.SchemaChangeMode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaChangeDetectorTest {

    private static final String V1 = "1111111111111111";
    private static final String V2 = "2222222222222222";

    private static byte[] record(String version, String after) {
        String source = version == null ? "{}" : "{\"schema_version\": \"" + version + "\"}";
        return ("{\"before\":null,\"after\":" + after + ",\"op\":\"c\",\"source\":" + source + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static SchemaChangeDetector detector(SchemaChangeMode mode, String... heldBack) {
        return new SchemaChangeDetector(
                "default_catalog.staging.customers",
                mode,
                List.of("id", "name"),
                List.of(V1),
                List.of(heldBack));
    }

    @Test
    void readsTheVersionWithoutParsing() {
        assertThat(SchemaChangeDetector.version(record(V2, "{\"id\":1}"))).isEqualTo(V2);
        assertThat(SchemaChangeDetector.version(record(null, "{\"id\":1}"))).isNull();
        assertThat(SchemaChangeDetector.version("{\"schema_version\":".getBytes())).isNull();
    }

    @Test
    void plannedVersionsAndMatchingFieldsPass() {
        SchemaChangeDetector fail = detector(SchemaChangeMode.FAIL);
        assertThatCode(() -> fail.check(record(V1, "{\"id\":1,\"name\":\"a\",\"x\":1}")))
                .doesNotThrowAnyException(); // a planned version is not checked again
        assertThatCode(() -> fail.check(record(null, "{\"id\":1,\"name\":\"a\"}")))
                .doesNotThrowAnyException();
        assertThatCode(() -> fail.check("not json".getBytes())).doesNotThrowAnyException();
    }

    @Test
    void theMarkerOfAShreddedRowIsNoNewColumn() {
        SchemaChangeDetector fail = detector(SchemaChangeMode.FAIL);
        // the decrypting format adds _shredded to a row whose subject's key was destroyed
        assertThatCode(
                        () ->
                                fail.check(
                                        record(
                                                null,
                                                "{\"id\":1,\"name\":null,\"_shredded\":true}")))
                .doesNotThrowAnyException();
    }

    @Test
    void failNamesTableChangeAndWayOut() {
        assertThatThrownBy(
                        () ->
                                detector(SchemaChangeMode.FAIL)
                                        .check(record(V2, "{\"id\":1,\"tier\":\"g\"}")))
                .isInstanceOfSatisfying(
                        StagingSchemaChangedException.class,
                        e -> {
                            assertThat(e.evolve()).isFalse();
                            assertThat(e.getMessage())
                                    .contains("default_catalog.staging.customers")
                                    .contains("added tier")
                                    .contains("dropped name")
                                    .contains("schema_version " + V2 + " (planned for " + V1)
                                    .contains("sluice run or sluice submit again");
                        });
    }

    @Test
    void evolveStopsOnAddedColumnsOrNewVersionsButNotOnDrops() {
        SchemaChangeDetector evolve = detector(SchemaChangeMode.EVOLVE, "secret");
        assertThatThrownBy(() -> evolve.check(record(null, "{\"id\":1,\"name\":\"a\",\"t\":1}")))
                .isInstanceOfSatisfying(
                        StagingSchemaChangedException.class, e -> assertThat(e.evolve()).isTrue());
        // a held-back column is known: no change
        assertThatCode(() -> evolve.check(record(null, "{\"id\":1,\"name\":\"a\",\"secret\":1}")))
                .doesNotThrowAnyException();
        // a dropped column is never evolved: logged, the column reads NULL
        assertThatCode(() -> evolve.check(record(null, "{\"id\":1}"))).doesNotThrowAnyException();
        // same names, new version: a type changed
        assertThatThrownBy(() -> evolve.check(record(V2, "{\"id\":1,\"name\":\"a\"}")))
                .hasMessageContaining("same column names: a type changed");
    }

    @Test
    void ignoreNeverStops() {
        SchemaChangeDetector ignore = detector(SchemaChangeMode.IGNORE);
        assertThatCode(
                        () -> {
                            ignore.check(record(V2, "{\"id\":1,\"tier\":\"g\"}"));
                            ignore.check(record(V2, "{\"id\":2,\"tier\":\"g\"}"));
                            ignore.check(record(null, "{\"id\":3,\"other\":1}"));
                        })
                .doesNotThrowAnyException();
    }

    @Test
    void foundInAFailureChainByClassOrMessage() {
        RuntimeException wrapped =
                new RuntimeException(
                        "outer",
                        new java.io.IOException(
                                "Failed to deserialize",
                                new StagingSchemaChangedException(true, "Schema change in x.")));
        assertThat(StagingSchemaChangedException.find(wrapped))
                .contains(new StagingSchemaChangedException.Found(true, "Schema change in x."));
        RuntimeException serialized =
                new RuntimeException(
                        new org.apache.flink.util.SerializedThrowable(
                                new StagingSchemaChangedException(false, "Schema change in y.")));
        assertThat(StagingSchemaChangedException.find(serialized))
                .contains(new StagingSchemaChangedException.Found(false, "Schema change in y."));
        assertThat(StagingSchemaChangedException.find(new RuntimeException("other"))).isEmpty();
    }
}
