package dev.sluice.udf;

import dev.sluice.policy.pseudonym.KeyProvider;
import dev.sluice.policy.pseudonym.Pseudonymizer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.LogicalTypeFamily;

/**
 * {@code pseudonymize(value[, keyName])}: HMAC-SHA256 under the named key, base64url without
 * padding (43 characters), as STRING. Integers are pseudonymized as their decimal text, so {@code
 * pseudonymize(42)} equals {@code pseudonymize('42')}.
 */
public final class PseudonymizeFunction extends KeyedFunction {
    private static final long serialVersionUID = 1L;

    private transient Pseudonymizer pseudonymizer;

    public PseudonymizeFunction() {
        this(Map.of(), DEFAULT_KEY);
    }

    PseudonymizeFunction(Map<String, String> keyOptions, String keyName) {
        super("pseudonymize", keyOptions, keyName);
    }

    @Override
    KeyedFunction withKey(Map<String, String> keyOptions, String keyName) {
        return new PseudonymizeFunction(keyOptions, keyName);
    }

    @Override
    void prepare(KeyProvider keys, String keyName) {
        pseudonymizer = Pseudonymizer.create(keys, keyName);
    }

    @Override
    String supportedTypes() {
        return "STRING|CHAR|VARCHAR|TINYINT|SMALLINT|INT|BIGINT";
    }

    @Override
    LogicalTypeFamily[] supportedFamilies() {
        return new LogicalTypeFamily[] {
            LogicalTypeFamily.CHARACTER_STRING, LogicalTypeFamily.INTEGER_NUMERIC
        };
    }

    public StringData eval(Object... args) {
        checkKeyArgument(args);
        Object value = args[0];
        if (value == null) {
            return null;
        }
        byte[] utf8 = value.toString().getBytes(StandardCharsets.UTF_8);
        // base64url: ASCII bytes that need no encoding on their way to the sink
        return StringData.fromBytes(pseudonymizer.pseudonymizeUtf8(utf8));
    }

    @Override
    boolean internalStringResult() {
        return true;
    }
}
