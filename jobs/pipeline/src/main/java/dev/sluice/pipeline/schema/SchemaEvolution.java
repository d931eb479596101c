package dev.sluice.pipeline.schema;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.connectors.deadletter.DeadLetterJsonFormatFactory;
import dev.sluice.connectors.deadletter.SchemaChangeOptions;
import dev.sluice.gate.AuditLog;
import dev.sluice.sql.BoundStatement;
import dev.sluice.sql.InsertShape;
import dev.sluice.sql.Pipeline;
import dev.sluice.sql.SchemaChangeModes;
import dev.sluice.stagingschemas.SchemaChangeMode;
import dev.sluice.stagingschemas.StagingColumn;
import dev.sluice.stagingschemas.StagingSchema;
import dev.sluice.stagingschemas.StagingSchemaRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.catalog.Catalog;
import org.apache.flink.table.catalog.CatalogBaseTable;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ObjectPath;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.table.types.logical.utils.LogicalTypeParser;

/**
 * The planning side of schema-change modes, run after a pipeline's statements and before its {@code
 * INSERT}s are planned: sets each staging table's mode (the strictest of the sinks reading it) and
 * planned versions on its {@code sluice-debezium-json} format, and for {@code evolve} adds the
 * reviewed new columns and widens widened ones, in the staging table and in the sinks that take
 * them ({@code INSERT INTO sink SELECT * FROM staging}): Iceberg through its catalog, JDBC by
 * {@code ALTER TABLE … ADD COLUMN} in the database. Each decision goes to the audit log.
 */
public final class SchemaEvolution {
    private static final String PREFIX = DeadLetterJsonFormatFactory.IDENTIFIER + ".";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ColumnReview review;
    private final AuditLog audit;
    private final String context;
    private final Duration timeout;
    private final List<String> notes = new ArrayList<>();

    /**
     * @param audit where decisions go, or null for none
     * @param context where it runs, for the audit record ({@code run}, {@code job-start})
     */
    public SchemaEvolution(ColumnReview review, AuditLog audit, String context, Duration timeout) {
        this.review = review;
        this.audit = audit;
        this.context = context;
        this.timeout = timeout;
    }

    /** What the last {@link #apply} did and warned about, one line each, for the console. */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    /**
     * What {@code sluice validate} says about a pipeline's schema-change modes without planning it:
     * sinks in mode evolve whose query names its columns (nothing new reaches them), and per-sink
     * entries that name no sink of the pipeline (an error when it runs).
     */
    public static List<String> warnings(Pipeline pipeline) {
        List<String> warnings = new ArrayList<>();
        if (pipeline.metadata() == null) {
            return warnings;
        }
        SchemaChangeModes modes = pipeline.metadata().schemaChanges();
        List<String> targets = new ArrayList<>();
        for (BoundStatement insert : pipeline.inserts()) {
            InsertShape shape;
            try {
                shape = InsertShape.of(insert.sql());
            } catch (IllegalArgumentException e) {
                continue;
            }
            String target = String.join(".", shape.target());
            targets.add(target);
            SchemaChangeMode mode = modes.forSink(target);
            if (mode == SchemaChangeMode.EVOLVE && shape.starFrom() == null) {
                warnings.add(
                        "warning: sink "
                                + target
                                + " is in schema-change mode evolve, but its query names its"
                                + " columns: no new source column reaches it. Only INSERT INTO"
                                + " sink SELECT * FROM one staging table takes new columns"
                                + " (docs/schema-changes.md#per-sink-modes).");
            }
        }
        for (String entry : modes.bySink().keySet()) {
            if (targets.stream()
                    .noneMatch(
                            t ->
                                    SchemaChangeModes.names(entry, t)
                                            || SchemaChangeModes.names(t, entry))) {
                warnings.add(
                        "warning: -- @schema-changes names "
                                + entry
                                + ", which no INSERT writes (sinks: "
                                + targets
                                + "); sluice run refuses it.");
            }
        }
        return warnings;
    }

    /** One sink and what its query reads. */
    private record Sink(String name, SchemaChangeMode mode, InsertShape shape, String starFrom) {}

