package dev.sluice.sql;

import dev.sluice.policy.model.DidYouMean;
import dev.sluice.stagingschemas.SchemaChangeMode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.util.TimeUtils;

/**
 * Reads the metadata header of a pipeline file: the leading block of {@code --} comment lines
 * (blank lines allowed), in which lines of the form {@code -- @tag value} are fields.
 *
 * <pre>
 * -- @owner payments
 * -- @description Card payments into the Iceberg warehouse, card number masked
 * -- @parallelism 1
 * -- @checkpoint-interval 10 s
 * </pre>
 *
 * {@code @owner} and {@code @description} are required; {@code @name} defaults to the file name
 * without {@code .sql}; durations are read like Flink's own options ({@code 10 s}, {@code 1min},
 * {@code 500 ms}). {@code @schema-changes} may appear more than once: once without a sink for the
 * whole pipeline ({@code -- @schema-changes evolve}) and once per sink ({@code -- @schema-changes
 * warehouse.payments.customers=fail}). The header ends at the first line that is neither a comment
 * nor blank.
 */
public final class PipelineMetadataParser {
    private static final Pattern TAG_LINE = Pattern.compile("^\\s*--\\s*@(\\S*)\\s*(.*?)\\s*$");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Pattern TAG_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]*");
    private static final String SCHEMA_CHANGES = "schema-changes";
    private static final List<String> REQUIRED = List.of("owner", "description");
    private static final List<String> KNOWN =
            List.of(
                    "name",
                    "owner",
                    "description",
                    "parallelism",
                    "checkpoint-interval",
                    SCHEMA_CHANGES);

    private PipelineMetadataParser() {}

    /**
     * Reads the header of {@code source}.
     *
     * @throws SqlFileException naming the file, line and field of a missing or invalid field
     */
    public static PipelineMetadata parse(SourceText source) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Integer> lines = new LinkedHashMap<>();
        SchemaChangeMode pipelineMode = null;
        int pipelineModeLine = 0;
        Map<String, SchemaChangeMode> sinkModes = new LinkedHashMap<>();
        Map<String, Integer> sinkModeLines = new LinkedHashMap<>();
        for (int line = 1; line <= source.lineCount(); line++) {
            String text = source.line(line);
            String trimmed = text.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (!trimmed.startsWith("--")) {
                break;
            }
            Matcher tag = TAG_LINE.matcher(text);
            if (!tag.matches()) {
                continue;
            }
            String key = tag.group(1);
            SourceLocation at = source.location(line, text.indexOf('@') + 1);
            if (!TAG_NAME.matcher(key).matches()) {
                throw new SqlFileException(
                        at,
                        source.excerpt(at),
                        "Invalid header tag: @"
                                + key
                                + ". A tag is @ and a name of letters, digits, '-', '_' or '.',"
                                + " then its value, e.g. -- @owner payments.");
            }
            if (!KNOWN.contains(key)) {
                Optional<String> near = DidYouMean.closest(key, KNOWN, key.length() >= 5 ? 2 : 1);
                if (near.isPresent()) {
                    // other tags are free, but one this close to a field is a misspelt field
                    // whose default would silently apply
                    throw new SqlFileException(
                            at,
                            source.excerpt(at),
                            "Unknown header field @"
                                    + key
                                    + ". Did you mean @"
                                    + near.get()
                                    + "? (Other tags are allowed, but this one is too close to"
                                    + " a field to be meant as a tag of its own.)");
                }
            }
            if (key.equals(SCHEMA_CHANGES)) {
                String value = tag.group(2);
                int equals = value.indexOf('=');
                String sink = equals < 0 ? null : value.substring(0, equals).strip();
                String modeText = equals < 0 ? value : value.substring(equals + 1).strip();
                SchemaChangeMode mode = SchemaChangeMode.parse(modeText).orElse(null);
                if (mode == null || (sink != null && !NAME.matcher(sink).matches())) {
                    throw schemaChangesError(source, line, value, modeText, mode == null);
                }
                if (sink == null) {
                    if (pipelineMode != null) {
                        throw duplicate(source, at, "@schema-changes", pipelineModeLine);
                    }
                    pipelineMode = mode;
                    pipelineModeLine = line;
                } else {
                    if (sinkModes.containsKey(sink)) {
                        throw duplicate(
                                source, at, "@schema-changes " + sink, sinkModeLines.get(sink));
                    }
                    sinkModes.put(sink, mode);
                    sinkModeLines.put(sink, line);
                }
                continue;
            }
            if (values.containsKey(key)) {
                throw new SqlFileException(
                        at,
                        source.excerpt(at),
                        "Duplicate header field @"
                                + key
                                + " (first on line "
                                + lines.get(key)
                                + "). Keep one.");
            }
            values.put(key, tag.group(2));
            lines.put(key, line);
        }

        for (String required : REQUIRED) {
            String value = values.get(required);
            if (value == null) {
                SourceLocation top = source.location(1, 1);
                throw new SqlFileException(
                        top,
                        source.excerpt(top),
                        "Missing required header field @"
                                + required
                                + ". Start the file with comment lines such as:\n"
                                + "  -- @owner payments\n"
                                + "  -- @description What this pipeline does");
            }
            if (value.isEmpty()) {
                throw fieldError(source, lines.get(required), required, value, "It needs a value.");
            }
        }

        String name = values.getOrDefault("name", defaultName(source.name()));
        if (!NAME.matcher(name).matches()) {
            Integer line = lines.get("name");
            String how =
                    "A name starts with a letter or digit, then letters, digits, '_', '-' or '.',"
                            + " e.g. payments_to_warehouse.";
            if (line == null) {
                SourceLocation top = source.location(1, 1);
                throw new SqlFileException(
                        top,
                        source.excerpt(top),
                        "Invalid pipeline name from the file name: "
                                + name
                                + ". "
                                + how
                                + " Rename the file or set -- @name.");
            }
            throw fieldError(source, line, "name", name, how);
        }

        int parallelism = PipelineMetadata.DEFAULT_PARALLELISM;
        if (values.containsKey("parallelism")) {
            String value = values.get("parallelism");
            try {
                parallelism = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                parallelism = 0;
            }
            if (parallelism < 1) {
                throw fieldError(
                        source,
                        lines.get("parallelism"),
                        "parallelism",
                        value,
                        "Use a whole number of 1 or more, e.g. -- @parallelism 2.");
            }
        }

        Duration checkpointInterval = PipelineMetadata.DEFAULT_CHECKPOINT_INTERVAL;
        if (values.containsKey("checkpoint-interval")) {
            String value = values.get("checkpoint-interval");
            try {
                checkpointInterval = TimeUtils.parseDuration(value);
            } catch (RuntimeException e) {
                checkpointInterval = null;
            }
            if (checkpointInterval == null
                    || checkpointInterval.isZero()
                    || checkpointInterval.isNegative()) {
                throw fieldError(
                        source,
                        lines.get("checkpoint-interval"),
                        "checkpoint-interval",
                        value,
                        "Use a positive duration with a unit, e.g. 10 s, 1 min or 500 ms.");
            }
        }

        Map<String, String> tags = new LinkedHashMap<>(values);
        for (String known : KNOWN) {
            tags.remove(known);
        }
        return new PipelineMetadata(
                name,
                values.get("owner"),
                values.get("description"),
                parallelism,
                checkpointInterval,
                tags,
                new SchemaChangeModes(
                        pipelineMode == null ? SchemaChangeMode.DEFAULT : pipelineMode, sinkModes));
    }

    private static SqlFileException schemaChangesError(
            SourceText source, int line, String value, String modeText, boolean badMode) {
        String text = source.line(line);
        int field = text.indexOf("@" + SCHEMA_CHANGES);
        int valueColumn = text.indexOf(value, field + SCHEMA_CHANGES.length() + 1);
        int column = valueColumn < 0 ? field : valueColumn;
        if (badMode && !modeText.isEmpty() && valueColumn >= 0) {
            column = valueColumn + value.lastIndexOf(modeText);
        }
        SourceLocation at = source.location(line, column + 1);
        String what =
                badMode
                        ? "Invalid schema-change mode '" + modeText + "'"
                        : "Invalid sink name in '" + value + "'";
        return new SqlFileException(
                at,
                source.excerpt(at),
                what
                        + " in header field @"
                        + SCHEMA_CHANGES
                        + ". Use "
                        + SchemaChangeMode.allowed()
                        + ", for the whole pipeline (-- @schema-changes evolve) or for one sink"
                        + " (-- @schema-changes warehouse.payments.customers=evolve).");
    }

    private static SqlFileException duplicate(
            SourceText source, SourceLocation at, String field, int firstLine) {
        return new SqlFileException(
                at,
                source.excerpt(at),
                "Duplicate header field "
                        + field
                        + " (first on line "
                        + firstLine
                        + "). Keep one.");
    }

    /** The file name without folders and without {@code .sql}. */
    static String defaultName(String fileName) {
        String name = fileName;
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        name = name.substring(slash + 1);
        if (name.startsWith("classpath:")) {
            name = name.substring("classpath:".length());
        }
        return name.endsWith(".sql") ? name.substring(0, name.length() - 4) : name;
    }

    private static SqlFileException fieldError(
            SourceText source, int line, String field, String value, String how) {
        String text = source.line(line);
        int column = text.indexOf('@' + field);
        int valueColumn = text.indexOf(value, column + field.length() + 1);
        SourceLocation at =
                source.location(
                        line, (value.isEmpty() || valueColumn < 0 ? column : valueColumn) + 1);
        return new SqlFileException(
                at,
                source.excerpt(at),
                "Invalid header field @" + field + ": '" + value + "'. " + how);
    }
}
