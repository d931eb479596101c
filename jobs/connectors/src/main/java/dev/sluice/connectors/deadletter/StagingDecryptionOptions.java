package dev.sluice.connectors.deadletter;

import dev.sluice.stagingkeys.KeyStoreSettings;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Options of {@code sluice-debezium-json} for staging written with crypto-shredding (the ingest's
 * {@code staging.encryption.*}): where the key store is and which variable holds the master key.
 * Decryption is on when {@code encryption.key-store.url} is set.
 */
public final class StagingDecryptionOptions {

    public static final ConfigOption<String> KEY_STORE_URL =
            ConfigOptions.key("encryption.key-store.url")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "JDBC URL of the staging key store; set it to read encrypted staging"
                                    + " columns (NULL plus _shredded = true once a subject's key is"
                                    + " destroyed).");

    public static final ConfigOption<String> KEY_STORE_USERNAME =
            ConfigOptions.key("encryption.key-store.username")
                    .stringType()
                    .defaultValue("postgres")
                    .withDescription("User of the key store database.");

    public static final ConfigOption<String> KEY_STORE_PASSWORD_ENV =
            ConfigOptions.key("encryption.key-store.password-env")
                    .stringType()
                    .defaultValue(KeyStoreSettings.DEFAULT_PASSWORD_ENV)
                    .withDescription("Environment variable holding the key store password.");

    public static final ConfigOption<String> KEY_STORE_TABLE =
            ConfigOptions.key("encryption.key-store.table")
                    .stringType()
                    .defaultValue(KeyStoreSettings.DEFAULT_TABLE)
                    .withDescription("The key table.");

    public static final ConfigOption<String> MASTER_KEY_ENV =
            ConfigOptions.key("encryption.master-key-env")
                    .stringType()
                    .defaultValue(KeyStoreSettings.DEFAULT_MASTER_KEY_ENV)
                    .withDescription(
                            "Environment variable holding the master key (32 bytes, base64).");

    static final Set<ConfigOption<?>> ALL =
            Set.of(
                    KEY_STORE_URL,
                    KEY_STORE_USERNAME,
                    KEY_STORE_PASSWORD_ENV,
                    KEY_STORE_TABLE,
                    MASTER_KEY_ENV);

    private StagingDecryptionOptions() {}

    /** The key store settings, or null when decryption is off. */
    static KeyStoreSettings settings(ReadableConfig options) {
        String url = options.get(KEY_STORE_URL);
        if (url == null || url.isBlank()) {
            return null;
        }
        return new KeyStoreSettings(
                url,
                options.get(KEY_STORE_USERNAME),
                options.get(KEY_STORE_PASSWORD_ENV),
                options.get(KEY_STORE_TABLE),
                options.get(MASTER_KEY_ENV));
    }
}
