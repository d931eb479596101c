package dev.sluice.erasure;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.policy.mask.MaskHash;
import dev.sluice.policy.pseudonym.KeyProvider;
import dev.sluice.policy.pseudonym.Pseudonymizer;
import java.util.ArrayList;
import java.util.Collection;
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
    private final Set<String> keyed;
    private final List<String> notes;

    private SubjectValues(Map<String, Set<String>> values, Set<String> keyed, List<String> notes) {
        this.values = values;
        this.keyed = keyed;
        this.notes = notes;
    }

    /** Resolves the values; {@code staging} reads a dataset's staging topic (null: no lookup). */
    public static SubjectValues resolve(
            ErasurePlan plan,
            List<String> ids,
            java.util.function.Function<String, StagingTopic> staging) {
        return resolveFrom(
                plan,
                ids,
                dataset -> {
                    StagingTopic topic = staging == null ? null : staging.apply(dataset);
                    return topic == null ? null : topic::replay;
                });
    }

    /**
     * Resolves the values; {@code replays} gives a replay of a dataset's staging rows (null: no
     * lookup).
     */
    static SubjectValues resolveFrom(
            ErasurePlan plan,
            List<String> ids,
            java.util.function.Function<
                            String,
                            java.util.function.Consumer<java.util.function.Consumer<JsonNode>>>
                    replays) {
        ErasurePlan.Subject subject = plan.subject();
        String keyTable = ErasurePlan.Subject.tableOf(subject.key());
        String keyColumn = ErasurePlan.Subject.columnOf(subject.key());
        Map<String, Set<String>> values = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        values.put(subject.key(), new LinkedHashSet<>(ids));
        Set<String> keyed = new LinkedHashSet<>();
        keyed.add(subject.key());
        List<String> sameRow = new ArrayList<>();
        for (String c : subject.also()) {
            if (ErasurePlan.Subject.tableOf(c).equals(keyTable)) {
                sameRow.add(c);
                values.put(c, new LinkedHashSet<>());
            } else {
                values.put(c, new LinkedHashSet<>(ids));
                keyed.add(c);
            }
        }
        if (!sameRow.isEmpty()) {
            java.util.function.Consumer<java.util.function.Consumer<JsonNode>> topic =
                    replays.apply(keyTable);
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
                topic.accept(
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
        return new SubjectValues(values, keyed, notes);
    }

    /** Subject column → its values. */
    public Map<String, Set<String>> values() {
        return values;
    }

    /**
     * The subject columns whose values are the subject's ids: the key and the references to it in
     * other tables (such as {@code cards.customer_id}). A row holding one of them belongs to the
     * subject; a row holding one of the other values (an e-mail the subject's row once held) may
     * belong to another subject that holds the same value.
     */
    public Set<String> keyed() {
        return keyed;
    }

    /**
     * Whether a set of forms carries the subject's ids. Where a dataset does, its rows are found by
     * the ids alone: matching its other identifying columns too would also take the rows of other
     * subjects that happen to share a value (two customers with the same e-mail address).
     */
    boolean carriesIds(Collection<ErasurePlan.Form> forms) {
        return forms.stream().anyMatch(f -> keyed.contains(f.subjectColumn()));
    }

    /**
     * The staging datasets to check and, per dataset, its columns and their values: by the id
     * columns alone where the dataset holds one (see {@link #carriesIds}).
     */
    public Map<String, Map<String, Set<String>>> byStagingDataset() {
        Map<String, Map<String, Set<String>>> out = new LinkedHashMap<>();
        values.forEach(
                (column, set) ->
                        out.computeIfAbsent(
                                        ErasurePlan.Subject.tableOf(column),
                                        k -> new LinkedHashMap<>())
                                .put(column, set));
        Map<String, Map<String, Set<String>>> result = new LinkedHashMap<>();
        out.forEach(
                (dataset, columns) -> {
                    boolean ids = columns.keySet().stream().anyMatch(keyed::contains);
                    Map<String, Set<String>> kept = new LinkedHashMap<>();
                    columns.forEach(
                            (column, set) -> {
                                if (!ids || keyed.contains(column)) {
                                    kept.put(ErasurePlan.Subject.columnOf(column), set);
                                }
                            });
                    result.put(dataset, kept);
                });
        return result;
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
        boolean byIds =
                carriesIds(target.columns().values().stream().flatMap(Set::stream).toList());
        target.columns()
                .forEach(
                        (column, forms) -> {
                            Set<String> set = new LinkedHashSet<>();
                            for (ErasurePlan.Form form : forms) {
                                if (byIds && !keyed.contains(form.subjectColumn())) {
                                    continue; // the ids find the subject's rows (carriesIds)
                                }
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
