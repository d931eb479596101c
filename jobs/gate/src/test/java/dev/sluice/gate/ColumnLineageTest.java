package dev.sluice.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ColumnLineageTest {

    @Test
    void readsTopLevelFieldNamesOfARowType() {
        assertThat(
                        ColumnLineage.rowFieldNames(
                                "ROW<`id` BIGINT NOT NULL, `r` ROW<`a` STRING, `b` INT>,"
                                        + " `we``ird` DECIMAL(12, 2) 'a, `comment`'>"))
                .containsExactly("id", "r", "we`ird");
    }

    @Test
    void unquotesIdentifiers() {
        assertThat(ColumnLineage.unquote("`default_catalog`.`st.aging`.`t``x`"))
                .isEqualTo("default_catalog.st.aging.t`x");
    }

    @Test
    void unknownPlanNodesAreRejectedNotGuessed() {
        String plan =
                """
                {"nodes": [
                  {"id": 1, "type": "stream-exec-something-new_1", "outputType": "ROW<`a` INT>"},
                  {"id": 2, "type": "stream-exec-sink_1", "dynamicTableSink": {"table": {
                    "identifier": "`c`.`d`.`t`",
                    "resolvedTable": {"schema": {"columns": [{"name": "a", "dataType": "INT"}]}}}}}
                 ],
                 "edges": [{"source": 1, "target": 2}]}
                """;

        assertThatThrownBy(() -> ColumnLineage.of(plan))
                .isInstanceOf(LineageException.class)
                .hasMessageContaining("stream-exec-something-new_1")
                .hasMessageContaining("rejects what it cannot prove");
    }
}
