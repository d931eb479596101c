package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestCommandTest {

    @TempDir Path temp;

    private record Run(int exitCode, String out, String err) {}

    private static Run sluice(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode =
                SluiceCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    @Test
    void missingRequiredOptionIsOneLineAndExitCodeOne() {
        Run run =
                sluice(
                        "ingest",
                        "--set",
                        "postgres.database=shop",
                        "--set",
                        "slot.name=shop_slot",
                        "--set",
                        "kafka.bootstrap-servers=127.0.0.1:9092");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(run.err())
                .startsWith("error: Missing required option 'tables'")
                .doesNotContain("\tat ");
    }

    @Test
    void configFileIsReadAndSetWinsOverIt() throws Exception {
        Path config =
                Files.writeString(
                        temp.resolve("ingest.properties"),
                        "postgres.database=shop\ntables=public.orders\nslot.name=Bad-Slot\n"
                                + "kafka.bootstrap-servers=127.0.0.1:9092\n");

        Run bad = sluice("ingest", "--config", config.toString());
        assertThat(bad.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(bad.err()).contains("Invalid option 'slot.name': 'Bad-Slot'");

        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Run unreachable =
                sluice(
                        "ingest",
                        "--check",
                        "--config",
                        config.toString(),
                        "--set",
                        "slot.name=shop_slot",
                        "--set",
                        "postgres.port=" + closedPort);
        assertThat(unreachable.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(unreachable.err())
                .startsWith(
                        "error: Cannot connect to PostgreSQL at jdbc:postgresql://localhost:"
                                + closedPort
                                + "/shop")
                .doesNotContain("..")
                .doesNotContain("\tat ");
    }

    @Test
    void missingConfigFileIsWrongUsageNamingTheFile() {
        Run run = sluice("ingest", "--config", temp.resolve("missing.properties").toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("Invalid --config").contains("missing.properties");
    }
}
