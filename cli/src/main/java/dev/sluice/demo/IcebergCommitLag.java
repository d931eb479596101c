package dev.sluice.demo;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;

/**
 * Measures, for every Iceberg commit of a table, how long its newest change took from the source
 * commit to being visible: the snapshot's commit time minus the largest value of a source timestamp
 * column in the data files it added. Uses the column bounds Iceberg keeps per file, so no data is
 * read.
 */
final class IcebergCommitLag implements AutoCloseable {

    private final Supplier<Table> table;
    private final String timeColumn;
    private final List<Long> lagsMillis = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final Thread thread;
    private long lastSnapshotId = -1;

    IcebergCommitLag(Supplier<Table> table, String timeColumn) {
        this.table = table;
        this.timeColumn = timeColumn;
        this.thread = new Thread(this::poll, "iceberg-commit-lag");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Lags measured so far, in commit order. Throws if measuring failed (other than the table not
     * existing yet); measuring stops at the first failure.
     */
    List<Long> lagsMillis() {
        RuntimeException failed = failure.get();
        if (failed != null) {
            throw new IllegalStateException(
                    "Measuring the Iceberg commit lag failed: " + failed.getMessage(), failed);
        }
        synchronized (lagsMillis) {
            return new ArrayList<>(lagsMillis);
        }
    }

    private void poll() {
        Table watched = null;
        while (running.get()) {
            try {
                if (watched == null) {
                    watched = table.get();
                } else {
                    watched.refresh();
                }
                measureNewSnapshots(watched);
            } catch (NoSuchTableException notYetCreated) {
                watched = null;
            } catch (RuntimeException e) {
                failure.set(e);
                return;
            }
            try {
                Thread.sleep(250); // polling the catalog, not pacing a test
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void measureNewSnapshots(Table watched) {
        List<Snapshot> fresh = new ArrayList<>();
        for (Snapshot snapshot = watched.currentSnapshot();
                snapshot != null && snapshot.snapshotId() != lastSnapshotId;
                snapshot =
                        snapshot.parentId() == null
                                ? null
                                : watched.snapshot(snapshot.parentId())) {
            fresh.add(0, snapshot);
        }
        if (fresh.isEmpty()) {
            return;
        }
        Types.NestedField column = watched.schema().findField(timeColumn);
        for (Snapshot snapshot : fresh) {
            long newestMicros = Long.MIN_VALUE;
            for (DataFile file : snapshot.addedDataFiles(watched.io())) {
                ByteBuffer upper =
                        file.upperBounds() == null
                                ? null
                                : file.upperBounds().get(column.fieldId());
                if (upper != null) {
                    newestMicros =
                            Math.max(
                                    newestMicros,
                                    (Long) Conversions.fromByteBuffer(column.type(), upper));
                }
            }
            if (lastSnapshotId != -1 && newestMicros != Long.MIN_VALUE) {
                lagsMillis.add(Math.max(0, snapshot.timestampMillis() - newestMicros / 1000));
            }
        }
        lastSnapshotId = fresh.get(fresh.size() - 1).snapshotId();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.interrupt();
        thread.join(5_000);
    }
}
