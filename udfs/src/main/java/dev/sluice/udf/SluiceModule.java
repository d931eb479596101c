package dev.sluice.udf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.table.functions.FunctionDefinition;
import org.apache.flink.table.module.Module;

/**
 * Every Sluice SQL function, registered by one statement: {@code LOAD MODULE sluice;}. Functions
 * resolve by name case-insensitively, like Flink's built-ins.
 */
public final class SluiceModule implements Module {
    private final Map<String, FunctionDefinition> functions;

    SluiceModule(Map<String, FunctionDefinition> functions) {
        this.functions = Collections.unmodifiableMap(new LinkedHashMap<>(functions));
    }

    /**
     * Every function; the keyed ones use {@code keyOptions} (key provider options without the
     * {@code keys.} prefix) or, when empty, the job parameters {@code sluice.keys.*}.
     */
    static Map<String, FunctionDefinition> functions(Map<String, String> keyOptions) {
        Map<String, FunctionDefinition> functions = maskingFunctions();
        for (KeyedFunction f :
                new KeyedFunction[] {
                    new PseudonymizeFunction(keyOptions, KeyedFunction.DEFAULT_KEY),
                    new EncryptDeterministicFunction(keyOptions, KeyedFunction.DEFAULT_KEY),
                    new DecryptDeterministicFunction(keyOptions, KeyedFunction.DEFAULT_KEY)
                }) {
            functions.put(f.functionName(), f);
        }
        functions.put("generalize_date", new GeneralizeDateFunction());
        functions.put("bucket", new BucketFunction());
        functions.put("postal_prefix", new PostalPrefixFunction());
        functions.put("redact", new RedactFunction());
        return functions;
    }

    /** The masking functions, which need no configuration. */
    static Map<String, FunctionDefinition> maskingFunctions() {
        Map<String, FunctionDefinition> functions = new LinkedHashMap<>();
        for (MaskingFunction f :
                new MaskingFunction[] {
                    new MaskFunction(),
                    new MaskFirstNFunction(),
                    new MaskLastNFunction(),
                    new MaskShowFirstNFunction(),
                    new MaskShowLastNFunction(),
                    new MaskStrictFunction(),
                    new MaskFirstNStrictFunction(),
                    new MaskLastNStrictFunction(),
                    new MaskShowFirstNStrictFunction(),
                    new MaskShowLastNStrictFunction()
                }) {
            functions.put(f.functionName(), f);
        }
        functions.put("mask_hash", new MaskHashFunction());
        return functions;
    }

    @Override
    public Set<String> listFunctions() {
        return functions.keySet();
    }

    @Override
    public Optional<FunctionDefinition> getFunctionDefinition(String name) {
        return Optional.ofNullable(functions.get(name.toLowerCase(Locale.ROOT)));
    }
}
