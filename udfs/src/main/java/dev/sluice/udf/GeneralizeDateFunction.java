package dev.sluice.udf;

import dev.sluice.policy.mask.Generalization;
import dev.sluice.policy.mask.Generalization.DateUnit;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.functions.ScalarFunction;
import org.apache.flink.table.types.inference.Signature;
import org.apache.flink.table.types.inference.TypeInference;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

/**
 * {@code generalize_date(value, 'year' | 'month')}: the first day of the value's year or month, for
 * DATE and TIMESTAMP (midnight), keeping the type.
 */
public final class GeneralizeDateFunction extends ScalarFunction {
    private static final long serialVersionUID = 1L;
    private static final String NAME = "generalize_date";

    public Object eval(Object value, String unit) {
        DateUnit u = DateUnit.parse(unit);
        if (value instanceof LocalDate d) {
            return Generalization.generalizeDate(d, u);
        }
        if (value instanceof LocalDateTime t) {
            return Generalization.generalizeDate(t, u);
        }
        return null;
    }

    @Override
    public TypeInference getTypeInference(DataTypeFactory typeFactory) {
        return CallRules.inference(
                2,
                2,
                List.of(
                        Signature.Argument.of("value", "<DATE|TIMESTAMP>"),
                        Signature.Argument.of("unit", "<'year'|'month'>")),
                call -> {
                    var type = call.getArgumentDataTypes().get(0).getLogicalType();
                    if (!type.is(LogicalTypeRoot.DATE)
                            && !type.is(LogicalTypeRoot.TIMESTAMP_WITHOUT_TIME_ZONE)) {
                        throw new ValidationException(
                                "Invalid value of generalize_date: type "
                                        + type.copy(true).asSummaryString()
                                        + " is not supported. Use DATE or TIMESTAMP, or CAST the"
                                        + " value to one of them.");
                    }
                    try {
                        DateUnit.parse(LiteralArguments.string(call, 1, NAME, "unit"));
                    } catch (IllegalArgumentException e) {
                        throw new ValidationException(e.getMessage());
                    }
                },
                call -> call.getArgumentDataTypes().get(0));
    }

    @Override
    public String toString() {
        return NAME;
    }
}
