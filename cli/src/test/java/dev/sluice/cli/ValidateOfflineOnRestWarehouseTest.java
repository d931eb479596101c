package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice validate} stays offline when the variables a deployer keeps for a REST warehouse
 * (catalog URI and token, object-store endpoint and keys, Kafka) are given in a variable file and a
 * secret file, as for {@code run} and {@code submit}: the shipped payments pipeline is planned and
 * gated against a temporary Hadoop catalog, and listening sockets at the catalog's, the store's and
 * Kafka's addresses see no connection at all.
 */
class ValidateOfflineOnRestWarehouseTest {
    private static final String TOKEN = "catalog-token-7c1e0b";
    private static final String S3_SECRET = "s3-secret-55d2a9";

    @TempDir Path dir;
    private final Tripwire catalog = new Tripwire();
    private final Tripwire objectStore = new Tripwire();
    private final Tripwire kafka = new Tripwire();

    /** A listening socket on a loopback port that counts the connections it is offered. */
    static final class Tripwire implements AutoCloseable {
        final ServerSocket socket;
        final AtomicInteger connections = new AtomicInteger();
        final Thread acceptor;

        Tripwire() {
            try {
                socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new IllegalStateException("Cannot listen on a loopback port", e);
            }
            acceptor =
                    new Thread(
                            () -> {
                                while (!socket.isClosed()) {
                                    try (Socket ignored = socket.accept()) {
                                        connections.incrementAndGet();
                                    } catch (IOException closed) {
                                        return;
                                    }
                                }
                            },
                            "tripwire-" + socket.getLocalPort());
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String address() {
            return "127.0.0.1:" + socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @AfterEach
    void close() throws IOException {
        catalog.close();
        objectStore.close();
        kafka.close();
    }

    @Test
    void restWarehouseVariablesAreNotContacted() throws IOException {
        Path vars = dir.resolve("warehouse.properties");
        Files.writeString(
                vars,
                String.join(
                        "\n",
                        "KAFKA_BOOTSTRAP_SERVERS=" + kafka.address(),
                        "ICEBERG_CATALOG_TYPE=rest",
                        "ICEBERG_WAREHOUSE=s3://warehouse/",
                        "ICEBERG_CATALOG_URI=http://" + catalog.address(),
                        "ICEBERG_IO_IMPL=org.apache.iceberg.aws.s3.S3FileIO",
                        "S3_ENDPOINT=http://" + objectStore.address(),
                        "S3_PATH_STYLE_ACCESS=true",
                        ""));
        Path secrets = dir.resolve("warehouse.secrets");
        Files.writeString(
                secrets,
                "ICEBERG_CATALOG_TOKEN="
                        + TOKEN
                        + "\nS3_ACCESS_KEY_ID=sluice-key\nS3_SECRET_ACCESS_KEY="
                        + S3_SECRET
                        + "\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code =
                SluiceCommand.execute(
                        new PrintWriter(out, true),
                        new PrintWriter(err, true),
                        "validate",
                        "../sql/pipelines/payments/payments_to_warehouse.sql",
                        "--catalog",
                        "../sql/catalog",
                        "--policy",
                        "../sql/policy",
                        "--var-file",
                        vars.toString(),
                        "--secret-file",
                        secrets.toString(),
                        "--explain");
        String output = out + "\n" + err;
        assertThat(code).as(output).isZero();
        assertThat(output).contains("payments_to_warehouse").doesNotContain(TOKEN, S3_SECRET);
        assertThat(catalog.connections).as("connections to the REST catalog's address").hasValue(0);
        assertThat(objectStore.connections).as("connections to the object store").hasValue(0);
        assertThat(kafka.connections).as("connections to Kafka").hasValue(0);
    }
}
