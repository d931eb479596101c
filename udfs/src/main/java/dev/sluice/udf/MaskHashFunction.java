package dev.sluice.udf;

import dev.sluice.policy.mask.MaskHash;
import java.util.List;
import java.util.Optional;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.functions.FunctionDefinition;
import org.apache.flink.table.functions.ScalarFunction;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.inference.ArgumentCount;
import org.apache.flink.table.types.inference.CallContext;
import org.apache.flink.table.types.inference.ConstantArgumentCount;
import org.apache.flink.table.types.inference.InputTypeStrategy;
import org.apache.flink.table.types.inference.Signature;
import org.apache.flink.table.types.inference.TypeInference;
import org.apache.flink.table.types.logical.LogicalTypeFamily;

/**
 * Hive 3's {@code mask_hash(value)}: the hex SHA-256 of a STRING, CHAR or VARCHAR as STRING; for
 * the integer types and DATE it returns NULL of the value's type, as Hive does.
 */
public final class MaskHashFunction extends ScalarFunction {
    private static final long serialVersionUID = 1L;

    public Object eval(Object value) {
        return value instanceof String s ? MaskHash.sha256Hex(s) : null;
    }

    @Override
    public TypeInference getTypeInference(DataTypeFactory typeFactory) {
        return TypeInference.newBuilder()
                .inputTypeStrategy(
                        new InputTypeStrategy() {
                            @Override
                            public ArgumentCount getArgumentCount() {
                                return ConstantArgumentCount.of(1);
                            }

                            @Override
                            public Optional<List<DataType>> inferInputTypes(
                                    CallContext call, boolean throwOnFailure) {
                                try {
                                    MaskingFunction.checkValueType("mask_hash", call, true);
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
                                return List.of(
                                        Signature.of(
                                                Signature.Argument.of(
                                                        "value",
                                                        "<STRING|CHAR|VARCHAR|TINYINT|SMALLINT|INT|BIGINT|DATE>")));
                            }
                        })
                .outputTypeStrategy(
                        call -> {
                            DataType value = call.getArgumentDataTypes().get(0);
                            if (value.getLogicalType().is(LogicalTypeFamily.CHARACTER_STRING)) {
                                DataType hash = DataTypes.STRING();
                                return Optional.of(
                                        value.getLogicalType().isNullable()
                                                ? hash
                                                : hash.notNull());
                            }
                            return Optional.of(value.nullable());
                        })
                .build();
    }

    @Override
    public String toString() {
        return "mask_hash";
    }
}
