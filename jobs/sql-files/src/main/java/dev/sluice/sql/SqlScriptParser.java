package dev.sluice.sql;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.config.Lex;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.flink.sql.parser.ddl.SqlReset;
import org.apache.flink.sql.parser.ddl.SqlSet;
import org.apache.flink.sql.parser.ddl.SqlUseCatalog;
import org.apache.flink.sql.parser.ddl.SqlUseDatabase;
import org.apache.flink.sql.parser.ddl.SqlUseModules;
import org.apache.flink.sql.parser.dml.RichSqlInsert;
import org.apache.flink.sql.parser.dml.SqlExecute;
import org.apache.flink.sql.parser.dml.SqlStatementSet;
import org.apache.flink.sql.parser.dql.SqlLoadModule;
import org.apache.flink.sql.parser.dql.SqlUnloadModule;
import org.apache.flink.sql.parser.impl.FlinkSqlParserImpl;
import org.apache.flink.sql.parser.impl.FlinkSqlParserImplConstants;
import org.apache.flink.sql.parser.impl.FlinkSqlParserImplTokenManager;
import org.apache.flink.sql.parser.impl.SimpleCharStream;
import org.apache.flink.sql.parser.impl.Token;
import org.apache.flink.sql.parser.validate.FlinkSqlConformance;

/**
 * Splits a SQL file into statements with Flink's own grammar ({@code FlinkSqlParserImpl}), never
 * with regular expressions or line-based {@code ;} splitting.
 *
 * <p>The whole file is parsed once as a statement list (which finds every syntax error with its
 * exact position), and the same grammar's lexer cuts the text at the {@code ;} tokens that end a
 * statement: semicolons, dashes and slashes inside string literals, quoted identifiers and comments
 * are never tokens of their own, so they cannot split anything.
 */
public final class SqlScriptParser {

    /** The parser settings of Flink's table environment: back-tick quoting, case preserved. */
    static final SqlParser.Config FLINK_PARSER_CONFIG =
            SqlParser.config()
                    .withParserFactory(FlinkSqlParserImpl.FACTORY)
                    .withConformance(FlinkSqlConformance.DEFAULT)
                    .withLex(Lex.JAVA)
                    .withIdentifierMaxLength(256);

    private static final Pattern POSITION_IN_MESSAGE =
            Pattern.compile("\\s*at line \\d+, column \\d+\\.?");
    private static final int MAX_EXPECTED_SHOWN = 8;
    private static final java.util.Set<String> STATEMENT_STARTS =
            java.util.Set.of(
                    "INSERT",
                    "CREATE",
                    "SET",
                    "RESET",
                    "SELECT",
                    "LOAD",
                    "UNLOAD",
                    "USE",
                    "DROP",
                    "ALTER",
                    "EXECUTE",
                    "WITH",
                    "EXPLAIN",
                    "SHOW",
                    "DESCRIBE",
                    "VALUES");

    private SqlScriptParser() {}

