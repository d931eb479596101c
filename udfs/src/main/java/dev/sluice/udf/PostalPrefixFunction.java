package dev.sluice.udf;

import dev.sluice.policy.mask.Generalization;
import java.util.List;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.functions.ScalarFunction;
import org.apache.flink.table.types.inference.Signature;
import org.apache.flink.table.types.inference.TypeInference;
import org.apache.flink.table.types.logical.LogicalTypeFamily;

/**
 * {@code postal_prefix(code, length)}: the first {@code length} characters of a postal code, spaces
 * around it removed, as STRING; {@code length} is an integer literal >= 0.
 */
public final class PostalPrefixFunction extends ScalarFunction {
    private static final long serialVersionUID = 1L;
    private static final String NAME = "postal_prefix";

    public String eval(String code, Object length) {
        return code == null
                ? null
                : Generalization.postalPrefix(code, ((Number) length).intValue());
    }

    @Override
    public TypeInference getTypeInference(DataTypeFactory typeFactory) {
        return CallRules.inference(
                2,
                2,
                List.of(
                        Signature.Argument.of("code", "<STRING|CHAR|VARCHAR>"),
                        Signature.Argument.of("length", "<INTEGER LITERAL>")),
                call -> {
                    LiteralArguments.requireValueType(
                            call,
                            NAME,
                            "STRING, CHAR or VARCHAR",
                            LogicalTypeFamily.CHARACTER_STRING);
                    long length = LiteralArguments.integer(call, 1, NAME, "length");
                    try {
                        Generalization.checkPrefixLength(
                                (int)
                                        Math.max(
                                                Integer.MIN_VALUE,
                                                Math.min(Integer.MAX_VALUE, length)));
                    } catch (IllegalArgumentException e) {
                        throw new ValidationException(e.getMessage());
                    }
                },
                CallRules::stringLike);
    }

    @Override
    public String toString() {
        return NAME;
    }
}
