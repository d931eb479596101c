package dev.sluice.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlScriptParserTest {

    static SqlScript corpus(String name) throws IOException {
        try (InputStream in =
                SqlScriptParserTest.class.getResourceAsStream("/sql-corpus/" + name)) {
            assertThat(in).as("corpus file %s", name).isNotNull();
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return SqlScriptParser.parse(new SourceText(name, text));
        }
    }

    private static SqlScript parse(String text) {
        return SqlScriptParser.parse(new SourceText("inline.sql", text));
    }

    @Test
    void literalsAndQuotedIdentifiersSplitNothing() throws IOException {
        List<SqlStatement> statements = corpus("literals_and_identifiers.sql").statements();
        assertThat(statements)
                .extracting(
                        s -> s.location().line(), s -> s.location().column(), SqlStatement::kind)
                .containsExactly(tuple(2, 1, StatementKind.DDL), tuple(6, 1, StatementKind.QUERY));
        assertThat(statements.get(0).sql())
                .startsWith("CREATE TABLE `odd;name--x` (")
                .endsWith("'5 -- not a comment /* nor this */ ;')");
        assertThat(statements.get(1).sql())
                .isEqualTo("SELECT 'it''s; fine', '--', '/*', '*/' FROM `odd;name--x`");
        assertThat(statements.get(1).stringLiterals()).hasSize(4);
        assertThat(statements.get(0).quotedIdentifiers()).hasSize(3);
    }

    @Test
    void severalStatementsOnOneLineKeepTheirColumns() throws IOException {
        List<SqlStatement> statements = corpus("several_per_line.sql").statements();
        assertThat(statements)
                .extracting(
                        s -> s.location().line(),
                        s -> s.location().column(),
                        SqlStatement::kind,
                        SqlStatement::sql)
                .containsExactly(
                        tuple(
                                1,
                                1,
                                StatementKind.SET,
                                "SET 'table.exec.mini-batch.enabled' = 'true'"),
                        tuple(1, 47, StatementKind.RESET, "RESET 'table.exec.mini-batch.enabled'"),
                        tuple(1, 86, StatementKind.RESET, "RESET"),
                        tuple(2, 1, StatementKind.USE, "USE CATALOG default_catalog"),
                        tuple(2, 30, StatementKind.USE, "USE default_database"),
                        tuple(2, 54, StatementKind.SET, "SET 'pipeline.name' = 'a;b'"));
    }

    @Test
    void commentsAnywhereAndALastStatementWithoutSemicolon() throws IOException {
        List<SqlStatement> statements = corpus("comments_anywhere.sql").statements();
        assertThat(statements)
                .extracting(
                        s -> s.location().line(), s -> s.location().column(), SqlStatement::kind)
                .containsExactly(
                        tuple(4, 1, StatementKind.DDL),
                        tuple(11, 1, StatementKind.DDL),
                        tuple(13, 1, StatementKind.INSERT),
                        tuple(20, 1, StatementKind.QUERY));
        assertThat(statements.get(0).sql())
                .endsWith("'connector' = 'datagen' -- ; still a comment\n)");
        assertThat(statements.get(1).sql()).endsWith("WITH ('connector' = 'blackhole')");
        // a statement ends at its last token: a comment after it is not part of it
        assertThat(statements.get(2).sql())
                .contains("-- a comment inside")
                .endsWith("WHERE name <> ';'");
        assertThat(statements.get(3).sql()).isEqualTo("SELECT 1");
    }

    @Test
    void statementSetsInAnyCaseBecomeTheirInserts() throws IOException {
        List<SqlStatement> statements = corpus("statement_sets.sql").statements();
        assertThat(statements)
                .extracting(
                        s -> s.location().line(),
                        s -> s.location().column(),
                        SqlStatement::kind,
                        SqlStatement::inStatementSet)
                .containsExactly(
                        tuple(1, 1, StatementKind.DDL, false),
                        tuple(2, 1, StatementKind.DDL, false),
                        tuple(3, 1, StatementKind.DDL, false),
                        tuple(5, 3, StatementKind.INSERT, true),
                        tuple(6, 3, StatementKind.INSERT, true),
                        tuple(10, 3, StatementKind.INSERT, true));
        assertThat(statements.get(3).sql())
                .isEqualTo(
                        "insert into a select id, case when kind = 'x' then 'end;' else 'begin' end"
                                + " from src");
        assertThat(statements.get(5).sql()).endsWith("ELSE 'n' END FROM src");
    }

    @Test
    void functionsModulesCatalogsAndViews() throws IOException {
        List<SqlStatement> statements = corpus("functions_modules_catalogs.sql").statements();
        assertThat(statements)
                .extracting(SqlStatement::kind)
                .containsExactly(
                        StatementKind.DDL,
                        StatementKind.DDL,
                        StatementKind.DDL,
                        StatementKind.MODULE,
                        StatementKind.MODULE,
                        StatementKind.MODULE,
                        StatementKind.MODULE,
                        StatementKind.DDL,
                        StatementKind.USE,
                        StatementKind.DDL,
                        StatementKind.DDL,
                        StatementKind.DDL,
                        StatementKind.DDL);
        assertThat(statements)
                .extracting(s -> s.location().line())
                .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13);
    }

    @Test
    void multipleInsertsStayApart() throws IOException {
        List<SqlStatement> statements = corpus("multiple_inserts.sql").statements();
        assertThat(statements)
                .filteredOn(s -> s.kind() == StatementKind.INSERT)
                .extracting(s -> s.location().line(), s -> s.location().column(), SqlStatement::sql)
                .containsExactly(
                        tuple(6, 1, "INSERT INTO first_sink SELECT id FROM src"),
                        tuple(6, 44, "INSERT INTO second_sink SELECT id FROM src"),
                        tuple(7, 1, "INSERT INTO first_sink\nSELECT id * 2\nFROM src"));
    }

    @Test
    void crlfLineEndsAndTabsKeepPositions() {
        List<SqlStatement> statements =
                parse("SET 'a' = 'b';\r\n\tSELECT\r\n\t1;\r\n\r\n  SELECT 2;").statements();
        assertThat(statements)
                .extracting(s -> s.location().line(), s -> s.location().column(), SqlStatement::sql)
                .containsExactly(
                        tuple(1, 1, "SET 'a' = 'b'"),
                        tuple(2, 2, "SELECT\r\n\t1"),
                        tuple(5, 3, "SELECT 2"));
    }

    @Test
    void emptyAndCommentOnlyFilesHaveNoStatements() {
        assertThat(parse("").statements()).isEmpty();
        assertThat(parse("-- nothing; here\n/* nor; here */\n").statements()).isEmpty();
    }

    @Test
    void syntaxErrorPointsAtTheSpotWithACaret() {
        assertThatThrownBy(() -> parse("SET 'a' = 'b';\nSELECT id\n  FROMM t;"))
                .isInstanceOfSatisfying(
                        SqlFileException.class,
                        e -> {
                            assertThat(e.location()).hasToString("inline.sql:3:9");
                            assertThat(e.getMessage())
                                    .startsWith("Syntax error: Encountered \"t\"");
                            assertThat(e.excerpt()).isEqualTo("    FROMM t;\n          ^");
                        });
    }

    @Test
    void missingSemicolonBetweenStatementsIsASyntaxError() {
        assertThatThrownBy(() -> parse("SELECT 1\nSELECT 2;"))
                .isInstanceOfSatisfying(
                        SqlFileException.class,
                        e -> {
                            assertThat(e.location()).hasToString("inline.sql:2:1");
                            assertThat(e.getMessage()).contains("missing ';'");
                        });
    }

    @Test
    void reservedWordAsANameGetsAQuotingHint() {
        assertThatThrownBy(() -> parse("CREATE TABLE one (a INT);"))
                .isInstanceOfSatisfying(
                        SqlFileException.class,
                        e -> {
                            assertThat(e.location()).hasToString("inline.sql:1:14");
                            assertThat(e.getMessage()).contains("reserved word").contains("`one`");
                        });
    }

    @Test
    void unterminatedLiteralIsALexicalError() {
        assertThatThrownBy(() -> parse("SELECT 'abc;\nSELECT 2;"))
                .isInstanceOfSatisfying(
                        SqlFileException.class,
                        e -> {
                            assertThat(e.getMessage()).contains("Unterminated string literal");
                            // at its opening quote, not where the parser gave up
                            assertThat(e.location()).hasToString("inline.sql:1:8");
                        });
    }

    @Test
    void variableOutsideALiteralIsRefusedWithAHint() {
        assertThatThrownBy(() -> parse("CREATE TABLE ${TABLE} (a INT);"))
                .isInstanceOfSatisfying(
                        SqlFileException.class,
                        e -> {
                            assertThat(e.location()).hasToString("inline.sql:1:14");
                            assertThat(e.getMessage())
                                    .contains("Variable ${TABLE} outside a string literal")
                                    .contains("'${TABLE}'");
                        });
    }
}
