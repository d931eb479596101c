package dev.sluice.cli;

import dev.sluice.gate.PolicySources;
import dev.sluice.lifecycle.WarehouseCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options of the commands that act on the Iceberg warehouse under the policy (maintain,
 * forget): the catalog ({@code --warehouse}, {@code --catalog}) and the policy files ({@code
 * --policy}).
 */
final class WarehouseOptions {

    @Option(
            names = "--warehouse",
            paramLabel = "URI",
            description =
                    "A Hadoop Iceberg catalog in this folder (short for --catalog type=hadoop"
                            + " --catalog warehouse=URI).")
    String warehouse;

    @Option(
            names = "--catalog",
            paramLabel = "KEY=VALUE",
            description =
                    "Iceberg catalog property, repeatable: type (hadoop, rest, jdbc), warehouse,"
                            + " uri, ...")
    Map<String, String> catalog = new LinkedHashMap<>();

    @Option(
            names = "--policy",
            paramLabel = "FILE|DIR",
            description = "Policy file or folder, repeatable (default: sql/policy).")
    List<String> policy = new ArrayList<>();

    /** The Iceberg catalog of the options; a {@link UserError} when none or an invalid one. */
    WarehouseCatalog warehouseCatalog() {
        Map<String, String> props = new LinkedHashMap<>(catalog);
        if (warehouse != null) {
            props.putIfAbsent("type", "hadoop");
            props.put("warehouse", warehouse);
        }
        if (props.isEmpty()) {
            throw new UserError(
                    "Missing the Iceberg catalog: give --warehouse file:/path/to/warehouse, or"
                            + " --catalog type=rest --catalog uri=http://catalog:8181.");
        }
        try {
            return new WarehouseCatalog("warehouse", props);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    /** The policy files or folders: --policy, else sql/policy here, else the bundled one. */
    List<String> policySpecs() {
        if (!policy.isEmpty()) {
            return policy;
        }
        if (Files.isDirectory(Path.of(PolicySources.DEFAULT_FOLDER))) {
            return List.of(PolicySources.DEFAULT_FOLDER);
        }
        return List.of(PolicySources.CLASSPATH_PREFIX + PolicySources.DEFAULT_FOLDER);
    }
}
