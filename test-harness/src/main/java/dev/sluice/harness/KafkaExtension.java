package dev.sluice.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** One {@link KafkaBroker} per test class, for tests that need only Kafka. */
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
            Folders.delete(workDir);
        }
    }

    public KafkaBroker broker() {
        return broker;
    }
}
