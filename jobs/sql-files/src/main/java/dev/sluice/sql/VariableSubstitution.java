package dev.sluice.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Substitutes {@code ${NAME}} references after a file is split, and only inside {@code '...'}
 * string literals, where the value's quotes are doubled: a value can never end its literal, start
 * another statement or comment out the rest ({@code '; DROP TABLE x; --} stays one string). {@code
 * $${NAME}} writes {@code ${NAME}} itself; {@code ${NAME:-default}} writes {@code default} when
 * NAME is not defined (a default has no spaces, quotes or braces; {@code ${NAME:-}} is empty).
 */
public final class VariableSubstitution {
    private static final Pattern REFERENCE = Pattern.compile("\\$?\\$\\{([^}'\\s]*)}");
    private static final String DEFAULT_SEPARATOR = ":-";

    private VariableSubstitution() {}

    /**
     * Binds one statement.
     *
     * @throws SqlFileException for an undefined or malformed reference, naming it and its place
     */
    public static BoundStatement bind(
            SqlStatement statement, SourceText source, Variables variables) {
        String original = statement.sql();
        for (SqlStatement.Span identifier : statement.quotedIdentifiers()) {
            int at = original.indexOf("${", identifier.start());
            if (at >= 0 && at < identifier.end()) {
                throw error(
                        statement,
                        source,
                        at,
                        "Variable reference in a quoted identifier or prefixed literal. Variables"
                                + " are substituted only inside plain '...' string literals.");
            }
        }
        StringBuilder sql = new StringBuilder();
        StringBuilder redacted = new StringBuilder();
        List<BoundStatement.Edit> edits = new ArrayList<>();
        int copied = 0;
        for (SqlStatement.Span literal : statement.stringLiterals()) {
            checkClosed(statement, source, original, literal);
            Matcher reference = REFERENCE.matcher(original).region(literal.start(), literal.end());
            while (reference.find()) {
                String text = reference.group();
                String replacement;
                String redactedReplacement;
                if (text.startsWith("$$")) {
                    replacement = text.substring(1);
                    redactedReplacement = replacement;
                } else {
                    String name = reference.group(1);
                    String fallback = null;
                    int defaultAt = name.indexOf(DEFAULT_SEPARATOR);
                    if (defaultAt >= 0) {
                        fallback = name.substring(defaultAt + DEFAULT_SEPARATOR.length());
                        name = name.substring(0, defaultAt);
                    }
                    if (!Variables.isValidName(name)) {
                        throw error(
                                statement,
                                source,
                                reference.start(),
                                "Invalid variable reference "
                                        + text
                                        + ". A name is letters, digits and '_', e.g."
                                        + " ${KAFKA_BOOTSTRAP_SERVERS}, optionally with a default:"
                                        + " ${ICEBERG_CATALOG_URI:-}.");
                    }
                    Optional<Variables.Value> given = variables.get(name);
                    if (given.isEmpty() && fallback != null) {
                        // a default is part of the file, never a secret
                        replacement = fallback;
                        redactedReplacement = fallback;
                    } else {
                        String undefined = name;
                        Variables.Value value =
                                given.orElseThrow(
                                        () ->
                                                error(
                                                        statement,
                                                        source,
                                                        reference.start(),
                                                        "Undefined variable ${"
                                                                + undefined
                                                                + "}. Define it with --var "
                                                                + undefined
                                                                + "=..., in a --var-file, or"
                                                                + " as an environment"
                                                                + " variable."));
                        replacement = value.value().replace("'", "''");
                        redactedReplacement = value.secret() ? Variables.REDACTED : replacement;
                    }
                }
                sql.append(original, copied, reference.start());
                redacted.append(original, copied, reference.start());
                int boundStart = sql.length();
                sql.append(replacement);
                redacted.append(redactedReplacement);
                edits.add(
                        new BoundStatement.Edit(
                                reference.start(), reference.end(), boundStart, sql.length()));
                copied = reference.end();
            }
        }
        sql.append(original, copied, original.length());
        redacted.append(original, copied, original.length());
        BoundStatement bound =
                new BoundStatement(statement, source, sql.toString(), redacted.toString(), edits);
        if (!edits.isEmpty()) {
            checkStillOneStatement(bound);
        }
        return bound;
    }

    /**
     * Every {@code ${} in a literal must start a complete reference: an unclosed one ({@code
     * '${NAME'}) would otherwise stay literal text, and a filter would compare against it.
     */
    private static void checkClosed(
            SqlStatement statement, SourceText source, String sql, SqlStatement.Span literal) {
        for (int at = sql.indexOf("${", literal.start());
                at >= 0 && at < literal.end();
                at = sql.indexOf("${", at + 2)) {
            int start = at > literal.start() && sql.charAt(at - 1) == '$' ? at - 1 : at;
            Matcher reference = REFERENCE.matcher(sql).region(start, literal.end());
            if (reference.lookingAt()) {
                continue;
            }
            int close = sql.indexOf('}', at);
            boolean closedInLiteral = close >= 0 && close < literal.end();
            String shown =
                    closedInLiteral
                            ? sql.substring(at, close + 1)
                            : sql.substring(at, Math.min(literal.end() - 1, at + 40));
            throw error(
                    statement,
                    source,
                    at,
                    closedInLiteral
                            ? "Invalid variable reference "
                                    + shown
                                    + ". A name is letters, digits and '_', without spaces or"
                                    + " quotes, e.g. ${KAFKA_BOOTSTRAP_SERVERS}."
                            : "Unclosed variable reference "
                                    + shown
                                    + ": the ${ has no closing } in this string literal. Close"
                                    + " it, e.g. '${NAME}', or write $${ for a literal ${.");
        }
    }

    /** Defence in depth: the substituted text must still be exactly the statement it was. */
    private static void checkStillOneStatement(BoundStatement bound) {
        SqlScript reparsed;
        try {
            reparsed = SqlScriptParser.parse(new SourceText(bound.source().name(), bound.sql()));
        } catch (SqlFileException e) {
            reparsed = null;
        }
        boolean same =
                reparsed != null
                        && reparsed.statements().size() == 1
                        && reparsed.statements().get(0).kind() == bound.statement().kind();
        if (!same) {
            SourceLocation at = bound.location();
            throw new SqlFileException(
                    at,
                    bound.excerpt(at),
                    "A variable value changes the structure of this statement. Values may not"
                            + " contain SQL; check the values of the variables used here.");
        }
    }

    private static SqlFileException error(
            SqlStatement statement, SourceText source, int offsetInStatement, String message) {
        SourceLocation at = source.location(statement.startOffset() + offsetInStatement);
        return new SqlFileException(at, source.excerpt(at), message);
    }
}
