package dev.sluice.gate;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * Where a table's data physically lives, computed from its resolved connector options (after
 * variables, {@code LIKE}, {@code OPTIONS} hints and catalog defaults): two tables with the same
 * identity are the same dataset, whatever they are called.
 *
 * <ul>
 *   <li>{@code kafka}, {@code upsert-kafka}: cluster (a {@code kafka_clusters:} alias of the policy
 *       when the bootstrap servers are one of its clusters, else the servers lower-cased and
 *       sorted) and topic; a {@code topic-pattern} source keeps the regex in {@code topic-pattern}
 *       and a topic list is one identity per topic;
 *   <li>{@code jdbc} (also the connector {@code sluice-jdbc}, Flink's jdbc with a dead letter):
 *       host, port, database of the URL and {@code schema.table} ({@code public.} for PostgreSQL
 *       when the table name has no schema);
 *   <li>{@code iceberg}: the catalog's warehouse (a Hadoop catalog) or URI (a catalog service:
 *       REST, Hive, JDBC; with the warehouse it serves, when named) and {@code namespace.table};
 *   <li>{@code filesystem}: the path, normalised;
 *   <li>{@code print}, {@code blackhole}, {@code datagen}, {@code values}: their own kinds;
 *   <li>any other connector: every option but secrets (passwords, keys, tokens) is identity.
 * </ul>
 */
public record DatasetIdentity(String kind, Map<String, String> fields) {
    private static final Pattern JDBC_URL =
            Pattern.compile(
                    "(?i)^jdbc:([a-z0-9]+):(?://)?(?:[^@/]*@)?([^/:?;]+)(?::(\\d+))?(?:/([^?;]*))?.*$");
    private static final Pattern SECRET_KEY =
            Pattern.compile("(?i).*(password|secret|token|credential|key|sasl\\.jaas).*");
    private static final Map<String, Integer> DEFAULT_PORTS =
            Map.of(
                    "postgresql",
                    5432,
                    "mysql",
                    3306,
                    "mariadb",
                    3306,
                    "sqlserver",
                    1433,
                    "oracle",
                    1521);

