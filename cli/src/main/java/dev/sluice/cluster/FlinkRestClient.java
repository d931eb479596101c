package dev.sluice.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A small client of the Flink REST API (the one the web UI uses) for submitting the job jar and
 * following and stopping jobs, on plain {@code java.net.http} and Jackson: no Flink client classes,
 * so the command line needs neither a local job graph nor a matching Flink runtime.
 */
public final class FlinkRestClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http;
    private final Duration requestTimeout;

    /** A job as the cluster lists it. */
    public record JobSummary(String id, String name, String state, long startTime, long duration) {}

    /** The REST call failed: the cluster is unreachable or answered with an error. */
    public static final class RestException extends RuntimeException {
        private final boolean unreachable;

        RestException(String message, boolean unreachable, Throwable cause) {
            super(message, cause);
            this.unreachable = unreachable;
        }

        /** True when no answer came at all (connection refused, timeout). */
        public boolean unreachable() {
            return unreachable;
        }
    }

    public FlinkRestClient(URI base, Duration requestTimeout) {
        String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text : text + "/");
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    public URI base() {
        return base;
    }

    /** The web UI page of a job. */
    public URI jobPage(String jobId) {
        return URI.create(base + "#/job/running/" + jobId + "/overview");
    }

    /**
     * The cluster overview; the first call of every command, so an unreachable cluster stops it.
     */
    public JsonNode overview() {
        return get("overview");
    }

    /** The id of an uploaded jar with this file name, if the cluster has one. */
    public Optional<String> findJar(String fileName) {
        for (JsonNode file : get("jars").path("files")) {
            if (fileName.equals(file.path("name").asText())) {
                return Optional.of(file.path("id").asText());
            }
        }
        return Optional.empty();
    }

    /** Uploads a jar under {@code fileName} and returns its id on the cluster. */
    public String uploadJar(Path jar, String fileName) throws IOException {
        String boundary = "sluice-" + UUID.randomUUID();
        byte[] head =
                ("--"
                                + boundary
                                + "\r\n"
                                + "Content-Disposition: form-data; name=\"jarfile\"; filename=\""
                                + fileName
                                + "\"\r\n"
                                + "Content-Type: application/java-archive\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        long length = head.length + Files.size(jar) + tail.length;
        HttpRequest request =
                HttpRequest.newBuilder(base.resolve("jars/upload"))
                        .timeout(requestTimeout.multipliedBy(10))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(
                                HttpRequest.BodyPublishers.fromPublisher(
                                        HttpRequest.BodyPublishers.ofInputStream(
                                                () -> concat(head, jar, tail)),
                                        length))
                        .build();
        JsonNode answer = send(request, "upload " + jar.getFileName());
        String uploaded = answer.path("filename").asText();
        if (uploaded.isEmpty()) {
            throw new RestException("The cluster did not accept the jar: " + answer, false, null);
        }
        return Path.of(uploaded).getFileName().toString();
    }

    /** Runs an uploaded jar's entry class; returns the job id. */
    public String runJar(String jarId, String entryClass, List<String> programArgs) {
        return runJar(jarId, entryClass, programArgs, Map.of(), Optional.empty());
    }

    /**
     * Runs an uploaded jar's entry class with job configuration ({@code flinkConfiguration} of the
     * run request: e.g. {@code execution.checkpointing.dir}), optionally restoring a savepoint;
     * returns the job id. The configuration is visible in the web UI: never put a secret in it.
     */
    public String runJar(
            String jarId,
            String entryClass,
            List<String> programArgs,
            Map<String, String> jobConfiguration,
            Optional<String> savepointPath) {
        ObjectNode body = JSON.createObjectNode();
        body.put("entryClass", entryClass);
        body.putPOJO("programArgsList", programArgs);
        if (!jobConfiguration.isEmpty()) {
            body.putPOJO("flinkConfiguration", jobConfiguration);
        }
        savepointPath.ifPresent(path -> body.put("savepointPath", path));
        HttpRequest request =
                HttpRequest.newBuilder(base.resolve("jars/" + jarId + "/run"))
                        .timeout(requestTimeout.multipliedBy(4))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                        .build();
        return send(request, "run " + entryClass).path("jobid").asText();
    }

    public List<JobSummary> jobs() {
        List<JobSummary> jobs = new ArrayList<>();
        for (JsonNode job : get("jobs/overview").path("jobs")) {
            jobs.add(
                    new JobSummary(
                            job.path("jid").asText(),
                            job.path("name").asText(),
                            job.path("state").asText(),
                            job.path("start-time").asLong(),
                            job.path("duration").asLong()));
        }
        Collections.reverse(jobs);
        return jobs;
    }

    /** The state of a job: CREATED, RUNNING, FINISHED, FAILED, CANCELED, ... */
    public String jobState(String jobId) {
        return get("jobs/" + jobId).path("state").asText();
    }

    /** The root exception of a failed job, or "" when there is none. */
    public String rootException(String jobId) {
        JsonNode exceptions = get("jobs/" + jobId + "/exceptions");
        String root = exceptions.path("root-exception").asText("");
        if (root.isEmpty()) {
            for (JsonNode entry : exceptions.path("exceptionHistory").path("entries")) {
                return entry.path("stacktrace").asText("");
            }
        }
        return root;
    }

    public void cancel(String jobId) {
        HttpRequest request =
                HttpRequest.newBuilder(base.resolve("jobs/" + jobId + "?mode=cancel"))
                        .timeout(requestTimeout)
                        .method("PATCH", HttpRequest.BodyPublishers.noBody())
                        .build();
        send(request, "cancel job " + jobId);
    }

    /** Stops a job with a savepoint in {@code directory}; returns the trigger id to poll. */
    public String stopWithSavepoint(String jobId, String directory) {
        ObjectNode body = JSON.createObjectNode();
        body.put("targetDirectory", directory);
        body.put("drain", false);
        HttpRequest request =
                HttpRequest.newBuilder(base.resolve("jobs/" + jobId + "/stop"))
                        .timeout(requestTimeout)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                        .build();
        return send(request, "stop job " + jobId).path("request-id").asText();
    }

    /**
     * The status of a savepoint: empty while in progress, else the savepoint location.
     *
     * @throws RestException if the savepoint failed, with Flink's reason
     */
    public Optional<String> savepointStatus(String jobId, String triggerId) {
        JsonNode answer = get("jobs/" + jobId + "/savepoints/" + triggerId);
        if (!"COMPLETED".equals(answer.path("status").path("id").asText())) {
            return Optional.empty();
        }
        JsonNode operation = answer.path("operation");
        if (operation.has("failure-cause")) {
            String cause = operation.path("failure-cause").path("stack-trace").asText("");
            int newline = cause.indexOf('\n');
            throw new RestException(
                    "Savepoint failed: " + (newline < 0 ? cause : cause.substring(0, newline)),
                    false,
                    null);
        }
        return Optional.of(operation.path("location").asText());
    }

    private JsonNode get(String path) {
        HttpRequest request =
                HttpRequest.newBuilder(base.resolve(path)).timeout(requestTimeout).GET().build();
        return send(request, "GET /" + path);
    }

    private JsonNode send(HttpRequest request, String what) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new RestException(
                    "Cannot reach the Flink cluster at "
                            + base
                            + " ("
                            + e.getClass().getSimpleName()
                            + ")",
                    true,
                    e);
        } catch (HttpTimeoutException e) {
            throw new RestException(
                    "The Flink cluster at " + base + " did not answer " + what + " in time",
                    true,
                    e);
        } catch (IOException e) {
            throw new RestException(
                    "Cannot reach the Flink cluster at " + base + ": " + e.getMessage(), true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RestException("Interrupted during " + what, true, e);
        }
        JsonNode body;
        try {
            body =
                    response.body().isBlank()
                            ? JSON.createObjectNode()
                            : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new RestException(
                    base
                            + " answered "
                            + what
                            + " with HTTP "
                            + response.statusCode()
                            + " and no JSON: is it a Flink REST endpoint?",
                    false,
                    e);
        }
        if (response.statusCode() >= 400) {
            List<String> errors = new ArrayList<>();
            body.path("errors").forEach(error -> errors.add(error.asText()));
            throw new RestException(
                    "Flink refused "
                            + what
                            + " (HTTP "
                            + response.statusCode()
                            + "): "
                            + String.join("\n", errors),
                    false,
                    null);
        }
        return body;
    }

    private static InputStream concat(byte[] head, Path jar, byte[] tail) {
        try {
            return new SequenceInputStream(
                    Collections.enumeration(
                            List.of(
                                    new java.io.ByteArrayInputStream(head),
                                    Files.newInputStream(jar),
                                    new java.io.ByteArrayInputStream(tail))));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
