package dev.sluice.policy.pseudonym;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.util.SecretBytes;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.Function;

/**
 * The key that encrypts a keyset file: 32 random bytes, base64-encoded in an environment variable
 * ({@value #DEFAULT_ENV} unless configured), used as AES-256-GCM. Only the variable's name is ever
 * printed.
 */
public final class MasterKey {
    public static final String DEFAULT_ENV = "SLUICE_MASTER_KEY";
    private static final int KEY_BYTES = 32;

    private final String envName;
    private final Aead aead;

    private MasterKey(String envName, Aead aead) {
        this.envName = envName;
        this.aead = aead;
    }

    /**
     * Reads the master key from environment variable {@code envName}.
     *
     * @throws KeyUnavailableException when the variable is unset or not 32 base64-encoded bytes
     */
    public static MasterKey fromEnvironment(String envName, Function<String, String> environment) {
        String encoded = environment.apply(envName);
        if (encoded == null || encoded.isBlank()) {
            throw new KeyUnavailableException(
                    "Missing master key: environment variable "
                            + envName
                            + " is not set. Set it to the base64 master key the keyset file was"
                            + " created with (sluice keys new-master-key makes one).");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(encoded.trim());
        } catch (IllegalArgumentException e) {
            throw new KeyUnavailableException(
                    "Invalid master key in environment variable "
                            + envName
                            + ": not base64. Use the value printed by sluice keys new-master-key.");
        }
        try {
            if (bytes.length != KEY_BYTES) {
                throw new KeyUnavailableException(
                        "Invalid master key in environment variable "
                                + envName
                                + ": "
                                + bytes.length
                                + " bytes. Use 32 random bytes, base64-encoded"
                                + " (sluice keys new-master-key).");
            }
            return new MasterKey(envName, aesGcm(bytes));
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** A new random master key, base64-encoded, for the environment variable. */
    public static String generate() {
        byte[] bytes = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static Aead aesGcm(byte[] bytes) {
        TinkPrimitives.register();
        try {
            AesGcmParameters parameters =
                    AesGcmParameters.builder()
                            .setKeySizeBytes(KEY_BYTES)
                            .setIvSizeBytes(12)
                            .setTagSizeBytes(16)
                            .setVariant(AesGcmParameters.Variant.NO_PREFIX)
                            .build();
            AesGcmKey key =
                    AesGcmKey.builder()
                            .setParameters(parameters)
                            .setKeyBytes(SecretBytes.copyFrom(bytes, InsecureSecretKeyAccess.get()))
                            .build();
            KeysetHandle handle =
                    KeysetHandle.newBuilder()
                            .addEntry(KeysetHandle.importKey(key).withRandomId().makePrimary())
                            .build();
            return TinkPrimitives.primitive(handle, Aead.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot build AES-256-GCM from the master key", e);
        }
    }

    Aead aead() {
        return aead;
    }

    /** The environment variable the key came from. */
    public String envName() {
        return envName;
    }

    @Override
    public String toString() {
        return "MasterKey(from environment variable " + envName + ")";
    }
}
