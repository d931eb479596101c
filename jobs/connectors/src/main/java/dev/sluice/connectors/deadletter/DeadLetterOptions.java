package dev.sluice.connectors.deadletter;

import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** The options of the dead-letter format and sink ({@code dead-letter.*}). */
public final class DeadLetterOptions {

    public static final ConfigOption<String> TOPIC =
            ConfigOptions.key("dead-letter.topic")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Kafka topic that receives a record for each row not written.");

    public static final ConfigOption<String> BOOTSTRAP_SERVERS =
            ConfigOptions.key("dead-letter.bootstrap-servers")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Kafka bootstrap servers of the dead-letter topic.");

    public static final ConfigOption<String> KEY =
            ConfigOptions.key("dead-letter.key")
                    .stringType()
                    .defaultValue("pseudonymized")
                    .withDescription(
                            "What dead-letter records show of a row's primary key: pseudonymized"
                                    + " (HMAC-SHA256 keyed by the secret in the variable named by"
                                    + " dead-letter.key-secret-env; omitted without it), omitted or"
                                    + " raw.");

    public static final ConfigOption<String> KEY_SECRET_ENV =
            ConfigOptions.key("dead-letter.key-secret-env")
                    .stringType()
                    .defaultValue("SLUICE_DEAD_LETTER_SECRET")
                    .withDescription(
                            "Environment variable (of the TaskManagers) holding the secret that"
                                    + " pseudonymizes dead-letter keys.");

    public static final ConfigOption<Integer> MAX_ROW_BYTES =
            ConfigOptions.key("max-row-bytes")
                    .intType()
                    .defaultValue(1024 * 1024)
                    .withDescription(
                            "A row larger than this (the staging record's bytes, or the sum of a"
                                    + " sink row's string and byte values) is not written but sent"
                                    + " to the dead-letter topic.");

    static Set<ConfigOption<?>> all() {
        return Set.of(TOPIC, BOOTSTRAP_SERVERS, KEY, KEY_SECRET_ENV, MAX_ROW_BYTES);
    }

    private DeadLetterOptions() {}
}
