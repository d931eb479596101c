package dev.sluice.benchmarks;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of a long benchmark on a terminal: one line, rewritten in place, with done of total, the
 * rate and the time left. Silent when there is no terminal (a null stream), so logs and tests get
 * only the table.
 */
final class Progress {

    private final PrintStream terminal;
    private String what;
    private long startNanos;
    private long lastPrintNanos;

    Progress(PrintStream terminal) {
        this.terminal = terminal;
    }

    /** A new step without a count. */
    void note(String step) {
        if (terminal == null) {
            return;
        }
        clear();
        terminal.print(step + " ...");
        terminal.flush();
        what = null;
    }

    /** {@code done} of {@code total} of {@code step}; prints at most five times a second. */
    void update(String step, long done, long total) {
        if (terminal == null) {
            return;
        }
        long now = System.nanoTime();
        if (!step.equals(what)) {
            what = step;
            startNanos = now;
        } else if (now - lastPrintNanos < 200_000_000L && done < total) {
            return;
        }
        lastPrintNanos = now;
        double seconds = (now - startNanos) / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        String left =
                rate > 0 && done < total
                        ? String.format(Locale.ROOT, "%.0f s left", (total - done) / rate)
                        : "";
        clear();
        terminal.printf(
                Locale.ROOT,
                "%s: %,d of %,d (%.0f%%), %,.0f/s %s",
                step,
                done,
                total,
                total > 0 ? 100.0 * done / total : 100.0,
                rate,
                left);
        terminal.flush();
    }

    /** Clears the line at the end. */
    void done() {
        if (terminal != null) {
            clear();
            terminal.flush();
        }
    }

    private void clear() {
        terminal.print("\r\033[K");
    }
}
