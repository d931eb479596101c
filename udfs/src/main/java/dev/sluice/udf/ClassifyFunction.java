package dev.sluice.udf;

import dev.sluice.policy.detect.ColumnContext;
import dev.sluice.policy.detect.SensitiveDataDetector;
import java.time.LocalDate;
import java.util.List;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.functions.ScalarFunction;
import org.apache.flink.table.functions.SpecializedFunction;
import org.apache.flink.table.functions.UserDefinedFunction;
import org.apache.flink.table.types.inference.Signature;
import org.apache.flink.table.types.inference.TypeInference;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

/**
 * {@code classify(value[, columnName])}: the sensitive-data classes detected in a value, as {@code
 * ARRAY<STRING>} of class codes ({@code PII.EMAIL}, {@code PCI.PAN}...) sorted, empty when none;
 * NULL gives NULL. The optional column name literal adds its name signals (dates of birth, names,
 * addresses, bare digits). Integers and dates are classified as their text.
 */
public final class ClassifyFunction extends ScalarFunction implements SpecializedFunction {
    private static final long serialVersionUID = 1L;
    private static final String NAME = "classify";
    private static final String[] NONE = new String[0];

    /** Immutable and thread-safe: one per JVM. */
    private static final SensitiveDataDetector DETECTOR = SensitiveDataDetector.defaults();

    private final String columnName;
    private transient ColumnContext column;

    public ClassifyFunction() {
        this(null);
    }

    private ClassifyFunction(String columnName) {
        this.columnName = columnName;
    }

    @Override
    public UserDefinedFunction specialize(SpecializedContext context) {
        var call = context.getCallContext();
        return call.getArgumentDataTypes().size() < 2
                ? this
                : new ClassifyFunction(LiteralArguments.string(call, 1, NAME, "columnName"));
    }

    public String[] eval(Object... args) {
        Object value = args[0];
        if (value == null) {
            return null;
        }
        String text = value instanceof LocalDate d ? d.toString() : value.toString();
        if (column == null) {
            String name =
                    columnName != null ? columnName : args.length > 1 ? (String) args[1] : null;
            column = name == null ? ColumnContext.none() : ColumnContext.of(name);
        }
        return DETECTOR.classesOf(text, column).toArray(NONE);
    }

    @Override
    public TypeInference getTypeInference(DataTypeFactory typeFactory) {
        return CallRules.inference(
                1,
                2,
                List.of(
                        Signature.Argument.of(
                                "value", "<STRING|CHAR|VARCHAR|TINYINT|SMALLINT|INT|BIGINT|DATE>"),
                        Signature.Argument.of("columnName", "<STRING LITERAL>")),
                call -> {
                    var type = call.getArgumentDataTypes().get(0).getLogicalType();
                    if (!type.is(LogicalTypeFamily.CHARACTER_STRING)
                            && !type.is(LogicalTypeFamily.INTEGER_NUMERIC)
                            && !type.is(LogicalTypeRoot.DATE)) {
                        throw new ValidationException(
                                "Invalid value of classify: type "
                                        + type.copy(true).asSummaryString()
                                        + " is not supported. Use STRING, CHAR, VARCHAR, an integer"
                                        + " type or DATE, or CAST the value to STRING.");
                    }
                    if (call.getArgumentDataTypes().size() > 1) {
                        LiteralArguments.string(call, 1, NAME, "columnName");
                    }
                },
                call -> {
                    var array = DataTypes.ARRAY(DataTypes.STRING().notNull());
                    return call.getArgumentDataTypes().get(0).getLogicalType().isNullable()
                            ? array
                            : array.notNull();
                });
    }

    @Override
    public String toString() {
        return columnName == null ? NAME : NAME + "(column " + columnName + ")";
    }
}
