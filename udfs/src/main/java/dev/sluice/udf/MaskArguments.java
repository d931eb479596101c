package dev.sluice.udf;

import dev.sluice.policy.mask.HiveMasker;
import dev.sluice.policy.mask.MaskRegion;
import dev.sluice.policy.mask.StrictMasker;
import dev.sluice.policy.mask.ValueMasker;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.types.inference.CallContext;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;

/**
 * The optional arguments of a mask function call — Hive's {@code charCount, upperChar, lowerChar,
 * digitChar, otherChar, numberChar, dayValue, monthValue, yearValue}, in Hive's order — turned into
 * a {@link ValueMasker}. They must be literals: the masker is built once, when the query is
 * planned, and a wrong argument fails planning with the function and argument named.
 */
final class MaskArguments implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final List<String> CHAR_COUNT = List.of("charCount");
    private static final List<String> CHARACTERS =
            List.of("upperChar", "lowerChar", "digitChar", "otherChar", "numberChar");
    private static final List<String> DATE_FIELDS = List.of("dayValue", "monthValue", "yearValue");

    private final String function;
    private final MaskRegion region;
    private final boolean strict;

    MaskArguments(String function, MaskRegion region, boolean strict) {
        this.function = function;
        this.region = region;
        this.strict = strict;
    }

    /** Argument names after the value, in call order. */
    List<String> names() {
        List<String> names = new ArrayList<>();
        if (region.hasCharCount()) {
            names.addAll(CHAR_COUNT);
        }
        if (!strict) {
            names.addAll(CHARACTERS);
            // Hive's _n functions read the date fields after numberChar too (for DATE values)
            names.addAll(DATE_FIELDS);
        }
        return names;
    }

    /**
     * Reads and checks the literal arguments of a call (index 0 is the value and is ignored).
     *
     * @throws ValidationException naming the function and argument when one is not a valid literal
     */
    ValueMasker fromCall(CallContext call) {
        List<String> names = names();
        List<Object> values = new ArrayList<>();
        int count = call.getArgumentDataTypes().size();
        for (int i = 1; i < count; i++) {
            String name = names.get(i - 1);
            LogicalType type = call.getArgumentDataTypes().get(i).getLogicalType();
            if (call.isArgumentNull(i)) {
                values.add(null);
            } else if (!call.isArgumentLiteral(i)) {
                throw invalid(name, "not a literal", "Pass a constant such as 4, 'x' or -1.");
            } else if (type.is(LogicalTypeFamily.CHARACTER_STRING)) {
                values.add(call.getArgumentValue(i, String.class).orElse(null));
            } else if (type.is(LogicalTypeFamily.INTEGER_NUMERIC)) {
                values.add(call.getArgumentValue(i, Long.class).orElse(null));
            } else {
                throw invalid(
                        name,
                        "a literal of type " + type.asSummaryString(),
                        "Pass an integer or a string literal.");
            }
        }
        return fromValues(values);
    }

    /**
     * Builds the masker from argument values (String, Number or null for Hive's default), in call
     * order after the value.
     */
    ValueMasker fromValues(List<?> values) {
        List<String> names = names();
        if (values.size() > names.size()) {
            throw new ValidationException(
                    "Invalid call of "
                            + function
                            + ": "
                            + (values.size() + 1)
                            + " arguments. It takes at most "
                            + (names.size() + 1)
                            + ": value, "
                            + String.join(", ", names)
                            + ".");
        }
        if (strict) {
            return values.isEmpty() || values.get(0) == null
                    ? StrictMasker.of(region)
                    : StrictMasker.of(region, charCount(values.get(0)));
        }
        HiveMasker.Builder builder = HiveMasker.builder(region);
        for (int i = 0; i < values.size(); i++) {
            Object value = values.get(i);
            if (value == null) {
                continue;
            }
            String name = names.get(i);
            try {
                switch (name) {
                    case "charCount" -> builder.charCount(charCount(value));
                    case "upperChar" -> builder.upper(character(name, value));
                    case "lowerChar" -> builder.lower(character(name, value));
                    case "digitChar" -> builder.digit(character(name, value));
                    case "otherChar" -> builder.other(character(name, value));
                    case "numberChar" -> builder.number(integer(name, value));
                    case "dayValue" -> builder.day(integer(name, value));
                    case "monthValue" -> builder.month(integer(name, value));
                    case "yearValue" -> builder.year(integer(name, value));
                    default -> throw new IllegalStateException("unknown argument " + name);
                }
            } catch (IllegalArgumentException e) {
                throw new ValidationException(e.getMessage().replace(region.hiveName(), function));
            }
        }
        return builder.build();
    }

    private int charCount(Object value) {
        int count = integer("charCount", value);
        if (count < 0) {
            throw invalid("charCount", Integer.toString(count), "Use a number of characters >= 0.");
        }
        return count;
    }

    /** Hive accepts an integer (a code point, or -1 to keep) or a one-character string. */
    private int character(String name, Object value) {
        if (value instanceof Number n) {
            return integer(name, n);
        }
        String s = value.toString();
        if (s.length() != 1) {
            throw invalid(
                    name,
                    "'" + s + "'",
                    "Use exactly one character such as 'x', or -1 to keep the original.");
        }
        return s.charAt(0);
    }

    /** Hive accepts an integer or a string holding one, as in Ranger's {@code '1'}. */
    private int integer(String name, Object value) {
        if (value instanceof Number n) {
            long l = n.longValue();
            if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
                throw invalid(name, Long.toString(l), "Use a value that fits an INT.");
            }
            return (int) l;
        }
        try {
            return Integer.parseInt(value.toString().trim());
        } catch (NumberFormatException e) {
            throw invalid(name, "'" + value + "'", "Use an integer such as 1 or '1'.");
        }
    }

    private ValidationException invalid(String argument, String value, String fix) {
        return new ValidationException(
                "Invalid " + argument + " of " + function + ": " + value + ". " + fix);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MaskArguments m
                && function.equals(m.function)
                && region == m.region
                && strict == m.strict;
    }

    @Override
    public int hashCode() {
        return Objects.hash(function, region, strict);
    }
}
