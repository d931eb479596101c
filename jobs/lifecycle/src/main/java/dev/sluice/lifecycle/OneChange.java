package dev.sluice.lifecycle;

import org.apache.flink.streaming.api.functions.source.SourceFunction;
import org.apache.iceberg.flink.maintenance.operator.TableChange;

/**
 * The change stream of a {@code --once} run: one change that satisfies every task's trigger, then
 * nothing until the run cancels the job (a finished source would end the job before its tasks).
 */
final class OneChange implements SourceFunction<TableChange> {
    private static final long serialVersionUID = 1L;
    private volatile boolean running = true;

    @Override
    public void run(SourceContext<TableChange> ctx) throws Exception {
        synchronized (ctx.getCheckpointLock()) {
            ctx.collect(TableChange.builder().commitCount(1).build());
        }
        Object waiter = new Object();
        while (running) {
            synchronized (waiter) {
                waiter.wait(100);
            }
        }
    }

    @Override
    public void cancel() {
        running = false;
    }
}