    public void apply(TableEnvironment tEnv, Pipeline pipeline) {
        notes.clear();
        SchemaChangeModes modes =
                pipeline.metadata() == null
                        ? SchemaChangeModes.DEFAULT
                        : pipeline.metadata().schemaChanges();
        List<Sink> sinks = new ArrayList<>();
        Map<String, SchemaChangeMode> tableModes = new LinkedHashMap<>();
        Map<String, List<Sink>> readers = new LinkedHashMap<>();
        for (BoundStatement insert : pipeline.inserts()) {
            InsertShape shape;
            try {
                shape = InsertShape.of(insert.sql());
            } catch (IllegalArgumentException e) {
                // Flink plans it and reports its own error; no mode applies to what cannot be read
                notes.add(
                        "Warning: schema-change modes do not apply to the INSERT at "
                                + insert.location()
                                + ": "
                                + e.getMessage());
                continue;
            }
            String sinkName = qualify(tEnv, shape.target());
            SchemaChangeMode mode = modes.forSink(sinkName);
            Sink sink =
                    new Sink(
                            sinkName,
                            mode,
                            shape,
                            shape.starFrom() == null ? null : qualify(tEnv, shape.starFrom()));
            sinks.add(sink);
            for (List<String> source : shape.sources()) {
                String table = qualify(tEnv, source);
                tableModes.merge(table, mode, SchemaChangeMode::strictest);
                readers.computeIfAbsent(table, t -> new ArrayList<>()).add(sink);
            }
        }
        for (String entry : modes.bySink().keySet()) {
            if (sinks.stream().noneMatch(s -> SchemaChangeModes.names(entry, s.name()))) {
                throw new IllegalArgumentException(
                        "Header field @schema-changes names "
                                + entry
                                + ", which no INSERT of pipeline "
                                + pipeline.metadata().name()
                                + " writes. Sinks: "
                                + sinks.stream().map(Sink::name).toList()
                                + ".");
            }
        }
        Map<String, Map<String, StagingSchema>> registries = new HashMap<>();
        for (Map.Entry<String, SchemaChangeMode> entry : tableModes.entrySet()) {
            String table = entry.getKey();
            SchemaChangeMode mode = entry.getValue();
            Map<String, String> options = options(tEnv, table);
            if (options == null || !"kafka".equals(options.get("connector"))) {
                continue;
            }
            if (!DeadLetterJsonFormatFactory.IDENTIFIER.equals(options.get("format"))) {
                if (mode != SchemaChangeMode.IGNORE) {
                    throw new IllegalArgumentException(
                            "Staging table "
                                    + table
                                    + " is read by sinks in schema-change mode "
                                    + mode.value()
                                    + " but its format is "
                                    + options.get("format")
                                    + ", which cannot detect schema changes. Set 'format' ="
                                    + " 'sluice-debezium-json' with its dead-letter options"
                                    + " (docs/schema-changes.md), or use -- @schema-changes"
                                    + " ignore.");
                }
                continue;
            }
            plan(tEnv, pipeline, table, options, mode, readers.get(table), registries);
        }
        for (Sink sink : sinks) {
            if (sink.mode() == SchemaChangeMode.EVOLVE && sink.starFrom() == null) {
                notes.add(
                        "Warning: sink "
                                + sink.name()
                                + " is in mode evolve but its query names its columns: a new"
                                + " source column reaches it only through SELECT * FROM one"
                                + " staging table (docs/schema-changes.md#per-sink-modes).");
            }
        }
    }

