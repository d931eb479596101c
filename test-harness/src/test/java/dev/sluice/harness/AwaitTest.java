package dev.sluice.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {

    private static final Duration LONG = Duration.ofSeconds(30);

    @Test
    void returnsTheFirstValueThatIsThere() throws Exception {
        AtomicInteger calls = new AtomicInteger();

        String value = Await.value("a value", LONG, () -> calls.incrementAndGet() < 3 ? null : "x");

        assertThat(value).isEqualTo("x");
        assertThat(calls).hasValue(3);
    }

    @Test
    void returnsOnceTheConditionHolds() throws Exception {
        AtomicInteger calls = new AtomicInteger();

        Await.until("the third call", LONG, () -> calls.incrementAndGet() == 3);

        assertThat(calls).hasValue(3);
    }

    @Test
    void timesOutNamingWhatItWaitedFor() {
        assertThatThrownBy(() -> Await.until("the impossible", Duration.ofMillis(50), () -> false))
                .isInstanceOf(TimeoutException.class)
                .hasMessage("Timed out after PT0.05S waiting for the impossible")
                .hasNoCause();
    }

    @Test
    void anExceptionOfTheNotYetTypeIsRetriedAndBecomesTheCauseOfTheTimeout() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(
                        () ->
                                Await.until(
                                        "a server",
                                        Duration.ofMillis(100),
                                        IOException.class,
                                        () -> {
                                            calls.incrementAndGet();
                                            throw new IOException("connection refused");
                                        }))
                .isInstanceOf(TimeoutException.class)
                .hasMessageContaining("waiting for a server")
                .cause()
                .isInstanceOf(IOException.class)
                .hasMessage("connection refused");
        assertThat(calls.get()).isGreaterThan(1);
    }

    @Test
    void anyOtherExceptionEndsTheWaitAtOnce() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(
                        () ->
                                Await.value(
                                        "a server",
                                        LONG,
                                        IOException.class,
                                        () -> {
                                            calls.incrementAndGet();
                                            throw new IllegalStateException("process exited");
                                        }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("process exited");
        assertThat(calls).hasValue(1);
    }

    @Test
    void withoutANotYetTypeEveryExceptionEndsTheWait() {
        assertThatThrownBy(
                        () ->
                                Await.until(
                                        "a server",
                                        LONG,
                                        () -> {
                                            throw new IOException("connection refused");
                                        }))
                .isInstanceOf(IOException.class);
    }
}
