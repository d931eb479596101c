package dev.sluice.sql;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlTableRef;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.flink.sql.parser.dml.RichSqlInsert;

/**
 * What an {@code INSERT} writes and reads, from its syntax: the target table, the tables its query
 * reads, and whether it is {@code INSERT INTO t SELECT * FROM s} (so a column added to {@code s}
 * flows into {@code t}). Names are as written (one to three parts).
 *
 * @param starFrom the one table a bare {@code SELECT *} reads, or null for any other query
 */
public record InsertShape(List<String> target, List<List<String>> sources, List<String> starFrom) {

    public static InsertShape of(String insertSql) {
        SqlNode node;
        try {
            node = SqlScriptParser.parseStatement(insertSql);
        } catch (SqlParseException e) {
            throw new IllegalArgumentException("Not an INSERT Flink parses: " + e.getMessage(), e);
        }
        if (!(node instanceof RichSqlInsert insert)) {
            throw new IllegalArgumentException("Not an INSERT: " + node.getKind());
        }
        SqlNode targetNode = insert.getTargetTable();
        if (targetNode instanceof SqlTableRef ref) {
            targetNode = ref.operand(0); // a target with hints: /*+ OPTIONS(...) */
        }
        if (!(targetNode instanceof SqlIdentifier targetName)) {
            throw new IllegalArgumentException("INSERT target is not a table name: " + targetNode);
        }
        List<String> target = targetName.names;
        List<List<String>> sources = new ArrayList<>();
        collect(insert.getSource(), sources);
        List<String> star = null;
        if (insert.getSource() instanceof SqlSelect select
                && select.getSelectList().size() == 1
                && select.getSelectList().get(0) instanceof SqlIdentifier item
                && item.isStar()
                && item.names.size() == 1
                && select.getWhere() == null
                && select.getGroup() == null) {
            SqlNode from = select.getFrom();
            if (from instanceof SqlBasicCall as && as.getKind() == SqlKind.AS) {
                from = as.operand(0);
            }
            if (from instanceof SqlTableRef ref) {
                from = ref.operand(0);
            }
            if (from instanceof SqlIdentifier table) {
                star = List.copyOf(table.names);
            }
        }
        return new InsertShape(List.copyOf(target), sources, star);
    }

    private static void collect(SqlNode node, List<List<String>> into) {
        if (node == null) {
            return;
        }
        if (node instanceof SqlSelect select) {
            from(select.getFrom(), into);
            return;
        }
        if (node instanceof SqlCall call) {
            for (SqlNode operand : call.getOperandList()) {
                collect(operand, into);
            }
        }
    }

    private static void from(SqlNode from, List<List<String>> into) {
        if (from == null) {
            return;
        }
        if (from instanceof SqlIdentifier table) {
            into.add(List.copyOf(table.names));
        } else if (from instanceof SqlTableRef ref) {
            from(ref.operand(0), into);
        } else if (from instanceof SqlJoin join) {
            from(join.getLeft(), into);
            from(join.getRight(), into);
        } else if (from instanceof SqlBasicCall call && call.getKind() == SqlKind.AS) {
            from(call.operand(0), into);
        } else {
            collect(from, into);
        }
    }
}
