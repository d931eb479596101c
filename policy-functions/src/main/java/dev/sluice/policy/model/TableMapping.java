package dev.sluice.policy.model;

/**
 * Declares what a dataset is to the policy: which dataset it holds (sources; {@code *} in the
 * dataset takes what {@code *} matched), and for sinks the zone and region its data lands in. An
 * entry names either a dataset identity pattern ({@link #identity()}, e.g. a Kafka topic on a
 * cluster) or, as sugar, a catalog table pattern ({@link #table()}: {@code catalog.database.table};
 * two parts mean the default catalog and one part the default database as well), which the gate
 * resolves to the identities of the catalog's tables.
 */
public record TableMapping(
        Glob table,
        IdentityPattern identity,
        String dataset,
        String zone,
        String region,
        Origin origin) {

    public static final String DEFAULT_CATALOG = "default_catalog";
    public static final String DEFAULT_DATABASE = "default_database";

    /** A catalog-name entry. */
    public TableMapping(Glob table, String dataset, String zone, String region, Origin origin) {
        this(table, null, dataset, zone, region, origin);
    }

    /** What a table resolved to. */
    public record Resolved(String dataset, String zone, String region, TableMapping mapping) {}

    /** Makes a pattern or identifier three-part, as Flink names tables. */
    public static String qualify(String name) {
        int dots = name.length() - name.replace(".", "").length();
        return switch (dots) {
            case 0 -> DEFAULT_CATALOG + "." + DEFAULT_DATABASE + "." + name;
            case 1 -> DEFAULT_CATALOG + "." + name;
            default -> name;
        };
    }

    /** Whether this is a catalog-name entry that matches the table name. */
    public boolean matches(String table) {
        return this.table != null && this.table.matches(table);
    }

    public Resolved resolve(String table) {
        String ds = dataset == null ? null : this.table.substitute(table, dataset);
        return new Resolved(ds, zone, region, this);
    }

    /** Resolves an identity this entry's pattern matches. */
    public Resolved resolve(java.util.Map<String, String> identityFields) {
        return new Resolved(identity.substitute(identityFields, dataset), zone, region, this);
    }

    /** How specific the entry is (literal characters of its pattern). */
    public int specificity() {
        return table != null ? table.specificity() : identity.specificity();
    }

    /** The entry's pattern as the policy wrote it. */
    public String pattern() {
        return table != null ? "table: " + table : identity.toString();
    }
}
