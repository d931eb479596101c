package dev.sluice.udf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.types.DataType;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Planner tests of the mask functions in batch mode, loaded with {@code LOAD MODULE sluice}: every
 * function and value type, NULLs, result types and the planning-time errors. Expected values follow
 * Hive's language manual and Hive's own udf_mask tests.
 */
class MaskFunctionsTest {

    private static TableEnvironment env;

    @BeforeAll
    static void loadModule() {
        env = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        env.getConfig().set("parallelism.default", "1");
        env.executeSql("LOAD MODULE sluice");
        env.executeSql(
                "CREATE TEMPORARY VIEW t AS SELECT * FROM (VALUES "
                        + "(1, CAST('abcd-EFGH-8765-4321' AS STRING),"
                        + " CAST('1234-5678-8765-4321' AS CHAR(19)),"
                        + " CAST('TestString-123' AS VARCHAR(30)), CAST(123 AS TINYINT),"
                        + " CAST(12345 AS SMALLINT), 12345, CAST(1234567 AS BIGINT),"
                        + " DATE '2016-04-20'),"
                        + "(2, CAST(NULL AS STRING), CAST(NULL AS CHAR(19)),"
                        + " CAST(NULL AS VARCHAR(30)), CAST(NULL AS TINYINT),"
                        + " CAST(NULL AS SMALLINT), CAST(NULL AS INT), CAST(NULL AS BIGINT),"
                        + " CAST(NULL AS DATE))"
                        + ") AS t(id, s, c, v, ti, si, i, b, d)");
    }

    private static List<Row> rows(String select) {
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = env.executeSql(select + " FROM t ORDER BY id").collect()) {
            it.forEachRemaining(rows::add);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        assertThat(rows).hasSize(2);
        return rows;
    }

    private static Row masked(String select) {
        List<Row> rows = rows(select);
        Row nulls = rows.get(1);
        for (int f = 0; f < nulls.getArity(); f++) {
            assertThat(nulls.getField(f)).as("NULL in gives NULL out, field %d", f).isNull();
        }
        return rows.get(0);
    }

    private static List<DataType> types(String select) {
        return env.sqlQuery(select + " FROM t").getResolvedSchema().getColumnDataTypes();
    }

    @Test
    void maskWithHiveDefaultsKeepsEveryType() {
        String select =
                "SELECT mask(s), mask(c), mask(v), mask(ti), mask(si), mask(i), mask(b), mask(d)";
        assertThat(masked(select))
                .isEqualTo(
                        Row.of(
                                "xxxx-XXXX-nnnn-nnnn",
                                "nnnn-nnnn-nnnn-nnnn",
                                "XxxxXxxxxx-nnn",
                                (byte) 111,
                                (short) 11111,
                                11111,
                                1111111L,
                                LocalDate.of(0, 1, 1)));
        assertThat(types(select))
                .containsExactly(
                        DataTypes.STRING(),
                        DataTypes.CHAR(19),
                        DataTypes.VARCHAR(30),
                        DataTypes.TINYINT(),
                        DataTypes.SMALLINT(),
                        DataTypes.INT(),
                        DataTypes.BIGINT(),
                        DataTypes.DATE());
    }

    @Test
    void maskWithHiveArgumentsIntsAndStringNumbers() {
        assertThat(
                        masked(
                                "SELECT mask(v, 'X', 'x', '0', ':'), mask(s, 'U', 'l', '#'),"
                                        + " mask(ti, -1, -1, -1, -1, '5'), mask(si, -1, -1, -1, -1, 5),"
                                        + " mask(i, -1, -1, -1, -1, '5'), mask(b, -1, -1, -1, -1, 0),"
                                        + " mask(s, -1, 'x', -1), mask(s, NULL, NULL, '*')"))
                .isEqualTo(
                        Row.of(
                                "XxxxXxxxxx:000",
                                "llll-UUUU-####-####",
                                (byte) 43,
                                (short) -9981,
                                55555,
                                0L,
                                "xxxx-EFGH-8765-4321",
                                "xxxx-XXXX-****-****"));
    }

    @Test
    void maskDatesPerField() {
        assertThat(
                        masked(
                                "SELECT mask(d, -1, -1, -1, -1, -1, -1, 0, 0),"
                                        + " mask(d, -1, -1, -1, -1, -1, 1, -1, 0),"
                                        + " mask(d, -1, -1, -1, -1, -1, 1, 0, -1),"
                                        + " mask(d, 'x', 'x', 'x', -1, '1', 1, 0, -1),"
                                        + " mask(d, -1, -1, -1, -1, -1, -1, -1, -1)"))
                .isEqualTo(
                        Row.of(
                                LocalDate.of(0, 1, 20),
                                LocalDate.of(0, 4, 1),
                                LocalDate.of(2016, 1, 1),
                                LocalDate.of(2016, 1, 1),
                                LocalDate.of(2016, 4, 20)));
    }

