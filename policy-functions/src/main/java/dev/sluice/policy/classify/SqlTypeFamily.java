package dev.sluice.policy.classify;

import dev.sluice.policy.detect.SensitiveClass;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a column's SQL type allows it to hold: text can hold any class, integers only digit-only
 * classes, dates and timestamps only dates of birth, booleans and fractional numbers none.
 */
enum SqlTypeFamily {
    TEXT(EnumSet.allOf(SensitiveClass.class)),
    INTEGER(
            EnumSet.of(
                    SensitiveClass.PCI_PAN,
                    SensitiveClass.PII_PHONE,
                    SensitiveClass.PII_SSN,
                    SensitiveClass.PII_DOB,
                    SensitiveClass.PII_ADDRESS)),
    TEMPORAL(EnumSet.of(SensitiveClass.PII_DOB)),
    NONE(EnumSet.noneOf(SensitiveClass.class));

    private final Set<SensitiveClass> allowed;

    SqlTypeFamily(Set<SensitiveClass> allowed) {
        this.allowed = allowed;
    }

    boolean allows(SensitiveClass c) {
        return allowed.contains(c);
    }

    /** The family of a SQL type name such as {@code VARCHAR(255)} or {@code DECIMAL(19, 0)}. */
    static SqlTypeFamily of(String sqlType) {
        if (sqlType == null || sqlType.isBlank()) {
            return TEXT;
        }
        String t = sqlType.strip().toUpperCase(Locale.ROOT);
        int paren = t.indexOf('(');
        String base = (paren < 0 ? t : t.substring(0, paren)).strip();
        if (base.endsWith(" NOT NULL")) {
            base = base.substring(0, base.length() - " NOT NULL".length()).strip();
        }
        switch (base) {
            case "TINYINT", "SMALLINT", "INT", "INTEGER", "BIGINT", "INT2", "INT4", "INT8":
                return INTEGER;
            case "DECIMAL", "NUMERIC", "DEC":
                return zeroScale(t) ? INTEGER : NONE;
            case "DATE", "TIMESTAMP", "TIMESTAMP_LTZ", "DATETIME", "TIMESTAMPTZ":
                return TEMPORAL;
            case "BOOLEAN",
                    "BOOL",
                    "FLOAT",
                    "DOUBLE",
                    "DOUBLE PRECISION",
                    "REAL",
                    "TIME",
                    "INTERVAL":
                return NONE;
            default:
                if (base.startsWith("TIMESTAMP")) {
                    return TEMPORAL;
                }
                return TEXT;
        }
    }

    private static boolean zeroScale(String t) {
        int comma = t.indexOf(',');
        if (comma < 0) {
            return true; // DECIMAL(p) and DECIMAL have scale 0
        }
        int close = t.indexOf(')', comma);
        String scale = t.substring(comma + 1, close < 0 ? t.length() : close).strip();
        return scale.equals("0");
    }
}
