package dev.sluice.gate;

import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.FunctionHint;
import org.apache.flink.table.functions.FunctionDefinition;
import org.apache.flink.table.functions.ScalarFunction;
import org.apache.flink.table.functions.TableFunction;
import org.apache.flink.table.module.Module;
import org.apache.flink.types.Row;

/**
 * Functions the gate corpus plans with: stand-ins for the sluice masking module (same names and
 * signatures; planning needs only their types), a table function and an impostor that returns its
 * input.
 */
final class CorpusFunctions {
    private CorpusFunctions() {}

    /** A module registered as {@code sluice}, the way {@code LOAD MODULE sluice;} would. */
    static final class MaskingModule implements Module {
        private static final Map<String, FunctionDefinition> FUNCTIONS =
                Map.of(
                        "mask", new OneString(),
                        "mask_hash", new OneString(),
                        "pseudonymize", new OneString(),
                        "redact", new OneString(),
                        "encrypt_deterministic", new OneString(),
                        "decrypt_deterministic", new OneString(),
                        "mask_show_last_n", new ShowLastN(),
                        "generalize_date", new GeneralizeDate());

        @Override
        public Set<String> listFunctions() {
            return FUNCTIONS.keySet();
        }

        @Override
        public Optional<FunctionDefinition> getFunctionDefinition(String name) {
            return Optional.ofNullable(FUNCTIONS.get(name.toLowerCase(java.util.Locale.ROOT)));
        }
    }

    /** A masking function of one string. */
    public static final class OneString extends ScalarFunction {
        public String eval(String value) {
            return value == null ? null : "masked";
        }
    }

    /** {@code mask_show_last_n(value, n)}. */
    public static final class ShowLastN extends ScalarFunction {
        public String eval(String value, Integer n) {
            return value;
        }
    }

    /** {@code generalize_date(date, unit)}. */
    public static final class GeneralizeDate extends ScalarFunction {
        public LocalDate eval(LocalDate value, String unit) {
            return value;
        }
    }

    /** Returns its input: what a pipeline might try to pass off as a masking function. */
    public static final class Identity extends ScalarFunction {
        public String eval(String value) {
            return value;
        }
    }

    /** Splits text into words. */
    @FunctionHint(output = @DataTypeHint("ROW<w STRING>"))
    public static final class SplitWords extends TableFunction<Row> {
        public void eval(String text) {
            if (text != null) {
                for (String w : text.split("\\s+")) {
                    collect(Row.of(w));
                }
            }
        }
    }
}
