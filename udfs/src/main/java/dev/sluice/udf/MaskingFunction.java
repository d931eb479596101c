package dev.sluice.udf;

import dev.sluice.policy.mask.MaskRegion;
import dev.sluice.policy.mask.ValueMasker;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.functions.FunctionDefinition;
import org.apache.flink.table.functions.ScalarFunction;
import org.apache.flink.table.functions.SpecializedFunction;
import org.apache.flink.table.functions.UserDefinedFunction;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.inference.ArgumentCount;
import org.apache.flink.table.types.inference.CallContext;
import org.apache.flink.table.types.inference.ConstantArgumentCount;
import org.apache.flink.table.types.inference.InputTypeStrategy;
import org.apache.flink.table.types.inference.Signature;
import org.apache.flink.table.types.inference.TypeInference;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

/**
 * A mask function ({@code mask}, {@code mask_show_last_n}, their {@code _strict} variants...): the
 * value keeps its type (STRING, CHAR, VARCHAR, TINYINT, SMALLINT, INT, BIGINT, DATE); NULL gives
 * NULL. The literal options are read once at planning time ({@link SpecializedFunction}), so rows
 * pay only for the masking itself. Strings arrive and leave as {@code String} (the Java string a
 * source decoded is handed over as is); the maskers' ASCII fast path makes that as cheap as masking
 * UTF-8 bytes, with one code path instead of two.
 */
public abstract class MaskingFunction extends ScalarFunction implements SpecializedFunction {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final MaskArguments arguments;
    private final ValueMasker defaults;
    private final ValueMasker configured;

    /**
     * @param configured the masker built from a call's literal options, or {@code null} for the
     *     unspecialized function that the module and {@code CREATE FUNCTION} register
     */
    MaskingFunction(String name, MaskRegion region, boolean strict, ValueMasker configured) {
        this.name = name;
        this.arguments = new MaskArguments(name, region, strict);
        this.defaults = arguments.fromValues(List.of());
        this.configured = configured;
    }

    /** The SQL name under which the {@code sluice} module registers this function. */
    public String functionName() {
        return name;
    }

    /** A copy of this function that masks with {@code configured}. */
    abstract MaskingFunction withMasker(ValueMasker configured);

    @Override
    public UserDefinedFunction specialize(SpecializedContext context) {
        return withMasker(arguments.fromCall(context.getCallContext()));
    }

    /**
     * Masks {@code args[0]}. The other arguments are the literal options, already applied by {@link
     * #specialize}; an unspecialized instance (called outside the planner) reads them here.
     */
    public Object eval(Object... args) {
        Object value = args[0];
        if (value == null) {
            return null;
        }
        ValueMasker m;
        if (configured != null) {
            m = configured;
        } else if (args.length == 1) {
            m = defaults;
        } else {
            m = arguments.fromValues(Arrays.asList(args).subList(1, args.length));
        }
        if (value instanceof String s) {
            return m.mask(s);
        } else if (value instanceof Integer i) {
            return m.mask(i.intValue());
        } else if (value instanceof Long l) {
            return m.mask(l.longValue());
        } else if (value instanceof Short s) {
            return m.mask(s.shortValue());
        } else if (value instanceof Byte b) {
            return m.mask(b.byteValue());
        } else if (value instanceof LocalDate d) {
            return m.mask(d);
        }
        throw new IllegalArgumentException(
                name + " cannot mask a " + value.getClass().getSimpleName());
    }

    /**
     * Never folded at planning time: a call on literals then runs like a call on a column. Folding
     * would turn a masked date of year 0 (Hive's default mask) into a planner literal, which the
     * planner cannot represent, and would fail the query that the same call on a column runs.
     */
    @Override
    public boolean supportsConstantFolding() {
        return false;
    }

    @Override
    public TypeInference getTypeInference(DataTypeFactory typeFactory) {
        return TypeInference.newBuilder()
                .inputTypeStrategy(new MaskInputStrategy())
                .outputTypeStrategy(call -> Optional.of(call.getArgumentDataTypes().get(0)))
                .build();
    }

    @Override
    public String toString() {
        return name;
    }

    /** Checks the value type and the literal options; keeps every argument type as it is. */
    private final class MaskInputStrategy implements InputTypeStrategy {
        @Override
        public ArgumentCount getArgumentCount() {
            return ConstantArgumentCount.between(1, arguments.names().size() + 1);
        }

        @Override
        public Optional<List<DataType>> inferInputTypes(CallContext call, boolean throwOnFailure) {
            try {
                checkValueType(name, call, true);
                arguments.fromCall(call);
            } catch (ValidationException e) {
                if (throwOnFailure) {
                    throw e;
                }
                return Optional.empty();
            }
            return Optional.of(call.getArgumentDataTypes());
        }

        @Override
        public List<Signature> getExpectedSignatures(FunctionDefinition definition) {
            List<Signature.Argument> args = new ArrayList<>();
            args.add(
                    Signature.Argument.of(
                            "value", "<STRING|CHAR|VARCHAR|TINYINT|SMALLINT|INT|BIGINT|DATE>"));
            for (String option : arguments.names()) {
                args.add(Signature.Argument.of(option, "<LITERAL>"));
            }
            return List.of(Signature.of(args));
        }
    }

    /** Rejects value types the mask functions do not support, naming the function. */
    static void checkValueType(String function, CallContext call, boolean acceptsDates) {
        LogicalType type = call.getArgumentDataTypes().get(0).getLogicalType();
        boolean supported =
                type.is(LogicalTypeFamily.CHARACTER_STRING)
                        || type.is(LogicalTypeFamily.INTEGER_NUMERIC)
                        || (acceptsDates && type.is(LogicalTypeRoot.DATE));
        if (type.is(LogicalTypeRoot.NULL)) {
            throw new ValidationException(
                    "Invalid value of "
                            + function
                            + ": an untyped NULL. Cast it to the column type, e.g. CAST(NULL AS STRING).");
        }
        if (!supported) {
            throw new ValidationException(
                    "Invalid value of "
                            + function
                            + ": type "
                            + type.copy(true).asSummaryString()
                            + " is not supported. Use STRING, CHAR, VARCHAR, TINYINT, SMALLINT, INT, BIGINT"
                            + (acceptsDates ? " or DATE" : "")
                            + ", or CAST the value to one of them.");
        }
    }
}
