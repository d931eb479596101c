package dev.sluice.harness;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Where an Iceberg warehouse's catalog lives, as catalog properties ({@code type}, {@code
 * warehouse}, {@code uri}, ...): validated once, then turned into the properties of Iceberg's
 * {@code CatalogUtil.buildIcebergCatalog} and into the options of Flink's {@code CREATE CATALOG}.
 *
 * <p>Types: {@code hadoop} (needs {@code warehouse}), {@code rest} (needs {@code uri}), {@code
 * jdbc} (needs {@code uri} and {@code warehouse}; {@code user}/{@code password} are accepted for
 * {@code jdbc.user}/{@code jdbc.password}). Every other property is passed on unchanged (for
 * example {@code io-impl}, {@code s3.endpoint}, {@code credential}).
 */
public final class IcebergCatalogSettings {

    public static final String TYPE = "type";
    public static final String WAREHOUSE = "warehouse";
    public static final String URI_KEY = "uri";

    private static final Set<String> TYPES = Set.of("hadoop", "rest", "jdbc");
    private static final String JDBC_CATALOG = "org.apache.iceberg.jdbc.JdbcCatalog";
    private static final Set<String> SECRET_WORDS =
            Set.of("password", "secret", "token", "credential", "key");

    private final Map<String, String> properties;

    private IcebergCatalogSettings(Map<String, String> properties) {
        this.properties = properties;
    }

    /** A Hadoop catalog in a local folder: the embedded default. */
    public static IcebergCatalogSettings hadoop(Path folder) {
        return of(Map.of(TYPE, "hadoop", WAREHOUSE, folder.toUri().toString()));
    }

