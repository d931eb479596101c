package dev.sluice.lifecycle;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.flink.maintenance.api.TriggerLockFactory;

/**
 * The lock {@code TableMaintenance} uses inside a {@code --once} run, which runs in this JVM: the
 * run already holds the table's real lock, so this one only orders the run's own tasks and counts
 * the tasks that finished (a release of a held lock), which tells the run when it is done.
 */
final class OnceLockFactory implements TriggerLockFactory {
    private static final long serialVersionUID = 1L;
    private static final Map<String, Run> RUNS = new ConcurrentHashMap<>();

    private final String runId;

    OnceLockFactory(String runId) {
        this.runId = runId;
        RUNS.putIfAbsent(runId, new Run());
    }

    /** Tasks of the run that have finished. */
    static int finished(String runId) {
        Run run = RUNS.get(runId);
        return run == null ? 0 : run.finished.get();
    }

    static void forget(String runId) {
        RUNS.remove(runId);
    }

    @Override
    public void open() {}

    @Override
    public Lock createLock() {
        return new CountingLock(RUNS.computeIfAbsent(runId, k -> new Run()), false);
    }

    @Override
    public Lock createRecoveryLock() {
        return new CountingLock(RUNS.computeIfAbsent(runId, k -> new Run()), true);
    }

    @Override
    public void close() {}

    private static final class Run {
        final AtomicBoolean held = new AtomicBoolean();
        final AtomicBoolean recovery = new AtomicBoolean();
        final AtomicInteger finished = new AtomicInteger();
    }

    private record CountingLock(Run run, boolean recovery) implements Lock {
        private AtomicBoolean flag() {
            return recovery ? run.recovery : run.held;
        }

        @Override
        public boolean tryLock() {
            return flag().compareAndSet(false, true);
        }

        @Override
        public boolean isHeld() {
            return flag().get();
        }

        @Override
        public void unlock() {
            if (flag().compareAndSet(true, false) && !recovery) {
                run.finished.incrementAndGet();
            }
        }
    }
}
