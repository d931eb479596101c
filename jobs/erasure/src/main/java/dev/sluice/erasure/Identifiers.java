package dev.sluice.erasure;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * The identifying columns of one table and the values (in the form the table holds them: raw,
 * hashed or pseudonymized) that mark a subject's rows. A row matches when any of its identifying
 * columns holds one of its values.
 */
public final class Identifiers {
    private final Map<String, Set<Object>> values;

    private Identifiers(Map<String, Set<Object>> values) {
        this.values = values;
    }

    /** Values as text, converted to each column's type in {@code schema} (long, int, string). */
    public static Identifiers forSchema(Schema schema, Map<String, Set<String>> textValues) {
        Map<String, Set<Object>> typed = new LinkedHashMap<>();
        textValues.forEach(
                (column, texts) -> {
                    Types.NestedField field = schema.findField(column);
                    Set<Object> out = new LinkedHashSet<>();
                    for (String t : texts) {
                        Object v = field == null ? t : convert(field.type(), t);
                        if (v != null) {
                            out.add(v);
                        }
                    }
                    if (!out.isEmpty()) {
                        typed.put(column, out);
                    }
                });
        return new Identifiers(typed);
    }

    /** Text values as they are (JDBC, staging). */
    public static Identifiers ofText(Map<String, Set<String>> textValues) {
        Map<String, Set<Object>> out = new LinkedHashMap<>();
        textValues.forEach((c, v) -> out.put(c, new LinkedHashSet<>(v)));
        return new Identifiers(out);
    }

    private static Object convert(Type type, String text) {
        try {
            return switch (type.typeId()) {
                case LONG -> Long.parseLong(text.strip());
                case INTEGER -> Integer.parseInt(text.strip());
                default -> text;
            };
        } catch (NumberFormatException e) {
            return null; // a value that cannot be in the column
        }
    }

    public List<String> columns() {
        return new ArrayList<>(values.keySet());
    }

    public Set<Object> values(String column) {
        return Collections.unmodifiableSet(values.getOrDefault(column, Set.of()));
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** Whether any identifying column of {@code record} (those it has) holds a value. */
    public boolean matches(Record record) {
        for (Map.Entry<String, Set<Object>> e : values.entrySet()) {
            if (record.struct().field(e.getKey()) == null) {
                continue;
            }
            Object v = record.getField(e.getKey());
            if (v != null && e.getValue().contains(v)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code value} read from {@code column} is one of its values (compared as text). */
    public boolean matchesText(String column, Object value) {
        if (value == null) {
            return false;
        }
        Set<Object> set = values.get(column);
        if (set == null) {
            return false;
        }
        String text = value.toString();
        for (Object v : set) {
            if (v.toString().equals(text)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        // values are personal data: only their count is printed
        Map<String, Integer> counts = new LinkedHashMap<>();
        values.forEach((c, v) -> counts.put(c, v.size()));
        return "Identifiers" + counts;
    }
}
