package dev.sluice.harness.servers;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;

/**
 * The protocol between a server child JVM and {@code dev.sluice.harness.ServerProcess}: settings
 * come from the environment (never the command line, which {@code ps} shows to everyone), the child
 * prints {@value #READY} and its port on standard output once it serves, and it exits when its
 * standard input closes, so that a parent that dies never leaves a server behind.
 */
final class ChildServer {
    static final String READY = "SLUICE-SERVER-READY port=";

    private ChildServer() {}

    /** The value of a required environment variable, or exits with a message naming it. */
    static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isEmpty()) {
            fail("Missing environment variable " + name + " (set by the embedded stack).");
        }
        return value;
    }

    /** Reports the port, then blocks until standard input closes and runs {@code stop}. */
    static void serveUntilParentLeaves(int port, AutoCloseable stop) {
        PrintStream out = System.out;
        out.println(READY + port);
        out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(stop)));
        InputStream in = System.in;
        try {
            while (in.read() >= 0) {
                // the parent writes nothing; reading only waits for the end of the stream
            }
        } catch (IOException e) {
            // a broken pipe means the parent is gone, as an end of stream does
        }
        System.exit(0);
    }

    static void fail(String message) {
        System.err.println(message);
        System.err.flush();
        System.exit(2);
    }

    private static void closeQuietly(AutoCloseable stop) {
        try {
            stop.close();
        } catch (Exception e) {
            System.err.println("Stopping failed: " + e);
        }
    }
}
