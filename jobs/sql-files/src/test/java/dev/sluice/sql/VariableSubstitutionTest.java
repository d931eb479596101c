package dev.sluice.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VariableSubstitutionTest {

    private static List<BoundStatement> bind(String text, Variables variables) {
        SourceText source = new SourceText("p.sql", text);
        return SqlScriptParser.parse(source).statements().stream()
                .map(s -> VariableSubstitution.bind(s, source, variables))
                .toList();
    }

    private static Variables vars(String... assignments) {
        Variables.Builder builder = Variables.builder();
        for (String assignment : assignments) {
            builder.assignment(assignment, false, "--var");
        }
        return builder.build();
    }

    @Test
    void substitutesInsideLiteralsOnly() {
        List<BoundStatement> bound =
                bind(
                        "-- ${NOT_HERE} in a comment\n"
                                + "CREATE TABLE t (a INT) WITH ('connector' = 'kafka',"
                                + " 'properties.bootstrap.servers' = '${SERVERS}', 'x' = 'a-${SERVERS}-b $${SERVERS}');",
                        vars("SERVERS=broker:9092"));
        assertThat(bound).hasSize(1);
        assertThat(bound.get(0).sql())
                .endsWith(
                        "'properties.bootstrap.servers' = 'broker:9092', 'x' = 'a-broker:9092-b"
                                + " ${SERVERS}')");
    }

    @Test
    void aDefaultAppliesOnlyWhenTheVariableIsUndefinedAndIsNeverRedacted() {
        String sql =
                "SET 'a' = '${IO:-org.apache.iceberg.hadoop.HadoopFileIO}'; SET 'b' = '${URI:-}';"
                        + " SET 'c' = '${TOKEN:-none}';";
        List<BoundStatement> defaults = bind(sql, vars());
        assertThat(defaults)
                .extracting(BoundStatement::sql)
                .containsExactly(
                        "SET 'a' = 'org.apache.iceberg.hadoop.HadoopFileIO'",
                        "SET 'b' = ''",
                        "SET 'c' = 'none'");

        Variables given =
                Variables.builder()
                        .assignment("IO=org.apache.iceberg.aws.s3.S3FileIO", false, "--var")
                        .assignment("URI=http://catalog:8181", false, "--var")
                        .assignment("TOKEN=t0ps3cret", true, "--secret-file")
                        .build();
        List<BoundStatement> bound = bind(sql, given);
        assertThat(bound)
                .extracting(BoundStatement::sql)
                .containsExactly(
                        "SET 'a' = 'org.apache.iceberg.aws.s3.S3FileIO'",
                        "SET 'b' = 'http://catalog:8181'",
                        "SET 'c' = 't0ps3cret'");
        assertThat(bound.get(2).redactedSql()).doesNotContain("t0ps3cret");
        assertThatThrownBy(() -> bind("SET 'a' = '${1BAD:-x}';", vars()))
                .isInstanceOf(SqlFileException.class)
                .hasMessageContaining("${ICEBERG_CATALOG_URI:-}");
    }

    @Test
    void injectionStaysInsideTheLiteral() {
        List<BoundStatement> bound =
                bind(
                        "SET 'pipeline.name' = '${NAME}'; SELECT 1;",
                        vars("NAME='; DROP TABLE x; --"));
        assertThat(bound).hasSize(2);
        assertThat(bound.get(0).sql()).isEqualTo("SET 'pipeline.name' = '''; DROP TABLE x; --'");
        assertThat(
                        SqlScriptParser.parse(new SourceText("again.sql", bound.get(0).sql()))
                                .statements())
                .singleElement()
                .extracting(SqlStatement::kind)
                .isEqualTo(StatementKind.SET);
    }

    @Test
    void undefinedVariableIsNamedWithItsPlace() {
        assertThatThrownBy(() -> bind("SELECT 1;\nSELECT 'x', '${MISSING}';", Variables.empty()))
                .isInstanceOfSatisfying(
                        SqlFileException.class,
                        e -> {
                            assertThat(e.location()).hasToString("p.sql:2:14");
                            assertThat(e.getMessage())
                                    .startsWith("Undefined variable ${MISSING}.")
                                    .contains("--var MISSING=");
                            assertThat(e.excerpt())
                                    .isEqualTo("  SELECT 'x', '${MISSING}';\n               ^");
                        });
    }

    @Test
    void malformedReferencesAndReferencesInIdentifiersAreRefused() {
        assertThatThrownBy(() -> bind("SELECT '${1A}';", vars("A=1")))
                .hasMessageStartingWith("Invalid variable reference ${1A}.");
        assertThatThrownBy(() -> bind("SELECT 1 AS `${A}`;", vars("A=1")))
                .hasMessageContaining("quoted identifier");
    }

    @Test
    void secretsAreRedactedInTheRedactedSqlAndMessages() {
        Variables variables =
                Variables.builder()
                        .put("USER", "flink", false, "--var")
                        .put("PW", "s3cr'et", true, "--secret-file")
                        .put("DB_PASSWORD", "hunter2", false, "environment")
                        .build();
        BoundStatement bound =
                bind("SELECT '${USER}', '${PW}', '${DB_PASSWORD}';", variables).get(0);
        assertThat(bound.sql()).isEqualTo("SELECT 'flink', 's3cr''et', 'hunter2'");
        assertThat(bound.redactedSql()).isEqualTo("SELECT 'flink', '****', '****'");
        assertThat(variables.redact("failed with s3cr''et and s3cr'et and hunter2"))
                .isEqualTo("failed with **** and **** and ****");
        assertThat(variables.get("PW")).get().hasToString("**** (from --secret-file)");
    }

    @Test
    void positionsAfterASubstitutionMapBackToTheFile() {
        BoundStatement bound =
                bind("SELECT '${LONG}', nope\nFROM t;", vars("LONG=a much longer value")).get(0);
        int column = bound.sql().indexOf("nope") + 1;
        assertThat(bound.locate(1, column)).hasToString("p.sql:1:19");
        assertThat(bound.locate(2, 6)).hasToString("p.sql:2:6");
        assertThat(bound.locate(1, 10)).hasToString("p.sql:1:9");
    }

    @Test
    void laterSourcesWinAndFilesAndEnvironmentAreRead(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("vars.properties");
        Files.writeString(file, "# staging\nSERVERS = file:9092\nTOPIC=t1\n");
        Path secrets = dir.resolve("secrets.properties");
        Files.writeString(secrets, "API=abc\n");
        Variables variables =
                Variables.builder()
                        .environment(
                                Map.of("SERVERS", "env:9092", "HOME_TOKEN", "x", "bad-name", "y"),
                                Set.of())
                        .file(file, false)
                        .file(secrets, true)
                        .assignment("TOPIC=t2", false, "--var")
                        .build();
        assertThat(variables.get("SERVERS").orElseThrow().value()).isEqualTo("file:9092");
        assertThat(variables.get("TOPIC").orElseThrow().value()).isEqualTo("t2");
        assertThat(variables.get("API").orElseThrow().secret()).isTrue();
        assertThat(variables.get("HOME_TOKEN").orElseThrow().secret()).isTrue();
        assertThat(variables.names()).doesNotContain("bad-name");
        assertThatThrownBy(() -> Variables.builder().assignment("NOEQUALS", false, "--var"))
                .hasMessageStartingWith("Invalid variable assignment: 'NOEQUALS'");
    }
}
