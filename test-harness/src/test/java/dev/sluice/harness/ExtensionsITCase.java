package dev.sluice.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.sql.Connection;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/** Runs small test classes that use the extensions, then checks what they left behind. */
class ExtensionsITCase {

    private static final AtomicReference<EmbeddedStack> SEEN_STACK = new AtomicReference<>();
    private static final AtomicReference<PostgresServer> SEEN_POSTGRES = new AtomicReference<>();
    private static final AtomicReference<KafkaBroker> SEEN_KAFKA = new AtomicReference<>();

    @Test
    void eachExtensionRunsItsComponentForOneClassAndRemovesItAfterwards() throws Exception {
        TestExecutionSummary summary = run(UsesTheStack.class, UsesPostgres.class, UsesKafka.class);

        assertThat(summary.getFailures()).isEmpty();
        assertThat(summary.getTestsSucceededCount()).isEqualTo(4);

        EmbeddedStack stack = SEEN_STACK.get();
        assertThat(stack.workDir()).doesNotExist();
        assertThat(Loopback.processAlive(stack.postgres().pid())).isFalse();
        assertThat(Loopback.accepts(Loopback.port(stack.kafka().bootstrapServers()))).isFalse();

        PostgresServer postgres = SEEN_POSTGRES.get();
        assertThat(Loopback.processAlive(postgres.pid())).isFalse();
        assertThat(Loopback.accepts(postgres.port())).isFalse();

        KafkaBroker kafka = SEEN_KAFKA.get();
        assertThat(Loopback.accepts(Loopback.port(kafka.bootstrapServers()))).isFalse();

        assertThatThrownBy(() -> UsesTheStack.STACK.stack())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("The embedded stack runs only between beforeAll");
        assertThatThrownBy(() -> UsesPostgres.POSTGRES.server())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> UsesKafka.KAFKA.broker())
                .isInstanceOf(IllegalStateException.class);
    }

    private static TestExecutionSummary run(Class<?>... testClasses) {
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
        for (Class<?> testClass : testClasses) {
            request.selectors(selectClass(testClass));
        }
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request.build(), listener);
        return listener.getSummary();
    }

    static class UsesTheStack {
        @RegisterExtension static final EmbeddedStackExtension STACK = new EmbeddedStackExtension();

        @Test
        void seesOneStackInEveryTest() throws Exception {
            EmbeddedStack stack = STACK.stack();
            assertThat(SEEN_STACK.compareAndSet(null, stack) || SEEN_STACK.get() == stack).isTrue();
            assertThat(stack.workDir()).isDirectory();
            assertThat(stack.workDir().getFileName().toString()).startsWith("sluice-stack-");
        }

        @Test
        void seesTheSameStackAgain() throws Exception {
            seesOneStackInEveryTest();
        }
    }

    static class UsesPostgres {
        @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

        @Test
        void connects() throws Exception {
            SEEN_POSTGRES.set(POSTGRES.server());
            try (Connection connection = POSTGRES.server().connect("postgres")) {
                assertThat(connection.isValid(5)).isTrue();
            }
        }
    }

    static class UsesKafka {
        @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

        @Test
        void createsATopic() throws Exception {
            SEEN_KAFKA.set(KAFKA.broker());
            KAFKA.broker().createTopics(1, "extension-check");
            assertThat(
                            KAFKA.broker()
                                    .readCommitted(
                                            "extension-check", java.time.Duration.ofSeconds(10)))
                    .isEmpty();
        }
    }
}
