package dev.sluice.ingest;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a dead-letter record shows of the primary key of its row. A key can itself be personal data
 * (an e-mail address, a national id), and the dead-letter topic is kept as long as staging and read
 * by operators, so the default never shows it:
 *
 * <ul>
 *   <li>{@code pseudonymized} (default): each key column's value becomes {@code hmac:} and the
 *       first 16 bytes of HMAC-SHA256 over table, column and value, keyed by the secret in the
 *       environment variable named by {@code dead-letter.key-secret-env}. Equal keys give equal
 *       pseudonyms, so letters of one row can be grouped, and whoever holds the secret can check a
 *       suspected key ({@link #pseudonym}). Without that secret the values are omitted.
 *   <li>{@code omitted}: column names only, values {@code "****"}.
 *   <li>{@code raw}: the values as staged (only where keys are known not to be personal data).
 * </ul>
 */
final class DeadLetterKeys implements Serializable {

    private static final long serialVersionUID = 1L;
    static final String OMITTED = "****";

    enum Mode {
        PSEUDONYMIZED,
        OMITTED,
        RAW;

        static Mode parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "Invalid option 'dead-letter.key': '"
                                + text
                                + "'. Use pseudonymized (default), omitted or raw.");
            }
        }
    }

    private final Mode mode;
    private final byte[] secret;

    private DeadLetterKeys(Mode mode, byte[] secret) {
        this.mode = mode;
        this.secret = secret;
    }

    static DeadLetterKeys raw() {
        return new DeadLetterKeys(Mode.RAW, null);
    }

    static DeadLetterKeys omitted() {
        return new DeadLetterKeys(Mode.OMITTED, null);
    }

    static DeadLetterKeys pseudonymized(String secret) {
        if (secret == null || secret.isEmpty()) {
            return omitted();
        }
        return new DeadLetterKeys(Mode.PSEUDONYMIZED, secret.getBytes(StandardCharsets.UTF_8));
    }

    /** From the options: the mode, and the secret read from the variable they name. */
    static DeadLetterKeys of(String mode, String secretEnv, Map<String, String> environment) {
        return switch (Mode.parse(mode)) {
            case RAW -> raw();
            case OMITTED -> omitted();
            case PSEUDONYMIZED -> pseudonymized(environment.get(secretEnv));
        };
    }

    /** The mode in effect (pseudonymized without a secret is omitted). */
    Mode mode() {
        return mode;
    }

    /** The key as a dead-letter record shows it; {@code key} is the staged key object. */
    JsonNode show(String table, JsonNode key) {
        if (mode == Mode.RAW || !(key instanceof ObjectNode object)) {
            return key;
        }
        ObjectNode shown = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> column = it.next();
            shown.put(
                    column.getKey(),
                    mode == Mode.OMITTED
                            ? OMITTED
                            : pseudonym(secret, table, column.getKey(), column.getValue()));
        }
        return shown;
    }

    /**
     * The pseudonym of one key value: {@code hmac:} + base64url (no padding) of the first 16 bytes
     * of HMAC-SHA256(secret, table NUL column NUL value as staged JSON text).
     */
    static String pseudonym(byte[] secret, String table, String column, JsonNode value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] digest =
                    mac.doFinal(
                            (table + '\0' + column + '\0' + value.toString())
                                    .getBytes(StandardCharsets.UTF_8));
            return "hmac:"
                    + Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString(java.util.Arrays.copyOf(digest, 16));
        } catch (GeneralSecurityException e) {
            return OMITTED; // HmacSHA256 is in every JDK; never fall back to the value
        }
    }

    @Override
    public String toString() {
        return "DeadLetterKeys{" + mode.name().toLowerCase(Locale.ROOT) + "}";
    }
}