    private void plan(
            TableEnvironment tEnv,
            Pipeline pipeline,
            String table,
            Map<String, String> options,
            SchemaChangeMode mode,
            List<Sink> sinks,
            Map<String, Map<String, StagingSchema>> registries) {
        String topic = options.get("topic");
        List<String> versions = new ArrayList<>();
        List<String> heldBack = new ArrayList<>();
        if (mode != SchemaChangeMode.IGNORE && topic != null && topic.contains(".")) {
            String prefix = topic.substring(0, topic.indexOf('.'));
            Map<String, StagingSchema> registry =
                    registries.computeIfAbsent(prefix, p -> readRegistry(kafka(options), p));
            StagingSchema schema = registry.get(topic);
            if (schema != null) {
                ResolvedSchema declared = tEnv.from(quote(table)).getResolvedSchema();
                List<String> added = new ArrayList<>();
                List<String> widened = new ArrayList<>();
                List<String> undeclared = new ArrayList<>();
                for (StagingColumn column : schema.columns()) {
                    Optional<Column> existing = declared.getColumn(column.name());
                    if (existing.isEmpty()) {
                        if (mode == SchemaChangeMode.EVOLVE
                                && review.mayPropagate(table, schema, column)) {
                            added.add(column.name());
                        } else if (mode == SchemaChangeMode.EVOLVE) {
                            heldBack.add(column.name());
                        } else {
                            undeclared.add(column.name());
                        }
                    } else if (mode == SchemaChangeMode.EVOLVE
                            && isWidening(existing.get().getDataType().getLogicalType(), column)) {
                        widened.add(column.name());
                    }
                }
                if (mode == SchemaChangeMode.EVOLVE) {
                    evolveStaging(tEnv, table, declared, schema, added, widened);
                    List<String> sinkActions = new ArrayList<>();
                    for (Sink sink : sinks) {
                        if (sink.mode() == SchemaChangeMode.EVOLVE
                                && table.equals(sink.starFrom())) {
                            sinkActions.addAll(evolveSink(tEnv, sink, schema, added, widened));
                        }
                    }
                    if (!added.isEmpty() || !widened.isEmpty() || !heldBack.isEmpty()) {
                        notes.add(
                                "Schema change of "
                                        + table
                                        + " (version "
                                        + schema.version()
                                        + "): added "
                                        + added
                                        + ", widened "
                                        + widened
                                        + ", held back until the policy classifies them "
                                        + heldBack
                                        + (sinkActions.isEmpty() ? "" : "; " + sinkActions));
                        audit(pipeline, table, schema, mode, added, widened, heldBack, sinkActions);
                    }
                }
                if (undeclared.isEmpty()) {
                    versions.add(schema.version());
                    if (schema.previous() != null) {
                        versions.add(schema.previous());
                    }
                }
            }
        }
        Map<String, String> set = new LinkedHashMap<>();
        set.put(PREFIX + SchemaChangeOptions.MODE.key(), mode.value());
        set.put(PREFIX + SchemaChangeOptions.VERSIONS.key(), String.join(";", versions));
        set.put(PREFIX + SchemaChangeOptions.HELD_BACK.key(), String.join(";", heldBack));
        if (mode == SchemaChangeMode.EVOLVE) {
            // a replan resumes where the stopped job committed (on each checkpoint), not from the
            // start of the topic; the first run of the group still reads from the earliest offset
            if (!options.containsKey("properties.group.id") && pipeline.metadata() != null) {
                set.put("properties.group.id", "sluice-pipeline-" + pipeline.metadata().name());
            }
            if ("earliest-offset".equals(options.get("scan.startup.mode"))) {
                set.put("scan.startup.mode", "group-offsets");
            }
            if (!options.containsKey("properties.auto.offset.reset")) {
                set.put("properties.auto.offset.reset", "earliest");
            }
        }
        StringBuilder sql = new StringBuilder("ALTER TABLE ").append(quote(table)).append(" SET (");
        set.forEach((k, v) -> sql.append("'").append(k).append("' = '").append(v).append("', "));
        sql.setLength(sql.length() - 2);
        tEnv.executeSql(sql.append(")").toString());
    }

    private static void evolveStaging(
            TableEnvironment tEnv,
            String table,
            ResolvedSchema declared,
            StagingSchema schema,
            List<String> added,
            List<String> widened) {
        String last = null;
        for (Column column : declared.getColumns()) {
            if (column.isPhysical()) {
                last = column.getName();
            }
        }
        for (String name : added) {
            String type = columnOf(schema, name).type();
            tEnv.executeSql(
                    "ALTER TABLE "
                            + quote(table)
                            + " ADD (`"
                            + name
                            + "` "
                            + type
                            + (last == null ? "" : " AFTER `" + last + "`")
                            + ")");
            last = name;
        }
        for (String name : widened) {
            tEnv.executeSql(
                    "ALTER TABLE "
                            + quote(table)
                            + " MODIFY (`"
                            + name
                            + "` "
                            + columnOf(schema, name).type()
                            + ")");
        }
    }