    public DatasetIdentity {
        fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** A bad identity option: which option, what is wrong, how to fix it. */
    public static final class Problem extends RuntimeException {
        private final String option;
        private final String fix;

        Problem(String option, String message, String fix) {
            super(message);
            this.option = option;
            this.fix = fix;
        }

        public String option() {
            return option;
        }

        public String fix() {
            return fix;
        }
    }

    /** Kinds whose rows are generated in the job: never a source the policy needs to map. */
    public boolean generated() {
        return kind.equals("datagen") || kind.equals("values");
    }

    /** Whether written rows persist somewhere (blackhole and generators do not). */
    public boolean persists() {
        return !kind.equals("blackhole") && !generated();
    }

    /**
     * The identities of a table from its options; {@code clusters} maps each policy cluster alias
     * to its normalised servers. Usually one; a Kafka topic list gives one per topic.
     *
     * @throws Problem for an unresolved {@code ${VAR}}, a malformed JDBC URL, an invalid topic
     *     pattern or a Kafka table without topic
     */
    public static List<DatasetIdentity> of(
            Map<String, String> options, Map<String, String> clusters) {
        String connector = options.getOrDefault("connector", "");
        for (Map.Entry<String, String> e : options.entrySet()) {
            if (e.getValue() != null
                    && e.getValue().contains("${")
                    && identityOption(connector, e.getKey())) {
                throw new Problem(
                        e.getKey(),
                        "Option '"
                                + e.getKey()
                                + "' is left as an unresolved variable ("
                                + e.getValue()
                                + "), so the gate cannot tell which dataset the table is.",
                        "Define the variable (--var NAME=VALUE or the environment) or write the"
                                + " value itself; `$${NAME}` writes ${NAME} literally.");
            }
        }
        switch (connector) {
            case "kafka", "upsert-kafka":
                return kafka(options, clusters);
            case "jdbc", "sluice-jdbc":
                return List.of(jdbc(options));
            case "iceberg":
                return List.of(iceberg(options));
            case "filesystem":
                {
                    String path = options.get("path");
                    if (path == null) {
                        throw new Problem(
                                "path", "A filesystem table without 'path'.", "Add 'path'.");
                    }
                    return List.of(
                            new DatasetIdentity("filesystem", Map.of("path", normalisePath(path))));
                }
            case "print", "blackhole", "datagen", "values":
                return List.of(new DatasetIdentity(connector, Map.of()));
            default:
                {
                    Map<String, String> all = new TreeMap<>();
                    options.forEach(
                            (k, v) -> {
                                if (!SECRET_KEY.matcher(k).matches()) {
                                    all.put(k, v);
                                }
                            });
                    return List.of(
                            new DatasetIdentity(connector.isEmpty() ? "unknown" : connector, all));
                }
        }
    }

    /** Options that name the place (others, e.g. formats or buffer sizes, do not). */
    static boolean identityOption(String connector, String key) {
        return switch (connector) {
            case "kafka", "upsert-kafka" ->
                    key.equals("topic")
                            || key.equals("topic-pattern")
                            || key.equals("properties.bootstrap.servers");
            case "jdbc", "sluice-jdbc" -> key.equals("url") || key.equals("table-name");
            case "iceberg" ->
                    key.equals("catalog-name")
                            || key.equals("catalog-database")
                            || key.equals("catalog-table")
                            || key.equals("warehouse")
                            || key.equals("uri")
                            || key.equals("src-catalog");
            case "filesystem" -> key.equals("path");
            default -> !SECRET_KEY.matcher(key).matches();
        };
    }

    private static List<DatasetIdentity> kafka(
            Map<String, String> options, Map<String, String> clusters) {
        String servers = normaliseServers(options.getOrDefault("properties.bootstrap.servers", ""));
        String alias = servers;
        for (Map.Entry<String, String> c : clusters.entrySet()) {
            if (!servers.isEmpty() && c.getValue().equals(servers)) {
                alias = c.getKey();
            }
        }
        String cluster = alias;
        String pattern = options.get("topic-pattern");
        if (pattern != null) {
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                throw new Problem(
                        "topic-pattern",
                        "Option 'topic-pattern' is not a valid regular expression ("
                                + e.getDescription()
                                + " near index "
                                + e.getIndex()
                                + " of '"
                                + pattern
                                + "').",
                        "Write a Java regular expression, e.g. 'staging\\.shop\\..*', or list the topics in 'topic' separated by ';'.");
            }
            return List.of(
                    new DatasetIdentity(
                            "kafka", fields("cluster", cluster, "topic-pattern", pattern)));
        }
        String topics = options.get("topic");
        if (topics == null || topics.isBlank()) {
            throw new Problem(
                    "topic",
                    "A Kafka table without 'topic' or 'topic-pattern'.",
                    "Add 'topic' = '<topic>'.");
        }
        return java.util.Arrays.stream(topics.split(";"))
                .map(String::trim)
                .filter(t -> !t.isEmpty())
                .map(t -> new DatasetIdentity("kafka", fields("cluster", cluster, "topic", t)))
                .toList();
    }

    static String normaliseServers(String servers) {
        TreeSet<String> set = new TreeSet<>();
        for (String s : servers.split(",")) {
            String t = s.trim().toLowerCase(Locale.ROOT);
            if (!t.isEmpty()) {
                set.add(t);
            }
        }
        return String.join(",", set);
    }

