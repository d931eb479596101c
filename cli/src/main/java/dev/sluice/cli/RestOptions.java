package dev.sluice.cli;

import dev.sluice.cluster.FlinkRestClient;
import dev.sluice.sql.Variables;
import java.net.URI;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The {@code --rest} option of the commands that talk to a Flink cluster. */
final class RestOptions {
    @Option(
            names = "--rest",
            paramLabel = "URL",
            description =
                    "REST address of the Flink cluster (its web UI address), e.g."
                            + " http://flink-jobmanager:8081 (default: $SLUICE_FLINK_REST, else"
                            + " http://127.0.0.1:8081).")
    String rest;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            description = "Timeout of each REST request in seconds (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds = 30;

    FlinkRestClient client() {
        String address =
                rest != null
                        ? rest
                        : System.getenv()
                                .getOrDefault("SLUICE_FLINK_REST", "http://127.0.0.1:8081");
        URI uri;
        try {
            uri = URI.create(address);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null
                || uri.getHost() == null
                || !(address.startsWith("http://") || address.startsWith("https://"))) {
            throw new UserError(
                    "Invalid --rest: "
                            + address
                            + ". Give the cluster's REST address with scheme, host and port, e.g. --rest http://127.0.0.1:8081.",
                    ExitCodes.USAGE,
                    null);
        }
        if (timeoutSeconds < 1) {
            throw new UserError(
                    "Invalid --timeout: " + timeoutSeconds + ". Use 1 or more seconds.",
                    ExitCodes.USAGE,
                    null);
        }
        return new FlinkRestClient(uri, Duration.ofSeconds(timeoutSeconds));
    }

    /** Maps a REST failure to a user error: exit 3 when unreachable, 1 when refused. */
    static UserError failure(FlinkRestClient.RestException e, Variables variables, String hint) {
        return new UserError(
                variables.redact(e.getMessage())
                        + (e.unreachable()
                                ? ". Check --rest and that the cluster is running. "
                                : ". ")
                        + hint,
                e.unreachable() ? ExitCodes.UNAVAILABLE : ExitCodes.INVALID,
                e);
    }
}
