package dev.sluice.lifecycle;

import dev.sluice.gate.PolicySources;
import dev.sluice.policy.model.Origin;
import dev.sluice.policy.model.Policy;
import dev.sluice.policy.model.PolicyException;
import dev.sluice.policy.model.PolicyProblem;
import dev.sluice.policy.model.Retention;
import dev.sluice.sql.Pipeline;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;

/**
 * Turns the policy's {@code retention:} entries for Iceberg tables into one plan per table, checked
 * against the catalog: an entry that matches no table, names a column the table lacks or a column
 * that is not a date or timestamp, or asks to keep rows without a {@code time_column}, is a problem
 * at the entry's {@code file:line:col}. Entries whose dataset does not start with the catalog's
 * name are left to their own checks: staging topics to {@code sluice ingest}, JDBC tables to {@link
 * JdbcRetentionPlanner}.
 */
public final class RetentionPlanner {

    /** The plans of the tables found, and the problems of the entries. */
    public record Plans(Map<String, TableMaintenancePlan> tables, List<PolicyProblem> problems) {}

    private RetentionPlanner() {}

    /**
     * Plans every table of the catalog from the policy files of {@code policySpecs} (paths or
     * {@code classpath:sql/policy}); a problem of the files or of an entry is a {@link
     * PolicyException} naming each.
     */
    public static Map<String, TableMaintenancePlan> load(
            List<String> policySpecs, WarehouseCatalog warehouse) {
        Policy policy = PolicySources.compose(policySpecs);
        Plans plans = plan(policy, warehouse, warehouse.open());
        if (!plans.problems().isEmpty()) {
            throw new PolicyException(plans.problems());
        }
        return plans.tables();
    }

    /** The plans of every Iceberg table of the catalog and of the JDBC tables retention names. */
    public record All(Map<String, TableMaintenancePlan> iceberg, List<JdbcRetentionPlan> jdbc) {}

    /**
     * Plans the Iceberg tables of the catalog and, when the policy keeps rows of JDBC tables for a
     * limited time, the JDBC tables {@code pipelines} write ({@link JdbcRetentionPlanner}); the
     * problems of both are one {@link PolicyException}.
     */
    public static All loadAll(
            List<String> policySpecs,
            WarehouseCatalog warehouse,
            Supplier<List<Pipeline>> pipelines) {
        Policy policy = PolicySources.compose(policySpecs);
        Plans plans = plan(policy, warehouse, warehouse.open());
        JdbcRetentionPlanner.Plans jdbc =
                JdbcRetentionPlanner.plan(policy, warehouse.name(), pipelines);
        List<PolicyProblem> problems = new ArrayList<>(plans.problems());
        problems.addAll(jdbc.problems());
        if (!problems.isEmpty()) {
            throw new PolicyException(problems);
        }
        return new All(plans.tables(), jdbc.tables());
    }

    /** Plans every table of the catalog (the entries that apply to each, checked). */
    public static Plans plan(Policy policy, WarehouseCatalog warehouse, Catalog catalog) {
        List<TableIdentifier> tables = tables(catalog);
        Map<String, TableMaintenancePlan> plans = new LinkedHashMap<>();
        List<PolicyProblem> problems = new ArrayList<>();
        String prefix = warehouse.name() + ".";
        for (Retention r : policy.retention().values()) {
            if (!r.dataset().startsWith(prefix)) {
                continue;
            }
            if (tables.stream().noneMatch(t -> r.covers(warehouse.qualified(t)))) {
                problems.add(
                        problem(
                                r,
                                "No Iceberg table matches "
                                        + r.dataset()
                                        + " in catalog "
                                        + warehouse.name()
                                        + ". Tables: "
                                        + tables.stream().map(warehouse::qualified).toList()
                                        + ". Fix the name or pattern, or create the table first."));
            }
            if (r.keep() != null && r.timeColumn() == null) {
                problems.add(
                        problem(
                                r,
                                "Retention of "
                                        + r.dataset()
                                        + " keeps rows for "
                                        + r.keep().toDays()
                                        + "d but names no time_column. Add time_column: with the"
                                        + " date or timestamp column rows are aged by."));
            }
        }
        for (TableIdentifier t : tables) {
            String name = warehouse.qualified(t);
            Optional<Retention> entry = mostSpecific(policy, name);
            if (entry.isEmpty()) {
                plans.put(t.toString(), TableMaintenancePlan.defaults(t.toString()));
                continue;
            }
            Retention r = entry.get();
            if (r.timeColumn() != null) {
                Table table = catalog.loadTable(t);
                Types.NestedField field = table.schema().findField(r.timeColumn());
                if (field == null) {
                    problems.add(
                            problem(
                                    r,
                                    "Invalid time_column '"
                                            + r.timeColumn()
                                            + "' for "
                                            + name
                                            + ": no such column. Columns: "
                                            + table.schema().columns().stream()
                                                    .map(Types.NestedField::name)
                                                    .toList()
                                            + "."));
                    continue;
                }
                if (!RetentionDelete.isTime(field.type())) {
                    problems.add(
                            problem(
                                    r,
                                    "Invalid time_column '"
                                            + r.timeColumn()
                                            + "' for "
                                            + name
                                            + ": its type is "
                                            + field.type()
                                            + ", not a date or timestamp. Name the column rows"
                                            + " are aged by, such as created_at."));
                    continue;
                }
            }
            plans.put(
                    t.toString(),
                    new TableMaintenancePlan(
                            t.toString(),
                            r.timeColumn() == null ? null : r.keep(),
                            r.timeColumn(),
                            r.snapshots() == null ? null : r.snapshots().keepLast(),
                            r.snapshots() == null ? null : r.snapshots().maxAge(),
                            r.origin().toString()));
        }
        return new Plans(plans, problems);
    }

    /** The entry for {@code name} with the most literal characters, as sources and sinks pick. */
    static Optional<Retention> mostSpecific(Policy policy, String name) {
        return policy.retention().values().stream()
                .filter(r -> r.covers(name))
                .max(Comparator.comparingInt(r -> r.dataset().replace("*", "").length()));
    }

    /** Every table of every namespace (one level, as Sluice's catalogs hold them). */
    static List<TableIdentifier> tables(Catalog catalog) {
        List<TableIdentifier> out = new ArrayList<>();
        if (catalog instanceof SupportsNamespaces namespaces) {
            for (Namespace ns : namespaces.listNamespaces()) {
                out.addAll(catalog.listTables(ns));
            }
        }
        out.sort(Comparator.comparing(TableIdentifier::toString));
        return out;
    }

    private static PolicyProblem problem(Retention r, String message) {
        Origin at = r.origin();
        return new PolicyProblem(at, "/retention/" + r.dataset(), message);
    }
}
