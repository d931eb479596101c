package dev.sluice.udf;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.functions.FunctionDefinition;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.inference.ArgumentCount;
import org.apache.flink.table.types.inference.CallContext;
import org.apache.flink.table.types.inference.ConstantArgumentCount;
import org.apache.flink.table.types.inference.InputTypeStrategy;
import org.apache.flink.table.types.inference.Signature;
import org.apache.flink.table.types.inference.TypeInference;
import org.apache.flink.table.types.logical.LogicalTypeFamily;

/**
 * Type inference of a function whose checks are plain code: {@code check} throws a {@link
 * ValidationException} that names the function and argument; argument types stay as they are.
 */
final class CallRules {
    private CallRules() {}

    static TypeInference inference(
            int minArguments,
            int maxArguments,
            List<Signature.Argument> signature,
            Consumer<CallContext> check,
            Function<CallContext, DataType> output) {
        return inference(minArguments, maxArguments, signature, check, output, false);
    }

    /**
     * @param internalStringResult whether a character string result is Flink's internal {@code
     *     StringData} (the function makes UTF-8 bytes itself) rather than {@code String}. Arguments
     *     always arrive as {@code String}, the Java string a source decoded, handed over as is.
     */
    static TypeInference inference(
            int minArguments,
            int maxArguments,
            List<Signature.Argument> signature,
            Consumer<CallContext> check,
            Function<CallContext, DataType> output,
            boolean internalStringResult) {
        return TypeInference.newBuilder()
                .inputTypeStrategy(
                        new InputTypeStrategy() {
                            @Override
                            public ArgumentCount getArgumentCount() {
                                return ConstantArgumentCount.between(minArguments, maxArguments);
                            }

                            @Override
                            public Optional<List<DataType>> inferInputTypes(
                                    CallContext call, boolean throwOnFailure) {
                                try {
                                    check.accept(call);
                                } catch (ValidationException e) {
                                    if (throwOnFailure) {
                                        throw e;
                                    }
                                    return Optional.empty();
                                }
                                return Optional.of(call.getArgumentDataTypes());
                            }

                            @Override
                            public List<Signature> getExpectedSignatures(
                                    FunctionDefinition definition) {
                                return List.of(Signature.of(signature));
                            }
                        })
                .outputTypeStrategy(
                        call ->
                                Optional.of(
                                        internalStringResult
                                                ? bridgedToStringData(output.apply(call))
                                                : output.apply(call)))
                .build();
    }

    /** STRING, nullable exactly when the value is. */
    static DataType stringLike(CallContext call) {
        DataType string = org.apache.flink.table.api.DataTypes.STRING();
        return call.getArgumentDataTypes().get(0).getLogicalType().isNullable()
                ? string
                : string.notNull();
    }

    /** {@code type} bridged to Flink's internal UTF-8 {@link StringData} when it is a string. */
    private static DataType bridgedToStringData(DataType type) {
        return type.getLogicalType().is(LogicalTypeFamily.CHARACTER_STRING)
                ? type.bridgedTo(StringData.class)
                : type;
    }
}
