package dev.sluice.erasure;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.gate.AuditLog;
import dev.sluice.lifecycle.MaintenanceLock;
import dev.sluice.lifecycle.WarehouseCatalog;
import dev.sluice.policy.pseudonym.KeyProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.maintenance.api.TriggerLockFactory;

/**
 * One {@code sluice forget} request: for every dataset of the {@link ErasurePlan}, deletes the
 * subject's rows (Iceberg: row-level delete, rewrite of the files holding them, snapshot expiry,
 * orphan removal, under the table's maintenance lock; JDBC: a {@code DELETE}), recording each step
 * in {@link ErasureState} and the audit log (kind {@code erasure}). A rerun continues an unfinished
 * pass; a rerun of a finished request runs a new pass, which erases what arrived meanwhile.
 */
public final class ErasureRun {
    static final String KIND = "erasure";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param requestId null: derived from the subject and the ids (the same request reruns)
     * @param orphanMinAge unreferenced files younger than this are left (a writer's commit may be
     *     in flight)
     * @param lockWait how long to wait for a table's maintenance lock
     * @param keys the keyset for pseudonymized columns (null when none)
     * @param breakLock take over a held table lock (one a killed run left behind)
     */
    public record Options(
            String requestId,
            Duration orphanMinAge,
            Duration lockWait,
            Path auditFile,
            KeyProvider keys,
            boolean breakLock) {}

    /** What was done to one dataset. */
    public record DatasetResult(
            String dataset, String kind, String table, long rows, Map<String, Object> detail) {}

    /** The outcome of a request. */
    public record Report(
            String requestId,
            int pass,
            String subject,
            int ids,
            boolean dryRun,
            List<DatasetResult> datasets,
            List<String> sources,
            List<String> notes) {
        public long rows() {
            return datasets.stream().mapToLong(DatasetResult::rows).sum();
        }
    }

    private final ErasurePlan plan;
    private final WarehouseCatalog catalog;
    private final MaintenanceLock lock;
    private final ErasureState state;
    private final Options options;
    private final AuditLog audit;
    private BiConsumer<String, String> afterStep = (target, step) -> {};
    private dev.sluice.stagingkeys.SubjectKeys stagingKeys;

    public ErasureRun(
            ErasurePlan plan,
            WarehouseCatalog catalog,
            MaintenanceLock lock,
            ErasureState state,
            Options options) {
        this.plan = plan;
        this.catalog = catalog;
        this.lock = lock;
        this.state = state;
        this.options = options;
        this.audit = new AuditLog(options.auditFile(), null);
    }

    /**
     * Adds the step "shred" (after every dataset's erase): destroys the subject's data keys in the
     * staging key store (crypto-shredding of staging topics). Off when never called.
     */
    public ErasureRun shredding(dev.sluice.stagingkeys.SubjectKeys keys) {
        this.stagingKeys = keys;
        return this;
    }

    /** Called after each step is recorded (tests stop a run there, as a crash would). */
    public ErasureRun afterStep(BiConsumer<String, String> hook) {
        this.afterStep = hook;
        return this;
    }

