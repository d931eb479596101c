package dev.sluice.udf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Planner tests of generalize_date, bucket, postal_prefix and redact. */
class GeneralizationFunctionsTest {
    private static TableEnvironment env;

    @BeforeAll
    static void loadModule() {
        env = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        env.executeSql("LOAD MODULE sluice");
        env.executeSql(
                "CREATE TEMPORARY VIEW t AS SELECT * FROM (VALUES "
                        + "(1, DATE '1987-06-23', TIMESTAMP '2024-02-29 13:05:00', CAST(37 AS TINYINT),"
                        + " -1, CAST(123456 AS BIGINT), CAST(' SW1A 1AA' AS VARCHAR(10)),"
                        + " CAST('secret' AS STRING), 7.5),"
                        + "(2, CAST(NULL AS DATE), CAST(NULL AS TIMESTAMP), CAST(NULL AS TINYINT),"
                        + " CAST(NULL AS INT), CAST(NULL AS BIGINT), CAST(NULL AS VARCHAR(10)),"
                        + " CAST(NULL AS STRING), CAST(NULL AS DECIMAL(2, 1)))"
                        + ") AS t(id, d, ts, ti, i, b, pc, s, amount)");
    }

    private static List<Row> rows(String select) {
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = env.executeSql(select + " FROM t ORDER BY id").collect()) {
            it.forEachRemaining(rows::add);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    @Test
    void generalizesAndRedacts() {
        String select =
                "SELECT generalize_date(d, 'year'), generalize_date(d, 'MONTH'),"
                        + " generalize_date(ts, 'month'), bucket(ti, 10), bucket(i, 10),"
                        + " bucket(b, 1000), postal_prefix(pc, 4), postal_prefix(pc, 0), redact(s),"
                        + " redact(i), redact(amount)";
        List<Row> rows = rows(select);
        assertThat(rows.get(0))
                .isEqualTo(
                        Row.of(
                                LocalDate.of(1987, 1, 1),
                                LocalDate.of(1987, 6, 1),
                                LocalDateTime.of(2024, 2, 1, 0, 0),
                                30L,
                                -10L,
                                123000L,
                                "SW1A",
                                "",
                                "[REDACTED]",
                                null,
                                null));
        assertThat(rows.get(1)).isEqualTo(Row.of(new Object[11]));
        assertThat(env.sqlQuery(select + " FROM t").getResolvedSchema().getColumnDataTypes())
                .containsExactly(
                        DataTypes.DATE(),
                        DataTypes.DATE(),
                        DataTypes.TIMESTAMP(6),
                        DataTypes.BIGINT(),
                        DataTypes.BIGINT(),
                        DataTypes.BIGINT(),
                        DataTypes.STRING(),
                        DataTypes.STRING(),
                        DataTypes.STRING(),
                        DataTypes.INT(),
                        DataTypes.DECIMAL(2, 1));
    }

    @Test
    void registersOneByOne() {
        env.executeSql("CREATE TEMPORARY FUNCTION decade AS 'dev.sluice.udf.BucketFunction'");
        assertThat(rows("SELECT decade(ti, 10)").get(0)).isEqualTo(Row.of(30L));
    }

    @Test
    void invalidArgumentsFailPlanning() {
        assertFails(
                "SELECT generalize_date(d, 'week')",
                "Invalid unit of generalize_date: 'week'. Use 'year' or 'month'.");
        assertFails(
                "SELECT generalize_date(s, 'year')",
                "Invalid value of generalize_date: type STRING is not supported.");
        assertFails(
                "SELECT generalize_date(d, s)",
                "Invalid unit of generalize_date: not a string literal.");
        assertFails("SELECT bucket(i, 0)", "Invalid width of bucket: 0. Use a width > 0");
        assertFails("SELECT bucket(i, i)", "Invalid width of bucket: not an integer literal.");
        assertFails(
                "SELECT bucket(amount, 10)",
                "Invalid value of bucket: type DECIMAL(2, 1) is not supported.");
        assertFails("SELECT postal_prefix(pc, -1)", "Invalid length of postal_prefix: -1.");
        assertFails(
                "SELECT postal_prefix(i, 2)",
                "Invalid value of postal_prefix: type INT is not supported.");
    }

    private static void assertFails(String select, String message) {
        assertThatThrownBy(() -> env.explainSql(select + " FROM t"))
                .as(select)
                .hasStackTraceContaining(message);
    }
}
