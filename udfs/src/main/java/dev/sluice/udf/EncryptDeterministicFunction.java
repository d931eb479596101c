package dev.sluice.udf;

import dev.sluice.policy.pseudonym.DeterministicCipher;
import dev.sluice.policy.pseudonym.KeyProvider;
import java.util.Map;
import org.apache.flink.table.types.logical.LogicalTypeFamily;

/**
 * {@code encrypt_deterministic(value[, keyName])}: Tink AES-SIV under the named key, base64url
 * without padding, as STRING; {@code decrypt_deterministic} reverses it for authorized users.
 */
public final class EncryptDeterministicFunction extends KeyedFunction {
    private static final long serialVersionUID = 1L;

    private transient DeterministicCipher cipher;

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
        return args[0] == null ? null : cipher.encrypt((String) args[0]);
    }
}
