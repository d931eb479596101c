package dev.sluice.policy.model;

import java.time.Duration;
import java.util.Optional;

/**
 * How long a dataset keeps its data: rows older than {@code keep} by {@code timeColumn} are
 * deleted, and (for an Iceberg table) how much snapshot history is kept. The dataset is a name or a
 * pattern ({@code warehouse.payments.*}, {@code staging.payments_*}).
 *
 * @param keep how long rows are kept; null when only snapshots are limited
 * @param timeColumn the column rows are aged by; null for a staging topic (aged by record time)
 * @param snapshots snapshot history kept; null when the entry does not limit it
 */
public record Retention(
        String dataset, Duration keep, String timeColumn, Snapshots snapshots, Origin origin) {

    /**
     * The snapshot history an Iceberg table keeps: snapshots older than {@code maxAge} expire, but
     * the newest {@code keepLast} always stay. Either may be null (Iceberg's default then applies:
     * 5 days, 1 snapshot).
     */
    public record Snapshots(Integer keepLast, Duration maxAge) {}

    public Optional<Duration> keepRows() {
        return Optional.ofNullable(keep);
    }

    public Optional<Snapshots> snapshotHistory() {
        return Optional.ofNullable(snapshots);
    }

    /**
     * Whether {@code name} ({@code catalog.database.table} or a topic) is covered by this entry.
     */
    public boolean covers(String name) {
        return Glob.of(dataset).matches(name);
    }
}
