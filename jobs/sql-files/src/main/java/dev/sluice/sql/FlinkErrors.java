package dev.sluice.sql;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
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
                variables.redact(statement.excerpt(location)),
                variables.redact(summary),
                null);
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