    @Test
    void dayZeroIsHiveDefaultDay() {
        // Hive's udf_mask.q.out: mask(cast('2016-04-20' as date), -1, -1, -1, -1, -1, 0, 0, 0)
        assertThat(
                        masked(
                                "SELECT mask(d, -1, -1, -1, -1, -1, 0, 0, 0), mask(d, 'x', 'x', 'x', -1, 1, 0, -1, -1)"))
                .isEqualTo(Row.of(LocalDate.of(0, 1, 1), LocalDate.of(2016, 4, 1)));
    }

    @Test
    void everyMaskFunctionMasksDatesWholeAsHiveDoes() {
        // Hive's udf_mask_*_n.q.out: (cast('2016-04-20' as date), 4, -1, -1, -1, -1, -1, 0, 0, 0)
        String args = ", 4, -1, -1, -1, -1, -1, 0, 0, 0)";
        assertThat(
                        masked(
                                "SELECT mask_first_n(d"
                                        + args
                                        + ", mask_last_n(d"
                                        + args
                                        + ", mask_show_first_n(d"
                                        + args
                                        + ", mask_show_last_n(d"
                                        + args
                                        + ", mask_show_last_n(d), mask_first_n(d, 2, -1, -1, -1, -1, -1, -1, 0, -1),"
                                        + " mask_first_n_strict(d), mask_show_last_n_strict(d, 4)"))
                .isEqualTo(
                        Row.of(
                                LocalDate.of(0, 1, 1),
                                LocalDate.of(0, 1, 1),
                                LocalDate.of(0, 1, 1),
                                LocalDate.of(0, 1, 1),
                                LocalDate.of(0, 1, 1),
                                LocalDate.of(2016, 1, 20),
                                LocalDate.of(0, 1, 1),
                                LocalDate.of(0, 1, 1)));
        assertThat(types("SELECT mask_first_n(d), mask_show_last_n_strict(d)"))
                .containsExactly(DataTypes.DATE(), DataTypes.DATE());
    }

    @Test
    void literalCallsGiveWhatColumnCallsGive() {
        String literals =
                "SELECT mask(DATE '2016-04-20'), mask_first_n(DATE '2016-04-20', 4, -1, -1, -1, -1,"
                        + " -1, 0, 0, 0), mask_show_last_n(CAST(12345 AS SMALLINT), 4, -1, -1, -1,"
                        + " -1, '5'), mask('abcd-EFGH-8765-4321'), mask_strict(DATE '2016-04-20')";
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = env.executeSql(literals).collect()) {
            it.forEachRemaining(rows::add);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        assertThat(rows)
                .containsExactly(
                        Row.of(
                                LocalDate.of(0, 1, 1),
                                LocalDate.of(0, 1, 1),
                                (short) -13191,
                                "xxxx-XXXX-nnnn-nnnn",
                                LocalDate.of(0, 1, 1)));
        assertThat(
                        masked(
                                "SELECT mask(d), mask_first_n(d, 4, -1, -1, -1, -1, -1, 0, 0, 0),"
                                        + " mask_show_last_n(si, 4, -1, -1, -1, -1, '5'), mask(s),"
                                        + " mask_strict(d)"))
                .isEqualTo(rows.get(0));
    }

    @Test
    void charValuesKeepTheirPaddingAsInHive() {
        // Hive's udf_mask*.q.out with cast('TestString-123' as char(24)), 'X', 'x', '0', ':'
        String c = "CAST('TestString-123' AS CHAR(24))";
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it =
                env.executeSql(
                                "SELECT mask("
                                        + c
                                        + ", 'X', 'x', '0', ':'), mask_first_n("
                                        + c
                                        + ", 4, 'X', 'x', '0', ':'), mask_show_last_n("
                                        + c
                                        + ", 4, 'X', 'x', '0', ':')")
                        .collect()) {
            it.forEachRemaining(rows::add);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        assertThat(rows)
                .containsExactly(
                        Row.of(
                                "XxxxXxxxxx:000::::::::::",
                                "XxxxString-123          ",
                                "XxxxXxxxxx:000::::::    "));
    }

