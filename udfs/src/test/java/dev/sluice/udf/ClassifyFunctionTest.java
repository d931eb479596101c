package dev.sluice.udf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Planner tests of classify over the detectors of policy-functions. */
class ClassifyFunctionTest {
    private static TableEnvironment env;

    @BeforeAll
    static void loadModule() {
        env = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        env.executeSql("LOAD MODULE sluice");
        env.executeSql(
                "CREATE TEMPORARY VIEW t AS SELECT * FROM (VALUES "
                        + "(1, CAST('jane.doe@example.com' AS STRING), CAST(4111111111111111 AS BIGINT)),"
                        + "(2, CAST('4111 1111 1111 1111' AS STRING), CAST(7 AS BIGINT)),"
                        + "(3, CAST('4155552671' AS STRING), CAST(NULL AS BIGINT)),"
                        + "(4, CAST('release 1.2.3.4 notes' AS STRING), CAST(12 AS BIGINT)),"
                        + "(5, CAST(NULL AS STRING), CAST(NULL AS BIGINT))"
                        + ") AS t(id, s, b)");
    }

    @Test
    void classifiesValuesWithAndWithoutColumnContext() {
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it =
                env.executeSql(
                                "SELECT classify(s), classify(s, 'mobile_phone'), classify(b)"
                                        + " FROM t ORDER BY id")
                        .collect()) {
            it.forEachRemaining(rows::add);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        assertThat(rows)
                .containsExactly(
                        Row.of(
                                new String[] {"PII.EMAIL"},
                                new String[] {"PII.EMAIL"},
                                new String[] {"PCI.PAN"}),
                        Row.of(new String[] {"PCI.PAN"}, new String[] {"PCI.PAN"}, new String[] {}),
                        Row.of(new String[] {}, new String[] {"PII.PHONE"}, null),
                        Row.of(new String[] {}, new String[] {}, new String[] {}),
                        Row.of(null, null, null));
        assertThat(
                        env.sqlQuery("SELECT classify(s) FROM t")
                                .getResolvedSchema()
                                .getColumnDataTypes())
                .containsExactly(DataTypes.ARRAY(DataTypes.STRING().notNull()));
    }

    @Test
    void invalidArgumentsFailPlanning() {
        assertThatThrownBy(() -> env.explainSql("SELECT classify(s, s) FROM t"))
                .hasStackTraceContaining("Invalid columnName of classify: not a string literal.");
        assertThatThrownBy(() -> env.explainSql("SELECT classify(CAST(1.5 AS DOUBLE)) FROM t"))
                .hasStackTraceContaining(
                        "Invalid value of classify: type DOUBLE is not supported.");
    }
}
