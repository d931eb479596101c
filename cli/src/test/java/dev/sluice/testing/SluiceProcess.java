package dev.sluice.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.harness.Await;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts the {@code sluice} command line in a JVM of its own, as the {@code sluice} script does,
 * with the test classpath: for tests of what only a real process shows (signals, shutdown hooks).
 */
public final class SluiceProcess {
    private SluiceProcess() {}

    private static final String[] OPENS = {
        "java.lang",
        "java.util",
        "java.nio",
        "java.lang.invoke",
        "java.net",
        "java.io",
        "sun.nio.ch",
        "java.util.concurrent"
    };

    /**
     * Runs {@code sluice args...} with at most {@code maxHeap} (e.g. {@code 768m}) of heap; stdout
     * and stderr go to {@code output}, the log to {@code logFile}.
     */
    public static Process start(String maxHeap, Path output, Path logFile, List<String> args)
            throws IOException {
        return start(maxHeap, output, logFile, args, java.util.Map.of());
    }

    /** As {@link #start(String, Path, Path, List)}, with {@code environment} added to the JVM's. */
    public static Process start(
            String maxHeap,
            Path output,
            Path logFile,
            List<String> args,
            java.util.Map<String, String> environment)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + maxHeap);
        for (String open : OPENS) {
            command.add("--add-opens=java.base/" + open + "=ALL-UNNAMED");
        }
        command.add("-Dsluice.log.file=" + logFile);
        command.add(
                "-Dlog4j.configurationFile="
                        + Path.of("src/main/resources/sluice-cli-log4j2.properties")
                                .toAbsolutePath()
                                .toUri());
        command.add("dev.sluice.cli.SluiceCommand");
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true);
        builder.redirectOutput(output.toFile());
        return builder.start();
    }

    /**
     * Waits until the output shows {@code started} (group 1 the job id, group 2 the web UI) and
     * that job has a completed checkpoint.
     */
    public static void awaitCheckpoint(Path output, Pattern started) throws Exception {
        Matcher matcher =
                Await.value(
                        "the command to print its job and web UI in " + output,
                        Duration.ofSeconds(120),
                        IOException.class,
                        () -> {
                            Matcher m = started.matcher(Files.readString(output));
                            return m.find() ? m : null;
                        });
        URI checkpoints =
                URI.create(
                        matcher.group(2).replaceFirst("/?$", "/")
                                + "jobs/"
                                + matcher.group(1)
                                + "/checkpoints");
        HttpClient http = HttpClient.newHttpClient();
        Await.until(
                "a completed checkpoint at " + checkpoints,
                Duration.ofSeconds(120),
                IOException.class,
                () -> {
                    String body =
                            http.send(
                                            HttpRequest.newBuilder(checkpoints).build(),
                                            HttpResponse.BodyHandlers.ofString())
                                    .body();
                    return new ObjectMapper()
                                    .readTree(body)
                                    .path("counts")
                                    .path("completed")
                                    .asInt()
                            > 0;
                });
    }
}
