package dev.sluice.policy.model;

/**
 * Declares what a Flink table is to the policy: which dataset it holds (sources; {@code *} in the
 * dataset takes what {@code *} matched in the table), and for sinks the zone and region its data
 * lands in. Table patterns name {@code catalog.database.table}; two parts mean the default catalog
 * and one part the default database as well.
 */
public record TableMapping(Glob table, String dataset, String zone, String region, Origin origin) {

    public static final String DEFAULT_CATALOG = "default_catalog";
    public static final String DEFAULT_DATABASE = "default_database";

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

    public boolean matches(String table) {
        return this.table.matches(table);
    }

    public Resolved resolve(String table) {
        String ds = dataset == null ? null : this.table.substitute(table, dataset);
        return new Resolved(ds, zone, region, this);
    }
}
