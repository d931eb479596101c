package dev.sluice.policy.pseudonym;

import com.google.crypto.tink.DeterministicAead;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * Deterministic encryption for authorized re-identification: Tink AES-SIV (AES256_SIV) under a
 * named key, ciphertext encoded as base64url without padding. Equal values give equal ciphertexts
 * (they still join and group); whoever holds the key can decrypt. The ciphertext starts with Tink's
 * 5-byte key id, so a rotated keyset still decrypts values written under its older keys.
 */
public final class DeterministicCipher {
    private static final byte[] NO_ASSOCIATED_DATA = new byte[0];

    private final String keyName;
    private final DeterministicAead aead;

    private DeterministicCipher(String keyName, DeterministicAead aead) {
        this.keyName = keyName;
        this.aead = aead;
    }

    /**
     * @throws KeyUnavailableException naming the key when it is unknown or cannot be decrypted
     */
    public static DeterministicCipher create(KeyProvider keys, String keyName) {
        TinkPrimitives.register();
        try {
            return new DeterministicCipher(
                    keyName,
                    TinkPrimitives.primitive(
                            keys.keyset(keyName, KeyPurpose.DETERMINISTIC_ENCRYPTION),
                            DeterministicAead.class));
        } catch (GeneralSecurityException e) {
            throw new KeyUnavailableException(
                    "Key '"
                            + keyName
                            + "' is not an AES-SIV keyset. Recreate it with sluice keys add.",
                    e);
        }
    }

    /** Encrypts {@code value}; {@code null} gives {@code null}. */
    public String encrypt(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(
                            aead.encryptDeterministically(
                                    value.getBytes(StandardCharsets.UTF_8), NO_ASSOCIATED_DATA));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "AES-SIV encryption failed with key '" + keyName + "'", e);
        }
    }

    /**
     * Decrypts what {@link #encrypt} produced; {@code null} gives {@code null}.
     *
     * @throws IllegalArgumentException when {@code ciphertext} was not made with this key
     */
    public String decrypt(String ciphertext) {
        if (ciphertext == null) {
            return null;
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(ciphertext);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Invalid ciphertext for key '"
                            + keyName
                            + "': not base64url. Pass a value made by encrypt_deterministic.");
        }
        try {
            return new String(
                    aead.decryptDeterministically(bytes, NO_ASSOCIATED_DATA),
                    StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "Invalid ciphertext for key '"
                            + keyName
                            + "': it was not encrypted with this key, or it was altered.");
        }
    }

    @Override
    public String toString() {
        return "DeterministicCipher(key " + keyName + ")";
    }
}
