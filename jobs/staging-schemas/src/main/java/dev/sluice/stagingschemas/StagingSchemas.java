package dev.sluice.stagingschemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Schema versions of staging topics: the fingerprint of a column list, the comparison of two
 * versions, and the JSON of a registry record. Both ingest jobs and every reader use these, so a
 * version means the same whichever source database wrote it.
 */
public final class StagingSchemas {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> INTEGERS = List.of("TINYINT", "SMALLINT", "INT", "BIGINT");
    private static final Pattern DECIMAL = Pattern.compile("DECIMAL\\((\\d+), ?(\\d+)\\)");
    private static final Pattern LENGTH =
            Pattern.compile("(VARCHAR|CHAR|VARBINARY|BINARY)\\((\\d+)\\)");
    private static final Pattern PRECISION =
            Pattern.compile("(TIMESTAMP_LTZ|TIMESTAMP|TIME)\\((\\d+)\\)");

    private StagingSchemas() {}

    /**
     * The version of a column list: the first 8 bytes, in lower-case hex (16 characters), of the
     * SHA-256 of the UTF-8 text that has one line per column in order, {@code
     * name<TAB>type<TAB>nullable<TAB>key<LF>}, with {@code nullable} and {@code key} written as
     * {@code 1} or {@code 0}. Only the staging columns count, not the source's own type names, so a
     * PostgreSQL and a MySQL table whose columns map to the same Flink SQL types have the same
     * version.
     */
    public static String fingerprint(List<StagingColumn> columns) {
        StringBuilder text = new StringBuilder();
        for (StagingColumn c : columns) {
            text.append(c.name())
                    .append('\t')
                    .append(c.type())
                    .append('\t')
                    .append(c.nullable() ? '1' : '0')
                    .append('\t')
                    .append(c.key() ? '1' : '0')
                    .append('\n');
        }
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * The registry record for a topic whose columns ingest now sees, or null when they are the
     * version {@code latest} already has (null {@code latest}: the first version, with no change).
     */
    public static StagingSchema next(
            StagingSchema latest, String topic, List<StagingColumn> columns, Instant seenAt) {
        String version = fingerprint(columns);
        if (latest != null && latest.version().equals(version)) {
            return null;
        }
        return new StagingSchema(
                topic,
                version,
                latest == null ? null : latest.version(),
                columns,
                seenAt,
                latest == null ? SchemaChange.NONE : compare(latest.columns(), columns));
    }

    /** What changed from {@code before} to {@code after}, column by column (by name). */
    public static SchemaChange compare(List<StagingColumn> before, List<StagingColumn> after) {
        Map<String, StagingColumn> old = new LinkedHashMap<>();
        before.forEach(c -> old.put(c.name(), c));
        Map<String, StagingColumn> now = new LinkedHashMap<>();
        after.forEach(c -> now.put(c.name(), c));
        List<StagingColumn> added = new ArrayList<>();
        List<StagingColumn> dropped = new ArrayList<>();
        List<SchemaChange.TypeChange> widened = new ArrayList<>();
        List<SchemaChange.TypeChange> narrowed = new ArrayList<>();
        List<SchemaChange.TypeChange> retyped = new ArrayList<>();
        for (StagingColumn c : after) {
            StagingColumn was = old.get(c.name());
            if (was == null) {
                added.add(c);
            } else if (!was.type().equals(c.type())) {
                SchemaChange.TypeChange t =
                        new SchemaChange.TypeChange(c.name(), was.type(), c.type());
                switch (typeChange(was.type(), c.type())) {
                    case WIDENED -> widened.add(t);
                    case NARROWED -> narrowed.add(t);
                    default -> retyped.add(t);
                }
            }
        }
        for (StagingColumn c : before) {
            if (!now.containsKey(c.name())) {
                dropped.add(c);
            }
        }
        return new SchemaChange(added, dropped, widened, narrowed, retyped);
    }

    /** How a type change relates the two types. */
    public enum Direction {
        SAME,
        WIDENED,
        NARROWED,
        RETYPED
    }

    /** Whether every value of {@code from} fits {@code to} (widened), the reverse, or neither. */
    public static Direction typeChange(String from, String to) {
        String a = normal(from);
        String b = normal(to);
        if (a.equals(b)) {
            return Direction.SAME;
        }
        int ia = INTEGERS.indexOf(a);
        int ib = INTEGERS.indexOf(b);
        if (ia >= 0 && ib >= 0) {
            return ia < ib ? Direction.WIDENED : Direction.NARROWED;
        }
        if (a.equals("FLOAT") && b.equals("DOUBLE")) {
            return Direction.WIDENED;
        }
        if (a.equals("DOUBLE") && b.equals("FLOAT")) {
            return Direction.NARROWED;
        }
        Matcher da = DECIMAL.matcher(a);
        Matcher db = DECIMAL.matcher(b);
        if (da.matches() && db.matches()) {
            if (!da.group(2).equals(db.group(2))) {
                return Direction.RETYPED;
            }
            return order(Integer.parseInt(da.group(1)), Integer.parseInt(db.group(1)));
        }
        int[] la = length(a);
        int[] lb = length(b);
        if (la != null && lb != null && la[0] == lb[0]) {
            return order(la[1], lb[1]);
        }
        Matcher pa = PRECISION.matcher(a);
        Matcher pb = PRECISION.matcher(b);
        if (pa.matches() && pb.matches() && pa.group(1).equals(pb.group(1))) {
            return order(Integer.parseInt(pa.group(2)), Integer.parseInt(pb.group(2)));
        }
        return Direction.RETYPED;
    }

    private static Direction order(int from, int to) {
        return from == to ? Direction.SAME : from < to ? Direction.WIDENED : Direction.NARROWED;
    }

    /** {family (0 text, 1 bytes), length} of a length-bounded type, STRING and BYTES unbounded. */
    private static int[] length(String type) {
        if (type.equals("STRING")) {
            return new int[] {0, Integer.MAX_VALUE};
        }
        if (type.equals("BYTES")) {
            return new int[] {1, Integer.MAX_VALUE};
        }
        Matcher m = LENGTH.matcher(type);
        if (!m.matches()) {
            return null;
        }
        int family = m.group(1).endsWith("CHAR") ? 0 : 1;
        return new int[] {family, Integer.parseInt(m.group(2))};
    }

    private static String normal(String type) {
        String t = type.trim().toUpperCase(java.util.Locale.ROOT).replaceAll("\\s+", " ");
        t = t.replace(" NOT NULL", "");
        return switch (t) {
            case "INTEGER" -> "INT";
            case "DEC", "NUMERIC" -> "DECIMAL(10, 0)";
            case "TIMESTAMP" -> "TIMESTAMP(6)";
            case "TIMESTAMP_LTZ" -> "TIMESTAMP_LTZ(6)";
            case "TIME" -> "TIME(0)";
            default -> t.replaceAll(",\\s*", ", ");
        };
    }

    /**
     * The Flink SQL type of a staged value from its Kafka Connect schema as Debezium writes it in
     * the ingest jobs' settings: {@code connectType} is the Connect type ({@code INT32}, {@code
     * STRING}, ...), {@code logicalName} the schema name without any relocation prefix (null when
     * none), {@code parameters} the schema parameters (null when none). Containers ({@code ARRAY},
     * {@code MAP}, {@code STRUCT}) are the caller's, which knows their element schemas.
     */
    public static String flinkType(
            String connectType, String logicalName, Map<String, String> parameters) {
        Map<String, String> p = parameters == null ? Map.of() : parameters;
        if (logicalName != null) {
            switch (logicalName) {
                case "org.apache.kafka.connect.data.Decimal":
                    return decimal(p.get("connect.decimal.precision"), p.get("scale"));
                case "io.debezium.data.VariableScaleDecimal":
                    return "STRING";
                case "io.debezium.time.Date", "org.apache.kafka.connect.data.Date":
                    return "DATE";
                case "io.debezium.time.Timestamp", "org.apache.kafka.connect.data.Timestamp":
                    return "TIMESTAMP(3)";
                case "io.debezium.time.MicroTimestamp":
                    return "TIMESTAMP(6)";
                case "io.debezium.time.NanoTimestamp":
                    return "TIMESTAMP(9)";
                case "io.debezium.time.ZonedTimestamp":
                    return "TIMESTAMP_LTZ(6)";
                case "io.debezium.time.Time", "org.apache.kafka.connect.data.Time":
                    return "TIME(3)";
                case "io.debezium.time.MicroTime":
                    return "TIME(6)";
                case "io.debezium.time.NanoTime":
                    return "TIME(9)";
                default:
                    break;
            }
        }
        // PostgreSQL numeric/money in decimal.handling.mode=string: plain decimal text, typed by
        // the source type Debezium propagates (datatype.propagate.source.type)
        String sourceType = p.get("__debezium.source.column.type");
        if ("STRING".equals(connectType)
                && sourceType != null
                && (sourceType.equalsIgnoreCase("NUMERIC")
                        || sourceType.equalsIgnoreCase("MONEY"))) {
            String length = p.get("__debezium.source.column.length");
            String scale = p.get("__debezium.source.column.scale");
            if (sourceType.equalsIgnoreCase("MONEY")) {
                return "DECIMAL(19, 2)";
            }
            if (length != null && scale != null) {
                int precision = Integer.parseInt(length);
                if (precision >= 1 && precision <= 38) {
                    return decimal(length, scale);
                }
            }
            return "STRING"; // unconstrained numeric: no DECIMAL holds every value
        }
        return switch (connectType) {
            case "INT8" -> "TINYINT";
            case "INT16" -> "SMALLINT";
            case "INT32" -> "INT";
            case "INT64" -> "BIGINT";
            case "FLOAT32" -> "FLOAT";
            case "FLOAT64" -> "DOUBLE";
            case "BOOLEAN" -> "BOOLEAN";
            case "BYTES" -> "BYTES";
            default -> "STRING";
        };
    }

    private static String decimal(String precision, String scale) {
        int p = precision == null ? 38 : Integer.parseInt(precision);
        int s = scale == null ? 0 : Integer.parseInt(scale);
        if (p > 38) {
            return "STRING";
        }
        return "DECIMAL(" + p + ", " + s + ")";
    }

    /** A column list as JSON text (an array of {@code {name, type, nullable, key}}). */
    public static String columnsJson(List<StagingColumn> columns) {
        return columns(columns).toString();
    }

    /** The column list of {@link #columnsJson}. */
    public static List<StagingColumn> columnsFromJson(String json) {
        try {
            return readColumns(JSON.readTree(json), "");
        } catch (IOException e) {
            throw new IllegalArgumentException("Not a staging column list: " + e.getMessage(), e);
        }
    }

    /** The registry record's JSON value. */
    public static ObjectNode toJson(StagingSchema schema) {
        ObjectNode out = JSON.createObjectNode();
        out.put("topic", schema.topic());
        out.put("version", schema.version());
        if (schema.previous() == null) {
            out.putNull("previous");
        } else {
            out.put("previous", schema.previous());
        }
        out.set("columns", columns(schema.columns()));
        out.put("changed_at", schema.changedAt().toString());
        ObjectNode change = out.putObject("change");
        change.set("added", columns(schema.change().added()));
        change.set("dropped", columns(schema.change().dropped()));
        change.set("widened", typeChanges(schema.change().widened()));
        change.set("narrowed", typeChanges(schema.change().narrowed()));
        change.set("retyped", typeChanges(schema.change().retyped()));
        return out;
    }

    public static byte[] toBytes(StagingSchema schema) {
        try {
            return JSON.writeValueAsBytes(toJson(schema));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a registry record's JSON value; a malformed one fails naming what is wrong. */
    public static StagingSchema fromJson(byte[] value) {
        JsonNode node;
        try {
            node = JSON.readTree(value);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "A staging schema registry record is not JSON: " + e.getMessage(), e);
        }
        return fromJson(node);
    }

    public static StagingSchema fromJson(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("A staging schema registry record is not an object");
        }
        String topic = text(node, "topic");
        JsonNode change = node.path("change");
        return new StagingSchema(
                topic,
                text(node, "version"),
                node.path("previous").isTextual() ? node.path("previous").asText() : null,
                readColumns(node.path("columns"), topic),
                Instant.parse(text(node, "changed_at")),
                new SchemaChange(
                        readColumns(change.path("added"), topic),
                        readColumns(change.path("dropped"), topic),
                        readTypeChanges(change.path("widened")),
                        readTypeChanges(change.path("narrowed")),
                        readTypeChanges(change.path("retyped"))));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException(
                    "A staging schema registry record has no text field '" + field + "': " + node);
        }
        return v.asText();
    }