    /** Validates catalog properties; see the class comment for what each type needs. */
    public static IcebergCatalogSettings of(Map<String, String> catalogProperties) {
        Objects.requireNonNull(catalogProperties, "catalogProperties");
        Map<String, String> properties = new LinkedHashMap<>();
        catalogProperties.forEach(
                (key, value) -> {
                    if (key == null || value == null) {
                        throw new IllegalArgumentException(
                                "Invalid Iceberg catalog property "
                                        + key
                                        + ": null key or value. Remove it or give it a value.");
                    }
                    properties.put(key.trim(), value.trim());
                });
        for (String flinkOnly : new String[] {"catalog-type", "catalog-impl"}) {
            if (properties.containsKey(flinkOnly)) {
                throw new IllegalArgumentException(
                        "Invalid Iceberg catalog property '"
                                + flinkOnly
                                + "'. Set 'type' (hadoop, rest or jdbc) instead; the Flink"
                                + " catalog option is derived from it.");
            }
        }
        String type = properties.get(TYPE);
        if (type == null || type.isEmpty()) {
            throw new IllegalArgumentException(
                    "Missing Iceberg catalog property 'type'. Set it to hadoop, rest or jdbc.");
        }
        type = type.toLowerCase(Locale.ROOT);
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException(
                    "Invalid Iceberg catalog type: '"
                            + properties.get(TYPE)
                            + "'. Use hadoop, rest or jdbc.");
        }
        properties.put(TYPE, type);
        switch (type) {
            case "hadoop" -> require(properties, WAREHOUSE, type, "file:/data/warehouse");
            case "rest" -> {
                String uri = require(properties, URI_KEY, type, "http://catalog:8181");
                if (!uri.startsWith("http://") && !uri.startsWith("https://")) {
                    throw new IllegalArgumentException(
                            "Invalid REST catalog uri: "
                                    + redactedUri(uri)
                                    + ". Use an http:// or https:// address such as"
                                    + " http://catalog:8181.");
                }
            }
            case "jdbc" -> {
                String uri =
                        require(properties, URI_KEY, type, "jdbc:postgresql://db:5432/catalog");
                if (!uri.startsWith("jdbc:")) {
                    throw new IllegalArgumentException(
                            "Invalid JDBC catalog uri: "
                                    + redactedUri(uri)
                                    + ". Use a JDBC URL such as jdbc:postgresql://db:5432/catalog.");
                }
                require(properties, WAREHOUSE, type, "s3a://bucket/warehouse");
                alias(properties, "user", "jdbc.user");
                alias(properties, "password", "jdbc.password");
            }
            default -> throw new AssertionError(type);
        }
        return new IcebergCatalogSettings(properties);
    }

    private static String require(
            Map<String, String> properties, String key, String type, String example) {
        String value = properties.get(key);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(
                    "Missing Iceberg catalog property '"
                            + key
                            + "' for type "
                            + type
                            + ". Set it, for example '"
                            + key
                            + "'='"
                            + example
                            + "'.");
        }
        return value;
    }

    private static void alias(Map<String, String> properties, String shortKey, String icebergKey) {
        String value = properties.remove(shortKey);
        if (value == null) {
            return;
        }
        if (properties.containsKey(icebergKey)) {
            throw new IllegalArgumentException(
                    "Invalid Iceberg catalog properties: both '"
                            + shortKey
                            + "' and '"
                            + icebergKey
                            + "' are set. Keep one of them.");
        }
        properties.put(icebergKey, value);
    }

    /** hadoop, rest or jdbc. */
    public String type() {
        return properties.get(TYPE);
    }

    /** The warehouse location, if the catalog has one configured here. */
    public String warehouse() {
        return properties.get(WAREHOUSE);
    }

    /**
     * The properties for Iceberg's {@code CatalogUtil.buildIcebergCatalog}. They may hold secrets
     * ({@code jdbc.password}, {@code credential}): never log them.
     */
    public Map<String, String> icebergProperties() {
        return Map.copyOf(properties);
    }

    /**
     * The options of Flink's {@code CREATE CATALOG name WITH (...)}: {@code 'type'='iceberg'} and
     * {@code 'catalog-type'} for hadoop and rest; a JDBC catalog goes through {@code
     * 'catalog-impl'} because Iceberg's Flink catalog factory knows only hive, hadoop and rest as
     * catalog types. A JDBC catalog keeps tables per catalog name, so Flink must use the same name
     * as {@link IcebergWarehouse#CATALOG_NAME} to see the same tables. May hold secrets.
     */
    public Map<String, String> flinkCatalogOptions() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("type", "iceberg");
        if (type().equals("jdbc")) {
            options.put("catalog-impl", JDBC_CATALOG);
        } else {
            options.put("catalog-type", type());
        }
        properties.forEach(
                (key, value) -> {
                    if (!key.equals(TYPE)) {
                        options.put(key, value);
                    }
                });
        return options;
    }

    /** One line without secrets: the type and where the catalog and the data are. */
    public String describe() {
        StringBuilder line = new StringBuilder("Iceberg ").append(type()).append(" catalog");
        if (properties.containsKey(URI_KEY)) {
            line.append(" at ").append(redactedUri(properties.get(URI_KEY)));
        }
        if (properties.containsKey(WAREHOUSE)) {
            line.append(", warehouse ").append(properties.get(WAREHOUSE));
        }
        return line.toString();
    }

    /** Property names only for secret-looking keys, so that it can be logged. */
    @Override
    public String toString() {
        Map<String, String> shown = new LinkedHashMap<>();
        properties.forEach(
                (key, value) -> shown.put(key, isSecret(key) ? "******" : redactedUri(value)));
        return "IcebergCatalogSettings" + shown;
    }

    static boolean isSecret(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return SECRET_WORDS.stream().anyMatch(lower::contains);
    }

    /** Drops user info and the query (where JDBC URLs carry passwords) from a URI. */
    static String redactedUri(String uri) {
        String shown = uri;
        int query = shown.indexOf('?');
        if (query >= 0) {
            shown = shown.substring(0, query) + "?…";
        }
        int scheme = shown.indexOf("://");
        int at = shown.indexOf('@');
        if (scheme >= 0 && at > scheme) {
            shown = shown.substring(0, scheme + 3) + "…@" + shown.substring(at + 1);
        }
        return shown;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IcebergCatalogSettings settings
                && settings.properties.equals(properties);
    }

    @Override
    public int hashCode() {
        return properties.hashCode();
    }
}
