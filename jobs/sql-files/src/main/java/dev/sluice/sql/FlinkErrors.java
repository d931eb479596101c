package dev.sluice.sql;

import dev.sluice.policy.model.SluiceFunctions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an exception Flink threw for a statement into a {@link SqlFileException} at the place in
 * the file Flink points to ("From line 2, column 8"), with the most specific cause, a hint, and
 * secret values redacted.
 */
public final class FlinkErrors {
    private static final Pattern POSITION =
            Pattern.compile(
                    "(?:From|at) line (\\d+), column (\\d+)(?: to line \\d+, column \\d+)?:?\\s*");

    private static final Pattern GENERIC_PREFIX =
            Pattern.compile("^(SQL validation failed\\.\\s*)+");

    private record Hint(Pattern when, String hint) {}

    private static final Pattern CATALOG_URI = Pattern.compile("'uri'\\s*=\\s*'([^']*)'");

    private static final List<Hint> HINTS =
            List.of(
                    new Hint(
                            Pattern.compile("Not authorized|NotAuthorizedException|Forbidden"),
                            "The Iceberg REST catalog refused the credentials. Check the catalog's"
                                    + " 'token' or 'credential' (ICEBERG_CATALOG_TOKEN in"
                                    + " sql/catalog/20_warehouse.sql)."),
                    new Hint(
                            Pattern.compile(
                                    "Error occurred while processing \\w+ request|Connect to \\S+"
                                            + " failed"),
                            "The Iceberg REST catalog cannot be reached. Check the catalog's 'uri'"
                                    + " (ICEBERG_CATALOG_URI in sql/catalog/20_warehouse.sql) and"
                                    + " that the catalog runs and this machine reaches it."),
                    new Hint(
                            Pattern.compile(
                                    "Could not execute LOAD MODULE|Unable to create module"),
                            "A module is found through its factory on the classpath (the job jar, or"
                                    + " the sluice command's classpath): LOAD MODULE sluice needs"
                                    + " Sluice's udfs module."),
                    new Hint(
                            Pattern.compile(
                                    "Object '[^']*' not found|Table .* (was )?not found|does not exist"),
                            "Check the name; tables shared by pipelines are declared in the catalog"
                                    + " files (--catalog DIR, default sql/catalog)."),
                    new Hint(
                            Pattern.compile("Column '[^']*' not found|Unknown column"),
                            "Check the column name against the table's declaration."),
                    new Hint(
                            Pattern.compile(
                                    "No match found for function signature|undefined function|Undefined function"),
                            "Unknown function or wrong argument types. Sluice's masking functions"
                                    + " need LOAD MODULE sluice; others CREATE FUNCTION."),
                    new Hint(
                            Pattern.compile("Could not find any factory for identifier '[^']*'"),
                            "Unknown connector or format: check 'connector' / 'format' and that"
                                    + " its jar is in the job jar."),
                    new Hint(
                            Pattern.compile("Unsupported options|Missing required options"),
                            "Check the WITH options against the connector's documentation."),
                    new Hint(
                            Pattern.compile(
                                    "[Cc]annot apply|Cannot assign|[Ii]ncompatible types|type mismatch|Cannot cast"),
                            "Check the types: CAST the expression to the sink column's type."));

    private FlinkErrors() {}

    public static SqlFileException at(
            BoundStatement statement, Throwable error, Variables variables) {
        return at(statement, error, variables, List.of());
    }

    /**
     * Like {@link #at(BoundStatement, Throwable, Variables)}; when the statement does not show what
     * the message names (an option of a table declared elsewhere), the {@code declarations} are
     * searched for it, so a connector typo is reported at its option line.
     */
    public static SqlFileException at(
            BoundStatement statement,
            Throwable error,
            Variables variables,
            List<BoundStatement> declarations) {
        List<String> messages = messages(error);
        SourceLocation location = statement.location();
        for (String message : messages) {
            Matcher position = POSITION.matcher(message);
            if (position.find()) {
                location =
                        statement.locate(
                                Integer.parseInt(position.group(1)),
                                Integer.parseInt(position.group(2)));
                break;
            }
        }
        String summary = summary(messages);
        BoundStatement shown = statement;
        if (location.equals(statement.location())) {
            // Flink gave no position: point at what the message names, if the statement has it
            SourceLocation named = named(statement, summary);
            for (BoundStatement declaration : byNamedTableFirst(declarations, summary)) {
                if (named != null) {
                    break;
                }
                if (declaration.kind() == dev.sluice.sql.StatementKind.DDL) {
                    named = option(declaration, summary);
                    if (named != null) {
                        shown = declaration;
                    }
                }
            }
            if (named != null) {
                location = named;
            }
        }
        summary = columnCounts(summary);
        for (Hint hint : HINTS) {
            if (hint.when().matcher(summary).find()) {
                summary = summary + " " + hint.hint();
                break;
            }
        }
        Matcher catalogUri = CATALOG_URI.matcher(statement.sql());
        if (statement.sql().regionMatches(true, 0, "CREATE CATALOG", 0, 14)
                && catalogUri.find()
                && !catalogUri.group(1).isEmpty()
                && !summary.contains(catalogUri.group(1))) {
            // which catalog refused or could not be reached, when the message does not say
            String uri = catalogUri.group(1).replaceFirst("//[^/@]*@", "//…@");
            summary = summary + " (catalog uri " + uri + ")";
        }
        return new SqlFileException(
                location,
                variables.redact(shown.excerpt(location)),
                variables.redact(summary),
                null);
    }

