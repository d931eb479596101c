package dev.sluice.ingest;

import java.util.Arrays;
import java.util.Objects;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.filter.AbstractFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Debezium 1.9 from writing whole source rows into the logs. When a column converter fails (a
 * {@code numeric[]} holding NaN during the snapshot, for one), Debezium's {@code
 * TableSchemaBuilder} logs at ERROR the table, column and type <em>and every value of the row</em>
 * (and an exception whose text may hold the value): personal data in TaskManager logs, which travel
 * further and live longer than staging. The guard puts a filter on that logger of the process's
 * Log4j 2 configuration: such an event is dropped and logged again as a warning with the table,
 * column, type and exception class only. Every other event of that logger passes.
 *
 * <p>Installed once per JVM by the static initializer of the ingest's record deserializer, which
 * runs before its first instance exists (made by the job's client, or deserialized on the
 * TaskManager), so before the source reads a row; not per change. Without Log4j 2 core (another
 * logging backend) the guard says once that it could not install itself; a Log4j reconfiguration (a
 * changed file under {@code monitorInterval}) drops the filter until the next job start.
 */
final class DebeziumRowLogGuard {

    static final String DEBEZIUM_LOGGER = "io.debezium.relational.TableSchemaBuilder";
    static final String CONVERSION_FAILURE = "Failed to properly convert data value";

    private static final Logger LOG = LoggerFactory.getLogger(DebeziumRowLogGuard.class);
    private static volatile boolean installed;

    private DebeziumRowLogGuard() {}

    /** Installs the filter if it is not installed in this JVM yet; never throws. */
    static void install() {
        if (installed) {
            return;
        }
        synchronized (DebeziumRowLogGuard.class) {
            if (installed) {
                return;
            }
            try {
                Log4j.install();
            } catch (LinkageError | RuntimeException e) {
                LOG.warn(
                        "Could not filter {}'s row values from the logs ({}); configure the"
                                + " logging backend to drop its '{}' messages",
                        DEBEZIUM_LOGGER,
                        e.getClass().getName(),
                        CONVERSION_FAILURE);
            }
            installed = true;
        }
    }

    /** The Log4j 2 core part, in its own class so a missing Log4j core is a catchable error. */
    private static final class Log4j {
        static void install() {
            if (!(LogManager.getContext(false) instanceof LoggerContext context)) {
                throw new IllegalStateException("the logging context is not Log4j 2 core's");
            }
            Configuration config = context.getConfiguration();
            LoggerConfig existing = config.getLoggerConfig(DEBEZIUM_LOGGER);
            if (existing.getFilter() instanceof RowValueFilter) {
                return;
            }
            LoggerConfig own = config.getLoggers().get(DEBEZIUM_LOGGER);
            if (own == null) {
                // a logger of its own that inherits level and appenders from its parent
                own =
                        LoggerConfig.newBuilder()
                                .withLoggerName(DEBEZIUM_LOGGER)
                                .withLevel(existing.getLevel())
                                .withAdditivity(true)
                                .withConfig(config)
                                .build();
                own.addFilter(new RowValueFilter());
                config.addLogger(DEBEZIUM_LOGGER, own);
            } else {
                own.addFilter(new RowValueFilter());
            }
            context.updateLoggers();
        }
    }

    /** Drops a conversion failure's event and logs table, column, type and exception class. */
    static final class RowValueFilter extends AbstractFilter {

        RowValueFilter() {
            super(Filter.Result.NEUTRAL, Filter.Result.NEUTRAL);
        }

        @Override
        public Result filter(LogEvent event) {
            String format = event.getMessage().getFormat();
            if (format == null || !format.startsWith(CONVERSION_FAILURE)) {
                return Result.NEUTRAL;
            }
            Object[] parameters = event.getMessage().getParameters();
            Object[] named =
                    parameters == null
                            ? new Object[0]
                            : Arrays.copyOf(parameters, Math.min(3, parameters.length));
            Throwable thrown = event.getThrown();
            if (thrown == null && parameters != null && parameters.length > 0) {
                Object last = parameters[parameters.length - 1];
                thrown = last instanceof Throwable t ? t : null;
            }
            LOG.warn(
                    "Debezium could not convert a value of {}.{} (type {}: {}); the column is"
                            + " staged as null. The row is not logged: it may hold personal data.",
                    named.length > 0 ? Objects.toString(named[0]) : "?",
                    named.length > 1 ? Objects.toString(named[1]) : "?",
                    named.length > 2 ? Objects.toString(named[2]) : "?",
                    thrown == null ? "no exception" : thrown.getClass().getName());
            return Result.DENY;
        }
    }
}
