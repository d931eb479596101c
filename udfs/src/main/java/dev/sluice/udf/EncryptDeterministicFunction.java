package dev.sluice.udf;

import dev.sluice.policy.pseudonym.DeterministicCipher;
import java.util.Map;

/**
 * {@code encrypt_deterministic(value[, keyName])}: Tink AES-SIV under the named key, base64url
 * without padding, as STRING; {@code decrypt_deterministic} reverses it for authorized users.
 */
public final class EncryptDeterministicFunction extends DeterministicCipherFunction {
    private static final long serialVersionUID = 1L;

    public EncryptDeterministicFunction() {
        this(Map.of(), DEFAULT_KEY);
    }

    EncryptDeterministicFunction(Map<String, String> keyOptions, String keyName) {
        super("encrypt_deterministic", keyOptions, keyName);
    }

    @Override
    KeyedFunction withKey(Map<String, String> keyOptions, String keyName) {
        return new EncryptDeterministicFunction(keyOptions, keyName);
    }

    @Override
    String apply(DeterministicCipher cipher, String value) {
        return cipher.encrypt(value);
    }
}
