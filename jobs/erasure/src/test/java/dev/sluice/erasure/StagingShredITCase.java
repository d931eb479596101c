package dev.sluice.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.harness.KafkaExtension;
import dev.sluice.harness.PostgresExtension;
import dev.sluice.harness.PostgresServer;
import dev.sluice.stagingkeys.JdbcSubjectKeyStore;
import dev.sluice.stagingkeys.StagingDecryptor;
import dev.sluice.stagingkeys.SubjectKeys;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * forget's step "shred" on a real key store (PostgreSQL) and a real staging topic (Kafka): staged
 * events encrypted as ingest encrypts them are found by verification while the key lives; the step
 * destroys the subject's key (audited, idempotent, resumable), after which a full replay through
 * the decrypting path finds 0 hits and marks that subject's rows shredded, while another subject
 * still decrypts.
 */
class StagingShredITCase {

    @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shredDestroysOneSubjectsKeyAndVerifyFindsNothingOfIt() throws Exception {
        PostgresServer postgres = POSTGRES.server();
        postgres.createDatabase("sluice");
        String url = postgres.jdbcUrl("sluice");
        byte[] master = new byte[32];
        new SecureRandom().nextBytes(master);
        String topic = "sluice.shop.public.customers";
        KAFKA.broker().createTopics(1, topic);

        try (SubjectKeys keys =
                new SubjectKeys(
                        new JdbcSubjectKeyStore(
                                url, postgres.username(), "", "sluice_subject_keys"),
                        master,
                        "TEST_MASTER_KEY",
                        Duration.ZERO)) {
            keys.store().check();
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.broker().bootstrapServers());
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(
                            props, new ByteArraySerializer(), new ByteArraySerializer())) {
                for (Object[] row :
                        new Object[][] {
                            {1, "alice@example.com"},
                            {2, "bob@example.com"},
                            {1, "alice@new.example"}
                        }) {
                    ObjectNode after = JSON.createObjectNode();
                    after.put("id", (Integer) row[0]);
                    after.put(
                            "email",
                            keys.encrypt(
                                    "customer",
                                    row[0].toString(),
                                    "email",
                                    JSON.writeValueAsBytes(row[1])));
                    after.put("country", "NL");
                    ObjectNode event = JSON.createObjectNode();
                    event.putNull("before");
                    event.set("after", after);
                    event.put("op", "c");
                    byte[] key = ("{\"id\":" + row[0] + "}").getBytes(StandardCharsets.UTF_8);
                    producer.send(new ProducerRecord<>(topic, key, JSON.writeValueAsBytes(event)))
                            .get();
                }
            }
            StagingTopic staging =
                    new StagingTopic(KAFKA.broker().bootstrapServers(), topic)
                            .decrypting(new StagingDecryptor(keys));
            Map<String, Set<String>> alice =
                    Map.of("id", Set.of("1"), "email", Set.of("alice@example.com"));
            Map<String, Set<String>> bob = Map.of("email", Set.of("bob@example.com"));
            // the raw topic holds no e-mail in clear; decrypted, both subjects are found
            List<String> raw = new ArrayList<>();
            staging.replayRaw(v -> raw.add(new String(v, StandardCharsets.UTF_8)));
            assertThat(String.join("\n", raw)).doesNotContain("alice@example.com", "bob@");
            assertThat(ErasureVerifier.stagingHits(staging::replay, alice)[0]).isEqualTo(2);
            assertThat(ErasureVerifier.stagingHits(staging::replay, bob)[0]).isEqualTo(1);

            ErasureState state = new ErasureState(url, postgres.username(), "");
            state.prepare();
            List<ObjectNode> audit = new ArrayList<>();
            StagingShred.Result first =
                    StagingShred.run(
                            state,
                            keys,
                            "req-1",
                            1,
                            "customer",
                            List.of("1", "7"),
                            action -> record(action),
                            audit::add);
            assertThat(first).isEqualTo(new StagingShred.Result(1, 1, false));
            assertThat(audit).hasSize(1);
            assertThat(audit.get(0).get("action").asText()).isEqualTo("shred");
            assertThat(audit.get(0).get("keysDestroyed").asLong()).isEqualTo(1);
            assertThat(audit.get(0).toString()).doesNotContain("alice");
            // a rerun of the same pass does not redo the finished step
            assertThat(
                            StagingShred.run(
                                    state,
                                    keys,
                                    "req-1",
                                    1,
                                    "customer",
                                    List.of("1", "7"),
                                    action -> record(action),
                                    audit::add))
                    .isEqualTo(new StagingShred.Result(1, 1, true));
            // a run that stopped after "started" is redone; the destroyed key is a no-op
            state.record("req-1", 2, StagingShred.TARGET, "shred", "started", null);
            assertThat(
                            StagingShred.run(
                                    state,
                                    keys,
                                    "req-1",
                                    2,
                                    "customer",
                                    List.of("1", "7"),
                                    action -> record(action),
                                    audit::add))
                    .isEqualTo(new StagingShred.Result(0, 2, false));
            assertThat(state.steps("req-1")).isNotEmpty();

            // verification after shredding: 0 hits of the subject, its rows marked shredded
            long[] afterShred = ErasureVerifier.stagingHits(staging::replay, alice);
            assertThat(afterShred[0]).isZero();
            assertThat(afterShred[2]).isEqualTo(2);
            assertThat(ErasureVerifier.stagingHits(staging::replay, bob)[0]).isEqualTo(1);
            List<JsonNode> rows = new ArrayList<>();
            staging.replay(rows::add);
            assertThat(rows).hasSize(3);
            for (JsonNode row : rows) {
                if (row.get("id").asInt() == 1) {
                    assertThat(row.get("email").isNull()).isTrue();
                    assertThat(row.get(StagingDecryptor.SHREDDED).asBoolean()).isTrue();
                } else {
                    assertThat(row.get("email").asText()).isEqualTo("bob@example.com");
                    assertThat(row.get(StagingDecryptor.SHREDDED).asBoolean()).isFalse();
                }
                assertThat(row.get("country").asText()).isEqualTo("NL");
            }
        }
    }

    private static ObjectNode record(String action) {
        ObjectNode r = JSON.createObjectNode();
        r.put("kind", "erasure");
        r.put("action", action);
        return r;
    }
}
