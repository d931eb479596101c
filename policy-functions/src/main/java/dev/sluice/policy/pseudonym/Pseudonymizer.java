package dev.sluice.policy.pseudonym;

import com.google.crypto.tink.Mac;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * Keyed pseudonyms: HMAC-SHA256 of the UTF-8 bytes of a value under a named key, encoded as
 * base64url without padding (43 characters). The same value and key give the same pseudonym in
 * every job and run, so pseudonymized columns still join; without the key, candidate values cannot
 * be hashed and compared (unlike {@code mask_hash}). A new key gives new pseudonyms.
 */
public final class Pseudonymizer {
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final String keyName;
    private final Mac mac;

    private Pseudonymizer(String keyName, Mac mac) {
        this.keyName = keyName;
        this.mac = mac;
    }

    /**
     * @throws KeyUnavailableException naming the key when it is unknown or cannot be decrypted
     */
    public static Pseudonymizer create(KeyProvider keys, String keyName) {
        TinkPrimitives.register();
        try {
            return new Pseudonymizer(
                    keyName,
                    TinkPrimitives.primitive(
                            keys.keyset(keyName, KeyPurpose.PSEUDONYMIZE), Mac.class));
        } catch (GeneralSecurityException e) {
            throw new KeyUnavailableException(
                    "Key '" + keyName + "' is not an HMAC keyset. Recreate it with KeysetFileTool.",
                    e);
        }
    }

    /** The pseudonym of {@code value}; {@code null} gives {@code null}. */
    public String pseudonymize(String value) {
        if (value == null) {
            return null;
        }
        try {
            return BASE64URL.encodeToString(mac.computeMac(value.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC failed with key '" + keyName + "'", e);
        }
    }

    @Override
    public String toString() {
        return "Pseudonymizer(key " + keyName + ")";
    }
}
