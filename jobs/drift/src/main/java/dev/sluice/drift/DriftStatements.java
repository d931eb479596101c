package dev.sluice.drift;

import dev.sluice.sql.BoundScript;
import dev.sluice.sql.BoundStatement;
import dev.sluice.sql.Pipeline;
import dev.sluice.sql.PipelineStatements;
import dev.sluice.sql.StatementKind;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.table.api.ExplainDetail;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.api.internal.TableEnvironmentImpl;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.operations.Operation;
import org.apache.flink.table.operations.SinkModifyOperation;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.types.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares a pipeline like {@link PipelineStatements#prepare} with a drift stage in front of every
 * sink that has unclassified string columns: the INSERT's query becomes a changelog stream, passes
 * {@link DriftFunction}, and is written to the same sink. INSERTs with a column list, static
 * partitions or sink hints, and sinks with nothing to watch, are added as written.
 */
public final class DriftStatements {
    private static final Logger LOG = LoggerFactory.getLogger(DriftStatements.class);

    private DriftStatements() {}

    public static StatementSet prepare(
            StreamTableEnvironment tEnv, Pipeline pipeline, DriftPlan plan) {
        return prepare(tEnv, pipeline, plan, t -> {});
    }

    /**
     * Like {@link #prepare(StreamTableEnvironment, Pipeline, DriftPlan)}, running {@code
     * beforeInserts} once before the first {@code INSERT} is planned (see {@link
     * PipelineStatements#prepare(org.apache.flink.table.api.TableEnvironment, Pipeline,
     * java.util.function.Consumer)}).
     */
    public static StatementSet prepare(
            StreamTableEnvironment tEnv,
            Pipeline pipeline,
            DriftPlan plan,
            java.util.function.Consumer<org.apache.flink.table.api.TableEnvironment>
                    beforeInserts) {
        // settings, defaults and the catalog files, as the plain runner applies them
        Pipeline withoutOwn =
                new Pipeline(
                        pipeline.metadata(),
                        pipeline.catalog(),
                        new BoundScript(pipeline.pipeline().source(), List.of()),
                        pipeline.variables());
        StatementSet inserts = PipelineStatements.prepare(tEnv, withoutOwn, t -> {});
        boolean hooked = false;
        for (BoundStatement statement : pipeline.pipeline().statements()) {
            if (statement.kind() != StatementKind.INSERT) {
                PipelineStatements.run(tEnv, statement, pipeline.variables());
                continue;
            }
            if (!hooked) {
                beforeInserts.accept(tEnv);
                hooked = true;
            }
            if (!watched(tEnv, statement, plan, inserts)) {
                inserts.addInsertSql(statement.sql());
            }
        }
        return inserts;
    }

    /**
     * Whether the query only appends (the changelog mode of its plan's root is {@code [I]}): its
     * stream then goes back as an append-only table, so append-only sinks still take it.
     */
    static boolean insertOnly(Table query) {
        String explained = query.explain(ExplainDetail.CHANGELOG_MODE);
        int physical = explained.indexOf("== Optimized Physical Plan ==");
        Matcher m =
                Pattern.compile("changelogMode=\\[([^\\]]*)\\]")
                        .matcher(physical < 0 ? explained : explained.substring(physical));
        return m.find() && m.group(1).trim().equals("I");
    }

    /** Adds the INSERT through a drift stage; false when it has nothing to watch. */
    private static boolean watched(
            StreamTableEnvironment tEnv,
            BoundStatement statement,
            DriftPlan plan,
            StatementSet inserts) {
        TableEnvironmentImpl impl = (TableEnvironmentImpl) tEnv;
        List<Operation> operations = impl.getParser().parse(statement.sql());
        if (operations.size() != 1 || !(operations.get(0) instanceof SinkModifyOperation op)) {
            return false;
        }
        if (!op.getStaticPartitions().isEmpty()
                || !op.getDynamicOptions().isEmpty()
                || op.getTargetColumns() != null) {
            return false;
        }
        String sinkName = op.getContextResolvedTable().getIdentifier().asSummaryString();
        DriftPlan.Sink sink = plan.sink(sinkName);
        if (sink == null) {
            return false;
        }
        Table query = impl.createTable(op.getChild());
        ResolvedSchema schema = query.getResolvedSchema();
        List<String> sinkColumns =
                op.getContextResolvedTable().getResolvedSchema().getColumns().stream()
                        .filter(Column::isPersisted)
                        .map(Column::getName)
                        .toList();
        List<Integer> positions = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < sinkColumns.size() && i < schema.getColumnCount(); i++) {
            String column = sinkColumns.get(i);
            boolean text =
                    schema.getColumnDataTypes()
                            .get(i)
                            .getLogicalType()
                            .is(LogicalTypeFamily.CHARACTER_STRING);
            if (text && sink.unclassified().contains(column)) {
                positions.add(i);
                names.add(column);
            }
        }
        if (positions.isEmpty()) {
            return false;
        }
        LOG.info("PII drift: watching {} of {} ({})", names, sink.dataset(), sinkName);
        DataStream<Row> rows = tEnv.toChangelogStream(query);
        DataStream<Row> checked =
                rows.process(
                                new DriftFunction(
                                        plan,
                                        sink,
                                        positions.stream().mapToInt(Integer::intValue).toArray(),
                                        names.toArray(new String[0])),
                                rows.getType())
                        .name("PII drift: " + sink.dataset())
                        .uid("sluice-drift-" + sinkName);
        Table back =
                tEnv.fromChangelogStream(
                        checked,
                        Schema.newBuilder().fromResolvedSchema(schema).build(),
                        insertOnly(query) ? ChangelogMode.insertOnly() : ChangelogMode.all());
        inserts.add(
                back.insertInto(
                        op.getContextResolvedTable().getIdentifier().asSerializableString()));
        return true;
    }
}
