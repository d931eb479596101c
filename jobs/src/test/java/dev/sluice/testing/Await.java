package dev.sluice.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Waits for a condition with a deadline, polling it; never paces a test with fixed sleeps. */
public final class Await {
    private Await() {}

    /**
     * Polls {@code value} until it returns non-null, or fails after {@code timeout}. An {@link
     * IOException} (a service not up yet) means "not yet"; any other exception ends the wait.
     */
    public static <T> T until(String what, Duration timeout, Callable<T> value) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                T result = value.call();
                if (result != null) {
                    return result;
                }
            } catch (IOException e) {
                last = e;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        throw new AssertionError("Timed out after " + timeout + " waiting for " + what, last);
    }
}
