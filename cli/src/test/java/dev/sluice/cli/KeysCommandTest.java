package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.cli.DeployCommandTest.Run;
import dev.sluice.policy.pseudonym.KeyPurpose;
import dev.sluice.policy.pseudonym.KeysetFile;
import dev.sluice.policy.pseudonym.MasterKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sluice keys}: the keyset file is made, listed and checked from the command line. */
class KeysCommandTest {
    @TempDir Path dir;

    private final Map<String, String> environment = new HashMap<>();

    private Run keys(String... args) {
        return DeployCommandTest.run(new CommandLine(new KeysCommand(environment::get)), args);
    }

    @Test
    void isASubcommandOfSluice() {
        assertThat(new CommandLine(new SluiceCommand()).getSubcommands()).containsKey("keys");
        Run help = DeployCommandTest.sluice("keys", "--help");
        assertThat(help.out()).contains("new-master-key", "add", "list", "check");
    }

    @Test
    void makesListsAndChecksAKeysetFile() throws Exception {
        Run newKey = keys("new-master-key");
        assertThat(newKey.exitCode()).isZero();
        String masterKey = newKey.out().trim();
        assertThat(Base64.getDecoder().decode(masterKey)).hasSize(32);
        environment.put("TEAM_MASTER_KEY", masterKey);
        Path file = dir.resolve("keys.properties");

        Run add =
                keys(
                        "add",
                        "--file",
                        file.toString(),
                        "--name",
                        "default",
                        "--name",
                        "crm",
                        "--master-key-env",
                        "TEAM_MASTER_KEY");

        assertThat(add.exitCode()).as(add.err()).isZero();
        assertThat(add.out()).contains("Added key 'default'", "Added key 'crm'");
        assertThat(add.out() + add.err()).doesNotContain(masterKey);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        // what the functions read at job start
        KeysetFile opened = KeysetFile.open(file, "TEAM_MASTER_KEY", environment::get);
        assertThat(opened.keyset("crm", KeyPurpose.PSEUDONYMIZE)).isNotNull();

        environment.remove("TEAM_MASTER_KEY");
        Run list = keys("list", "--file", file.toString());
        assertThat(list.exitCode()).isZero();
        assertThat(list.out().lines()).containsExactly("crm", "default");

        environment.put(MasterKey.DEFAULT_ENV, masterKey);
        Run wrongEnv = keys("check", "--file", file.toString());
        assertThat(wrongEnv.exitCode()).isZero();
        environment.put(MasterKey.DEFAULT_ENV, MasterKey.generate());
        Run wrongKey = keys("check", "--file", file.toString(), "--name", "crm");
        assertThat(wrongKey.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(wrongKey.err())
                .contains("Cannot decrypt key 'crm'", "wrong master key")
                .doesNotContain(masterKey);
    }

    @Test
    void badInputSaysWhatAndHowToFix() {
        Path file = dir.resolve("keys.properties");

        Run noMaster = keys("add", "--file", file.toString(), "--name", "crm");
        assertThat(noMaster.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(noMaster.err())
                .contains(
                        "Missing master key", MasterKey.DEFAULT_ENV, "sluice keys new-master-key");
        assertThat(file).doesNotExist();

        environment.put(MasterKey.DEFAULT_ENV, MasterKey.generate());
        Run badName = keys("add", "--file", file.toString(), "--name", "bad name");
        assertThat(badName.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(badName.err()).contains("Invalid key name: 'bad name'");

        Run oneBad = keys("add", "--file", file.toString(), "--name", "ok", "--name", "bad name");
        assertThat(oneBad.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(file).as("nothing written when one name is bad").doesNotExist();

        assertThat(keys("add", "--file", file.toString(), "--name", "crm").exitCode()).isZero();
        String masterKey = environment.get(MasterKey.DEFAULT_ENV);
        environment.put(MasterKey.DEFAULT_ENV, MasterKey.generate());
        Run otherMaster = keys("add", "--file", file.toString(), "--name", "billing");
        assertThat(otherMaster.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(otherMaster.err())
                .contains("is not the one keyset file", "cannot decrypt key 'crm'")
                .doesNotContain(masterKey);
        environment.put(MasterKey.DEFAULT_ENV, masterKey);
        assertThat(keys("list", "--file", file.toString()).out().lines()).containsExactly("crm");
        Run twice = keys("add", "--file", file.toString(), "--name", "crm");
        assertThat(twice.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(twice.err()).contains("Key 'crm' already exists");

        Run unknown = keys("check", "--file", file.toString(), "--name", "billing");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(unknown.err()).contains("Unknown key 'billing'", "sluice keys add");

        Run missingFile = keys("list", "--file", dir.resolve("nope.properties").toString());
        assertThat(missingFile.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(missingFile.err()).contains("nope.properties");

        assertThat(keys("add", "--file", file.toString()).exitCode()).isEqualTo(ExitCodes.USAGE);
    }
}
