package dev.sluice.policy.pseudonym;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A small command line, independent of Flink and of the {@code sluice} command, to make keyset
 * files:
 *
 * <pre>
 * KeysetFileTool new-master-key
 * KeysetFileTool add  --file keys.properties --name default [--master-key-env SLUICE_MASTER_KEY]
 * KeysetFileTool list --file keys.properties
 * </pre>
 */
public final class KeysetFileTool {
    private KeysetFileTool() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System::getenv));
    }

    /** Runs one command; returns the exit code (0 ok, 1 failed, 2 usage). */
    static int run(
            String[] args, PrintStream out, PrintStream err, Function<String, String> environment) {
        if (args.length == 0) {
            return usage(err, "Missing command.");
        }
        String file = null;
        String masterKeyEnv = MasterKey.DEFAULT_ENV;
        List<String> names = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length) {
                return usage(err, "Missing value of " + option + ".");
            }
            String value = args[++i];
            switch (option) {
                case "--file" -> file = value;
                case "--name" -> names.add(value);
                case "--master-key-env" -> masterKeyEnv = value;
                default -> {
                    return usage(err, "Unknown option " + option + ".");
                }
            }
        }
        try {
            switch (args[0]) {
                case "new-master-key" -> {
                    out.println(MasterKey.generate());
                    return 0;
                }
                case "add" -> {
                    if (file == null || names.isEmpty()) {
                        return usage(err, "add needs --file and at least one --name.");
                    }
                    MasterKey master = MasterKey.fromEnvironment(masterKeyEnv, environment);
                    for (String name : names) {
                        KeysetFile.addKey(Path.of(file), name, master);
                        out.println("Added key '" + name + "' to " + file);
                    }
                    return 0;
                }
                case "list" -> {
                    if (file == null) {
                        return usage(err, "list needs --file.");
                    }
                    KeysetFile.open(Path.of(file), masterKeyEnv, environment)
                            .keyNames()
                            .forEach(out::println);
                    return 0;
                }
                default -> {
                    return usage(err, "Unknown command " + args[0] + ".");
                }
            }
        } catch (KeyUnavailableException | IOException e) {
            err.println(e.getMessage());
            return 1;
        }
    }

    private static int usage(PrintStream err, String problem) {
        err.println(problem);
        err.println("Usage: KeysetFileTool new-master-key");
        err.println(
                "       KeysetFileTool add --file <path> --name <key> [--name <key>...]"
                        + " [--master-key-env <variable>]");
        err.println("       KeysetFileTool list --file <path>");
        return 2;
    }
}
