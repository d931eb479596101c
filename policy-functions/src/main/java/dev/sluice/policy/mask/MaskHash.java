package dev.sluice.policy.mask;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Hive 3's {@code mask_hash}: the lower-case hex SHA-256 of the UTF-8 bytes of a string. Unkeyed,
 * so anyone can hash candidate values and compare: use {@code pseudonymize} for identifiers with a
 * small value space (emails, phone numbers, card numbers).
 */
public final class MaskHash {
    private MaskHash() {}

    /** The hex SHA-256 of {@code value}; {@code null} gives {@code null}. */
    public static String sha256Hex(String value) {
        if (value == null) {
            return null;
        }
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }
}
