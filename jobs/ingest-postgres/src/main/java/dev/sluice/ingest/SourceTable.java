package dev.sluice.ingest;

import java.util.Locale;

/** A captured source table, {@code schema.table}. */
public record SourceTable(String schema, String table) {

    /** Parses {@code schema.table}; a bare {@code table} means schema {@code public}. */
    public static SourceTable parse(String qualifiedName) {
        String name = qualifiedName.trim();
        String[] parts = name.split("\\.", -1);
        if (name.isEmpty()
                || parts.length > 2
                || parts[0].isEmpty()
                || parts[parts.length - 1].isEmpty()) {
            throw new IllegalArgumentException(
                    "Invalid table in option 'tables': '"
                            + qualifiedName
                            + "'. Write schema.table, for example public.customers.");
        }
        return parts.length == 1
                ? new SourceTable("public", parts[0].toLowerCase(Locale.ROOT))
                : new SourceTable(
                        parts[0].toLowerCase(Locale.ROOT), parts[1].toLowerCase(Locale.ROOT));
    }

    public String qualifiedName() {
        return schema + "." + table;
    }

    @Override
    public String toString() {
        return qualifiedName();
    }
}
