package dev.sluice.udf;

import dev.sluice.policy.mask.Generalization;
import java.util.List;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.functions.ScalarFunction;
import org.apache.flink.table.types.inference.Signature;
import org.apache.flink.table.types.inference.TypeInference;
import org.apache.flink.table.types.logical.LogicalTypeFamily;

/**
 * {@code bucket(value, width)}: the lower bound of the value's bucket, {@code floor(value / width)
 * * width}, as BIGINT (a lower bound can be below the minimum of a narrower type), for TINYINT to
 * BIGINT; {@code width} is an integer literal > 0.
 */
public final class BucketFunction extends ScalarFunction {
    private static final long serialVersionUID = 1L;
    private static final String NAME = "bucket";

    public Long eval(Object value, Object width) {
        return value == null
                ? null
                : Generalization.bucket(((Number) value).longValue(), ((Number) width).longValue());
    }

    @Override
    public TypeInference getTypeInference(DataTypeFactory typeFactory) {
        return CallRules.inference(
                2,
                2,
                List.of(
                        Signature.Argument.of("value", "<TINYINT|SMALLINT|INT|BIGINT>"),
                        Signature.Argument.of("width", "<INTEGER LITERAL>")),
                call -> {
                    LiteralArguments.requireValueType(
                            call,
                            NAME,
                            "TINYINT, SMALLINT, INT or BIGINT",
                            LogicalTypeFamily.INTEGER_NUMERIC);
                    try {
                        Generalization.checkWidth(LiteralArguments.integer(call, 1, NAME, "width"));
                    } catch (IllegalArgumentException e) {
                        throw new ValidationException(e.getMessage());
                    }
                },
                call ->
                        call.getArgumentDataTypes().get(0).getLogicalType().isNullable()
                                ? DataTypes.BIGINT()
                                : DataTypes.BIGINT().notNull());
    }

    @Override
    public String toString() {
        return NAME;
    }
}