    private static ArrayNode columns(List<StagingColumn> columns) {
        ArrayNode out = JSON.createArrayNode();
        for (StagingColumn c : columns) {
            out.addObject()
                    .put("name", c.name())
                    .put("type", c.type())
                    .put("nullable", c.nullable())
                    .put("key", c.key());
        }
        return out;
    }

    private static ArrayNode typeChanges(List<SchemaChange.TypeChange> changes) {
        ArrayNode out = JSON.createArrayNode();
        for (SchemaChange.TypeChange c : changes) {
            out.addObject().put("name", c.name()).put("from", c.from()).put("to", c.to());
        }
        return out;
    }

    private static List<StagingColumn> readColumns(JsonNode array, String topic) {
        List<StagingColumn> out = new ArrayList<>();
        for (JsonNode c : array) {
            if (c.isTextual()) { // a bare name: type unknown
                out.add(new StagingColumn(c.asText(), "STRING", true, false));
                continue;
            }
            out.add(
                    new StagingColumn(
                            text(c, "name"),
                            text(c, "type"),
                            c.path("nullable").asBoolean(true),
                            c.path("key").asBoolean(false)));
        }
        return out;
    }

    private static List<SchemaChange.TypeChange> readTypeChanges(JsonNode array) {
        List<SchemaChange.TypeChange> out = new ArrayList<>();
        for (JsonNode c : array) {
            out.add(new SchemaChange.TypeChange(text(c, "name"), text(c, "from"), text(c, "to")));
        }
        return out;
    }
}