    private static DatasetIdentity jdbc(Map<String, String> options) {
        String url = options.get("url");
        String table = options.get("table-name");
        if (url == null || table == null) {
            throw new Problem(
                    url == null ? "url" : "table-name",
                    "A JDBC table without '" + (url == null ? "url" : "table-name") + "'.",
                    "Add it, e.g. 'url' = 'jdbc:postgresql://host:5432/db', 'table-name' = 'schema.table'.");
        }
        Matcher m = JDBC_URL.matcher(url.trim());
        if (!m.matches() || m.group(4) == null || m.group(4).isBlank()) {
            throw new Problem(
                    "url",
                    "Option 'url' is not a JDBC URL with host and database ('"
                            + url.replaceAll("(?i)(password=)[^&;]*", "$1****")
                            + "').",
                    "Write it as jdbc:<driver>://<host>[:<port>]/<database>, e.g."
                            + " jdbc:postgresql://crm-db:5432/crm.");
        }
        String driver = m.group(1).toLowerCase(Locale.ROOT);
        String port =
                m.group(3) != null
                        ? m.group(3)
                        : String.valueOf(DEFAULT_PORTS.getOrDefault(driver, 0));
        String qualified = table.trim();
        if (!qualified.contains(".") && driver.equals("postgresql")) {
            qualified = "public." + qualified;
        }
        return new DatasetIdentity(
                "jdbc",
                fields(
                        "host",
                        m.group(2).toLowerCase(Locale.ROOT),
                        "port",
                        port,
                        "database",
                        m.group(4),
                        "table",
                        qualified));
    }

    private static DatasetIdentity iceberg(Map<String, String> options) {
        Map<String, String> catalogProps = new LinkedHashMap<>();
        String database = options.get("catalog-database");
        String table = options.get("catalog-table");
        String src = options.get("src-catalog");
        if (src != null) {
            try {
                com.fasterxml.jackson.databind.JsonNode n =
                        new com.fasterxml.jackson.databind.ObjectMapper().readTree(src);
                n.path("catalog-props")
                        .fields()
                        .forEachRemaining(e -> catalogProps.put(e.getKey(), e.getValue().asText()));
                database = n.path("catalog-database").asText(database);
                table = n.path("catalog-table").asText(table);
            } catch (java.io.IOException e) {
                throw new Problem(
                        "src-catalog",
                        "Unreadable Iceberg catalog description.",
                        "Declare the table in an Iceberg catalog.");
            }
        }
        options.forEach(catalogProps::putIfAbsent);
        String location = catalogProps.get("uri");
        if (location == null) {
            location = catalogProps.get("warehouse");
        }
        if (location == null) {
            throw new Problem(
                    "warehouse",
                    "An Iceberg table whose catalog has neither 'uri' nor 'warehouse'.",
                    "Give the catalog its 'warehouse' (Hadoop) or 'uri' (REST, Hive, JDBC).");
        }
        String warehouse = catalogProps.get("warehouse");
        if (catalogProps.get("uri") != null && warehouse != null && !warehouse.isBlank()) {
            // a catalog service (REST, Hive, JDBC) may serve several warehouses: the same
            // namespace.table under another warehouse is another dataset
            return new DatasetIdentity(
                    "iceberg",
                    fields(
                            "catalog",
                            normalisePath(location),
                            "warehouse",
                            warehouse.trim(),
                            "table",
                            database + "." + table));
        }
        return new DatasetIdentity(
                "iceberg",
                fields("catalog", normalisePath(location), "table", database + "." + table));
    }

    static String normalisePath(String path) {
        String p = path.trim();
        try {
            URI uri = URI.create(p.startsWith("/") ? "file://" + p : p);
            if (uri.getScheme() != null) {
                URI n = uri.normalize();
                String s =
                        n.getScheme().toLowerCase(Locale.ROOT)
                                + "://"
                                + (n.getAuthority() == null ? "" : n.getAuthority())
                                + (n.getPath() == null ? "" : n.getPath());
                p = s;
            }
        } catch (IllegalArgumentException e) {
            // not a URI: keep the text
        }
        while (p.endsWith("/") && !p.endsWith("://")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    private static Map<String, String> fields(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    /** {@code kafka{cluster=main, topic=staging.shop.customers}}. */
    @Override
    public String toString() {
        if (fields.isEmpty()) {
            return kind;
        }
        return kind
                + "{"
                + fields.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(", "))
                + "}";
    }
}
