package dev.sluice.udf;

import dev.sluice.policy.pseudonym.DeterministicCipher;
import java.util.Map;

/**
 * {@code decrypt_deterministic(ciphertext[, keyName])}: the original value of {@code
 * encrypt_deterministic}. A ciphertext made with another key, or altered, fails the job with a
 * message naming the key (never the value): re-identification must not silently return NULL.
 */
public final class DecryptDeterministicFunction extends DeterministicCipherFunction {
    private static final long serialVersionUID = 1L;

    public DecryptDeterministicFunction() {
        this(Map.of(), DEFAULT_KEY);
    }

    DecryptDeterministicFunction(Map<String, String> keyOptions, String keyName) {
        super("decrypt_deterministic", keyOptions, keyName);
    }

    @Override
    KeyedFunction withKey(Map<String, String> keyOptions, String keyName) {
        return new DecryptDeterministicFunction(keyOptions, keyName);
    }

    @Override
    String apply(DeterministicCipher cipher, String value) {
        return cipher.decrypt(value);
    }
}