    private List<String> evolveSink(
            TableEnvironment tEnv,
            Sink sink,
            StagingSchema schema,
            List<String> added,
            List<String> widened) {
        List<String> actions = new ArrayList<>();
        if (temporary(tEnv, sink.name())) {
            // Flink keeps a temporary table's columns in the session and cannot ALTER it; the
            // query would then carry a column the sink does not have: refuse, saying why
            throw new IllegalStateException(
                    "Sink "
                            + sink.name()
                            + " is in mode evolve but is declared with CREATE TEMPORARY TABLE,"
                            + " whose columns Flink cannot alter. Declare it with CREATE TABLE in"
                            + " a catalog database (e.g. CREATE DATABASE IF NOT EXISTS crm; CREATE"
                            + " TABLE crm.customers ...), or give it the mode ignore or fail"
                            + " (-- @schema-changes "
                            + sink.name()
                            + "=fail).");
        }
        Map<String, String> options = options(tEnv, sink.name());
        ResolvedSchema columns = tEnv.from(quote(sink.name())).getResolvedSchema();
        String connector = options == null ? null : options.get("connector");
        boolean jdbc = "jdbc".equals(connector) || "sluice-jdbc".equals(connector);
        boolean iceberg = !jdbc && isIceberg(tEnv, sink.name());
        if (!jdbc && !iceberg) {
            notes.add(
                    "Warning: sink "
                            + sink.name()
                            + " (connector "
                            + connector
                            + ") is in mode evolve, but only Iceberg and JDBC sinks evolve:"
                            + " its columns stay as they are.");
            return actions;
        }
        Set<String> databaseColumns = jdbc ? jdbcColumns(options) : Set.of();
        for (String name : added) {
            String type = columnOf(schema, name).type();
            if (jdbc && !databaseColumns.contains(name.toLowerCase(Locale.ROOT))) {
                jdbcAddColumn(options, name, type);
                actions.add(sink.name() + " ADD COLUMN " + name + " (database)");
            }
            if (columns.getColumn(name).isEmpty()) {
                tEnv.executeSql(
                        "ALTER TABLE " + quote(sink.name()) + " ADD (`" + name + "` " + type + ")");
                if (iceberg) {
                    actions.add(sink.name() + " add column " + name + " " + type + " (Iceberg)");
                }
            }
        }
        for (String name : widened) {
            Optional<Column> existing = columns.getColumn(name);
            StagingColumn column = columnOf(schema, name);
            if (existing.isEmpty()
                    || !isWidening(existing.get().getDataType().getLogicalType(), column)) {
                continue;
            }
            if (jdbc) {
                jdbcWidenColumn(options, name, column.type());
                actions.add(sink.name() + " ALTER COLUMN " + name + " TYPE (database)");
            }
            tEnv.executeSql(
                    "ALTER TABLE "
                            + quote(sink.name())
                            + " MODIFY (`"
                            + name
                            + "` "
                            + column.type()
                            + ")");
            if (iceberg) {
                actions.add(sink.name() + " widen " + name + " to " + column.type() + " (Iceberg)");
            }
        }
        return actions;
    }

    /** Whether the registry's type holds every value of the declared type and differs from it. */
    static boolean isWidening(LogicalType declared, StagingColumn column) {
        LogicalType to;
        try {
            to = LogicalTypeParser.parse(column.type(), SchemaEvolution.class.getClassLoader());
        } catch (RuntimeException e) {
            return false;
        }
        LogicalType from = declared.copy(true);
        to = to.copy(true);
        if (from.equals(to)) {
            return false;
        }
        return switch (from.getTypeRoot()) {
            case TINYINT ->
                    switch (to.getTypeRoot()) {
                        case SMALLINT, INTEGER, BIGINT -> true;
                        default -> false;
                    };
            case SMALLINT ->
                    switch (to.getTypeRoot()) {
                        case INTEGER, BIGINT -> true;
                        default -> false;
                    };
            case INTEGER ->
                    to.getTypeRoot() == org.apache.flink.table.types.logical.LogicalTypeRoot.BIGINT;
            case FLOAT ->
                    to.getTypeRoot() == org.apache.flink.table.types.logical.LogicalTypeRoot.DOUBLE;
            case DECIMAL ->
                    to instanceof DecimalType wide
                            && wide.getScale() == ((DecimalType) from).getScale()
                            && wide.getPrecision() > ((DecimalType) from).getPrecision();
            case VARCHAR ->
                    to instanceof VarCharType wide
                            && wide.getLength() > ((VarCharType) from).getLength();
            default -> false;
        };
    }

    private static boolean isIceberg(TableEnvironment tEnv, String table) {
        String catalog = table.substring(0, table.indexOf('.'));
        return tEnv.getCatalog(catalog)
                .map(c -> c.getClass().getName().startsWith("org.apache.iceberg.flink."))
                .orElse(false);
    }

