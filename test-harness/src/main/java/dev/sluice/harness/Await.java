package dev.sluice.harness;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits for a condition with a deadline, polling with a short, growing back-off. */
final class Await {
    private Await() {}

    /** A condition that may fail while the component is still coming up. */
    interface Condition {
        boolean holds() throws Exception;
    }

    /**
     * Returns once {@code condition} holds; throws a {@link TimeoutException} naming {@code what}
     * (with the last failure as cause) when it still does not after {@code timeout}.
     */
    static void until(String what, Duration timeout, Condition condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long backOffMillis = 10;
        Exception last = null;
        while (true) {
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw e;
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() - deadline > 0) {
                TimeoutException timedOut =
                        new TimeoutException("Timed out after " + timeout + " waiting for " + what);
                if (last != null) {
                    timedOut.initCause(last);
                }
                throw timedOut;
            }
            TimeUnit.MILLISECONDS.sleep(backOffMillis);
            backOffMillis = Math.min(backOffMillis * 2, 250);
        }
    }
}
