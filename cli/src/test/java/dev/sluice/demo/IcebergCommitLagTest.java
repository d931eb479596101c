package dev.sluice.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.harness.Await;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.junit.jupiter.api.Test;

class IcebergCommitLagTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void aTableNotCreatedYetIsAskedForAgain() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        try (IcebergCommitLag lag =
                new IcebergCommitLag(
                        () -> {
                            loads.incrementAndGet();
                            throw new NoSuchTableException("Table does not exist: payments");
                        },
                        "updated_at")) {
            Await.until("a second load of the table", TIMEOUT, () -> loads.get() >= 2);

            assertThat(lag.lagsMillis()).isEmpty();
        }
    }

    @Test
    void anyOtherFailureSurfacesInsteadOfBeingRetried() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        try (IcebergCommitLag lag =
                new IcebergCommitLag(
                        () -> {
                            loads.incrementAndGet();
                            throw new IllegalArgumentException("Invalid catalog: broken");
                        },
                        "updated_at")) {
            Await.until(
                    "the failure to surface",
                    TIMEOUT,
                    () -> {
                        try {
                            lag.lagsMillis();
                            return false;
                        } catch (IllegalStateException surfaced) {
                            return true;
                        }
                    });

            assertThatThrownBy(lag::lagsMillis)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("Measuring the Iceberg commit lag failed: Invalid catalog: broken")
                    .hasCauseInstanceOf(IllegalArgumentException.class);
            assertThat(loads).as("measuring stopped at the failure").hasValue(1);
        }
    }
}