    /**
     * Splits {@code source} into its statements.
     *
     * @throws SqlFileException on a syntax error, with its position and the source line
     */
    public static SqlScript parse(SourceText source) {
        List<List<Token>> groups = splitTokens(source);
        if (groups.isEmpty()) {
            return new SqlScript(source, List.of());
        }
        SqlNodeList nodes;
        try {
            nodes = SqlParser.create(source.text(), FLINK_PARSER_CONFIG).parseStmtList();
        } catch (SqlParseException e) {
            throw syntaxError(source, e);
        }
        if (nodes.size() != groups.size()) {
            throw new IllegalStateException(
                    "Statement split of "
                            + source.name()
                            + " disagrees with the parser: "
                            + groups.size()
                            + " token groups, "
                            + nodes.size()
                            + " statements");
        }
        List<SqlStatement> statements = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            SqlNode node = nodes.get(i);
            List<Token> tokens = groups.get(i);
            SqlStatementSet statementSet = statementSetOf(node);
            if (statementSet == null) {
                statements.add(statement(source, tokens, kindOf(node), false));
            } else {
                List<List<Token>> inserts = insertsOfBlock(tokens);
                if (inserts.size() != statementSet.getInserts().size()) {
                    throw new IllegalStateException(
                            "Statement set split disagrees with the parser at "
                                    + statement(source, tokens, StatementKind.INSERT, true)
                                            .location());
                }
                for (List<Token> insert : inserts) {
                    statements.add(statement(source, insert, StatementKind.INSERT, true));
                }
            }
        }
        return new SqlScript(source, statements);
    }

    /** Parses one statement text on its own, for callers that produce SQL (tests, tools). */
    static SqlNode parseStatement(String sql) throws SqlParseException {
        return SqlParser.create(sql, FLINK_PARSER_CONFIG).parseStmt();
    }

    private static List<List<Token>> splitTokens(SourceText source) {
        FlinkSqlParserImplTokenManager lexer =
                new FlinkSqlParserImplTokenManager(
                        new OneColumnTabs(source.text()), FlinkSqlParserImplConstants.BTID);
        List<List<Token>> groups = new ArrayList<>();
        List<Token> current = new ArrayList<>();
        int blockDepth = 0;
        while (true) {
            Token token;
            try {
                token = lexer.getNextToken();
            } catch (Error lexicalError) {
                // TokenMgrError: let the parser report it with a position
                SqlFileException unterminated = unterminated(source);
                if (unterminated != null) {
                    throw unterminated;
                }
                throw syntaxError(source, parseError(source, lexicalError));
            }
            if (token.kind == FlinkSqlParserImplConstants.EOF) {
                break;
            }
            if (token.kind == FlinkSqlParserImplConstants.SEMICOLON && blockDepth == 0) {
                if (!current.isEmpty()) {
                    groups.add(current);
                    current = new ArrayList<>();
                }
                continue;
            }
            if (token.kind == FlinkSqlParserImplConstants.BEGIN) {
                blockDepth++;
            } else if (blockDepth > 0 && token.kind == FlinkSqlParserImplConstants.CASE) {
                blockDepth++;
            } else if (blockDepth > 0 && token.kind == FlinkSqlParserImplConstants.END) {
                blockDepth--;
            }
            current.add(token);
        }
        if (!current.isEmpty()) {
            groups.add(current);
        }
        return groups;
    }

    /** The statements between {@code BEGIN} and its {@code END}, cut at their semicolons. */
    private static List<List<Token>> insertsOfBlock(List<Token> tokens) {
        List<List<Token>> inserts = new ArrayList<>();
        List<Token> current = new ArrayList<>();
        int depth = 0;
        for (Token token : tokens) {
            if (depth == 0) {
                if (token.kind == FlinkSqlParserImplConstants.BEGIN) {
                    depth = 1;
                }
                continue;
            }
            if (token.kind == FlinkSqlParserImplConstants.CASE) {
                depth++;
            } else if (token.kind == FlinkSqlParserImplConstants.END) {
                depth--;
                if (depth == 0) {
                    break;
                }
            } else if (token.kind == FlinkSqlParserImplConstants.SEMICOLON && depth == 1) {
                if (!current.isEmpty()) {
                    inserts.add(current);
                    current = new ArrayList<>();
                }
                continue;
            }
            current.add(token);
        }
        if (!current.isEmpty()) {
            inserts.add(current);
        }
        return inserts;
    }

    private static SqlStatement statement(
            SourceText source, List<Token> tokens, StatementKind kind, boolean inStatementSet) {
        Token first = tokens.get(0);
        Token last = tokens.get(tokens.size() - 1);
        int start = source.offset(first.beginLine, first.beginColumn);
        int end = source.offset(last.endLine, last.endColumn) + 1;
        List<SqlStatement.Span> literals = new ArrayList<>();
        List<SqlStatement.Span> identifiers = new ArrayList<>();
        for (Token token : tokens) {
            int tokenStart = source.offset(token.beginLine, token.beginColumn) - start;
            int tokenEnd = source.offset(token.endLine, token.endColumn) + 1 - start;
            if (token.kind == FlinkSqlParserImplConstants.QUOTED_STRING) {
                literals.add(new SqlStatement.Span(tokenStart, tokenEnd));
            } else if (token.kind == FlinkSqlParserImplConstants.BACK_QUOTED_IDENTIFIER
                    || token.kind == FlinkSqlParserImplConstants.QUOTED_IDENTIFIER
                    || token.kind == FlinkSqlParserImplConstants.PREFIXED_STRING_LITERAL
                    || token.kind == FlinkSqlParserImplConstants.UNICODE_STRING_LITERAL) {
                identifiers.add(new SqlStatement.Span(tokenStart, tokenEnd));
            }
        }
        return new SqlStatement(
                source.text().substring(start, end),
                source.location(start),
                start,
                kind,
                literals,
                identifiers,
                inStatementSet);
    }

    private static SqlStatementSet statementSetOf(SqlNode node) {
        if (node instanceof SqlStatementSet set) {
            return set;
        }
        if (node instanceof SqlExecute execute
                && execute.getStatement() instanceof SqlStatementSet set) {
            return set;
        }
        return null;
    }

    private static StatementKind kindOf(SqlNode node) {
        if (node instanceof SqlSet) {
            return StatementKind.SET;
        }
        if (node instanceof SqlReset) {
            return StatementKind.RESET;
        }
        if (node instanceof SqlLoadModule
                || node instanceof SqlUnloadModule
                || node instanceof SqlUseModules) {
            return StatementKind.MODULE;
        }
        if (node instanceof SqlUseCatalog || node instanceof SqlUseDatabase) {
            return StatementKind.USE;
        }
        if (node instanceof RichSqlInsert
                || (node instanceof SqlExecute execute
                        && execute.getStatement() instanceof RichSqlInsert)) {
            return StatementKind.INSERT;
        }
        if (node.getKind().belongsTo(SqlKind.QUERY)) {
            return StatementKind.QUERY;
        }
        if (node.getKind().belongsTo(SqlKind.DDL)
                || node.getClass().getSimpleName().startsWith("SqlCreate")
                || node.getClass().getSimpleName().startsWith("SqlDrop")
                || node.getClass().getSimpleName().startsWith("SqlAlter")) {
            return StatementKind.DDL;
        }
        return StatementKind.OTHER;
    }

    private static SqlParseException parseError(SourceText source, Error lexicalError) {
        try {
            SqlParser.create(source.text(), FLINK_PARSER_CONFIG).parseStmtList();
        } catch (SqlParseException e) {
            return e;
        }
        return new SqlParseException(
                String.valueOf(lexicalError.getMessage()), null, null, null, lexicalError);
    }

    private static SqlFileException syntaxError(SourceText source, SqlParseException e) {
        SqlFileException unterminated = unterminated(source);
        if (unterminated != null) {
            return unterminated;
        }
        SqlParserPos pos = e.getPos();
        SourceLocation location =
                pos == null
                        ? source.location(1, 1)
                        : source.location(pos.getLineNum(), pos.getColumnNum());
        String message = firstLine(e.getMessage());
        String hint;
        int offset = source.offset(location.line(), location.column());
        // "Encountered "= $"": the reference is a token or two further on the same line
        int lineEnd = source.text().indexOf('\n', offset);
        int dollar = source.text().indexOf("${", offset);
        if (dollar > offset
                && dollar - offset <= 3
                && (lineEnd < 0 || dollar < lineEnd)
                && source.text().substring(offset, dollar).matches("[=\\s<>!(,+-]*")) {
            offset = dollar;
            location = source.location(offset);
        }
        if (source.text().startsWith("${", offset)) {
            int close = source.text().indexOf('}', offset);
            String reference = close < 0 ? "${" : source.text().substring(offset, close + 1);
            message = "Variable " + reference + " outside a string literal.";
            hint =
                    "Variables are substituted only inside '...' string literals: write '"
                            + reference
                            + "'.";
        } else if (message.startsWith("Lexical error")) {
            message = POSITION_IN_MESSAGE.matcher(message).replaceAll("");
            hint =
                    "Check for an unterminated string literal (') or quoted identifier (`), or a"
                            + " comment /* without its closing */.";
        } else {
            message = POSITION_IN_MESSAGE.matcher(message).replaceAll("").trim() + ".";
            Collection<String> expected = e.getExpectedTokenNames();
            String word = wordAt(source.text(), skipDotsAndSpaces(source.text(), offset));
            if (source.text().startsWith("'", offset)) {
                hint =
                        "Check for an unterminated string literal: each ' needs its closing '"
                                + " (write '' for a quote inside a literal).";
            } else if (!word.isEmpty()
                    && expected != null
                    && !expected.isEmpty()
                    && expected.stream()
                            .allMatch(
                                    name ->
                                            name.endsWith("IDENTIFIER>")
                                                    || name.equals("<QUOTED_STRING>"))) {
                hint =
                        "'"
                                + word
                                + "' is a reserved word; to use it as a name, quote it: `"
                                + word
                                + "`.";
            } else {
                hint = expected(expected, STATEMENT_STARTS.contains(word.toUpperCase()));
            }
        }
        return new SqlFileException(
                location,
                source.excerpt(location),
                "Syntax error: " + message + (hint.isEmpty() ? "" : " " + hint),
                e);
    }

    /**
     * A string literal, quoted identifier or block comment still open at the end of the file,
     * reported at its opening: the parser only notices at the end, or at a later quote.
     */
    static SqlFileException unterminated(SourceText source) {
        String text = source.text();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '-' && text.startsWith("--", i)) {
                int end = text.indexOf('\n', i);
                i = end < 0 ? text.length() : end + 1;
            } else if (c == '/' && text.startsWith("/*", i)) {
                int end = text.indexOf("*/", i + 2);
                if (end < 0) {
                    return opening(
                            source,
                            i,
                            "Unterminated comment: the /* here has no closing */. Close it, or"
                                    + " use -- for a one-line comment.");
                }
                i = end + 2;
            } else if (c == '\'' || c == '`') {
                int end = i + 1;
                while (true) {
                    end = text.indexOf(c, end);
                    if (end < 0) {
                        return opening(
                                source,
                                i,
                                c == '\''
                                        ? "Unterminated string literal: the ' here has no"
                                                + " closing '. Close it (write '' for a quote"
                                                + " inside a literal)."
                                        : "Unterminated quoted identifier: the ` here has no"
                                                + " closing `. Close it.");
                    }
                    if (end + 1 < text.length() && text.charAt(end + 1) == c) {
                        end += 2; // a doubled quote is one quote inside
                        continue;
                    }
                    break;
                }
                i = end + 1;
            } else {
                i++;
            }
        }
        return null;
    }

    private static SqlFileException opening(SourceText source, int offset, String message) {
        SourceLocation at = source.location(offset);
        return new SqlFileException(at, source.excerpt(at), "Syntax error: " + message);
    }

    private static String wordAt(String text, int offset) {
        int end = offset;
        while (end < text.length() && Character.isJavaIdentifierPart(text.charAt(end))) {
            end++;
        }
        return text.substring(offset, end);
    }

    private static int skipDotsAndSpaces(String text, int offset) {
        int at = offset;
        while (at < text.length()
                && (text.charAt(at) == '.' || Character.isWhitespace(text.charAt(at)))) {
            at++;
        }
        return at;
    }

    private static String expected(Collection<String> names, boolean statementStart) {
        if (names == null || names.isEmpty()) {
            return "";
        }
        List<String> shown = new ArrayList<>();
        for (String name : names) {
            if (shown.size() == MAX_EXPECTED_SHOWN) {
                break;
            }
            shown.add(name);
        }
        String more =
                names.size() > shown.size()
                        ? " (or " + (names.size() - shown.size()) + " more)"
                        : "";
        boolean endOfStatement =
                statementStart && (names.contains("\";\"") || names.contains("<EOF>"));
        return "Expected one of: "
                + String.join(", ", shown)
                + more
                + "."
                + (endOfStatement ? " A missing ';' between two statements looks like this." : "");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unparseable statement";
        }
        Matcher newline = Pattern.compile("\\R").matcher(message);
        return newline.find() ? message.substring(0, newline.start()) : message;
    }

    /** Flink's lexer stream with one column per tab, so columns are character counts. */
    private static final class OneColumnTabs extends SimpleCharStream {
        OneColumnTabs(String text) {
            super(new StringReader(text));
            setTabSize(1);
        }
    }
}
