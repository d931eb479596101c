package dev.sluice.connectors.deadletter;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.jdbc.core.table.JdbcDynamicTableFactory;
import org.apache.flink.table.catalog.ResolvedCatalogTable;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.SinkFunctionProvider;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.FactoryUtil;

/**
 * The connector {@code sluice-jdbc}: Flink's {@code jdbc} sink (same options) that checks each row
 * against the target table's own columns before writing it. A value the database would refuse — a
 * string longer than its {@code varchar(n)}, a number beyond its {@code numeric(p, s)} or integer
 * range, a date or timestamp outside PostgreSQL's range, a null in a NOT NULL column — or a row
 * larger than {@code max-row-bytes} goes to the dead-letter topic with the reason instead of
 * failing the batch (which Flink's JDBC sink retries and then restarts the job with, forever). The
 * limits are read from the database's metadata when the sink opens.
 */
public final class DeadLetterJdbcFactory implements DynamicTableSinkFactory {

    public static final String IDENTIFIER = "sluice-jdbc";

    private final JdbcDynamicTableFactory jdbc = new JdbcDynamicTableFactory();

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        Set<ConfigOption<?>> options = new HashSet<>(jdbc.requiredOptions());
        options.add(DeadLetterOptions.TOPIC);
        options.add(DeadLetterOptions.BOOTSTRAP_SERVERS);
        return options;
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        Set<ConfigOption<?>> options = new HashSet<>(jdbc.optionalOptions());
        options.add(DeadLetterOptions.KEY);
        options.add(DeadLetterOptions.KEY_SECRET_ENV);
        options.add(DeadLetterOptions.MAX_ROW_BYTES);
        return options;
    }

    @Override
    public DynamicTableSink createDynamicTableSink(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        helper.validate();
        Map<String, String> options = new HashMap<>(context.getCatalogTable().getOptions());
        Configuration own = new Configuration();
        for (ConfigOption<?> option : DeadLetterOptions.all()) {
            String value = options.remove(option.key());
            if (value != null) {
                own.setString(option.key(), value);
            }
        }
        options.put(FactoryUtil.CONNECTOR.key(), "jdbc");
        ResolvedCatalogTable table = context.getCatalogTable().copy(options);
        DynamicTableSink inner =
                jdbc.createDynamicTableSink(
                        new FactoryUtil.DefaultDynamicTableContext(
                                context.getObjectIdentifier(),
                                table,
                                context.getEnrichmentOptions(),
                                context.getConfiguration(),
                                context.getClassLoader(),
                                context.isTemporary()));
        String name = context.getObjectIdentifier().asSummaryString();
        RowChecker checker =
                new RowChecker(
                        options.get("url"),
                        options.get("table-name"),
                        Optional.ofNullable(options.get("username")).orElse(null),
                        Optional.ofNullable(options.get("password")).orElse(null),
                        context.getPhysicalRowDataType(),
                        context.getPrimaryKeyIndexes(),
                        own.get(DeadLetterOptions.MAX_ROW_BYTES));
        return new GuardedSink(inner, checker, DeadLetterSender.of(own, name, "The table " + name));
    }

    private static final class GuardedSink implements DynamicTableSink {
        private final DynamicTableSink inner;
        private final RowChecker checker;
        private final DeadLetterSender sender;

        GuardedSink(DynamicTableSink inner, RowChecker checker, DeadLetterSender sender) {
            this.inner = inner;
            this.checker = checker;
            this.sender = sender;
        }

        @Override
        public ChangelogMode getChangelogMode(ChangelogMode requestedMode) {
            return inner.getChangelogMode(requestedMode);
        }

        @Override
        public SinkRuntimeProvider getSinkRuntimeProvider(Context context) {
            SinkRuntimeProvider provider = inner.getSinkRuntimeProvider(context);
            if (!(provider instanceof SinkFunctionProvider functions)) {
                throw new IllegalStateException(
                        IDENTIFIER
                                + " wraps the JDBC connector's sink function, but it gave a "
                                + provider.getClass().getName());
            }
            return SinkFunctionProvider.of(
                    new GuardedSinkFunction(functions.createSinkFunction(), checker, sender),
                    functions.getParallelism().orElse(null));
        }

        @Override
        public DynamicTableSink copy() {
            return new GuardedSink(inner.copy(), checker, sender);
        }

        @Override
        public String asSummaryString() {
            return "JDBC with dead letter";
        }
    }
}
