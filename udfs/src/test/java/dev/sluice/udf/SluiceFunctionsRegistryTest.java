package dev.sluice.udf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.policy.model.SluiceFunctions;
import java.util.Map;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.internal.TableEnvironmentInternal;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.functions.FunctionDefinition;
import org.apache.flink.table.types.inference.ArgumentCount;
import org.junit.jupiter.api.Test;

/**
 * The policy checks the functions its rules name against {@link SluiceFunctions} (policy-functions
 * has no Flink): it must list exactly the module's functions with their argument counts.
 */
class SluiceFunctionsRegistryTest {

    @Test
    void theRegistryListsEveryModuleFunctionWithItsArgumentCount() {
        Map<String, FunctionDefinition> module = SluiceModule.functions(Map.of());
        assertThat(SluiceFunctions.all().keySet())
                .containsExactlyInAnyOrderElementsOf(module.keySet());

        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        DataTypeFactory types =
                ((TableEnvironmentInternal) env).getCatalogManager().getDataTypeFactory();
        module.forEach(
                (name, definition) -> {
                    ArgumentCount count =
                            definition
                                    .getTypeInference(types)
                                    .getInputTypeStrategy()
                                    .getArgumentCount();
                    SluiceFunctions.Arity arity = SluiceFunctions.arity(name).orElseThrow();
                    assertThat(arity.min())
                            .as("minimum arguments of " + name)
                            .isEqualTo(count.getMinCount().orElse(0));
                    assertThat(arity.max())
                            .as("maximum arguments of " + name)
                            .isEqualTo(count.getMaxCount().orElse(Integer.MAX_VALUE));
                });
    }
}
