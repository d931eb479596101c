package dev.sluice.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A server of {@code sluice-test-harness-servers} (the object store or the REST catalog) in a JVM
 * of its own, on the classpath that module wrote into its classes: their Jetty, Jackson, AWS SDK v1
 * and unshaded Iceberg classes never meet Flink's or {@code iceberg-flink-runtime}'s. Settings
 * (secrets included) go through the child's environment, never its command line; its output goes to
 * a log file; it exits by itself when this JVM dies (its standard input closes).
 */
final class ServerProcess implements AutoCloseable {
    private static final String PACKAGE = "dev/sluice/harness/servers/";
    private static final String CLASSPATH_RESOURCE = PACKAGE + "classpath.txt";
    private static final String READY = "SLUICE-SERVER-READY port=";
    private static final Duration STOP_DEADLINE = Duration.ofSeconds(15);

    private final String name;
    private final Process process;
    private final int port;

    private ServerProcess(String name, Process process, int port) {
        this.name = name;
        this.process = process;
        this.port = port;
    }

    /**
     * Starts {@code dev.sluice.harness.servers.<mainClass>} and waits until it reports its port.
     *
     * @param secrets values to blank out of the log excerpt an exception carries
     */
    static ServerProcess start(
            String name,
            String mainClass,
            Map<String, String> environment,
            Path logFile,
            Duration deadline,
            Collection<String> secrets)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // small and quick to start: these servers handle a few requests a second
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(classpath());
        command.add("dev.sluice.harness.servers." + mainClass);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Files.createDirectories(logFile.getParent());
        Process process = builder.start();
        CompletableFuture<Integer> ready = new CompletableFuture<>();
        Thread pump =
                new Thread(() -> pump(process.getInputStream(), logFile, ready), name + "-output");
        pump.setDaemon(true);
        pump.start();
        try {
            int port = ready.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            return new ServerProcess(name, process, port);
        } catch (InterruptedException e) {
            stop(process);
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while " + name + " was starting", e);
        } catch (ExecutionException | TimeoutException e) {
            stop(process);
            throw new IOException(
                    name
                            + " did not start within "
                            + deadline.toSeconds()
                            + " s; the end of its log "
                            + logFile
                            + ":\n"
                            + redacted(tail(logFile), secrets),
                    e);
        }
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Stops the child (SIGTERM, then SIGKILL after 15 s). Safe to call twice. */
    @Override
    public void close() throws IOException {
        stop(process);
        if (process.isAlive()) {
            throw new IOException(name + " (pid " + process.pid() + ") did not stop");
        }
    }

    private static void stop(Process process) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void pump(InputStream output, Path logFile, CompletableFuture<Integer> ready) {
        try (BufferedReader lines =
                        new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8));
                Writer log =
                        Files.newBufferedWriter(
                                logFile,
                                StandardCharsets.UTF_8,
                                StandardOpenOption.CREATE,
                                StandardOpenOption.APPEND)) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (!ready.isDone() && line.startsWith(READY)) {
                    ready.complete(Integer.parseInt(line.substring(READY.length()).trim()));
                }
                log.write(line);
                log.write('\n');
                log.flush();
            }
            ready.completeExceptionally(new IOException("the process exited before it served"));
        } catch (IOException | RuntimeException e) {
            ready.completeExceptionally(e);
        }
    }

    private static String tail(Path logFile) {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static String redacted(String text, Collection<String> secrets) {
        String shown = text;
        for (String secret : secrets) {
            if (secret != null && !secret.isEmpty()) {
                shown = shown.replace(secret, "******");
            }
        }
        return shown;
    }

    /**
     * The servers module's own classes (a folder in a build, a jar otherwise) followed by the
     * classpath its build wrote next to them.
     */
    static String classpath() {
        URL resource = ServerProcess.class.getClassLoader().getResource(CLASSPATH_RESOURCE);
        if (resource == null) {
            throw new IllegalStateException(
                    "The embedded object store and REST catalog need sluice-test-harness-servers on"
                            + " the classpath ("
                            + CLASSPATH_RESOURCE
                            + " not found). Build it with ./mvnw -pl test-harness -am compile.");
        }
        try (InputStream in = resource.openStream()) {
            String dependencies = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            return ownLocation(resource) + java.io.File.pathSeparator + dependencies;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + resource, e);
        }
    }

    private static String ownLocation(URL resource) {
        String url = resource.toString();
        try {
            if (url.startsWith("jar:")) {
                String jar = url.substring("jar:".length(), url.indexOf("!/"));
                return Path.of(new java.net.URI(jar)).toString();
            }
            Path file = Path.of(resource.toURI());
            Path root = file;
            for (int i = 0; i < CLASSPATH_RESOURCE.split("/").length; i++) {
                root = root.getParent();
            }
            return root.toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Unexpected classpath location " + url, e);
        }
    }
}
