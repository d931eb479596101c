package dev.sluice.policy.pseudonym;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.Mac;
import com.google.crypto.tink.mac.HmacKey;
import com.google.crypto.tink.mac.HmacParameters;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.spec.SecretKeySpec;

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

    /**
     * The JDK's HMAC-SHA256 on the primary key, one per thread: the same bytes as Tink's {@link
     * Mac} for a SHA-256, 32-byte-tag, no-prefix key, without the wrapper's per-call overhead
     * (about a third of the cost per value). {@code null} for other keysets, which go through Tink.
     */
    private final ThreadLocal<javax.crypto.Mac> jdkMac;

    private Pseudonymizer(String keyName, Mac mac, ThreadLocal<javax.crypto.Mac> jdkMac) {
        this.keyName = keyName;
        this.mac = mac;
        this.jdkMac = jdkMac;
    }

    /**
     * @throws KeyUnavailableException naming the key when it is unknown or cannot be decrypted
     */
    public static Pseudonymizer create(KeyProvider keys, String keyName) {
        TinkPrimitives.register();
        try {
            KeysetHandle keyset = keys.keyset(keyName, KeyPurpose.PSEUDONYMIZE);
            return new Pseudonymizer(
                    keyName, TinkPrimitives.primitive(keyset, Mac.class), jdkMac(keyset));
        } catch (GeneralSecurityException e) {
            throw new KeyUnavailableException(
                    "Key '"
                            + keyName
                            + "' is not an HMAC keyset. Recreate it with sluice keys add.",
                    e);
        }
    }

    private static ThreadLocal<javax.crypto.Mac> jdkMac(KeysetHandle keyset)
            throws GeneralSecurityException {
        if (!(keyset.getPrimary().getKey() instanceof HmacKey key)) {
            return null;
        }
        HmacParameters p = key.getParameters();
        if (p.getHashType() != HmacParameters.HashType.SHA256
                || p.getCryptographicTagSizeBytes() != 32
                || p.getVariant() != HmacParameters.Variant.NO_PREFIX) {
            return null;
        }
        byte[] raw = key.getKeyBytes().toByteArray(InsecureSecretKeyAccess.get());
        SecretKeySpec spec;
        try {
            spec = new SecretKeySpec(raw, "HmacSHA256");
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
        javax.crypto.Mac probe = javax.crypto.Mac.getInstance("HmacSHA256");
        probe.init(spec);
        return ThreadLocal.withInitial(
                () -> {
                    try {
                        javax.crypto.Mac m = javax.crypto.Mac.getInstance("HmacSHA256");
                        m.init(spec);
                        return m;
                    } catch (GeneralSecurityException e) {
                        throw new IllegalStateException("HmacSHA256 is required of every JDK", e);
                    }
                });
    }

    /** The pseudonym of {@code value}; {@code null} gives {@code null}. */
    public String pseudonymize(String value) {
        if (value == null) {
            return null;
        }
        return new String(
                pseudonymizeUtf8(value.getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.US_ASCII);
    }

    /**
     * The pseudonym of a value given as its UTF-8 bytes, as the ASCII bytes of the base64url text.
     */
    public byte[] pseudonymizeUtf8(byte[] utf8) {
        if (jdkMac != null) {
            return BASE64URL.encode(jdkMac.get().doFinal(utf8));
        }
        try {
            return BASE64URL.encode(mac.computeMac(utf8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC failed with key '" + keyName + "'", e);
        }
    }

    @Override
    public String toString() {
        return "Pseudonymizer(key " + keyName + ")";
    }
}
