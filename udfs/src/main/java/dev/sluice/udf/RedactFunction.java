package dev.sluice.udf;

import dev.sluice.policy.mask.Generalization;
import java.util.List;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.functions.ScalarFunction;
import org.apache.flink.table.types.inference.Signature;
import org.apache.flink.table.types.inference.TypeInference;
import org.apache.flink.table.types.logical.LogicalTypeFamily;

/**
 * {@code redact(value)}: {@code '[REDACTED]'} (STRING) for a non-null STRING, CHAR or VARCHAR; NULL
 * of the value's type for every other type. NULL stays NULL, so only null-ness remains visible.
 */
public final class RedactFunction extends ScalarFunction {
    private static final long serialVersionUID = 1L;

    public Object eval(Object value) {
        return value instanceof String s ? Generalization.redact(s) : null;
    }

    @Override
    public TypeInference getTypeInference(DataTypeFactory typeFactory) {
        return CallRules.inference(
                1,
                1,
                List.of(Signature.Argument.of("value", "<ANY>")),
                call -> {},
                call -> {
                    var value = call.getArgumentDataTypes().get(0);
                    return value.getLogicalType().is(LogicalTypeFamily.CHARACTER_STRING)
                            ? CallRules.stringLike(call)
                            : value.nullable();
                });
    }

    @Override
    public String toString() {
        return "redact";
    }
}
