package dev.sluice.policy.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassificationFileTest {

    @Test
    void mergeKeepsWhatPeopleSetAndAddsNewColumnsWithReasons() {
        String existing =
                """
                # reviewed by the payments team
                version: 1
                classifications:
                  payments.customers.email: [PII.EMAIL]   # set by a person
                  payments.customers.phone: [PUBLIC.PHONE]

                teams:
                  payments: {reads: [payments.*]}
                """;

        ClassificationFile.Merge merge =
                ClassificationFile.merge(
                        "c.yaml",
                        existing,
                        List.of(
                                new ClassificationFile.Proposal(
                                        "payments.customers.phone",
                                        List.of("PII.PHONE"),
                                        0.9,
                                        "name"),
                                new ClassificationFile.Proposal(
                                        "payments.cards.card_number",
                                        List.of("PCI.PAN"),
                                        0.97,
                                        "98% of values are valid card numbers")));

        assertThat(merge.kept())
                .extracting(ClassificationFile.Proposal::column)
                .containsExactly("payments.customers.phone");
        assertThat(merge.added())
                .extracting(ClassificationFile.Proposal::column)
                .containsExactly("payments.cards.card_number");
        assertThat(merge.text())
                .contains("payments.customers.phone: [PUBLIC.PHONE]")
                .contains("# set by a person")
                .contains("# reviewed by the payments team")
                .contains(
                        "  # proposed by sluice classify, confidence 0.97: 98% of values are valid"
                                + " card numbers\n  payments.cards.card_number: [PCI.PAN]\n\nteams:");
        Policy policy =
                PolicyLoader.composeShape(
                        List.of(new PolicyLoader.PolicyText("c.yaml", merge.text())));
        assertThat(policy.classesOf("payments.customers.phone")).containsExactly("PUBLIC.PHONE");
        assertThat(policy.classesOf("payments.cards.card_number")).containsExactly("PCI.PAN");
    }

    @Test
    void aNewFileIsAValidPolicy() {
        ClassificationFile.Merge merge =
                ClassificationFile.merge(
                        "new.yaml",
                        null,
                        List.of(
                                new ClassificationFile.Proposal(
                                        "db.t.email", List.of("PII.EMAIL"), 0.8, "name")));

        assertThat(
                        PolicyLoader.compose(
                                        List.of(
                                                new PolicyLoader.PolicyText(
                                                        "new.yaml", merge.text())))
                                .classesOf("db.t.email"))
                .containsExactly("PII.EMAIL");
    }
}
