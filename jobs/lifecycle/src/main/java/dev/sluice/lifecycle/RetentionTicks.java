package dev.sluice.lifecycle;

import java.time.Duration;
import org.apache.flink.streaming.api.functions.source.SourceFunction;

/** Emits the current time every {@code every}, for a job's periodic row retention. */
final class RetentionTicks implements SourceFunction<Long> {
    private static final long serialVersionUID = 1L;

    private final long everyMillis;
    private volatile boolean running = true;

    RetentionTicks(Duration every) {
        this.everyMillis = every.toMillis();
    }

    @Override
    public void run(SourceContext<Long> ctx) throws Exception {
        Object waiter = new Object();
        while (running) {
            synchronized (waiter) {
                waiter.wait(everyMillis);
            }
            if (!running) {
                return;
            }
            synchronized (ctx.getCheckpointLock()) {
                ctx.collect(System.currentTimeMillis());
            }
        }
    }

    @Override
    public void cancel() {
        running = false;
    }
}
