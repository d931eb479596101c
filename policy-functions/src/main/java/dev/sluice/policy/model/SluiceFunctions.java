package dev.sluice.policy.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The SQL functions the {@code sluice} Flink module registers ({@code LOAD MODULE sluice;}), by
 * name, with how many arguments each takes (the value included). Kept here, without Flink, so that
 * a policy can be checked for the functions its rules name; the udfs module's tests hold the module
 * to this list.
 */
public final class SluiceFunctions {

    /** How many arguments a function takes, the masked value included. */
    public record Arity(int min, int max) {
        public boolean accepts(int count) {
            return count >= min && count <= max;
        }

        @Override
        public String toString() {
            return min == max ? String.valueOf(min) : min + " to " + max;
        }
    }

    private static final Map<String, Arity> FUNCTIONS = build();

    private SluiceFunctions() {}

    private static Map<String, Arity> build() {
        Map<String, Arity> f = new LinkedHashMap<>();
        // Hive-compatible masks: value, then charCount (the _n ones), upper, lower, digit, other,
        // number characters, then day, month and year values (read for DATE values, as in Hive)
        f.put("mask", new Arity(1, 9));
        for (String n :
                new String[] {
                    "mask_first_n", "mask_last_n", "mask_show_first_n", "mask_show_last_n"
                }) {
            f.put(n, new Arity(1, 10));
        }
        f.put("mask_strict", new Arity(1, 1));
        for (String n :
                new String[] {
                    "mask_first_n_strict",
                    "mask_last_n_strict",
                    "mask_show_first_n_strict",
                    "mask_show_last_n_strict"
                }) {
            f.put(n, new Arity(1, 2));
        }
        f.put("mask_hash", new Arity(1, 1));
        f.put("pseudonymize", new Arity(1, 2));
        f.put("encrypt_deterministic", new Arity(1, 2));
        f.put("decrypt_deterministic", new Arity(1, 2));
        f.put("generalize_date", new Arity(2, 2));
        f.put("bucket", new Arity(2, 2));
        f.put("postal_prefix", new Arity(2, 2));
        f.put("redact", new Arity(1, 1));
        f.put("classify", new Arity(1, 2));
        return Collections.unmodifiableMap(f);
    }

    /** Every function of the module with its arity, in a stable order. */
    public static Map<String, Arity> all() {
        return FUNCTIONS;
    }

    public static Optional<Arity> arity(String name) {
        return Optional.ofNullable(FUNCTIONS.get(name));
    }
}
