package dev.sluice.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * While open, Ctrl-C (SIGINT) and SIGTERM ask the running command to stop early instead of ending
 * the JVM: the command then stops what it started while everything still runs, before the JVM's
 * shutdown hooks (an embedded PostgreSQL's among them) tear things down under it. A second signal
 * ends the JVM at once. Closing restores the previous handlers.
 */
final class StopSignals implements AutoCloseable {
    private static final List<String> NAMES = List.of("INT", "TERM");

    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
    private final AtomicBoolean received = new AtomicBoolean();

    private StopSignals(Runnable requestStop) {
        for (String name : NAMES) {
            try {
                Signal signal = new Signal(name);
                previous.put(signal, Signal.handle(signal, s -> handle(s, requestStop)));
            } catch (IllegalArgumentException unavailable) {
                // not on this platform, or reserved (-Xrs): the JVM's shutdown then applies
            }
        }
    }

    /** Runs {@code requestStop} on the first Ctrl-C or SIGTERM. */
    static StopSignals install(Runnable requestStop) {
        return new StopSignals(requestStop);
    }

    private void handle(Signal signal, Runnable requestStop) {
        if (received.compareAndSet(false, true)) {
            requestStop.run();
        } else {
            Runtime.getRuntime().exit(128 + signal.getNumber());
        }
    }

    @Override
    public void close() {
        previous.forEach(Signal::handle);
    }
}
