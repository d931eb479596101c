package dev.sluice.lifecycle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gate.AuditLog;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.Snapshot;

/**
 * Writes maintenance actions to the audit log as records of kind {@code maintenance}: the table,
 * the action ({@code retention}, {@code rewrite-data-files}, {@code expire-snapshots}, {@code
 * delete-orphan-files}), what it touched and where it ran ({@code context}: {@code once} or {@code
 * job}).
 */
public final class MaintenanceAudit {
    static final String KIND = "maintenance";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PATHS_LISTED = 100;

    private final AuditLog log;
    private final String context;

    public MaintenanceAudit(Path file, String context) {
        this.log = new AuditLog(file, null);
        this.context = context;
    }

    /** Rows a retention run deleted. */
    public ObjectNode retention(String table, RetentionDelete.Result result, String timeColumn) {
        ObjectNode r = record(table, "retention");
        r.put("timeColumn", timeColumn);
        r.put("cutoff", result.cutoff().toString());
        r.put("rowsDeleted", result.rowsDeleted());
        if (result.snapshotId() != null) {
            r.put("snapshotId", result.snapshotId());
        }
        return log.appendRecord(r);
    }

    /** A maintenance step that failed (the next run retries it). */
    public ObjectNode failure(String table, String action, Exception e) {
        ObjectNode r = record(table, action);
        r.put("outcome", "failed");
        r.put("detail", e.getClass().getSimpleName() + ": " + e.getMessage());
        return log.appendRecord(r);
    }

    /**
     * Records what maintenance did between two observations of a table: rewrites (snapshots of
     * operation replace), expired snapshots and the files removed from storage. Files removed while
     * no snapshot expired are orphans (the only other remover). Streaming commits are not actions
     * and are left out. Returns the records written.
     */
    public List<ObjectNode> changes(String table, TableState before, TableState after) {
        List<ObjectNode> out = new ArrayList<>();
        for (Snapshot s : after.snapshots().values()) {
            if (!before.snapshots().containsKey(s.snapshotId())
                    && DataOperations.REPLACE.equals(s.operation())) {
                ObjectNode r = record(table, "rewrite-data-files");
                r.put("snapshotId", s.snapshotId());
                Map<String, String> summary = s.summary();
                for (String key :
                        List.of(
                                "deleted-data-files",
                                "added-data-files",
                                "removed-delete-files",
                                "removed-equality-delete-files",
                                "removed-position-delete-files",
                                "deleted-records",
                                "added-records")) {
                    if (summary.containsKey(key)) {
                        r.put(camel(key), Long.parseLong(summary.get(key)));
                    }
                }
                out.add(log.appendRecord(r));
            }
        }
        Set<Long> expired = new TreeSet<>(before.snapshots().keySet());
        expired.removeAll(after.snapshots().keySet());
        Set<String> removed = new TreeSet<>();
        if (before.files() != null && after.files() != null) {
            removed.addAll(before.files());
            removed.removeAll(after.files());
        }
        if (!expired.isEmpty()) {
            ObjectNode r = record(table, "expire-snapshots");
            ArrayNode ids = r.putArray("expiredSnapshotIds");
            expired.forEach(ids::add);
            files(r, removed);
            out.add(log.appendRecord(r));
        } else if (!removed.isEmpty()) {
            ObjectNode r = record(table, "delete-orphan-files");
            files(r, removed);
            out.add(log.appendRecord(r));
        }
        return out;
    }

    private static void files(ObjectNode r, Set<String> removed) {
        r.put("filesRemoved", removed.size());
        ArrayNode paths = r.putArray("removedFiles");
        removed.stream().limit(PATHS_LISTED).forEach(paths::add);
    }

    private ObjectNode record(String table, String action) {
        ObjectNode r = JSON.createObjectNode();
        r.put("time", Instant.now().toString());
        r.put("kind", KIND);
        r.put("table", table);
        r.put("action", action);
        r.put("context", context);
        r.put("outcome", "ok");
        return r;
    }

    private static String camel(String key) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : key.toCharArray()) {
            if (c == '-') {
                up = true;
            } else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }
}
