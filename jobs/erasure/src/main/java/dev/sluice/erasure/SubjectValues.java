package dev.sluice.erasure;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.policy.mask.MaskHash;
import dev.sluice.policy.pseudonym.KeyProvider;
import dev.sluice.policy.pseudonym.Pseudonymizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The values of a subject's columns for the ids being forgotten: the key column holds the ids; a
 * column of another table holds them too (a reference such as {@code cards.customer_id}); a column
 * of the key's own table (such as {@code customers.email}) holds whatever the subject's rows held,
 * found by replaying the key's staging topic (every value it ever had, not only the current one).
 */
public final class SubjectValues {
    private final Map<String, Set<String>> values;
    private final List<String> notes;

    private SubjectValues(Map<String, Set<String>> values, List<String> notes) {
        this.values = values;
        this.notes = notes;
    }

    /** Resolves the values; {@code staging} reads a dataset's staging topic (null: no lookup). */
    public static SubjectValues resolve(
            ErasurePlan plan,
            List<String> ids,
            java.util.function.Function<String, StagingTopic> staging) {
        ErasurePlan.Subject subject = plan.subject();
        String keyTable = ErasurePlan.Subject.tableOf(subject.key());
        String keyColumn = ErasurePlan.Subject.columnOf(subject.key());
        Map<String, Set<String>> values = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        values.put(subject.key(), new LinkedHashSet<>(ids));
        List<String> sameRow = new ArrayList<>();
        for (String c : subject.also()) {
            if (ErasurePlan.Subject.tableOf(c).equals(keyTable)) {
                sameRow.add(c);
                values.put(c, new LinkedHashSet<>());
            } else {
                values.put(c, new LinkedHashSet<>(ids));
            }
        }
        if (!sameRow.isEmpty()) {
            StagingTopic topic = staging == null ? null : staging.apply(keyTable);
            if (topic == null) {
                notes.add(
                        "No pipeline reads dataset "
                                + keyTable
                                + ", so "
                                + sameRow
                                + " could not be looked up; rows holding them are found by the"
                                + " key only.");
            } else {
                Set<String> idSet = new LinkedHashSet<>(ids);
                topic.replay(
                        row -> {
                            JsonNode key = row.get(keyColumn);
                            if (key != null && !key.isNull() && idSet.contains(key.asText())) {
                                for (String c : sameRow) {
                                    JsonNode v = row.get(ErasurePlan.Subject.columnOf(c));
                                    if (v != null && !v.isNull()) {
                                        values.get(c).add(v.asText());
                                    }
                                }
                            }
                        });
            }
        }
        return new SubjectValues(values, notes);
    }

    /** Subject column → its values. */
    public Map<String, Set<String>> values() {
        return values;
    }

    public List<String> notes() {
        return notes;
    }

    /**
     * A target's identifying columns → the values they hold, each form computed ({@code mask_hash},
     * {@code pseudonymize} under its key from {@code keys}).
     *
     * @throws IllegalArgumentException when a pseudonymized column needs keys and none are given
     */
    public Map<String, Set<String>> forTarget(ErasurePlan.Target target, KeyProvider keys) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        Map<String, Pseudonymizer> pseudonymizers = new HashMap<>();
        target.columns()
                .forEach(
                        (column, forms) -> {
                            Set<String> set = new LinkedHashSet<>();
                            for (ErasurePlan.Form form : forms) {
                                for (String v :
                                        values.getOrDefault(form.subjectColumn(), Set.of())) {
                                    set.add(apply(form, v, keys, pseudonymizers, target));
                                }
                            }
                            if (!set.isEmpty()) {
                                out.put(column, set);
                            }
                        });
        return out;
    }

    private static String apply(
            ErasurePlan.Form form,
            String value,
            KeyProvider keys,
            Map<String, Pseudonymizer> pseudonymizers,
            ErasurePlan.Target target) {
        String t = form.transform();
        if (t.isEmpty()) {
            return value;
        }
        if (t.equals("mask_hash")) {
            return MaskHash.sha256Hex(value);
        }
        String keyName = t.substring("pseudonymize:".length());
        if (keys == null) {
            throw new IllegalArgumentException(
                    "Dataset "
                            + target.dataset()
                            + " holds "
                            + form
                            + " pseudonymized with key '"
                            + keyName
                            + "': forget needs the keyset to compute the pseudonyms. Give"
                            + " --keyset FILE and the master key in its environment variable"
                            + " (--master-key-env, default SLUICE_MASTER_KEY). Nothing was"
                            + " deleted.");
        }
        return pseudonymizers
                .computeIfAbsent(keyName, k -> Pseudonymizer.create(keys, k))
                .pseudonymize(value);
    }
}