    private static final Pattern FACTORY =
            Pattern.compile("Could not find any factory for identifier '([^']*)'");
    private static final Pattern UNSUPPORTED =
            Pattern.compile("(?:Unsupported options|Missing required options are):\\s+(\\S+)");
    private static final Pattern QUOTED = Pattern.compile("'([^'\\s]{1,200})'");
    private static final Pattern WORD = Pattern.compile("\\b([A-Za-z_][A-Za-z0-9_]*)\\b");

    /**
     * Where in the statement the thing a message is about stands: the {@code 'kafak'} of an unknown
     * connector, the key of an unsupported option, a function named in the message at its call;
     * null when the statement does not show it.
     */
    static SourceLocation named(BoundStatement statement, String message) {
        String sql = statement.sql();
        Matcher factory = FACTORY.matcher(message);
        if (factory.find()) {
            SourceLocation at = literal(statement, factory.group(1), true);
            if (at != null) {
                return at;
            }
        }
        Matcher unsupported = UNSUPPORTED.matcher(message);
        if (unsupported.find()) {
            SourceLocation at =
                    literal(statement, unsupported.group(1).replaceAll("[.,;]+$", ""), false);
            if (at != null) {
                return at;
            }
        }
        Matcher word = WORD.matcher(message);
        while (word.find()) {
            String name = word.group(1);
            if (name.length() < 3) {
                continue;
            }
            Matcher call =
                    Pattern.compile("(?i)\\b" + Pattern.quote(name) + "\\s*\\(").matcher(sql);
            if (call.find() && isFunctionLike(name)) {
                return offset(statement, call.start());
            }
        }
        Matcher quoted = QUOTED.matcher(message);
        while (quoted.find()) {
            SourceLocation at = literal(statement, quoted.group(1), false);
            if (at != null) {
                return at;
            }
        }
        return null;
    }

    private static final Pattern TABLE_IN_MESSAGE = Pattern.compile("table '([^']+)'");

    /**
     * The declarations, latest first, those declaring the table a message names ("table
     * 'default_catalog.staging.x'") before all others.
     */
    private static List<BoundStatement> byNamedTableFirst(
            List<BoundStatement> declarations, String message) {
        List<BoundStatement> ordered = new ArrayList<>(declarations);
        java.util.Collections.reverse(ordered);
        Matcher table = TABLE_IN_MESSAGE.matcher(message);
        if (table.find()) {
            String name = table.group(1);
            String last = name.substring(name.lastIndexOf('.') + 1);
            Pattern declares =
                    Pattern.compile(
                            "(?is)^\\s*CREATE\\s+(?:TEMPORARY\\s+)?TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?"
                                    + "[\\w.`]*?`?"
                                    + Pattern.quote(last)
                                    + "`?\\s*\\(");
            ordered.sort(
                    java.util.Comparator.comparingInt(
                            d -> declares.matcher(d.sql()).find() ? 0 : 1));
        }
        return ordered;
    }

    /** The option (connector, format, unsupported key) a message names, in a declaration. */
    private static SourceLocation option(BoundStatement declaration, String message) {
        Matcher factory = FACTORY.matcher(message);
        if (factory.find()) {
            SourceLocation at = literal(declaration, factory.group(1), true);
            if (at != null) {
                return at;
            }
        }
        Matcher unsupported = UNSUPPORTED.matcher(message);
        if (unsupported.find()) {
            return literal(declaration, unsupported.group(1).replaceAll("[.,;]+$", ""), false);
        }
        Matcher number = NOT_A_NUMBER.matcher(message);
        if (number.find()) {
            return literal(declaration, number.group(1), true);
        }
        return null;
    }

    private static final Pattern NOT_A_NUMBER = Pattern.compile("For input string: \"([^\"]*)\"");

    /** Names with an underscore or of the sluice module: words like "of" or "type" are not. */
    private static boolean isFunctionLike(String name) {
        return name.contains("_")
                || SluiceFunctions.arity(name.toLowerCase(Locale.ROOT)).isPresent();
    }

