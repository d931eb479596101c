package dev.sluice.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StagingTopicsTest {

    @Test
    void namesTopicsPrefixDatabaseSchemaTableInLowerCase() {
        assertThat(StagingTopics.topicFor("staging", "Payments", "public", "Cards"))
                .isEqualTo("staging.payments.public.cards");
        assertThat(StagingTopics.deadLetterTopicFor("staging", "payments"))
                .isEqualTo("staging.payments.dead-letter");
    }

    @Test
    void rejectsNamesKafkaCannotHold() {
        assertThatThrownBy(
                        () ->
                                StagingTopics.topicFor(
                                        "staging", "payments", "public", "order items"))
                .hasMessageContaining(
                        "Invalid staging topic name: staging.payments.public.order items")
                .hasMessageContaining("letters, digits");
    }
}
