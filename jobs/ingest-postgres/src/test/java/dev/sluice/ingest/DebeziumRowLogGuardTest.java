package dev.sluice.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Debezium's conversion errors reach the log without the row's values, through real Log4j 2. */
class DebeziumRowLogGuardTest {

    private static final String CANARY = "canary-4f1e@example.org";

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private Collecting appender;

    @BeforeEach
    void collect() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        appender = new Collecting(lines);
        appender.start();
        config.getRootLogger().addAppender(appender, null, null);
        context.updateLoggers();
    }

    @AfterEach
    void stop() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender(appender.getName());
        context.updateLoggers();
        appender.stop();
    }

    @Test
    void aFailedConversionIsLoggedWithTableColumnAndTypeButNoValue() {
        DebeziumRowLogGuard.install();
        Logger debezium = LoggerFactory.getLogger(DebeziumRowLogGuard.DEBEZIUM_LOGGER);
        Object[] row = {42L, CANARY, "{NaN,1.5}"};
        debezium.error(
                "Failed to properly convert data value for '{}.{}' of type {} for row {}:",
                "shop.public.measurements",
                "readings",
                "_numeric",
                java.util.Arrays.toString(row),
                new IllegalArgumentException("Bad value " + CANARY));
        debezium.error(
                "Failed to properly convert data value for '{}.{}' of type {}:",
                "shop.public.measurements",
                "readings",
                "_numeric",
                new IllegalStateException(CANARY));
        debezium.warn("Another message of that logger: {}", "kept");

        assertThat(String.join("\n", lines)).doesNotContain(CANARY);
        assertThat(lines)
                .filteredOn(l -> l.contains("shop.public.measurements.readings (type _numeric"))
                .hasSize(2)
                .allSatisfy(l -> assertThat(l).contains("staged as null"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("kept"));
    }

    @Test
    void installingTwiceKeepsOneFilter() {
        DebeziumRowLogGuard.install();
        DebeziumRowLogGuard.install();
        LoggerFactory.getLogger(DebeziumRowLogGuard.DEBEZIUM_LOGGER)
                .error(
                        "Failed to properly convert data value for '{}.{}' of type {} for row {}:",
                        "t",
                        "c",
                        "numeric",
                        CANARY);
        assertThat(lines).filteredOn(l -> l.contains("t.c (type numeric")).hasSize(1);
        assertThat(String.join("\n", lines)).doesNotContain(CANARY);
    }

    private static final class Collecting extends AbstractAppender {
        private final List<String> lines;

        Collecting(List<String> lines) {
            super("collecting", null, null, true, Property.EMPTY_ARRAY);
            this.lines = lines;
        }

        @Override
        public void append(LogEvent event) {
            StringBuilder line = new StringBuilder(event.getMessage().getFormattedMessage());
            if (event.getThrown() != null) {
                line.append(' ').append(event.getThrown());
            }
            lines.add(line.toString());
        }
    }
}
