package dev.sluice.udf;

import dev.sluice.policy.pseudonym.DeterministicCipher;
import dev.sluice.policy.pseudonym.KeyProvider;
import java.util.Map;
import org.apache.flink.table.types.logical.LogicalTypeFamily;

/**
 * {@code decrypt_deterministic(ciphertext[, keyName])}: the original value of {@code
 * encrypt_deterministic}. A ciphertext made with another key, or altered, fails the job with a
 * message naming the key (never the value): re-identification must not silently return NULL.
 */
public final class DecryptDeterministicFunction extends KeyedFunction {
    private static final long serialVersionUID = 1L;

    private transient DeterministicCipher cipher;

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
    void prepare(KeyProvider keys, String keyName) {
        cipher = DeterministicCipher.create(keys, keyName);
    }

    @Override
    String supportedTypes() {
        return "STRING|CHAR|VARCHAR";
    }

    @Override
    LogicalTypeFamily[] supportedFamilies() {
        return new LogicalTypeFamily[] {LogicalTypeFamily.CHARACTER_STRING};
    }

    public String eval(Object... args) {
        checkKeyArgument(args);
        return args[0] == null ? null : cipher.decrypt((String) args[0]);
    }
}
