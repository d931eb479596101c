package dev.sluice.udf;

import dev.sluice.policy.pseudonym.KeyProvider;
import dev.sluice.policy.pseudonym.KeyProviders;
import dev.sluice.policy.pseudonym.KeyUnavailableException;
import dev.sluice.policy.pseudonym.KeysetFile;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.ScalarFunction;
import org.apache.flink.table.functions.SpecializedFunction;
import org.apache.flink.table.functions.UserDefinedFunction;
import org.apache.flink.table.types.inference.CallContext;
import org.apache.flink.table.types.inference.Signature;
import org.apache.flink.table.types.inference.TypeInference;
import org.apache.flink.table.types.logical.LogicalTypeFamily;

/**
 * A function that needs a secret key: {@code f(value[, keyName])}, key name {@value #DEFAULT_KEY}
 * when omitted. The key name must be a literal; the key itself is loaded in {@link #open} on the
 * task managers, so a missing key or master key fails the job when it starts, never per row and
 * never by passing values through unmasked.
 *
 * <p>Key provider options come from {@code LOAD MODULE sluice WITH ('keys.file' = ...)} when the
 * module was loaded with any {@code keys.*} option (then an unknown key name fails planning
 * already), else from the job parameters {@code sluice.keys.*} (for {@code CREATE FUNCTION}).
 */
public abstract class KeyedFunction extends ScalarFunction implements SpecializedFunction {
    private static final long serialVersionUID = 1L;

    public static final String DEFAULT_KEY = "default";

    /** Prefix of the job parameters read when the module carries no key options. */
    public static final String JOB_PARAMETER_PREFIX = "sluice.keys.";

    private final String name;
    private final Map<String, String> keyOptions;
    private final String keyName;

    KeyedFunction(String name, Map<String, String> keyOptions, String keyName) {
        this.name = name;
        this.keyOptions = new HashMap<>(keyOptions);
        this.keyName = keyName;
    }

    /** The SQL name under which the {@code sluice} module registers this function. */
    public String functionName() {
        return name;
    }

    /** A copy of this function bound to {@code keyName}. */
    abstract KeyedFunction withKey(Map<String, String> keyOptions, String keyName);

    /** Builds the keyed primitive; called once per task in {@link #open}. */
    abstract void prepare(KeyProvider keys, String keyName);

    /** The value type description, for messages and signatures. */
    abstract String supportedTypes();

    abstract LogicalTypeFamily[] supportedFamilies();

    /**
     * Whether eval returns Flink's internal {@link org.apache.flink.table.data.StringData} instead
     * of String, for results the function already has as UTF-8 bytes.
     */
    boolean internalStringResult() {
        return false;
    }

    /** The key name this instance uses. */
    String keyName() {
        return keyName;
    }

    @Override
    public UserDefinedFunction specialize(SpecializedContext context) {
        return withKey(keyOptions, keyNameOf(context.getCallContext()));
    }

    private String keyNameOf(CallContext call) {
        if (call.getArgumentDataTypes().size() < 2) {
            return DEFAULT_KEY;
        }
        String key = LiteralArguments.string(call, 1, name, "keyName");
        if (!KeysetFile.isValidKeyName(key)) {
            throw new ValidationException(
                    "Invalid keyName of "
                            + name
                            + ": '"
                            + key
                            + "'. Use letters, digits, '_', '.' or '-', e.g. 'crm'.");
        }
        return key;
    }

    @Override
    public TypeInference getTypeInference(DataTypeFactory typeFactory) {
        return CallRules.inference(
                1,
                2,
                List.of(
                        Signature.Argument.of("value", "<" + supportedTypes() + ">"),
                        Signature.Argument.of("keyName", "<STRING LITERAL>")),
                call -> {
                    LiteralArguments.requireValueType(
                            call, name, supportedTypes().replace('|', ','), supportedFamilies());
                    String key = keyNameOf(call);
                    if (!keyOptions.isEmpty()) {
                        checkKeyExists(key);
                    }
                },
                CallRules::stringLike,
                internalStringResult());
    }

    /** With module options the keyset file is readable here: an unknown name fails planning. */
    private void checkKeyExists(String key) {
        try {
            KeyProvider keys = KeyProviders.create(keyOptions);
            if (!keys.keyNames().contains(key)) {
                throw new ValidationException(
                        "Invalid keyName of "
                                + name
                                + ": unknown key '"
                                + key
                                + "'. "
                                + keys
                                + " has "
                                + keys.keyNames()
                                + ". Add the key with sluice keys add, or use one of these.");
            }
        } catch (KeyUnavailableException e) {
            throw new ValidationException(name + "(…, '" + key + "'): " + e.getMessage());
        }
    }

    @Override
    public void open(FunctionContext context) {
        Map<String, String> options = keyOptions;
        if (options.isEmpty()) {
            options = new HashMap<>();
            for (String option : KeyProviders.optionNames()) {
                String value = context.getJobParameter(JOB_PARAMETER_PREFIX + option, null);
                if (value != null) {
                    options.put(option, value);
                }
            }
        }
        if (options.isEmpty()) {
            throw new KeyUnavailableException(
                    name
                            + "(…, '"
                            + keyName
                            + "') has no key provider. Load the module with LOAD MODULE sluice"
                            + " WITH ('keys.file' = '<keyset file>'), or set the job parameter "
                            + JOB_PARAMETER_PREFIX
                            + "file (pipeline.global-job-parameters).");
        }
        try {
            prepare(KeyProviders.create(options), keyName);
        } catch (KeyUnavailableException e) {
            throw new KeyUnavailableException(
                    name + "(…, '" + keyName + "') cannot start: " + e.getMessage());
        }
    }

    /** Fails when called with a key name other than the one this instance was opened with. */
    void checkKeyArgument(Object[] args) {
        if (args.length > 1 && !keyName.equals(args[1])) {
            throw new IllegalStateException(
                    name
                            + " was opened with key '"
                            + keyName
                            + "' but called with key '"
                            + args[1]
                            + "'; call it through the Flink planner, which binds the key name.");
        }
    }

    @Override
    public String toString() {
        return name + "(key " + keyName + ")";
    }
}
