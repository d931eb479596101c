package dev.sluice.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.harness.AwaitWhileRunning;
import dev.sluice.harness.KafkaBroker;
import dev.sluice.harness.KafkaExtension;
import dev.sluice.harness.PostgresExtension;
import dev.sluice.harness.PostgresServer;
import dev.sluice.staging.StagingRecord;
import dev.sluice.stagingkeys.KeyStoreSettings;
import dev.sluice.stagingkeys.StagingDecryptor;
import dev.sluice.stagingkeys.SubjectKeys;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Crypto-shredding of staging on real PostgreSQL and Kafka: classified columns never reach the
 * topic in clear, decrypt through the key store, and once a subject's key is destroyed every replay
 * from the earliest offset gives NULL plus {@code _shredded} for that subject only. A missing
 * master key or key store stops the job before it starts, naming what is missing.
 */
class StagingEncryptionITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    private static final Duration DEADLINE = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ENCRYPTED =
            "public.customers:customer:id:email,full_name;public.cards:customer:customer_id:pan";

    @Test
    void classifiedColumnsAreEncryptedDecryptedAndShreddedPerSubject() throws Exception {
        PostgresServer postgres = POSTGRES.server();
        postgres.createDatabase("shop");
        postgres.createDatabase("keys");
        try (Connection c = postgres.connect("shop");
                Statement s = c.createStatement()) {
            s.execute(
                    "CREATE TABLE customers (id bigint PRIMARY KEY, email text, full_name text,"
                            + " country text)");
            s.execute("ALTER TABLE customers REPLICA IDENTITY FULL");
            s.execute(
                    "CREATE TABLE cards (id bigint PRIMARY KEY, customer_id bigint, pan text,"
                            + " brand text)");
            s.execute("ALTER TABLE cards REPLICA IDENTITY FULL");
            s.execute(
                    "INSERT INTO customers VALUES (1, 'alice@example.com', 'Alice Adams', 'NL'),"
                            + " (2, 'bob@example.com', 'Bob Brown', 'DE'),"
                            + " (3, NULL, 'Carol Null', 'FR'),"
                            + " (4, 'dave@example.com', 'Dave Davis', 'BE')");
            s.execute(
                    "INSERT INTO cards VALUES (10, 1, '4111000011110001', 'visa'),"
                            + " (20, 2, '5500000055550002', 'mastercard'),"
                            + " (30, NULL, '6011000000000003', 'discover')");
        }

        // bad setups fail at start and name what is missing (never a key value)
        assertThatThrownBy(() -> config(postgres, "SLUICE_TEST_UNSET_MASTER_KEY", "keys"))
                .hasMessageContaining("SLUICE_TEST_UNSET_MASTER_KEY")
                .hasMessageContaining("not set");
        IngestConfig noStore = config(postgres, KeyStoreSettings.DEFAULT_MASTER_KEY_ENV, "nokeys");
        assertThatThrownBy(() -> IngestPreflight.prepare(noStore))
                .isInstanceOf(IngestSetupException.class)
                .hasMessageContaining("staging.encryption.columns")
                .hasMessageContaining("key store table sluice_subject_keys at")
                .hasMessageContaining("/nokeys")
                .hasMessageNotContaining(System.getenv(KeyStoreSettings.DEFAULT_MASTER_KEY_ENV));

        IngestConfig config = config(postgres, KeyStoreSettings.DEFAULT_MASTER_KEY_ENV, "keys");
        IngestPreflight.prepare(config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        IngestJob.addTo(env, config);
        // encryption runs in the source's task: plain values never cross a network buffer
        assertThat(env.getStreamGraph(false).getJobGraph().getVertices())
                .anySatisfy(
                        v ->
                                assertThat(v.getName())
                                        .contains("postgres-cdc")
                                        .contains("encrypt classified columns"));
        JobClient job = env.executeAsync("encrypted ingest");
        String customers = config.topicFor("public", "customers");
        String cards = config.topicFor("public", "cards");
        String daveKey;
        try {
            awaitRecords(job, customers, 4);
            awaitRecords(job, cards, 3);
            try (Connection c = postgres.connect("shop");
                    Statement s = c.createStatement()) {
                s.execute("UPDATE customers SET email = 'alice@new.example.com' WHERE id = 1");
            }
            awaitRecords(job, customers, 5);

            // a shred by another process while ingest runs: the ingest's key cache learns of it
            // from the shred log (at its next barrier), and later changes of the subject get a
            // new key instead of one nobody can decrypt
            daveKey = keyIdOf(latestRaw(customers, 4L), "email");
            try (SubjectKeys forget = config.encryption().settings().open()) {
                assertThat(forget.destroy("customer", "4")).isTrue();
            }
            int[] update = {0};
            AwaitWhileRunning.until(
                    "a change of customer 4 staged under a new key",
                    job,
                    DEADLINE,
                    () -> {
                        try (Connection c = postgres.connect("shop");
                                Statement s = c.createStatement()) {
                            s.execute(
                                    "UPDATE customers SET email = 'dave"
                                            + (++update[0])
                                            + "@new.example.com' WHERE id = 4");
                            String latest = latestRaw(customers, 4L);
                            return latest != null && !daveKey.equals(keyIdOf(latest, "email"));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }

        // raw staging bytes hold no classified value; unclassified columns stay plain
        List<String> raw = new ArrayList<>();
        KAFKA.broker().readCommitted(customers, DEADLINE).forEach(r -> raw.add(r.value()));
        KAFKA.broker().readCommitted(cards, DEADLINE).forEach(r -> raw.add(r.value()));
        String all = String.join("\n", raw);
        assertThat(all)
                .doesNotContain("alice@example.com", "alice@new.example.com", "Alice Adams")
                .doesNotContain("bob@example.com", "Bob Brown", "4111000011110001", "Carol Null")
                .doesNotContain("5500000055550002", "dave@example.com", "Dave Davis")
                .doesNotContain("@new.example.com")
                .contains("\"country\":\"NL\"", "\"brand\":\"visa\"", SubjectKeys.TOKEN_PREFIX)
                // no subject key: stays plain (documented limit)
                .contains("6011000000000003");

        KeyStoreSettings settings = config.encryption().settings();
        try (SubjectKeys keys = settings.open()) {
            StagingDecryptor decryptor = new StagingDecryptor(keys);
            Map<Long, JsonNode> after = latest(decryptor, customers);
            assertThat(after.get(1L).get("email").asText()).isEqualTo("alice@new.example.com");
            assertThat(after.get(1L).get("full_name").asText()).isEqualTo("Alice Adams");
            assertThat(after.get(1L).get(StagingDecryptor.SHREDDED).asBoolean()).isFalse();
            assertThat(after.get(2L).get("email").asText()).isEqualTo("bob@example.com");
            // after the shred, customer 4's changes decrypt again under the new key
            assertThat(after.get(4L).get("email").asText()).endsWith("@new.example.com");
            assertThat(after.get(4L).get("full_name").asText()).isEqualTo("Dave Davis");
            assertThat(latest(decryptor, cards).get(10L).get("pan").asText())
                    .isEqualTo("4111000011110001");

            // forget's shred step: destroy customer 1's data key (idempotent)
            assertThat(keys.destroy("customer", "1")).isTrue();
            assertThat(keys.destroy("customer", "1")).isFalse();
        }

        // a fresh reader (no cache) replays from the earliest offset
        try (SubjectKeys keys = settings.open()) {
            StagingDecryptor decryptor = new StagingDecryptor(keys);
            List<JsonNode> rowsOfAlice = new ArrayList<>();
            for (KafkaBroker.Record r : KAFKA.broker().readCommitted(customers, DEADLINE)) {
                JsonNode event = JSON.readTree(decryptor.decryptEvent(r.value().getBytes()));
                for (String side : List.of("before", "after")) {
                    JsonNode row = event.get(side);
                    if (row != null && row.isObject() && row.get("id").asLong() == 1L) {
                        rowsOfAlice.add(row);
                    }
                }
            }
            assertThat(rowsOfAlice).hasSize(3); // snapshot, update before and after
            for (JsonNode row : rowsOfAlice) {
                assertThat(row.get("email").isNull()).isTrue();
                assertThat(row.get("full_name").isNull()).isTrue();
                assertThat(row.get(StagingDecryptor.SHREDDED).asBoolean()).isTrue();
                assertThat(row.get("country").asText()).isEqualTo("NL");
            }
            Map<Long, JsonNode> after = latest(decryptor, customers);
            assertThat(after.get(2L).get("email").asText()).isEqualTo("bob@example.com");
            assertThat(after.get(2L).get(StagingDecryptor.SHREDDED).asBoolean()).isFalse();
            assertThat(after.get(3L).get("full_name").asText()).isEqualTo("Carol Null");
            assertThat(after.get(3L).get("email").isNull()).isTrue();
            assertThat(after.get(3L).get(StagingDecryptor.SHREDDED).asBoolean()).isFalse();
            Map<Long, JsonNode> cardRows = latest(decryptor, cards);
            assertThat(cardRows.get(10L).get("pan").isNull()).isTrue();
            assertThat(cardRows.get(10L).get(StagingDecryptor.SHREDDED).asBoolean()).isTrue();
            assertThat(cardRows.get(10L).get("brand").asText()).isEqualTo("visa");
            assertThat(cardRows.get(20L).get("pan").asText()).isEqualTo("5500000055550002");
            assertThat(cardRows.get(30L).get("pan").asText()).isEqualTo("6011000000000003");
            assertThat(cardRows.get(30L).has(StagingDecryptor.SHREDDED)).isFalse();
        }
    }

    /** The raw value of the latest committed change of {@code id} in {@code topic}, or null. */
    private static String latestRaw(String topic, long id) throws Exception {
        String latest = null;
        for (KafkaBroker.Record r : KAFKA.broker().readCommitted(topic, Duration.ofSeconds(10))) {
            JsonNode after = JSON.readTree(r.value()).get("after");
            if (after != null && after.isObject() && after.get("id").asLong() == id) {
                latest = r.value();
            }
        }
        return latest;
    }

    /** The key id named by the token of {@code column} in a raw change's after row. */
    private static String keyIdOf(String raw, String column) throws Exception {
        String token = JSON.readTree(raw).get("after").get(column).asText();
        assertThat(token).startsWith(SubjectKeys.TOKEN_PREFIX);
        return token.substring(
                SubjectKeys.TOKEN_PREFIX.length(),
                token.indexOf(':', SubjectKeys.TOKEN_PREFIX.length()));
    }

    /**
     * Keys in batches, and how a cache learns of a shred: two caches on one store (two processes);
     * a batch of 1,000 subjects makes 1,000 keys in one insert, an overlapping batch from the other
     * cache gets the keys the first stored (conflicts); a key destroyed by one cache is used by the
     * other only until it reads the shred log, never after, and never by a new cache.
     */
    @Test
    void keysAreMadeInBatchesAndCachesLearnOfShredsFromTheLog() throws Exception {
        PostgresServer postgres = POSTGRES.server();
        postgres.createDatabase("batchkeys");
        KeyStoreSettings settings =
                new KeyStoreSettings(
                        postgres.jdbcUrl("batchkeys"),
                        postgres.username(),
                        KeyStoreSettings.DEFAULT_PASSWORD_ENV,
                        "batch_keys",
                        KeyStoreSettings.DEFAULT_MASTER_KEY_ENV);
        byte[] master = settings.masterKey(System.getenv());
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        for (int i = 1; i <= 1000; i++) {
            first.add(String.valueOf(i));
            second.add(String.valueOf(i + 500));
        }
        try (SubjectKeys ingest = settings.open();
                SubjectKeys other =
                        new SubjectKeys(
                                new dev.sluice.stagingkeys.JdbcSubjectKeyStore(
                                        settings.url(), settings.username(), "", "batch_keys"),
                                master,
                                KeyStoreSettings.DEFAULT_MASTER_KEY_ENV,
                                Duration.ofHours(1),
                                Duration.ofHours(1))) {
            ingest.prepare("customer", first);
            assertThat(first).allMatch(id -> ingest.hasKey("customer", id));
            assertThat(count(postgres, "SELECT count(*) FROM batch_keys")).isEqualTo(1000);
            other.prepare("customer", second); // 500 conflicts: the first writer's keys win
            assertThat(count(postgres, "SELECT count(*) FROM batch_keys")).isEqualTo(1500);
            String token = other.encrypt("customer", "700", "email", "\"x\"".getBytes());
            assertThat(ingest.decrypt("email", token)).isPresent();

            // 'other' caches customer 7's key; 'ingest' (forget here) destroys it
            String seven = other.encrypt("customer", "7", "email", "\"seven\"".getBytes());
            assertThat(other.decrypt("email", seven)).isPresent();
            assertThat(ingest.destroy("customer", "7")).isTrue();
            assertThat(
                            count(
                                    postgres,
                                    "SELECT count(*) FROM batch_keys_shreds WHERE key_id = '"
                                            + seven.split(":")[2]
                                            + "'"))
                    .isEqualTo(1);
            // within its poll interval (1 h here) the other cache still holds the key...
            assertThat(other.hasKey("customer", "7")).isTrue();
            // ...until it reads the shred log (ingest does at every checkpoint barrier)
            other.refreshShreds();
            assertThat(other.decrypt("email", seven)).isEmpty();
            assertThat(other.hasKey("customer", "7")).isFalse();
            assertThat(other.hasKey("customer", "700")).isTrue();
            try (SubjectKeys fresh = settings.open()) {
                assertThat(fresh.decrypt("email", seven)).isEmpty();
            }
            // a new change of customer 7 gets a new key
            String again = other.encrypt("customer", "7", "email", "\"seven\"".getBytes());
            assertThat(again.split(":")[2]).isNotEqualTo(seven.split(":")[2]);
            assertThat(ingest.decrypt("email", again)).isPresent();
        }
    }

    /**
     * Changes of encrypted tables are sealed from their plain spans (tokens spliced into the
     * streaming encoder's bytes) instead of the tree path (parse, encrypt, write again): for every
     * type of StagingRecordEncodingTest, both decrypt to the same events, and to the same NULL and
     * {@code _shredded} once a subject's key is destroyed.
     */
    @Test
    void sealedFromPlainSpansDecryptsAsTheTreePathDid() throws Exception {
        PostgresServer postgres = POSTGRES.server();
        postgres.createDatabase("samekeys");
        KeyStoreSettings settings =
                new KeyStoreSettings(
                        postgres.jdbcUrl("samekeys"),
                        postgres.username(),
                        KeyStoreSettings.DEFAULT_PASSWORD_ENV,
                        KeyStoreSettings.DEFAULT_TABLE,
                        KeyStoreSettings.DEFAULT_MASTER_KEY_ENV);
        // a string subject (with escapes, a NULL one) and a number subject
        StagingEncryption.Rule everything =
                new StagingEncryption.Rule(
                        "customer",
                        "note",
                        new java.util.LinkedHashSet<>(
                                List.of(
                                        "u", "amount", "exact", "big", "nums", "ratio", "ttz",
                                        "tags", "doc", "docb", "b", "iv")));
        StagingEncryption.Rule others =
                new StagingEncryption.Rule(
                        "customer",
                        "id",
                        new java.util.LinkedHashSet<>(
                                List.of(
                                        "text", "real", "money", "dec", "vdec", "attrs", "nested",
                                        "flag", "small")));
        StagingEncryption encryption =
                new StagingEncryption(
                        Map.of("public.everything", everything, "public.others", others), settings);
        Map<String, StagingEncryption.Rule> byTopic =
                encryption.byTopic(
                        (schema, table) ->
                                StagingTopics.topicFor("staging", "payments", schema, table));
        StagingRecordDeserializer spans =
                new StagingRecordDeserializer(
                        "staging",
                        "payments",
                        "staging.dead_letter",
                        DeadLetterKeys.raw(),
                        byTopic);
        StagingRecordDeserializer plain =
                new StagingRecordDeserializer("staging", "payments", "staging.dead_letter");

        Schema row = StagingRecordEncodingTest.ROW;
        Schema other = StagingRecordEncodingTest.OTHERS;
        Struct escaped = StagingRecordEncodingTest.ordinaryRow(4).put("note", "é \"quoted\" \\ ✓");
        List<SourceRecord> records =
                List.of(
                        StagingRecordEncodingTest.change(
                                "everything",
                                row,
                                "r",
                                null,
                                StagingRecordEncodingTest.ordinaryRow(1)),
                        StagingRecordEncodingTest.change(
                                "everything",
                                row,
                                "c",
                                null,
                                StagingRecordEncodingTest.edgeRow(2, "NaN", "Infinity")),
                        StagingRecordEncodingTest.change(
                                "everything", row, "c", null, StagingRecordEncodingTest.nullRow(3)),
                        StagingRecordEncodingTest.change("everything", row, "c", null, escaped),
                        StagingRecordEncodingTest.change(
                                "everything",
                                row,
                                "u",
                                StagingRecordEncodingTest.ordinaryRow(1),
                                StagingRecordEncodingTest.edgeRow(1, "12.5", "-Infinity")),
                        StagingRecordEncodingTest.change(
                                "everything",
                                row,
                                "d",
                                StagingRecordEncodingTest.edgeRow(2, "NaN", "NEGATIVE_INFINITY"),
                                null),
                        StagingRecordEncodingTest.change(
                                "others", other, "c", null, StagingRecordEncodingTest.othersRow(1)),
                        StagingRecordEncodingTest.change(
                                "others",
                                other,
                                "u",
                                StagingRecordEncodingTest.othersRow(1),
                                StagingRecordEncodingTest.othersNullRow(1)));

        org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper exact =
                encryption.mapper();
        List<byte[]> sealed = new ArrayList<>();
        List<byte[]> tree = new ArrayList<>();
        try {
            for (SourceRecord record : records) {
                StagingRecord withSpans =
                        spans.encodeStreaming(
                                record,
                                (Struct) record.value(),
                                new ChangeEventEncoder.Substitutions());
                StagingRecord without =
                        plain.encodeStreaming(
                                record,
                                (Struct) record.value(),
                                new ChangeEventEncoder.Substitutions());
                // the spans change nothing in the bytes the encoder writes
                assertThat(withSpans.value).isEqualTo(without.value);
                assertThat(withSpans.plainSpans).isNotNull();
                StagingEncryption.Rule rule = byTopic.get(withSpans.topic);

                String[] ids = encryption.subjectIds(withSpans.value, withSpans.plainSpans);
                java.util.Set<String> missing = new java.util.LinkedHashSet<>();
                encryption.keysReady(rule, ids, missing);
                encryption.keys().prepare(rule.subject(), missing);
                sealed.add(
                        encryption.seal(
                                rule,
                                rule.columnOrder(),
                                withSpans.value,
                                withSpans.plainSpans,
                                ids));

                var envelope =
                        (org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node
                                        .ObjectNode)
                                exact.readTree(without.value);
                encryption.apply(rule, envelope);
                tree.add(exact.writeValueAsBytes(envelope));
            }
            // classified values are gone (subject ids stay plain: they find the key)
            assertThat(String.join("\n", texts(sealed)))
                    .doesNotContain("98765.4321", "a0eebc99", "green", "P1Y2M3DT4H5M6.78S")
                    .contains("secret text");
            // both encrypt the same values (the same number of tokens per change)
            int total = 0;
            for (int i = 0; i < records.size(); i++) {
                assertThat(tokens(sealed.get(i))).isEqualTo(tokens(tree.get(i)));
                total += tokens(sealed.get(i));
            }
            assertThat(total).isGreaterThan(50);
            assertSameEvents(encryption, sealed, tree, false);
            // the subject "secret text" (ordinaryRow's note) is forgotten
            assertThat(encryption.keys().destroy("customer", "secret text")).isTrue();
            assertSameEvents(encryption, sealed, tree, true);
        } finally {
            encryption.close();
        }
    }

    private static void assertSameEvents(
            StagingEncryption encryption, List<byte[]> sealed, List<byte[]> tree, boolean shredded)
            throws Exception {
        StagingDecryptor decryptor = new StagingDecryptor(encryption.keys());
        java.util.Comparator<JsonNode> numbersByValue =
                (a, b) ->
                        a.equals(b)
                                        || (a.isNumber()
                                                && b.isNumber()
                                                && a.decimalValue().compareTo(b.decimalValue())
                                                        == 0)
                                ? 0
                                : 1;
        int shreddedRows = 0;
        for (int i = 0; i < sealed.size(); i++) {
            JsonNode fromSpans = JSON.readTree(decryptor.decryptEvent(sealed.get(i)));
            JsonNode fromTree = JSON.readTree(decryptor.decryptEvent(tree.get(i)));
            assertThat(fromSpans.equals(numbersByValue, fromTree))
                    .as("change %d decrypted: %s vs %s", i, fromSpans, fromTree)
                    .isTrue();
            for (String side : List.of("before", "after")) {
                if (fromSpans.path(side).path(StagingDecryptor.SHREDDED).asBoolean()) {
                    shreddedRows++;
                }
            }
        }
        // ordinaryRow(1) is the after of the first change and the before of the update
        assertThat(shreddedRows).isEqualTo(shredded ? 2 : 0);
    }

    private static List<String> texts(List<byte[]> values) {
        return values.stream()
                .map(v -> new String(v, java.nio.charset.StandardCharsets.UTF_8))
                .toList();
    }

    private static int tokens(byte[] value) {
        String text = new String(value, java.nio.charset.StandardCharsets.UTF_8);
        return text.split(java.util.regex.Pattern.quote(SubjectKeys.TOKEN_PREFIX), -1).length - 1;
    }

    private static long count(PostgresServer postgres, String sql) throws Exception {
        try (Connection c = postgres.connect("batchkeys");
                Statement s = c.createStatement();
                java.sql.ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    /** The latest decrypted {@code after} row per id. */
    private static Map<Long, JsonNode> latest(StagingDecryptor decryptor, String topic)
            throws Exception {
        Map<Long, JsonNode> rows = new java.util.HashMap<>();
        for (KafkaBroker.Record r : KAFKA.broker().readCommitted(topic, DEADLINE)) {
            JsonNode row = JSON.readTree(decryptor.decryptEvent(r.value().getBytes())).get("after");
            if (row != null && row.isObject()) {
                rows.put(row.get("id").asLong(), row);
            }
        }
        return rows;
    }

    private static IngestConfig config(PostgresServer postgres, String masterKeyEnv, String keyDb) {
        Configuration options = new Configuration();
        options.set(IngestOptions.POSTGRES_HOSTNAME, postgres.host());
        options.set(IngestOptions.POSTGRES_PORT, postgres.port());
        options.set(IngestOptions.POSTGRES_DATABASE, "shop");
        options.set(IngestOptions.POSTGRES_USERNAME, postgres.username());
        options.set(IngestOptions.TABLES, List.of("public.customers", "public.cards"));
        options.set(IngestOptions.SLOT_NAME, "shred_slot");
        options.set(IngestOptions.KAFKA_BOOTSTRAP_SERVERS, KAFKA.broker().bootstrapServers());
        options.set(IngestOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(500));
        options.setString(IngestOptions.ENCRYPTION_COLUMNS.key(), ENCRYPTED);
        options.set(IngestOptions.ENCRYPTION_KEY_STORE_URL, postgres.jdbcUrl(keyDb));
        options.set(IngestOptions.ENCRYPTION_KEY_STORE_USERNAME, postgres.username());
        options.set(IngestOptions.ENCRYPTION_MASTER_KEY_ENV, masterKeyEnv);
        return IngestConfig.from(options);
    }

    private static void awaitRecords(JobClient job, String topic, int count) throws Exception {
        AwaitWhileRunning.until(
                count + " committed records in " + topic,
                job,
                DEADLINE,
                () -> KAFKA.broker().readCommitted(topic, Duration.ofSeconds(10)).size() >= count);
    }
}
