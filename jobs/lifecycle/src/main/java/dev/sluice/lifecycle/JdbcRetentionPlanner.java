package dev.sluice.lifecycle;

import dev.sluice.gate.PipelinePlanner;
import dev.sluice.gate.PlannedPipeline;
import dev.sluice.gate.SinkDatasets;
import dev.sluice.policy.model.Glob;
import dev.sluice.policy.model.Origin;
import dev.sluice.policy.model.Policy;
import dev.sluice.policy.model.PolicyProblem;
import dev.sluice.policy.model.Retention;
import dev.sluice.policy.model.TableMapping;
import dev.sluice.sql.Pipeline;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Turns the policy's {@code retention:} entries for JDBC tables into plans: an entry applies to the
 * JDBC tables pipelines write whose {@code sinks:} dataset it covers, and is checked against the
 * table in its database, reached with the pipeline's own connection options. An entry that covers
 * no such table, a table that does not exist, a {@code time_column} the table lacks or that is not
 * a date or timestamp, {@code keep} without {@code time_column}, or {@code snapshots:} on a JDBC
 * table, is a problem at the entry's {@code file:line:col}.
 *
 * <p>An entry is for JDBC tables when it keeps rows for a limited time and names neither a table of
 * the Iceberg catalog nor a staging topic (a {@code staging.} topic name, or a dataset of the
 * {@code sources:} entries). Only then are the pipelines planned: a maintenance run whose policy
 * has no such entry never needs them (or their variables).
 */
public final class JdbcRetentionPlanner {

    /** The plans of the tables found, and the problems of the entries. */
    public record Plans(List<JdbcRetentionPlan> tables, List<PolicyProblem> problems) {}

    private JdbcRetentionPlanner() {}

    /** The entries of the policy that are for JDBC tables (see the class comment). */
    public static List<Retention> entries(Policy policy, String icebergCatalog) {
        List<Retention> out = new ArrayList<>();
        for (Retention r : policy.retention().values()) {
            if (r.keep() == null
                    || r.dataset().startsWith(icebergCatalog + ".")
                    || r.dataset().startsWith("staging.")
                    || policy.sources().stream().anyMatch(s -> overlaps(r, s))) {
                continue;
            }
            out.add(r);
        }
        return out;
    }

    private static boolean overlaps(Retention r, TableMapping source) {
        String dataset = source.dataset();
        return dataset != null && Glob.intersects(r.dataset(), dataset);
    }

    /**
     * Plans the JDBC tables of {@code pipelines} (loaded lazily, only when the policy has an entry
     * for JDBC tables); a pipeline that cannot be loaded or planned is a problem, since a table it
     * writes might be one the policy wants rows deleted from.
     */
    public static Plans plan(
            Policy policy, String icebergCatalog, Supplier<List<Pipeline>> pipelines) {
        List<Retention> entries = entries(policy, icebergCatalog);
        if (entries.isEmpty()) {
            return new Plans(List.of(), List.of());
        }
        PipelinePlanner planner = PipelinePlanner.create();
        List<PlannedPipeline> planned = new ArrayList<>();
        for (Pipeline p : pipelines.get()) {
            planned.add(planner.plan(p));
        }
        return plan(policy, entries, SinkDatasets.of(policy, planned));
    }

