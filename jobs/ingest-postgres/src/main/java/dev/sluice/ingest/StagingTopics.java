package dev.sluice.ingest;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Naming convention of the staging area: one Kafka topic per source table, named {@code
 * <prefix>.<database>.<schema>.<table>} (lower case), e.g. {@code staging.payments.public.cards}.
 */
public final class StagingTopics {

    public static final String DEFAULT_PREFIX = "staging";

    private static final Pattern LEGAL_TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private StagingTopics() {}

    /** Where change events that cannot be encoded go: {@code <prefix>.<database>.dead-letter}. */
    public static String deadLetterTopicFor(String prefix, String database) {
        return checked(String.join(".", prefix, database, "dead-letter").toLowerCase(Locale.ROOT));
    }

    public static String topicFor(String prefix, String database, String schema, String table) {
        return checked(String.join(".", prefix, database, schema, table).toLowerCase(Locale.ROOT));
    }

    private static String checked(String topic) {
        if (!LEGAL_TOPIC.matcher(topic).matches()) {
            throw new IllegalArgumentException(
                    "Invalid staging topic name: "
                            + topic
                            + ". Kafka topic names allow only letters, digits, '.', '_' and '-'"
                            + " (at most 249 characters); rename the table or choose another"
                            + " staging.topic-prefix.");
        }
        return topic;
    }
}
