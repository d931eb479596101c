package dev.sluice.udf;

import dev.sluice.policy.pseudonym.DeterministicCipher;
import dev.sluice.policy.pseudonym.KeyProvider;
import java.util.Map;
import org.apache.flink.table.types.logical.LogicalTypeFamily;

/**
 * A {@link KeyedFunction} that runs a string through Tink AES-SIV under the named key: the common
 * part of {@code encrypt_deterministic} and {@code decrypt_deterministic}. NULL stays NULL.
 */
public abstract class DeterministicCipherFunction extends KeyedFunction {
    private static final long serialVersionUID = 1L;

    private transient DeterministicCipher cipher;

    DeterministicCipherFunction(String name, Map<String, String> keyOptions, String keyName) {
        super(name, keyOptions, keyName);
    }

    /** Encrypts or decrypts one value (never null). */
    abstract String apply(DeterministicCipher cipher, String value);

    @Override
    final void prepare(KeyProvider keys, String keyName) {
        cipher = DeterministicCipher.create(keys, keyName);
    }

    @Override
    final String supportedTypes() {
        return "STRING|CHAR|VARCHAR";
    }

    @Override
    final LogicalTypeFamily[] supportedFamilies() {
        return new LogicalTypeFamily[] {LogicalTypeFamily.CHARACTER_STRING};
    }

    public String eval(Object... args) {
        checkKeyArgument(args);
        return args[0] == null ? null : apply(cipher, (String) args[0]);
    }
}
