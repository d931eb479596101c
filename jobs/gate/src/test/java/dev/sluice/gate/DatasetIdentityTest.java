package dev.sluice.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.policy.model.PolicyException;
import dev.sluice.policy.model.PolicyLoader;
import dev.sluice.sql.SqlFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dataset identities from connector options, and the bad input around them. */
class DatasetIdentityTest {

    private static DatasetIdentity one(Map<String, String> options) {
        List<DatasetIdentity> ids = DatasetIdentity.of(options, Map.of("main", "a:1,b:2"));
        assertThat(ids).hasSize(1);
        return ids.get(0);
    }

    @Test
    void kafkaIsClusterAndTopicWithServersNormalisedAndAliased() {
        assertThat(
                        one(
                                Map.of(
                                        "connector", "upsert-kafka",
                                        "topic", "t",
                                        "properties.bootstrap.servers", " A:1 , b:2")))
                .isEqualTo(new DatasetIdentity("kafka", Map.of("cluster", "main", "topic", "t")));
        assertThat(
                        one(Map.of(
                                        "connector", "kafka",
                                        "topic", "t",
                                        "properties.bootstrap.servers", "c:3"))
                                .toString())
                .isEqualTo("kafka{cluster=c:3, topic=t}");
        assertThat(
                        DatasetIdentity.of(
                                Map.of(
                                        "connector", "kafka",
                                        "topic", "x; y",
                                        "properties.bootstrap.servers", "c:3"),
                                Map.of()))
                .extracting(i -> i.fields().get("topic"))
                .containsExactly("x", "y");
    }

    @Test
    void jdbcIsHostPortDatabaseAndSchemaTable() {
        DatasetIdentity id =
                one(
                        Map.of(
                                "connector", "jdbc",
                                "url", "jdbc:postgresql://DB.example:5432/crm?ssl=true",
                                "table-name", "customers",
                                "password", "secret"));
        assertThat(id.fields())
                .isEqualTo(
                        Map.of(
                                "host", "db.example",
                                "port", "5432",
                                "database", "crm",
                                "table", "public.customers"));
        assertThat(
                        one(Map.of(
                                        "connector",
                                        "jdbc",
                                        "url",
                                        "jdbc:postgresql://db.example/crm",
                                        "table-name",
                                        "public.customers"))
                                .equals(id))
                .isTrue();
    }

    @Test
    void icebergIsTheCatalogsWarehouseOrUriWithItsWarehouseAndTheTable() {
        DatasetIdentity folder =
                one(
                        Map.of(
                                "connector", "iceberg",
                                "warehouse", "file:///data/wh/",
                                "catalog-database", "payments",
                                "catalog-table", "payments"));
        assertThat(folder.fields())
                .containsEntry("table", "payments.payments")
                .doesNotContainKey("warehouse");
        Map<String, String> rest =
                new java.util.HashMap<>(
                        Map.of(
                                "connector", "iceberg",
                                "catalog-type", "rest",
                                "uri", "http://catalog:8181/",
                                "warehouse", "analytics",
                                "catalog-database", "payments",
                                "catalog-table", "payments"));
        DatasetIdentity analytics = one(rest);
        assertThat(analytics.fields())
                .containsEntry("catalog", "http://catalog:8181")
                .containsEntry("warehouse", "analytics")
                .containsEntry("table", "payments.payments");
        rest.put("warehouse", "finance");
        // the same namespace.table in another warehouse of the same catalog service is another
        // dataset
        assertThat(one(rest)).isNotEqualTo(analytics);
    }

    @Test
    void filesystemPrintBlackholeDatagenAndUnknownConnectors() {
        assertThat(one(Map.of("connector", "filesystem", "path", "/data/x/")).toString())
                .isEqualTo("filesystem{path=file:///data/x}");
        assertThat(one(Map.of("connector", "print")).persists()).isTrue();
        assertThat(one(Map.of("connector", "blackhole")).persists()).isFalse();
        assertThat(one(Map.of("connector", "datagen")).generated()).isTrue();
        DatasetIdentity other =
                one(Map.of("connector", "mongodb", "uri", "mongodb://h/db", "password", "pw"));
        assertThat(other.fields()).containsOnlyKeys("connector", "uri");
    }

    @Test
    void badIdentityOptionsNameTheOptionAndTheFix() {
        assertThatThrownBy(
                        () ->
                                one(
                                        Map.of(
                                                "connector",
                                                "jdbc",
                                                "url",
                                                "jdbc:postgresql:crm",
                                                "table-name",
                                                "t")))
                .isInstanceOfSatisfying(
                        DatasetIdentity.Problem.class,
                        p -> {
                            assertThat(p.option()).isEqualTo("url");
                            assertThat(p.fix()).contains("jdbc:postgresql://");
                        });
        assertThatThrownBy(
                        () ->
                                one(
                                        Map.of(
                                                "connector",
                                                "kafka",
                                                "topic-pattern",
                                                "a.(",
                                                "properties.bootstrap.servers",
                                                "h:1")))
                .isInstanceOfSatisfying(
                        DatasetIdentity.Problem.class,
                        p -> assertThat(p.option()).isEqualTo("topic-pattern"));
        assertThatThrownBy(
                        () ->
                                one(
                                        Map.of(
                                                "connector",
                                                "kafka",
                                                "topic",
                                                "${TOPIC}",
                                                "properties.bootstrap.servers",
                                                "h:1")))
                .isInstanceOfSatisfying(
                        DatasetIdentity.Problem.class,
                        p -> {
                            assertThat(p.option()).isEqualTo("topic");
                            assertThat(p.getMessage()).contains("${TOPIC}");
                        });
    }

    @Test
    void aTopicPatternThatIsNoRegexIsAnErrorAtItsDeclaration(@TempDir Path warehouse) {
        Path file = GateCorpusTest.CORPUS.resolve("bad-input").resolve("bad_topic_pattern.sql");
        assertThatThrownBy(
                        () -> GateCorpusTest.planner().plan(GateCorpusTest.load(file, warehouse)))
                .isInstanceOfSatisfying(
                        SqlFileException.class,
                        e -> {
                            assertThat(e.location().file()).endsWith("bad_topic_pattern.sql");
                            assertThat(e.location().line()).isEqualTo(5);
                            assertThat(e.getMessage())
                                    .contains("option 'topic-pattern'")
                                    .contains("Fix:");
                        });
    }

    @Test
    void twoEntriesMappingOneIdentityToDifferentZonesIsAnErrorNamingBoth() {
        var policy =
                PolicyLoader.compose(
                        List.of(
                                new PolicyLoader.PolicyText(
                                        "p.yaml",
                                        """
                                        sinks:
                                          - {kafka: {topic: 'out.*'}, zone: analytics, region: eu}
                                          - {kafka: {topic: 'ou*.x'}, zone: partner, region: eu}
                                        """)));
        DatasetResolver resolver =
                new DatasetResolver(policy, dev.sluice.sql.Variables.empty(), Map.of());
        DatasetIdentity id =
                new DatasetIdentity("kafka", Map.of("cluster", "h:1", "topic", "out.x"));
        assertThatThrownBy(() -> resolver.sink(id))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("{kafka: {topic: out.*}}")
                .hasMessageContaining("{kafka: {topic: ou*.x}}")
                .hasMessageContaining("p.yaml:2")
                .hasMessageContaining("p.yaml:3");
    }
}
