package dev.sluice.cli;

import dev.sluice.policy.pseudonym.KeyPurpose;
import dev.sluice.policy.pseudonym.KeyUnavailableException;
import dev.sluice.policy.pseudonym.KeysetFile;
import dev.sluice.policy.pseudonym.MasterKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code sluice keys}: make and inspect the keyset file of the {@code local-file} key provider that
 * {@code pseudonymize} and the deterministic encryption read. The master key only ever travels in
 * an environment variable; no subcommand takes it as an argument or prints it, except {@code
 * new-master-key}, whose whole purpose is to print a new one.
 */
@Command(
        name = "keys",
        mixinStandardHelpOptions = true,
        description = {
            "Make and inspect keyset files: the named keys of pseudonymize and"
                    + " encrypt/decrypt_deterministic, encrypted with a master key that is read"
                    + " from an environment variable.",
            "Exit code 0 on success, 1 when the file, a key name or the master key is wrong, 2"
                    + " on wrong usage."
        },
        subcommands = {
            KeysCommand.NewMasterKey.class,
            KeysCommand.Add.class,
            KeysCommand.ListKeys.class,
            KeysCommand.Check.class
        })
final class KeysCommand implements Runnable {
    @Spec CommandSpec spec;

    /** Where environment variables come from: the process environment, or a map in tests. */
    final Function<String, String> environment;

    KeysCommand() {
        this(System::getenv);
    }

    KeysCommand(Function<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options every subcommand that reads a file shares. */
    abstract static class FileCommand implements Callable<Integer> {
        @Spec CommandSpec spec;
        @ParentCommand KeysCommand keys;

        @Option(
                names = "--file",
                required = true,
                paramLabel = "PATH",
                description = "The keyset file, e.g. keys.properties.")
        Path file;

        @Option(
                names = "--master-key-env",
                paramLabel = "VAR",
                description =
                        "Environment variable holding the base64 master key"
                                + " (default: ${DEFAULT-VALUE}).")
        String masterKeyEnv = MasterKey.DEFAULT_ENV;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        MasterKey masterKey() {
            return MasterKey.fromEnvironment(masterKeyEnv, keys.environment);
        }

        KeysetFile open() {
            return KeysetFile.open(file, masterKeyEnv, keys.environment);
        }

        @Override
        public final Integer call() {
            try {
                return execute();
            } catch (KeyUnavailableException e) {
                throw new UserError(e.getMessage());
            } catch (IOException e) {
                throw new UserError(
                        "Cannot write keyset file "
                                + file
                                + ": "
                                + e.getMessage()
                                + ". Check that its folder exists and is writable.",
                        ExitCodes.INVALID,
                        e);
            }
        }

        abstract int execute() throws IOException;
    }

    @Command(
            name = "new-master-key",
            mixinStandardHelpOptions = true,
            description = {
                "Print a new master key (32 random bytes, base64) on standard output. Keep it in"
                        + " your secret store and hand it to the task managers in an environment"
                        + " variable, e.g.:",
                "  export SLUICE_MASTER_KEY=$(sluice keys new-master-key)"
            })
    static final class NewMasterKey implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().println(MasterKey.generate());
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description =
                    "Add named keys (a new HMAC-SHA256 keyset for pseudonymize and a new AES-SIV"
                            + " keyset for the deterministic encryption) to a keyset file, creating"
                            + " it owner-only when it does not exist. Existing keys are never"
                            + " replaced: rotate by adding a key under a new name. The master key"
                            + " must be the one the file's keys are encrypted with; all names are"
                            + " checked before anything is written.")
    static final class Add extends FileCommand {
        @Option(
                names = "--name",
                required = true,
                paramLabel = "KEY",
                description = "Key name (letters, digits, _ . -, at most 64); repeat for several.")
        List<String> names = new ArrayList<>();

        @Override
        int execute() throws IOException {
            KeysetFile.addKeys(file, names, masterKey());
            for (String name : names) {
                out().println("Added key '" + name + "' to " + file);
            }
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description =
                    "Print the key names of a keyset file, one per line. Needs no master key.")
    static final class ListKeys extends FileCommand {
        @Override
        int execute() {
            open().keyNames().stream().sorted().forEach(out()::println);
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "check",
            mixinStandardHelpOptions = true,
            description =
                    "Decrypt every keyset of the file (or of the named keys) with the master key"
                            + " from the environment: run it where the job will run, before"
                            + " deploying, to catch a wrong master key or an altered file.")
    static final class Check extends FileCommand {
        @Option(
                names = "--name",
                paramLabel = "KEY",
                description = "Check only this key; repeat for several (default: every key).")
        List<String> names = new ArrayList<>();

        @Override
        int execute() {
            KeysetFile file = open();
            List<String> toCheck =
                    names.isEmpty() ? file.keyNames().stream().sorted().toList() : names;
            for (String name : toCheck) {
                for (KeyPurpose purpose : KeyPurpose.values()) {
                    file.keyset(name, purpose);
                }
                out().println("key '" + name + "': ok");
            }
            return ExitCodes.OK;
        }
    }
}
