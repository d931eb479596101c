package dev.sluice.connectors.deadletter;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes dead-letter records of a pipeline: {@code {"outcome": "not_written", "stage":
 * "decode|sink", "table", "reason", "key", "key_shown", "bytes", "detected_at"}}. Never a column
 * value: the reason names the column and the rule, the key is pseudonymized by default (HMAC-SHA256
 * keyed by a secret from the environment; omitted when it is not set; raw only when configured).
 * Each record is acknowledged by Kafka before the row is dropped, so a row is never dropped without
 * its note (a restart may repeat a note: at least once).
 */
public final class DeadLetterSender implements Serializable, AutoCloseable {

    private static final long serialVersionUID = 1L;
    private static final String OMITTED = "****";

    private final String bootstrapServers;
    private final String topic;
    private final String table;
    private final String keyMode;
    private final String secretEnv;
    private transient KafkaProducer<byte[], byte[]> producer;
    private transient ObjectMapper mapper;
    private transient byte[] secret;

    public DeadLetterSender(
            String bootstrapServers, String topic, String table, String keyMode, String secretEnv) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.table = table;
        this.keyMode = keyMode.trim().toLowerCase(Locale.ROOT);
        if (!Map.of("pseudonymized", 1, "omitted", 1, "raw", 1).containsKey(this.keyMode)) {
            throw new IllegalArgumentException(
                    "Invalid option 'dead-letter.key': '"
                            + keyMode
                            + "'. Use pseudonymized (default), omitted or raw.");
        }
        this.secretEnv = secretEnv;
    }

    static DeadLetterSender of(ReadableConfig options, String table, String where) {
        String topic = options.get(DeadLetterOptions.TOPIC);
        String servers = options.get(DeadLetterOptions.BOOTSTRAP_SERVERS);
        if (topic == null || topic.isBlank() || servers == null || servers.isBlank()) {
            throw new IllegalArgumentException(
                    where
                            + " needs the options 'dead-letter.topic' and"
                            + " 'dead-letter.bootstrap-servers': where rows that cannot be written"
                            + " are reported.");
        }
        return new DeadLetterSender(
                servers,
                topic,
                table,
                options.get(DeadLetterOptions.KEY),
                options.get(DeadLetterOptions.KEY_SECRET_ENV));
    }

    /** Reports a row that is not written; returns once Kafka acknowledged the record. */
    public void send(String stage, String reason, Map<String, Object> key, long bytes)
            throws Exception {
        ObjectNode letter = JsonNodeFactory.instance.objectNode();
        letter.put("outcome", "not_written");
        letter.put("stage", stage);
        letter.put("table", table);
        letter.put("reason", reason);
        ObjectNode shown = letter.putObject("key");
        if (key != null) {
            key.forEach((column, value) -> shown.put(column, show(column, value)));
        }
        letter.put("key_shown", effectiveMode());
        letter.put("bytes", bytes);
        letter.put("detected_at", Instant.now().toString());
        producer()
                .send(new ProducerRecord<>(topic, null, mapper().writeValueAsBytes(letter)))
                .get(2, TimeUnit.MINUTES);
    }

    private String effectiveMode() {
        if (keyMode.equals("pseudonymized") && secret() == null) {
            return "omitted";
        }
        return keyMode;
    }

    private String show(String column, Object value) {
        String text = String.valueOf(value);
        return switch (effectiveMode()) {
            case "raw" -> text;
            case "pseudonymized" -> pseudonym(secret(), table, column, text);
            default -> OMITTED;
        };
    }

    /**
     * {@code hmac:} + base64url of the first 16 bytes of HMAC-SHA256(table NUL column NUL value).
     */
    public static String pseudonym(byte[] secret, String table, String column, String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] digest =
                    mac.doFinal(
                            (table + '\0' + column + '\0' + value)
                                    .getBytes(StandardCharsets.UTF_8));
            return "hmac:"
                    + Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString(java.util.Arrays.copyOf(digest, 16));
        } catch (GeneralSecurityException e) {
            return OMITTED;
        }
    }

    private byte[] secret() {
        if (secret == null) {
            String value = System.getenv(secretEnv);
            secret =
                    value == null || value.isEmpty()
                            ? null
                            : value.getBytes(StandardCharsets.UTF_8);
        }
        return secret;
    }

    private KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            Properties properties = new Properties();
            properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            properties.put(ProducerConfig.ACKS_CONFIG, "all");
            properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            properties.put(ProducerConfig.CLIENT_ID_CONFIG, "sluice-dead-letter");
            producer =
                    new KafkaProducer<>(
                            properties, new ByteArraySerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    private ObjectMapper mapper() {
        if (mapper == null) {
            mapper = new ObjectMapper();
        }
        return mapper;
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(30));
            producer = null;
        }
    }

    @Override
    public String toString() {
        return "DeadLetterSender{" + topic + ", " + table + ", key " + keyMode + "}";
    }
}
