package dev.sluice.cli;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import dev.sluice.gate.Finding;
import dev.sluice.gate.GateReport;
import dev.sluice.gate.PlannedPipeline;
import dev.sluice.gate.SinkLineage;
import dev.sluice.sql.BoundStatement;
import dev.sluice.sql.SourceText;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.validate.SqlConformanceEnum;
import org.apache.flink.sql.parser.impl.FlinkSqlParserImpl;

/**
 * Proposes the rewrite that fixes a rejected pipeline's leaks: in the select item that feeds a
 * leaking sink column, each reference to the leaking source column is wrapped in the function the
 * rule asks for. The result is a unified diff of the pipeline file; findings it cannot fix by
 * wrapping (denials, grants, residency, a value renamed on the way) are left to the author.
 */
public final class FixProposal {
    private static final SqlParser.Config PARSER =
            SqlParser.config()
                    .withParserFactory(FlinkSqlParserImpl.FACTORY)
                    .withConformance(SqlConformanceEnum.DEFAULT)
                    .withQuoting(Quoting.BACK_TICK)
                    .withUnquotedCasing(Casing.UNCHANGED)
                    .withQuotedCasing(Casing.UNCHANGED)
                    .withCaseSensitive(true)
                    .withIdentifierMaxLength(256);

    private FixProposal() {}

    /** The proposal: the rewritten file and its diff; empty diff when nothing can be wrapped. */
    public record Proposal(String rewritten, String diff, int edits) {}

    private record Edit(int start, int end, String replacement) {}

    public static Proposal propose(PlannedPipeline planned, GateReport report) {
        SourceText file = planned.pipeline().pipeline().source();
        Map<Integer, Edit> edits = new TreeMap<>();
        for (PlannedPipeline.PlannedInsert insert : planned.inserts()) {
            for (Finding f : report.findings()) {
                if (f.kind() != Finding.Kind.LEAK
                        || f.fixFunction() == null
                        || !f.location().equals(insert.insert().location())) {
                    continue;
                }
                for (SinkLineage sink : insert.sinks()) {
                    if (sink.sinkTable().equals(f.sinkTable())) {
                        int index = sink.columns().indexOf(f.sinkColumn());
                        wrap(insert.insert(), index, f, edits);
                    }
                }
            }
        }
        String text = file.text();
        StringBuilder out = new StringBuilder(text);
        List<Edit> ordered = new ArrayList<>(edits.values());
        ordered.sort(Comparator.comparingInt(Edit::start).reversed());
        for (Edit e : ordered) {
            out.replace(e.start(), e.end(), e.replacement());
        }
        String rewritten = out.toString();
        List<String> before = List.of(text.split("\n", -1));
        List<String> after = List.of(rewritten.split("\n", -1));
        Patch<String> patch = DiffUtils.diff(before, after);
        String diff =
                String.join(
                        "\n",
                        UnifiedDiffUtils.generateUnifiedDiff(
                                "a/" + file.name(), "b/" + file.name(), before, patch, 3));
        return new Proposal(rewritten, diff.isEmpty() ? "" : diff + "\n", edits.size());
    }

    private static void wrap(
            BoundStatement insert, int column, Finding f, Map<Integer, Edit> edits) {
        String sql = insert.statement().sql();
        SqlNode node;
        try {
            node = SqlParser.create(sql, PARSER).parseStmt();
        } catch (SqlParseException e) {
            return; // Flink planned it, so this is only our simpler parser: no proposal
        }
        if (!(node instanceof SqlInsert sqlInsert) || column < 0) {
            return;
        }
        SqlNodeList targets = sqlInsert.getTargetColumnList();
        int item = column;
        if (targets != null) {
            item = -1;
            for (int i = 0; i < targets.size(); i++) {
                if (targets.get(i) instanceof SqlIdentifier id
                        && last(id).equalsIgnoreCase(f.sinkColumn())) {
                    item = i;
                }
            }
        }
        String sourceColumn = f.sourceColumn().substring(f.sourceColumn().lastIndexOf('.') + 1);
        String function = f.fixFunction().substring(0, f.fixFunction().indexOf('('));
        int comma = f.fixFunction().indexOf(',');
        String rest = comma < 0 ? ")" : f.fixFunction().substring(comma);
        for (SqlSelect select : selects(sqlInsert.getSource())) {
            if (item < 0 || item >= select.getSelectList().size()) {
                continue;
            }
            List<SqlIdentifier> found = new ArrayList<>();
            collect(select.getSelectList().get(item), sourceColumn, function, false, found);
            for (SqlIdentifier id : found) {
                int[] span = span(sql, id.getParserPosition());
                if (span == null) {
                    continue;
                }
                int start = insert.statement().startOffset() + span[0];
                int end = insert.statement().startOffset() + span[1];
                edits.putIfAbsent(
                        start,
                        new Edit(
                                start,
                                end,
                                function + "(" + sql.substring(span[0], span[1]) + rest));
            }
        }
    }

    private static List<SqlSelect> selects(SqlNode query) {
        List<SqlSelect> out = new ArrayList<>();
        if (query instanceof SqlSelect s) {
            out.add(s);
        } else if (query instanceof SqlWith w) {
            out.addAll(selects(w.body));
        } else if (query instanceof SqlCall call && call.getKind().belongsTo(SqlKindSets.SET_OPS)) {
            for (SqlNode operand : call.getOperandList()) {
                out.addAll(selects(operand));
            }
        }
        return out;
    }

    /** Set operations whose branches each feed every sink column. */
    private static final class SqlKindSets {
        static final java.util.Set<org.apache.calcite.sql.SqlKind> SET_OPS =
                java.util.EnumSet.of(
                        org.apache.calcite.sql.SqlKind.UNION,
                        org.apache.calcite.sql.SqlKind.INTERSECT,
                        org.apache.calcite.sql.SqlKind.EXCEPT);
    }

    private static void collect(
            SqlNode node,
            String column,
            String function,
            boolean masked,
            List<SqlIdentifier> found) {
        if (node == null) {
            return;
        }
        if (node instanceof SqlIdentifier id) {
            if (!masked && last(id).equalsIgnoreCase(column)) {
                found.add(id);
            }
            return;
        }
        if (node instanceof SqlNodeList list) {
            for (SqlNode n : list) {
                collect(n, column, function, masked, found);
            }
            return;
        }
        if (node instanceof SqlCall call) {
            boolean isFix = call.getOperator().getName().toLowerCase(Locale.ROOT).equals(function);
            List<SqlNode> operands = call.getOperandList();
            for (int i = 0; i < operands.size(); i++) {
                collect(operands.get(i), column, function, masked || (isFix && i == 0), found);
            }
        }
    }

    private static String last(SqlIdentifier id) {
        return id.names.get(id.names.size() - 1);
    }

    /** Offsets {@code [start, end)} of a parser position in {@code sql}. */
    private static int[] span(String sql, SqlParserPos pos) {
        Map<Integer, Integer> lineStarts = new HashMap<>();
        lineStarts.put(1, 0);
        int line = 1;
        for (int i = 0; i < sql.length(); i++) {
            if (sql.charAt(i) == '\n') {
                lineStarts.put(++line, i + 1);
            }
        }
        Integer startLine = lineStarts.get(pos.getLineNum());
        Integer endLine = lineStarts.get(pos.getEndLineNum());
        if (startLine == null || endLine == null) {
            return null;
        }
        int start = startLine + pos.getColumnNum() - 1;
        int end = endLine + pos.getEndColumnNum();
        return start < 0 || end > sql.length() || start >= end ? null : new int[] {start, end};
    }
}