    @Test
    void firstAndLastN() {
        assertThat(
                        masked(
                                "SELECT mask_first_n(c), mask_first_n(c, 6), mask_first_n(s, 2, 'U', 'l'),"
                                        + " mask_first_n(b), mask_first_n(ti, 2), mask_first_n(v, 4, 'x', 'x', 'x', -1, '1'),"
                                        + " mask_last_n(c), mask_last_n(c, 6), mask_last_n(s, 2, 'U', 'l', '#'),"
                                        + " mask_last_n(b), mask_last_n(si, 2, 'x', 'x', 'x', -1, 9), mask_last_n(v)"))
                .isEqualTo(
                        Row.of(
                                "nnnn-5678-8765-4321",
                                "nnnn-n678-8765-4321",
                                "llcd-EFGH-8765-4321",
                                1111567L,
                                (byte) 113,
                                "xxxxString-123",
                                "1234-5678-8765-nnnn",
                                "1234-5678-876n-nnnn",
                                "abcd-EFGH-8765-43##",
                                1231111L,
                                (short) 12399,
                                "TestString-nnn"));
    }

    @Test
    void showFirstAndLastN() {
        assertThat(
                        masked(
                                "SELECT mask_show_first_n(c), mask_show_first_n(c, 0), mask_show_first_n(i, 2),"
                                        + " mask_show_first_n(v, 4, 'x', 'x', 'x', -1, '1'),"
                                        + " mask_show_last_n(c), mask_show_last_n(c, 100), mask_show_last_n(b, 3),"
                                        + " mask_show_last_n(s, 4, 'x', 'x', 'x', -1, '1'),"
                                        + " mask_show_last_n(ti, 1, 'x', 'x', 'x', -1, 0)"))
                .isEqualTo(
                        Row.of(
                                "1234-nnnn-nnnn-nnnn",
                                "nnnn-nnnn-nnnn-nnnn",
                                12111,
                                "Testxxxxxx-xxx",
                                "nnnn-nnnn-nnnn-4321",
                                "1234-5678-8765-4321",
                                1111567L,
                                "xxxx-xxxx-xxxx-4321",
                                (byte) 3));
    }

    @Test
    void sameFunctionWithDifferentOptionsInOneQuery() {
        assertThat(masked("SELECT mask_first_n(s, 1), mask_first_n(s, 3), mask_first_n(s)"))
                .isEqualTo(
                        Row.of(
                                "xbcd-EFGH-8765-4321",
                                "xxxd-EFGH-8765-4321",
                                "xxxx-EFGH-8765-4321"));
    }

    @Test
    void strictVariantsMaskEveryCodePoint() {
        String select =
                "SELECT mask_strict(s), mask_strict(v), mask_strict(i), mask_strict(d),"
                        + " mask_first_n_strict(s, 5), mask_last_n_strict(c, 5),"
                        + " mask_show_first_n_strict(v), mask_show_last_n_strict(c),"
                        + " mask_show_last_n_strict(b, 2), mask_show_last_n_strict(c, 0)";
        assertThat(masked(select))
                .isEqualTo(
                        Row.of(
                                "xxxx*XXXX*nnnn*nnnn",
                                "XxxxXxxxxx*nnn",
                                11111,
                                LocalDate.of(0, 1, 1),
                                "xxxx*EFGH-8765-4321",
                                "1234-5678-8765*nnnn",
                                "TestXxxxxx*nnn",
                                "nnnn*nnnn*nnnn*4321",
                                1111167L,
                                "nnnn*nnnn*nnnn*nnnn"));
        assertThat(types(select).get(1)).isEqualTo(DataTypes.VARCHAR(30));
    }

    @Test
    void strictVariantsMaskWhatHiveKeeps() {
        List<Row> rows = new ArrayList<>();
        env.executeSql(
                        "SELECT mask(x), mask_strict(x), mask_show_last_n(x, 2), mask_show_last_n_strict(x, 2)"
                                + " FROM (VALUES ('王小明 jane.doe@ex.com'), ('a\uD83D\uDE00b')) AS v(x)")
                .collect()
                .forEachRemaining(rows::add);
        assertThat(rows)
                .containsExactlyInAnyOrder(
                        Row.of(
                                "王小明 xxxx.xxx@xx.xxx",
                                "xxx*xxxx*xxx*xx*xxx",
                                "王小明 xxxx.xxx@xx.xom",
                                "xxx*xxxx*xxx*xx*xom"),
                        Row.of(
                                "a\uD83D\uDE00b".replace("a", "x").replace("b", "x"),
                                "x*x",
                                "x\uD83D\uDE00b",
                                "x\uD83D\uDE00b"));
    }

    @Test
    void maskHashIsSha256HexForStringsAndNullOtherwise() {
        String abcHash = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        String select =
                "SELECT mask_hash(s), mask_hash(c), mask_hash(v), mask_hash(i), mask_hash(d)";
        Row row = masked(select);
        assertThat(row.getField(0)).isEqualTo(sha256("abcd-EFGH-8765-4321"));
        assertThat(row.getField(1)).isEqualTo(sha256("1234-5678-8765-4321"));
        assertThat(row.getField(3)).isNull();
        assertThat(row.getField(4)).isNull();
        assertThat(types(select))
                .containsExactly(
                        DataTypes.STRING(),
                        DataTypes.STRING(),
                        DataTypes.STRING(),
                        DataTypes.INT(),
                        DataTypes.DATE());
        assertThat(dev.sluice.policy.mask.MaskHash.sha256Hex("abc")).isEqualTo(abcHash);
    }