    /** The request id of a subject and ids when none is given: the same ids, the same request. */
    public static String requestId(String subject, List<String> ids) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(subject.getBytes(StandardCharsets.UTF_8));
            for (String id : new TreeSet<>(ids)) {
                d.update((byte) 0);
                d.update(id.getBytes(StandardCharsets.UTF_8));
            }
            return "forget-" + HexFormat.of().formatHex(d.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The values of every target, computed before anything is deleted. */
    private Map<ErasurePlan.Target, Map<String, Set<String>>> targetValues(SubjectValues values) {
        Map<ErasurePlan.Target, Map<String, Set<String>>> out = new LinkedHashMap<>();
        for (ErasurePlan.Target t : plan.targets()) {
            out.put(t, values.forTarget(t, options.keys()));
        }
        return out;
    }

    /** Counts the rows that would be deleted; changes nothing. */
    public Report dryRun(List<String> ids, SubjectValues values) throws Exception {
        String requestId = requestIdOf(ids);
        List<DatasetResult> results = new ArrayList<>();
        for (Map.Entry<ErasurePlan.Target, Map<String, Set<String>>> e :
                targetValues(values).entrySet()) {
            ErasurePlan.Target t = e.getKey();
            long rows;
            String table;
            if (t.identity().kind().equals("iceberg")) {
                Table iceberg = loadTable(t);
                table =
                        catalog.qualified(
                                TableIdentifier.parse(t.identity().fields().get("table")));
                rows =
                        ErasureVerifier.liveRows(
                                iceberg, Identifiers.forSchema(iceberg.schema(), e.getValue()));
            } else {
                JdbcErasure jdbc = new JdbcErasure(t.options(), Identifiers.ofText(e.getValue()));
                table = jdbc.table();
                rows = jdbc.count();
            }
            results.add(
                    new DatasetResult(
                            t.dataset(),
                            t.identity().kind(),
                            table,
                            rows,
                            Map.of("columns", columns(t))));
        }
        return new Report(
                requestId,
                0,
                plan.subject().name(),
                ids.size(),
                true,
                results,
                sources(ids),
                values.notes());
    }

    /** Runs (or resumes) the request. */
    public Report run(List<String> ids, SubjectValues values) throws Exception {
        String requestId = requestIdOf(ids);
        Map<ErasurePlan.Target, Map<String, Set<String>>> targets = targetValues(values);
        state.prepare();
        lock.prepare();
        int pass = state.pass(requestId);
        ObjectNode start = record(requestId, pass, null, "request");
        ArrayNode names = start.putArray("datasets");
        plan.targets().forEach(t -> names.add(t.dataset()));
        start.put("ids", ids.size());
        audit.appendRecord(start);
        List<DatasetResult> results = new ArrayList<>();
        for (Map.Entry<ErasurePlan.Target, Map<String, Set<String>>> e : targets.entrySet()) {
            ErasurePlan.Target t = e.getKey();
            try {
                results.add(
                        t.identity().kind().equals("iceberg")
                                ? iceberg(requestId, pass, t, e.getValue())
                                : jdbc(requestId, pass, t, e.getValue()));
            } catch (Exception ex) {
                ObjectNode failed = record(requestId, pass, t.dataset(), "failed");
                failed.put("outcome", "failed");
                failed.put(
                        "detail",
                        ex.getClass().getSimpleName()
                                + ": "
                                + ex.getMessage()
                                + " (the request stopped here; run forget again to continue)");
                audit.appendRecord(failed);
                throw ex;
            }
        }
        if (stagingKeys != null) {
            // last: the staging replay that finds the subject's values must still decrypt them
            try {
                StagingShred.Result r =
                        StagingShred.run(
                                state,
                                stagingKeys,
                                requestId,
                                pass,
                                plan.subject().name(),
                                ids,
                                action -> record(requestId, pass, null, action),
                                audit::appendRecord);
                Map<String, Object> detail = new LinkedHashMap<>();
                detail.put("keysDestroyed", r.destroyed());
                detail.put("keysAbsent", r.absent());
                if (r.resumed()) {
                    detail.put("resumed", true);
                }
                results.add(
                        new DatasetResult(
                                StagingShred.TARGET,
                                "staging-keys",
                                stagingKeys.store().describe(),
                                0,
                                detail));
                afterStep.accept(StagingShred.TARGET, "shred");
            } catch (Exception ex) {
                ObjectNode failed = record(requestId, pass, StagingShred.TARGET, "failed");
                failed.put("outcome", "failed");
                failed.put(
                        "detail",
                        ex.getClass().getSimpleName()
                                + ": "
                                + ex.getMessage()
                                + " (the request stopped here; run forget again to continue)");
                audit.appendRecord(failed);
                throw ex;
            }
        }
        state.record(requestId, pass, "*", "complete", "done", null);
        ObjectNode done = record(requestId, pass, null, "complete");
        done.put("rowsDeleted", results.stream().mapToLong(DatasetResult::rows).sum());
        audit.appendRecord(done);
        return new Report(
                requestId,
                pass,
                plan.subject().name(),
                ids.size(),
                false,
                results,
                sources(ids),
                values.notes());
    }

    private String requestIdOf(List<String> ids) {
        return options.requestId() != null
                ? options.requestId()
                : requestId(plan.subject().name(), ids);
    }

    private DatasetResult iceberg(
            String requestId, int pass, ErasurePlan.Target t, Map<String, Set<String>> values)
            throws Exception {
        TableIdentifier id = TableIdentifier.parse(t.identity().fields().get("table"));
        String qualified = catalog.qualified(id);
        Table table = loadTable(t);
        Identifiers identifiers = Identifiers.forSchema(table.schema(), values);
        Map<String, Object> detail = new LinkedHashMap<>();
        long rows = 0;
        TriggerLockFactory locks = lock.forTable(qualified);
        locks.open();
        try {
            TriggerLockFactory.Lock tableLock = locks.createLock();
            if (options.breakLock() && tableLock.isHeld()) {
                tableLock.unlock();
            }
            acquire(tableLock, qualified);
            try {
                String done = state.done(requestId, pass, t.dataset(), "erase");
                Long rewriteSnapshot;
                if (done == null) {
                    state.record(requestId, pass, t.dataset(), "erase", "started", null);
                    IcebergErasure.Result r = new IcebergErasure(table, identifiers).erase();
                    ObjectNode a = record(requestId, pass, t.dataset(), "erase");
                    a.put("table", qualified);
                    a.put("rowsDeleted", r.rowsDeleted());
                    putLong(a, "deleteSnapshotId", r.deleteSnapshotId());
                    putLong(a, "rewriteSnapshotId", r.rewriteSnapshotId());
                    a.put("dataFilesRewritten", r.dataFilesRewritten());
                    a.put("deleteFilesRewritten", r.deleteFilesRewritten());
                    a.put("bytesRewritten", r.bytesRewritten());
                    ArrayNode files = a.putArray("filesRewritten");
                    r.rewrittenFiles().stream().limit(100).forEach(files::add);
                    audit.appendRecord(a);
                    state.record(requestId, pass, t.dataset(), "erase", "done", a.toString());
                    rows = r.rowsDeleted();
                    rewriteSnapshot = r.rewriteSnapshotId();
                    detail.put("rowsDeleted", r.rowsDeleted());
                    detail.put("dataFilesRewritten", r.dataFilesRewritten());
                    detail.put("deleteFilesRewritten", r.deleteFilesRewritten());
                    detail.put("bytesRewritten", r.bytesRewritten());
                    putIfSet(detail, "deleteSnapshotId", r.deleteSnapshotId());
                    putIfSet(detail, "rewriteSnapshotId", r.rewriteSnapshotId());
                } else {
                    var previous = JSON.readTree(done);
                    rows = previous.path("rowsDeleted").asLong();
                    rewriteSnapshot =
                            previous.hasNonNull("rewriteSnapshotId")
                                    ? previous.get("rewriteSnapshotId").asLong()
                                    : null;
                    detail.put("rowsDeleted", rows);
                    detail.put("resumed", true);
                }
                afterStep.accept(t.dataset(), "erase");
                if (state.done(requestId, pass, t.dataset(), "purge") == null) {
                    state.record(requestId, pass, t.dataset(), "purge", "started", null);
                    table.refresh();
                    long upTo =
                            rewriteSnapshot != null && table.snapshot(rewriteSnapshot) != null
                                    ? rewriteSnapshot
                                    : table.currentSnapshot() == null
                                            ? -1
                                            : table.currentSnapshot().snapshotId();
                    IcebergPurge.Result p =
                            upTo < 0
                                    ? new IcebergPurge.Result(List.of(), List.of())
                                    : IcebergPurge.purge(table, upTo, options.orphanMinAge());
                    ObjectNode a = record(requestId, pass, t.dataset(), "purge");
                    a.put("table", qualified);
                    ArrayNode expired = a.putArray("expiredSnapshotIds");
                    p.expiredSnapshotIds().forEach(expired::add);
                    a.put("orphansRemoved", p.orphansRemoved().size());
                    audit.appendRecord(a);
                    state.record(requestId, pass, t.dataset(), "purge", "done", a.toString());
                    detail.put("expiredSnapshots", p.expiredSnapshotIds().size());
                    detail.put("orphansRemoved", p.orphansRemoved().size());
                }
                afterStep.accept(t.dataset(), "purge");
            } finally {
                tableLock.unlock();
            }
        } finally {
            locks.close();
        }
        detail.put("columns", columns(t));
        return new DatasetResult(t.dataset(), "iceberg", qualified, rows, detail);
    }

    private DatasetResult jdbc(
            String requestId, int pass, ErasurePlan.Target t, Map<String, Set<String>> values)
            throws SQLException, IOException {
        JdbcErasure jdbc = new JdbcErasure(t.options(), Identifiers.ofText(values));
        String done = state.done(requestId, pass, t.dataset(), "delete");
        long rows;
        if (done == null) {
            state.record(requestId, pass, t.dataset(), "delete", "started", null);
            rows = jdbc.delete();
            ObjectNode a = record(requestId, pass, t.dataset(), "delete");
            a.put("table", jdbc.table());
            a.put("rowsDeleted", rows);
            audit.appendRecord(a);
            state.record(requestId, pass, t.dataset(), "delete", "done", a.toString());
        } else {
            rows = JSON.readTree(done).path("rowsDeleted").asLong();
        }
        afterStep.accept(t.dataset(), "delete");
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("rowsDeleted", rows);
        detail.put("columns", columns(t));
        return new DatasetResult(t.dataset(), "jdbc", jdbc.table(), rows, detail);
    }

    private void acquire(TriggerLockFactory.Lock tableLock, String table)
            throws InterruptedException {
        long deadline = System.nanoTime() + options.lockWait().toNanos();
        long backoff = 50;
        while (!tableLock.tryLock()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "Table "
                                + table
                                + " stayed locked by maintenance (lock sluice:"
                                + table
                                + ") for "
                                + options.lockWait().toSeconds()
                                + " s. Run forget again when the maintenance run ends; nothing"
                                + " was deleted from this table.");
            }
            // waiting for another process's lock: a backoff, not test pacing
            Thread.sleep(backoff);
            backoff = Math.min(1000, backoff * 2);
        }
    }

    private Table loadTable(ErasurePlan.Target t) {
        TableIdentifier id = TableIdentifier.parse(t.identity().fields().get("table"));
        Catalog c = catalog.open();
        try {
            return c.loadTable(id);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "Cannot load Iceberg table "
                            + catalog.qualified(id)
                            + " of dataset "
                            + t.dataset()
                            + ": "
                            + e.getMessage()
                            + ". Check --warehouse / --catalog.",
                    e);
        }
    }

    /** What the sources still hold: Sluice never deletes from them. */
    private List<String> sources(List<String> ids) {
        List<String> out = new ArrayList<>();
        Set<String> tables = new TreeSet<>();
        for (String c : plan.subject().columns()) {
            tables.add(ErasurePlan.Subject.tableOf(c));
        }
        for (String dataset : tables) {
            Map<String, String> o = plan.sourceOptions(dataset);
            String where = o == null ? "" : " (staging topic " + o.get("topic") + ")";
            List<String> columns = new ArrayList<>();
            for (String c : plan.subject().columns()) {
                if (ErasurePlan.Subject.tableOf(c).equals(dataset)) {
                    columns.add(ErasurePlan.Subject.columnOf(c));
                }
            }
            out.add(
                    "Source dataset "
                            + dataset
                            + where
                            + " still holds the subject's rows in its database: Sluice never"
                            + " deletes from sources. Ask its owner to delete the rows whose "
                            + String.join(" or ", columns)
                            + " identify the subject ("
                            + ids.size()
                            + " id(s)); their deletes then flow through staging like any"
                            + " change.");
        }
        return out;
    }

    private static Map<String, String> columns(ErasurePlan.Target t) {
        Map<String, String> out = new LinkedHashMap<>();
        t.columns().forEach((c, forms) -> out.put(c, forms.toString()));
        return out;
    }

    private ObjectNode record(String requestId, int pass, String dataset, String action) {
        ObjectNode r = JSON.createObjectNode();
        r.put("time", Instant.now().toString());
        r.put("kind", KIND);
        r.put("requestId", requestId);
        r.put("pass", pass);
        r.put("subject", plan.subject().name());
        if (dataset != null) {
            r.put("dataset", dataset);
        }
        r.put("action", action);
        r.put("outcome", "ok");
        return r;
    }

    private static void putLong(ObjectNode n, String key, Long value) {
        if (value != null) {
            n.put(key, value);
        }
    }

    private static void putIfSet(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
