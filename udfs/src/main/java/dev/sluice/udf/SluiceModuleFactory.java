package dev.sluice.udf;

import dev.sluice.policy.pseudonym.KeyProviders;
import dev.sluice.policy.pseudonym.KeysetFile;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.ModuleFactory;
import org.apache.flink.table.module.Module;

/**
 * Creates the {@link SluiceModule} for {@code LOAD MODULE sluice [WITH ('keys.file' = ...)]}. With
 * no {@code keys.*} option, the keyed functions read the job parameters {@code sluice.keys.*}.
 */
public final class SluiceModuleFactory implements ModuleFactory {
    public static final String IDENTIFIER = "sluice";
    private static final String KEYS = "keys.";

    public static final ConfigOption<String> KEYS_PROVIDER =
            ConfigOptions.key(KEYS + KeyProviders.PROVIDER)
                    .stringType()
                    .defaultValue(KeyProviders.DEFAULT_PROVIDER)
                    .withDescription(
                            "Key provider of the keyed functions (pseudonymize, encrypt_deterministic,"
                                    + " decrypt_deterministic): 'local-file', or the identifier of a"
                                    + " KeyProviderFactory on the classpath.");

    public static final ConfigOption<String> KEYS_FILE =
            ConfigOptions.key(KEYS + KeysetFile.FILE_OPTION)
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Keyset file of the 'local-file' provider (made with sluice keys add). It"
                                    + " must be readable where queries are planned and where they run.");

    public static final ConfigOption<String> KEYS_MASTER_KEY_ENV =
            ConfigOptions.key(KEYS + KeysetFile.MASTER_KEY_ENV_OPTION)
                    .stringType()
                    .defaultValue("SLUICE_MASTER_KEY")
                    .withDescription(
                            "Environment variable holding the base64 master key that decrypts the"
                                    + " keyset file, on the task managers.");

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
        return Set.of(KEYS_PROVIDER, KEYS_FILE, KEYS_MASTER_KEY_ENV);
    }

    @Override
    public Module createModule(Context context) {
        FactoryUtil.createModuleFactoryHelper(this, context).validate();
        Map<String, String> keyOptions = new HashMap<>();
        context.getOptions()
                .forEach(
                        (key, value) -> {
                            if (key.startsWith(KEYS)) {
                                keyOptions.put(key.substring(KEYS.length()), value);
                            }
                        });
        return new SluiceModule(SluiceModule.functions(keyOptions));
    }
}
