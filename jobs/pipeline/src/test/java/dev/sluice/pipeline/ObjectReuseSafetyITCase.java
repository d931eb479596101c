package dev.sluice.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sluice runs every pipeline with {@code pipeline.object-reuse = true} ({@link PipelineRunner}).
 * This holds that default to a typical pipeline's SQL — masking functions, mini-batch two-phase
 * aggregation, a regular join, deduplication by ROW_NUMBER — giving the same results with object
 * reuse as without. Object reuse matters only between chained operators: here the source, the
 * projection with the masks and the local aggregation, which buffers rows between mini-batches; the
 * join, the rank and the global aggregation sit behind shuffles and get their own copies.
 */
class ObjectReuseSafetyITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final String QUERY =
            "WITH spend AS (\n"
                    + "  SELECT customer, COUNT(*) AS orders, SUM(amount) AS total,\n"
                    + "    MAX(mask_show_last_n(item, 2)) AS top_item, MIN(UPPER(note)) AS first_note\n"
                    + "  FROM orders GROUP BY customer),\n"
                    + "latest AS (\n"
                    + "  SELECT customer, item AS last_item FROM (\n"
                    + "    SELECT customer, item, ROW_NUMBER() OVER (\n"
                    + "      PARTITION BY customer ORDER BY proc DESC) AS n FROM orders)\n"
                    + "  WHERE n = 1)\n"
                    + "SELECT s.customer, s.orders, s.total, s.top_item, s.first_note, l.last_item\n"
                    + "FROM spend s JOIN latest l ON s.customer = l.customer";

    @Test
    void typicalPipelineOperatorsGiveTheSameResultsWithObjectReuse() throws Exception {
        Map<Long, Row> withReuse = run(true);
        Map<Long, Row> withoutReuse = run(false);

        assertThat(withReuse).hasSize(97);
        assertThat(withReuse).isEqualTo(withoutReuse);
        // every customer saw every one of its orders, whatever the operators shared
        assertThat(withReuse.values().stream().mapToLong(row -> (Long) row.getField(1)).sum())
                .isEqualTo(20_000);
    }

    /** Runs {@link #QUERY} to the end and applies its changelog: the final row per customer. */
    private static Map<Long, Row> run(boolean objectReuse) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        if (objectReuse) {
            env.getConfig().enableObjectReuse();
        } else {
            env.getConfig().disableObjectReuse();
        }
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        tEnv.getConfig().set("table.exec.mini-batch.enabled", "true");
        tEnv.getConfig().set("table.exec.mini-batch.allow-latency", "100 ms");
        tEnv.getConfig().set("table.exec.mini-batch.size", "500");
        tEnv.getConfig().set("table.optimizer.agg-phase-strategy", "TWO_PHASE");
        tEnv.executeSql("LOAD MODULE sluice");
        // deterministic: every column is computed from the sequence
        tEnv.executeSql(
                "CREATE TEMPORARY TABLE orders (\n"
                        + "  id BIGINT,\n"
                        + "  customer AS CAST(id % 97 AS BIGINT),\n"
                        + "  amount AS CAST(id % 1000 AS DECIMAL(10, 2)) / 10,\n"
                        + "  item AS CONCAT('item-', CAST(id * 7919 % 10007 AS STRING)),\n"
                        + "  note AS CONCAT('note ', CAST(id % 31 AS STRING), ' ä'),\n"
                        + "  proc AS PROCTIME()\n"
                        + ") WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence',\n"
                        + "  'fields.id.start' = '1', 'fields.id.end' = '20000')");
        assertThat(tEnv.explainSql(QUERY))
                .as("the plan holds the operators this test is about")
                .contains("LocalGroupAggregate", "GlobalGroupAggregate", "Join", "Calc")
                .containsAnyOf("Rank", "Deduplicate");
        Map<Long, Row> state = new TreeMap<>();
        TableResult result = tEnv.executeSql(QUERY);
        try (CloseableIterator<Row> changes = result.collect()) {
            while (changes.hasNext()) {
                Row change = changes.next();
                Long customer = (Long) change.getField(0);
                switch (change.getKind()) {
                    case INSERT, UPDATE_AFTER -> state.put(customer, withoutKind(change));
                    case UPDATE_BEFORE, DELETE -> state.remove(customer);
                }
            }
        }
        // last_item depends on processing order (ROW_NUMBER over PROCTIME): compare it as present
        state.replaceAll(
                (customer, row) -> {
                    Row stable = Row.copy(row);
                    stable.setField(5, row.getField(5) != null);
                    return stable;
                });
        return state;
    }

    private static Row withoutKind(Row change) {
        Row row = Row.copy(change);
        row.setKind(org.apache.flink.types.RowKind.INSERT);
        return row;
    }
}
