package dev.sluice.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Random free loopback ports, for components that must know their port before they bind it. */
final class FreePorts {
    private FreePorts() {}

    static int next() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free loopback port", e);
        }
    }

    /**
     * A free port other than {@code taken}: the operating system may hand a just-closed port out
     * again at once, and two listeners of one component cannot share it.
     */
    static int nextOtherThan(int taken) {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = next();
            if (port != taken) {
                return port;
            }
        }
        throw new IllegalStateException("No free loopback port other than " + taken);
    }
}