    /** Checks {@code entries} against the JDBC tables of {@code written}. */
    static Plans plan(Policy policy, List<Retention> entries, List<SinkDatasets.Written> written) {
        List<JdbcRetentionPlan> plans = new ArrayList<>();
        List<PolicyProblem> problems = new ArrayList<>();
        List<SinkDatasets.Written> jdbc =
                written.stream().filter(w -> w.identity().kind().equals("jdbc")).toList();
        for (Retention r : entries) {
            if (jdbc.stream().noneMatch(w -> r.covers(w.dataset()))) {
                problems.add(
                        problem(
                                r,
                                "No JDBC table a pipeline writes is dataset "
                                        + r.dataset()
                                        + " (JDBC sinks written: "
                                        + jdbc.stream().map(SinkDatasets.Written::dataset).toList()
                                        + "; Iceberg tables are named "
                                        + "<catalog>.<database>.<table>, staging topics by their"
                                        + " sources: dataset). Fix the name, or map the table"
                                        + " under sinks: with a jdbc: entry."));
            }
        }
        for (SinkDatasets.Written w : jdbc) {
            Optional<Retention> entry = RetentionPlanner.mostSpecific(policy, w.dataset());
            if (entry.isEmpty() || !entries.contains(entry.get())) {
                continue;
            }
            Retention r = entry.get();
            if (r.snapshots() != null) {
                problems.add(
                        problem(
                                r,
                                "snapshots: applies to Iceberg tables; "
                                        + w.dataset()
                                        + " is a JDBC table ("
                                        + w.identity()
                                        + "). Remove snapshots: from this entry."));
            }
            if (r.timeColumn() == null) {
                problems.add(
                        problem(
                                r,
                                "Retention of "
                                        + w.dataset()
                                        + " keeps rows for "
                                        + r.keep().toDays()
                                        + "d but names no time_column. Add time_column: with the"
                                        + " date or timestamp column rows are aged by."));
                continue;
            }
            JdbcRetentionPlan plan =
                    JdbcRetentionPlan.of(
                            w.dataset(),
                            w.options(),
                            r.timeColumn(),
                            r.keep(),
                            r.origin().toString(),
                            w.writer());
            String problem = check(plan);
            if (problem != null) {
                problems.add(problem(r, problem));
                continue;
            }
            plans.add(plan);
        }
        return new Plans(plans, problems);
    }

    /** What is wrong with the plan's table in its database, or null. */
    static String check(JdbcRetentionPlan plan) {
        String where = describe(plan.url());
        if (plan.url() == null || plan.table() == null) {
            return "The pipeline "
                    + plan.writer()
                    + " writes "
                    + plan.dataset()
                    + " without 'url' or 'table-name'; retention cannot reach it.";
        }
        try (Connection c = JdbcRetentionDelete.connect(plan)) {
            JdbcRetentionDelete.TableShape shape = JdbcRetentionDelete.shape(c, plan.table());
            if (shape.columns().isEmpty()) {
                return "Table "
                        + plan.table()
                        + " of "
                        + plan.dataset()
                        + " does not exist in "
                        + where
                        + " (written by "
                        + plan.writer()
                        + "). Create it first, or fix the pipeline's table-name.";
            }
            Integer type = shape.typeOf(plan.timeColumn());
            if (type == null) {
                return "Invalid time_column '"
                        + plan.timeColumn()
                        + "' for "
                        + plan.dataset()
                        + ": no such column in "
                        + plan.table()
                        + ". Columns: "
                        + shape.columns()
                        + ".";
            }
            if (!JdbcRetentionDelete.isTime(type)) {
                return "Invalid time_column '"
                        + plan.timeColumn()
                        + "' for "
                        + plan.dataset()
                        + ": its type is "
                        + JdbcRetentionDelete.typeName(type)
                        + ", not a date or timestamp. Name the column rows are aged by, such as"
                        + " updated_at.";
            }
            return null;
        } catch (SQLException e) {
            return "Cannot reach "
                    + plan.dataset()
                    + " at "
                    + where
                    + " with the options of "
                    + plan.writer()
                    + ": "
                    + JdbcRetentionRun.redacted(plan, e.getMessage())
                    + ". Check the pipeline's url, username and password variables.";
        }
    }

    /** A JDBC URL without its query (which may carry a password). */
    static String describe(String url) {
        if (url == null) {
            return "(no url)";
        }
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    private static PolicyProblem problem(Retention r, String message) {
        Origin at = r.origin();
        return new PolicyProblem(at, "/retention/" + r.dataset(), message);
    }
}
