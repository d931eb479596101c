package dev.sluice.udf;

import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.types.inference.CallContext;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;

/**
 * Reads the literal options of a call at planning time (a key name, a width, a unit) and fails with
 * the function and argument named when one is not a literal of the right kind.
 */
final class LiteralArguments {
    private LiteralArguments() {}

    static String string(CallContext call, int index, String function, String argument) {
        LogicalType type = call.getArgumentDataTypes().get(index).getLogicalType();
        if (!call.isArgumentLiteral(index)
                || call.isArgumentNull(index)
                || !type.is(LogicalTypeFamily.CHARACTER_STRING)) {
            throw new ValidationException(
                    "Invalid "
                            + argument
                            + " of "
                            + function
                            + ": not a string literal. Pass a constant such as 'x'.");
        }
        return call.getArgumentValue(index, String.class).orElseThrow();
    }

    static long integer(CallContext call, int index, String function, String argument) {
        LogicalType type = call.getArgumentDataTypes().get(index).getLogicalType();
        if (!call.isArgumentLiteral(index)
                || call.isArgumentNull(index)
                || !type.is(LogicalTypeFamily.INTEGER_NUMERIC)) {
            throw new ValidationException(
                    "Invalid "
                            + argument
                            + " of "
                            + function
                            + ": not an integer literal. Pass a constant such as 10.");
        }
        return call.getArgumentValue(index, Long.class).orElseThrow();
    }

    /** Rejects a value whose type is not in the supported families, naming the function. */
    static void requireValueType(
            CallContext call, String function, String supported, LogicalTypeFamily... families) {
        LogicalType type = call.getArgumentDataTypes().get(0).getLogicalType();
        for (LogicalTypeFamily family : families) {
            if (type.is(family)) {
                return;
            }
        }
        throw new ValidationException(
                "Invalid value of "
                        + function
                        + ": type "
                        + type.copy(true).asSummaryString()
                        + " is not supported. Use "
                        + supported
                        + ", or CAST the value to one of them.");
    }
}