    /** The {@code 'text'} literal in the statement; as an option value ({@code = 'text'}) first. */
    private static SourceLocation literal(BoundStatement statement, String text, boolean value) {
        String sql = statement.sql();
        String quoted = "'" + text.replace("'", "''") + "'";
        if (value) {
            Matcher m = Pattern.compile("=\\s*" + Pattern.quote(quoted)).matcher(sql);
            if (m.find()) {
                return offset(statement, m.end() - quoted.length());
            }
        }
        int at = sql.indexOf(quoted);
        return at < 0 ? null : offset(statement, at);
    }

    private static SourceLocation offset(BoundStatement statement, int offset) {
        String sql = statement.sql();
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset && i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 >= sql.length() || sql.charAt(i + 1) != '\n'))) {
                line++;
                lineStart = i + 1;
            }
        }
        return statement.locate(line, offset - lineStart + 1);
    }

    private static final Pattern SCHEMAS =
            Pattern.compile("Query schema: \\[(.*?)\\]\\s*Sink schema:\\s*\\[(.*?)\\]");

    /**
     * For a column-count mismatch, says which sink columns get no value or which query columns have
     * no sink column (by position, as INSERT matches them).
     */
    static String columnCounts(String summary) {
        if (!summary.contains("Different number of columns")) {
            return summary;
        }
        Matcher m = SCHEMAS.matcher(summary);
        if (!m.find()) {
            return summary;
        }
        List<String> query = names(m.group(1));
        List<String> sink = names(m.group(2));
        if (query.size() < sink.size()) {
            return summary
                    + " The query gives "
                    + query.size()
                    + " columns for the sink's "
                    + sink.size()
                    + ": missing a value for "
                    + String.join(", ", sink.subList(query.size(), sink.size()))
                    + " (columns match by position).";
        }
        if (query.size() > sink.size()) {
            return summary
                    + " The query gives "
                    + query.size()
                    + " columns for the sink's "
                    + sink.size()
                    + ": extra "
                    + String.join(", ", query.subList(sink.size(), query.size()))
                    + " (columns match by position).";
        }
        return summary;
    }

    /** Column names of a schema text {@code name: TYPE, name: TYPE(p, s), ...}. */
    private static List<String> names(String schema) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        StringBuilder field = new StringBuilder();
        for (char c : (schema + ",").toCharArray()) {
            if (c == '(' || c == '<') {
                depth++;
            } else if (c == ')' || c == '>') {
                depth--;
            }
            if (c == ',' && depth == 0) {
                String f = field.toString().strip();
                int colon = f.indexOf(':');
                if (!f.isEmpty()) {
                    out.add(colon < 0 ? f : f.substring(0, colon).strip());
                }
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        return out;
    }

    /** The most specific messages of the cause chain, without their position prefix. */
    private static String summary(List<String> messages) {
        Set<String> parts = new LinkedHashSet<>();
        String top = messages.get(0);
        String root = messages.get(messages.size() - 1);
        parts.add(firstLine(top));
        // Flink wraps the specific problem ("Object 'x' not found") in generic ones
        for (String message : messages.subList(1, messages.size())) {
            String line = firstLine(message);
            boolean covered = parts.stream().anyMatch(p -> p.contains(line));
            if (!covered && (message == root || POSITION.matcher(message).find())) {
                parts.add(line);
            }
        }
        List<String> cleaned = new ArrayList<>();
        for (String part : parts) {
            String text = POSITION.matcher(part).replaceAll("").trim();
            if (!text.isEmpty() && cleaned.stream().noneMatch(c -> c.contains(text))) {
                cleaned.add(text.endsWith(".") ? text : text + ".");
            }
        }
        return String.join(" ", cleaned);
    }

    private static List<String> messages(Throwable error) {
        List<String> messages = new ArrayList<>();
        Set<Throwable> seen = new java.util.HashSet<>();
        for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && !message.isBlank()) {
                messages.add(message.strip());
            } else {
                messages.add(t.getClass().getSimpleName());
            }
        }
        return messages;
    }

    /**
     * The first line of a message, plus the detail lines Flink puts under it for schema mismatches
     * ("Cause:", "Query schema:", "Sink schema:") and option errors (the unsupported keys).
     */
    private static String firstLine(String message) {
        String[] lines = message.split("\\R");
        StringBuilder text =
                new StringBuilder(GENERIC_PREFIX.matcher(lines[0].strip()).replaceAll(""));
        boolean optionList = false;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.startsWith("Cause:")
                    || line.startsWith("Query schema:")
                    || line.startsWith("Sink schema:")) {
                text.append(' ').append(line);
            } else if (line.equals("Unsupported options:")
                    || line.equals("Missing required options are:")) {
                text.append(' ').append(line);
                optionList = true;
            } else if (optionList && !line.isEmpty()) {
                if (line.endsWith(":")) {
                    optionList = false;
                } else {
                    text.append(' ').append(line);
                }
            }
        }
        return text.toString();
    }
}
