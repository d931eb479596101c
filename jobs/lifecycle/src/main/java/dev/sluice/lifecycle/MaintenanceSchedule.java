package dev.sluice.lifecycle;

import java.io.Serializable;
import java.time.Duration;

/**
 * When the long-running maintenance job acts on a table. Compaction and snapshot expiry fire on
 * whichever comes first of a commit count, a data-file count and an interval; row retention on an
 * interval. {@code orphanMinAge} is how old an unreferenced file must be before a {@code --once}
 * run removes it (younger ones may belong to a commit in flight). {@code rateLimit} is the least
 * time between two task starts on a table, {@code lockCheckDelay} how soon a task waiting for the
 * lock looks again.
 */
public record MaintenanceSchedule(
        int compactAfterCommits,
        int compactAfterDataFiles,
        Duration compactEvery,
        int expireAfterCommits,
        Duration expireEvery,
        Duration orphanMinAge,
        Duration retentionEvery,
        Duration rateLimit,
        Duration lockCheckDelay)
        implements Serializable {

    /** Production defaults: compact every 10 commits or 20 data files, expire every 20 commits. */
    public static MaintenanceSchedule defaults() {
        return new MaintenanceSchedule(
                10,
                20,
                Duration.ofMinutes(10),
                20,
                Duration.ofMinutes(30),
                Duration.ofDays(3),
                Duration.ofHours(1),
                Duration.ofSeconds(30),
                Duration.ofSeconds(10));
    }

    public MaintenanceSchedule withRetentionEvery(Duration every) {
        return new MaintenanceSchedule(
                compactAfterCommits,
                compactAfterDataFiles,
                compactEvery,
                expireAfterCommits,
                expireEvery,
                orphanMinAge,
                every,
                rateLimit,
                lockCheckDelay);
    }

    public MaintenanceSchedule withOrphanMinAge(Duration minAge) {
        return new MaintenanceSchedule(
                compactAfterCommits,
                compactAfterDataFiles,
                compactEvery,
                expireAfterCommits,
                expireEvery,
                minAge,
                retentionEvery,
                rateLimit,
                lockCheckDelay);
    }

    /** A schedule for short runs (the demo, tests): act every few commits, within seconds. */
    public static MaintenanceSchedule eager() {
        return new MaintenanceSchedule(
                5,
                10,
                Duration.ofSeconds(20),
                5,
                Duration.ofSeconds(20),
                Duration.ofDays(3),
                Duration.ofSeconds(20),
                Duration.ofSeconds(2),
                Duration.ofSeconds(1));
    }
}
