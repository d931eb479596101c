package dev.sluice.udf;

import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.ModuleFactory;
import org.apache.flink.table.module.Module;

/** Creates the {@link SluiceModule} for {@code LOAD MODULE sluice [WITH (...)]}. */
public final class SluiceModuleFactory implements ModuleFactory {
    public static final String IDENTIFIER = "sluice";

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of();
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of();
    }

    @Override
    public Module createModule(Context context) {
        FactoryUtil.createModuleFactoryHelper(this, context).validate();
        return new SluiceModule(SluiceModule.maskingFunctions());
    }
}
