package dev.sluice.lifecycle;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;

/**
 * Row retention of one JDBC table a pipeline writes: rows whose {@code timeColumn} is older than
 * {@code keep} are deleted. The connection is the one the pipeline writes with ({@code url}, {@code
 * username}, {@code password} of its options), so the table is reached wherever the pipeline
 * reaches it; the password is never printed.
 *
 * @param dataset the policy's name of the table ({@code crm.customers})
 * @param table the table in its database ({@code customers} or {@code schema.customers})
 * @param declaredAt where the retention entry was declared ({@code file:line:col})
 * @param writer the pipeline file whose options the connection comes from
 */
public record JdbcRetentionPlan(
        String dataset,
        String url,
        String username,
        String password,
        String table,
        String timeColumn,
        Duration keep,
        String declaredAt,
        String writer)
        implements Serializable {

    /** The plan of a JDBC sink from the options its pipeline writes it with. */
    static JdbcRetentionPlan of(
            String dataset,
            Map<String, String> options,
            String timeColumn,
            Duration keep,
            String declaredAt,
            String writer) {
        return new JdbcRetentionPlan(
                dataset,
                options.get("url"),
                options.get("username"),
                options.get("password"),
                options.get("table-name"),
                timeColumn,
                keep,
                declaredAt,
                writer);
    }

    @Override
    public String toString() {
        return "JdbcRetentionPlan["
                + dataset
                + " "
                + table
                + " keep "
                + keep
                + " by "
                + timeColumn
                + ", url "
                + url
                + "]";
    }
}