    private static String sha256(String value) {
        return dev.sluice.policy.mask.MaskHash.sha256Hex(value);
    }

    @Test
    void functionsRegisterOneByOneWithCreateFunction() {
        env.executeSql(
                "CREATE TEMPORARY FUNCTION hide_all_but_4 AS 'dev.sluice.udf.MaskShowLastNFunction'");
        env.executeSql("CREATE FUNCTION pan_hash AS 'dev.sluice.udf.MaskHashFunction'");
        assertThat(masked("SELECT hide_all_but_4(c), hide_all_but_4(c, 2), pan_hash(c)"))
                .isEqualTo(
                        Row.of(
                                "nnnn-nnnn-nnnn-4321",
                                "nnnn-nnnn-nnnn-nn21",
                                sha256("1234-5678-8765-4321")));
    }

    @Test
    void moduleListsEveryFunction() {
        List<String> functions = new ArrayList<>();
        env.executeSql("SHOW FUNCTIONS")
                .collect()
                .forEachRemaining(r -> functions.add(r.getFieldAs(0)));
        assertThat(functions)
                .contains(
                        "mask",
                        "mask_first_n",
                        "mask_last_n",
                        "mask_show_first_n",
                        "mask_show_last_n",
                        "mask_hash",
                        "mask_strict",
                        "mask_first_n_strict",
                        "mask_last_n_strict",
                        "mask_show_first_n_strict",
                        "mask_show_last_n_strict",
                        "pseudonymize",
                        "encrypt_deterministic",
                        "decrypt_deterministic",
                        "generalize_date",
                        "bucket",
                        "postal_prefix",
                        "redact",
                        "classify");
        List<String> modules = new ArrayList<>();
        env.executeSql("SHOW MODULES")
                .collect()
                .forEachRemaining(r -> modules.add(r.getFieldAs(0)));
        assertThat(modules).containsExactly("core", "sluice");
    }

    @Test
    void invalidArgumentsFailPlanningNamingFunctionAndArgument() {
        assertPlanningFails(
                "SELECT mask_first_n(s, -1)",
                "Invalid charCount of mask_first_n: -1. Use a number of characters >= 0.");
        assertPlanningFails(
                "SELECT mask_show_last_n_strict(s, -2)",
                "Invalid charCount of mask_show_last_n_strict: -2.");
        assertPlanningFails(
                "SELECT mask(s, 'XY')",
                "Invalid upperChar of mask: 'XY'. Use exactly one character");
        assertPlanningFails("SELECT mask(s, 'X', '')", "Invalid lowerChar of mask: ''.");
        assertPlanningFails(
                "SELECT mask_last_n(s, id)",
                "Invalid charCount of mask_last_n: not a literal. Pass a constant");
        assertPlanningFails(
                "SELECT mask(i, 'X', 'x', 'n', -1, 12)", "Invalid numberChar of mask: 12.");
        assertPlanningFails(
                "SELECT mask(d, -1, -1, -1, -1, -1, 32, 0, 0)", "Invalid dayValue of mask: 32.");
        assertPlanningFails(
                "SELECT mask(d, -1, -1, -1, -1, -1, 1, 12, 0)", "Invalid monthValue of mask: 12.");
        assertPlanningFails(
                "SELECT mask(s, 'X', 'x', 'n', -1, 'one')", "Invalid numberChar of mask: 'one'.");
        assertPlanningFails(
                "SELECT mask(CAST(1.5 AS DOUBLE))",
                "Invalid value of mask: type DOUBLE is not supported.");
        assertPlanningFails(
                "SELECT mask_hash(CAST(1 AS DECIMAL(3, 0)))",
                "Invalid value of mask_hash: type DECIMAL(3, 0) is not supported.");
        // Calcite rejects an untyped NULL before type inference sees it
        assertPlanningFails("SELECT mask(NULL)", "Illegal use of 'NULL'");
        assertPlanningFails("SELECT mask_strict(s, 'x')", "mask_strict");
        assertPlanningFails(
                "SELECT mask_show_first_n(s, 4, 'x', 'x', 'x', -1, 1, 1, 0, 0, 0)",
                "No match found for function signature mask_show_first_n");
    }

    private static void assertPlanningFails(String select, String message) {
        assertThatThrownBy(() -> env.explainSql(select + " FROM t"))
                .as(select)
                .hasStackTraceContaining(message);
    }
}
