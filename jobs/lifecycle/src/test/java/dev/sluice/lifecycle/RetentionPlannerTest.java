package dev.sluice.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.policy.model.Policy;
import dev.sluice.policy.model.PolicyLoader;
import dev.sluice.policy.model.PolicyLoader.PolicyText;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention entries checked against an Iceberg catalog (a Hadoop catalog in a folder). */
class RetentionPlannerTest {
    @TempDir Path dir;
    private WarehouseCatalog warehouse;
    private Catalog catalog;

    @BeforeEach
    void setUp() {
        warehouse =
                new WarehouseCatalog(
                        "warehouse", Map.of("type", "hadoop", "warehouse", dir.toUri().toString()));
        catalog = warehouse.open();
        TestTables.create(catalog, TableIdentifier.of("payments", "payments"));
        TestTables.create(catalog, TableIdentifier.of("payments", "cards"));
        TestTables.create(catalog, TableIdentifier.of("crm", "people"));
    }

    private RetentionPlanner.Plans plan(String yaml) {
        Policy policy = PolicyLoader.compose(List.of(new PolicyText("p.yaml", yaml)));
        return RetentionPlanner.plan(policy, warehouse, catalog);
    }

    @Test
    void theMostSpecificEntryAppliesAndTablesWithoutOneGetDefaults() {
        RetentionPlanner.Plans plans =
                plan(
                        """
                        retention:
                          warehouse.payments.*: {snapshots: {keep_last: 20, max_age: 1d}}
                          warehouse.payments.payments:
                            keep: 400d
                            time_column: created_at
                            snapshots: {keep_last: 5}
                          staging.payments.*: {keep: 30d}
                        """);

        assertThat(plans.problems()).isEmpty();
        assertThat(plans.tables().keySet())
                .containsExactly("crm.people", "payments.cards", "payments.payments");
        TableMaintenancePlan payments = plans.tables().get("payments.payments");
        assertThat(payments.hasRowRetention()).isTrue();
        assertThat(payments.keepRows()).isEqualTo(Duration.ofDays(400));
        assertThat(payments.keepLastSnapshots()).isEqualTo(5);
        assertThat(payments.declaredAt()).isEqualTo("p.yaml:3:3");
        TableMaintenancePlan cards = plans.tables().get("payments.cards");
        assertThat(cards.hasRowRetention()).isFalse();
        assertThat(cards.maxSnapshotAge()).isEqualTo(Duration.ofDays(1));
        assertThat(plans.tables().get("crm.people"))
                .isEqualTo(TableMaintenancePlan.defaults("crm.people"));
    }

    @Test
    void problemsNameTheEntryAndSayWhatIsWrong() {
        RetentionPlanner.Plans plans =
                plan(
                        """
                        retention:
                          warehouse.payments.payments: {keep: 400d, time_column: status}
                          warehouse.payments.cards: {keep: 400d, time_column: expiry}
                          warehouse.shop.*: {keep: 30d, time_column: created_at}
                          warehouse.crm.people: {keep: 30d}
                        """);

        assertThat(plans.problems())
                .extracting(Object::toString)
                .anySatisfy(
                        p ->
                                assertThat(p)
                                        .startsWith("p.yaml:2:3")
                                        .contains("time_column 'status'")
                                        .contains("its type is string"))
                .anySatisfy(
                        p ->
                                assertThat(p)
                                        .startsWith("p.yaml:3:3")
                                        .contains("no such column")
                                        .contains("[id, status, created_at]"))
                .anySatisfy(
                        p ->
                                assertThat(p)
                                        .startsWith("p.yaml:4:3")
                                        .contains("No Iceberg table matches warehouse.shop.*"))
                .anySatisfy(
                        p ->
                                assertThat(p)
                                        .startsWith("p.yaml:5:3")
                                        .contains("names no time_column"));
        assertThat(plans.problems()).hasSize(4);
    }
}
