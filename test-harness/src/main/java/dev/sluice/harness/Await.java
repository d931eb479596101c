package dev.sluice.harness;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for a condition with a deadline, polling with a short, growing back-off: never a fixed
 * sleep. Shared by the harness, the tests of every module and {@code sluice demo}.
 *
 * <p>An exception thrown by the condition ends the wait and propagates, unless it is of the {@code
 * notYet} type a caller names (for example {@code IOException} while a server is still coming up);
 * such an exception means "not yet" and becomes the cause of the timeout.
 */
public final class Await {

    private static final long FIRST_BACK_OFF_MILLIS = 10;
    private static final long MAX_BACK_OFF_MILLIS = 250;

    private Await() {}

    /** A condition polled until it holds. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /** A value polled until it is there (non-null). */
    @FunctionalInterface
    public interface Probe<T> {
        T value() throws Exception;
    }

    /**
     * Returns once {@code condition} holds; throws a {@link TimeoutException} naming {@code what}
     * when it still does not after {@code timeout}. Any exception of the condition ends the wait.
     */
    public static void until(String what, Duration timeout, Condition condition) throws Exception {
        until(what, timeout, null, condition);
    }

    /**
     * Like {@link #until(String, Duration, Condition)}; a {@code notYet} exception means "not yet".
     */
    public static void until(
            String what, Duration timeout, Class<? extends Exception> notYet, Condition condition)
            throws Exception {
        value(what, timeout, notYet, () -> condition.holds() ? Boolean.TRUE : null);
    }

    /**
     * Returns the first non-null {@code probe} value; throws a {@link TimeoutException} naming
     * {@code what} when there is none after {@code timeout}. Any exception of the probe ends the
     * wait.
     */
    public static <T> T value(String what, Duration timeout, Probe<T> probe) throws Exception {
        return value(what, timeout, null, probe);
    }

    /** Like {@link #value(String, Duration, Probe)}; a {@code notYet} exception means "not yet". */
    public static <T> T value(
            String what, Duration timeout, Class<? extends Exception> notYet, Probe<T> probe)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long backOffMillis = FIRST_BACK_OFF_MILLIS;
        Exception last = null;
        while (true) {
            try {
                T value = probe.value();
                if (value != null) {
                    return value;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw e;
            } catch (Exception e) {
                if (notYet == null || !notYet.isInstance(e)) {
                    throw e;
                }
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
            backOffMillis = Math.min(backOffMillis * 2, MAX_BACK_OFF_MILLIS);
        }
    }
}
