package dev.sluice.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link KafkaBroker} per test class, for tests that need only Kafka:
 *
 * <pre>{@code
 * @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();
 * }</pre>
 */
public final class KafkaExtension implements BeforeAllCallback, AfterAllCallback {

    private Path workDir;
    private KafkaBroker broker;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        workDir = Files.createTempDirectory("sluice-kafka-");
        broker = KafkaBroker.start(workDir);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (broker != null) {
                broker.close();
            }
        } finally {
            broker = null;
            if (workDir != null) {
                Folders.delete(workDir);
            }
        }
    }

    /** The running broker; only between {@code beforeAll} and {@code afterAll}. */
    public KafkaBroker broker() {
        if (broker == null) {
            throw new IllegalStateException(
                    "Kafka runs only between beforeAll and afterAll: register the extension on a"
                            + " static field with @RegisterExtension.");
        }
        return broker;
    }
}