    private static Set<String> jdbcColumns(Map<String, String> options) {
        try (Connection connection = jdbc(options);
                Statement statement = connection.createStatement();
                ResultSet rows =
                        statement.executeQuery(
                                "SELECT * FROM " + options.get("table-name") + " WHERE 1 = 0")) {
            ResultSetMetaData meta = rows.getMetaData();
            Set<String> names = new LinkedHashSet<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                names.add(meta.getColumnName(i).toLowerCase(Locale.ROOT));
            }
            return names;
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "Cannot read the columns of JDBC sink table "
                            + options.get("table-name")
                            + " ("
                            + e.getSQLState()
                            + "). Check the sink's url, username and password.",
                    e);
        }
    }

    private static void jdbcAddColumn(Map<String, String> options, String name, String flinkType) {
        String sqlType = jdbcType(flinkType);
        try (Connection connection = jdbc(options);
                Statement statement = connection.createStatement()) {
            statement.execute(
                    "ALTER TABLE "
                            + options.get("table-name")
                            + " ADD COLUMN "
                            + name
                            + " "
                            + sqlType);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "Cannot add column "
                            + name
                            + " "
                            + sqlType
                            + " to JDBC sink table "
                            + options.get("table-name")
                            + ": "
                            + e.getMessage()
                            + ". Add it by hand, or set its sink to -- @schema-changes ignore.",
                    e);
        }
    }

    private static void jdbcWidenColumn(
            Map<String, String> options, String name, String flinkType) {
        String sqlType = jdbcType(flinkType);
        try (Connection connection = jdbc(options);
                Statement statement = connection.createStatement()) {
            // PostgreSQL's spelling; widening keeps every stored value
            statement.execute(
                    "ALTER TABLE "
                            + options.get("table-name")
                            + " ALTER COLUMN "
                            + name
                            + " TYPE "
                            + sqlType);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "Cannot widen column "
                            + name
                            + " to "
                            + sqlType
                            + " in JDBC sink table "
                            + options.get("table-name")
                            + ": "
                            + e.getMessage()
                            + ". Widen it by hand, or set its sink to -- @schema-changes ignore.",
                    e);
        }
    }

    /** The SQL type of a new JDBC column, as Flink's JDBC connector writes the Flink type. */
    static String jdbcType(String flinkType) {
        LogicalType type =
                LogicalTypeParser.parse(flinkType, SchemaEvolution.class.getClassLoader());
        return switch (type.getTypeRoot()) {
            case BOOLEAN -> "BOOLEAN";
            case TINYINT, SMALLINT -> "SMALLINT";
            case INTEGER -> "INTEGER";
            case BIGINT -> "BIGINT";
            case FLOAT -> "REAL";
            case DOUBLE -> "DOUBLE PRECISION";
            case DECIMAL ->
                    "NUMERIC("
                            + ((DecimalType) type).getPrecision()
                            + ", "
                            + ((DecimalType) type).getScale()
                            + ")";
            case CHAR, VARCHAR ->
                    type instanceof VarCharType v && v.getLength() < VarCharType.MAX_LENGTH
                            ? "VARCHAR(" + v.getLength() + ")"
                            : "TEXT";
            case DATE -> "DATE";
            case TIME_WITHOUT_TIME_ZONE -> "TIME";
            case TIMESTAMP_WITHOUT_TIME_ZONE -> "TIMESTAMP";
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE -> "TIMESTAMP WITH TIME ZONE";
            case BINARY, VARBINARY -> "BYTEA";
            default ->
                    throw new IllegalArgumentException(
                            "No JDBC column type for "
                                    + flinkType
                                    + ": add the column to the sink database by hand.");
        };
    }

    private static Connection jdbc(Map<String, String> options) throws SQLException {
        return DriverManager.getConnection(
                options.get("url"), options.get("username"), options.get("password"));
    }

    /** Records that a sink in mode fail stopped the pipeline on a schema change. */
    public void auditFailure(Pipeline pipeline, String message) {
        if (audit == null) {
            return;
        }
        ObjectNode record = JSON.createObjectNode();
        record.put("kind", "schema-change");
        record.put("time", Instant.now().toString());
        record.put("context", context);
        if (pipeline.metadata() != null) {
            record.put("pipeline", pipeline.metadata().name());
            record.put("owner", pipeline.metadata().owner());
        }
        record.put("mode", SchemaChangeMode.FAIL.value());
        record.put("decision", "fail");
        record.put("message", message);
        audit.appendRecord(record);
    }

    private void audit(
            Pipeline pipeline,
            String table,
            StagingSchema schema,
            SchemaChangeMode mode,
            List<String> added,
            List<String> widened,
            List<String> heldBack,
            List<String> sinkActions) {
        if (audit == null) {
            return;
        }
        audit.appendRecord(
                record(pipeline, context, table, schema.topic(), mode, "evolve")
                        .put("version", schema.version())
                        .put("previous", schema.previous())
                        .<ObjectNode>set("propagated", array(added))
                        .<ObjectNode>set("widened", array(widened))
                        .<ObjectNode>set("heldBack", array(heldBack))
                        .set("sinks", array(sinkActions)));
    }

    /** The common fields of a {@code schema-change} audit record. */
    public static ObjectNode record(
            Pipeline pipeline,
            String context,
            String table,
            String topic,
            SchemaChangeMode mode,
            String decision) {
        ObjectNode record = JSON.createObjectNode();
        record.put("kind", "schema-change");
        record.put("time", Instant.now().toString());
        record.put("context", context);
        if (pipeline.metadata() != null) {
            record.put("pipeline", pipeline.metadata().name());
            record.put("owner", pipeline.metadata().owner());
        }
        record.put("stagingTable", table);
        record.put("topic", topic);
        record.put("mode", mode.value());
        record.put("decision", decision);
        return record;
    }

    private static ArrayNode array(List<String> values) {
        ArrayNode array = JSON.createArrayNode();
        values.forEach(array::add);
        return array;
    }

    private static Properties kafka(Map<String, String> options) {
        Properties props = new Properties();
        options.forEach(
                (k, v) -> {
                    if (k.startsWith("properties.")) {
                        props.put(k.substring("properties.".length()), v);
                    }
                });
        return props;
    }

    /** Whether a fully qualified table is a temporary one of this session. */
    static boolean temporary(TableEnvironment tEnv, String table) {
        String[] parts = table.split("\\.", 3);
        if (parts.length < 3) {
            return false;
        }
        return ((org.apache.flink.table.api.internal.TableEnvironmentInternal) tEnv)
                .getCatalogManager()
                .getTable(
                        org.apache.flink.table.catalog.ObjectIdentifier.of(
                                parts[0], parts[1], parts[2]))
                .map(org.apache.flink.table.catalog.ContextResolvedTable::isTemporary)
                .orElse(false);
    }

    private static Map<String, String> options(TableEnvironment tEnv, String table) {
        String[] parts = table.split("\\.", 3);
        Optional<Catalog> catalog = tEnv.getCatalog(parts[0]);
        if (catalog.isEmpty()) {
            return null;
        }
        try {
            CatalogBaseTable found = catalog.get().getTable(new ObjectPath(parts[1], parts[2]));
            return found.getOptions();
        } catch (Exception e) {
            return null;
        }
    }

    private static String qualify(TableEnvironment tEnv, List<String> names) {
        return switch (names.size()) {
            case 1 ->
                    tEnv.getCurrentCatalog() + "." + tEnv.getCurrentDatabase() + "." + names.get(0);
            case 2 -> tEnv.getCurrentCatalog() + "." + names.get(0) + "." + names.get(1);
            default -> String.join(".", names);
        };
    }

    private static String quote(String table) {
        return "`" + table.replace(".", "`.`") + "`";
    }

    private static StagingColumn columnOf(StagingSchema schema, String name) {
        StagingColumn column = schema.column(name);
        if (column == null) {
            throw new IllegalStateException(
                    "Staging topic "
                            + schema.topic()
                            + " has no column "
                            + name
                            + " in version "
                            + schema.version());
        }
        return column;
    }

    private Map<String, StagingSchema> readRegistry(Properties kafka, String prefix) {
        try {
            return StagingSchemaRegistry.read(kafka, prefix, timeout);
        } catch (StagingSchemaRegistry.RegistryException e) {
            throw new IllegalStateException(
                    "Cannot read the staging schema registry "
                            + StagingSchemaRegistry.topicFor(prefix)
                            + " ("
                            + e.getMessage()
                            + "); the evolve mode needs it: check that Kafka is reachable and that"
                            + " ingest created the topic (its preflight does).",
                    e);
        }
    }
}
