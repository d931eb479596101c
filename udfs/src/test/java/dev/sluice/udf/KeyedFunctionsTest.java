package dev.sluice.udf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.policy.pseudonym.DeterministicCipher;
import dev.sluice.policy.pseudonym.KeyProvider;
import dev.sluice.policy.pseudonym.KeyProviders;
import dev.sluice.policy.pseudonym.KeysetFile;
import dev.sluice.policy.pseudonym.MasterKey;
import dev.sluice.policy.pseudonym.Pseudonymizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Planner tests of pseudonymize, encrypt_deterministic and decrypt_deterministic with a real keyset
 * file, configured both ways (module options and job parameters), and how they fail: at planning
 * for an unknown key named in the module's file, at job start for everything else.
 */
class KeyedFunctionsTest {
    /** Set by surefire (udfs/pom.xml): a throwaway master key. */
    private static final String MASTER_ENV = "SLUICE_TEST_MASTER_KEY";

    private static final String UNSET_ENV = "SLUICE_TEST_UNSET_MASTER_KEY";

    @TempDir static Path dir;
    private static Path keys;
    private static KeyProvider provider;

    private static final String VALUES =
            " FROM (VALUES (1, CAST('jane@example.com' AS STRING), CAST('4111 1111' AS VARCHAR(20)), 42),"
                    + " (2, CAST(NULL AS STRING), CAST(NULL AS VARCHAR(20)), CAST(NULL AS INT)))"
                    + " AS t(id, s, v, i) ORDER BY id";

    @BeforeAll
    static void createKeysetFile() throws Exception {
        keys = dir.resolve("keys.properties");
        MasterKey master = MasterKey.fromEnvironment(MASTER_ENV, System::getenv);
        KeysetFile.addKey(keys, "default", master);
        KeysetFile.addKey(keys, "crm", master);
        provider =
                KeyProviders.create(Map.of("file", keys.toString(), "master-key-env", MASTER_ENV));
    }

    private static TableEnvironment moduleWithKeys(String masterKeyEnv) {
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        env.executeSql(
                "LOAD MODULE sluice WITH ('keys.file' = '"
                        + keys
                        + "', 'keys.master-key-env' = '"
                        + masterKeyEnv
                        + "')");
        return env;
    }

    private static List<Row> collect(TableEnvironment env, String sql) {
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = env.executeSql(sql).collect()) {
            it.forEachRemaining(rows::add);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    @Test
    void moduleOptionsGiveStablePseudonymsAndReversibleEncryption() {
        TableEnvironment env = moduleWithKeys(MASTER_ENV);
        List<Row> rows =
                collect(
                        env,
                        "SELECT pseudonymize(s), pseudonymize(s, 'crm'), pseudonymize(v),"
                                + " pseudonymize(i), encrypt_deterministic(s, 'crm'),"
                                + " decrypt_deterministic(encrypt_deterministic(v)),"
                                + " decrypt_deterministic(encrypt_deterministic(s, 'crm'), 'crm')"
                                + VALUES);
        Pseudonymizer byDefault = Pseudonymizer.create(provider, "default");
        assertThat(rows.get(0))
                .isEqualTo(
                        Row.of(
                                byDefault.pseudonymize("jane@example.com"),
                                Pseudonymizer.create(provider, "crm")
                                        .pseudonymize("jane@example.com"),
                                byDefault.pseudonymize("4111 1111"),
                                byDefault.pseudonymize("42"),
                                DeterministicCipher.create(provider, "crm")
                                        .encrypt("jane@example.com"),
                                "4111 1111",
                                "jane@example.com"));
        assertThat(rows.get(1)).isEqualTo(Row.of(null, null, null, null, null, null, null));
        assertThat(
                        env.sqlQuery("SELECT pseudonymize(i), encrypt_deterministic(s)" + VALUES)
                                .getResolvedSchema()
                                .getColumnDataTypes()
                                .toString())
                .isEqualTo("[STRING, STRING]");
    }

    @Test
    void jobParametersConfigureFunctionsRegisteredWithCreateFunction() {
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        env.getConfig()
                .set(
                        PipelineOptions.GLOBAL_JOB_PARAMETERS,
                        Map.of(
                                "sluice.keys.file",
                                keys.toString(),
                                "sluice.keys.master-key-env",
                                MASTER_ENV));
        env.executeSql("CREATE TEMPORARY FUNCTION pseudo AS 'dev.sluice.udf.PseudonymizeFunction'");
        env.executeSql(
                "CREATE TEMPORARY FUNCTION enc AS 'dev.sluice.udf.EncryptDeterministicFunction'");
        env.executeSql(
                "CREATE TEMPORARY FUNCTION decr AS 'dev.sluice.udf.DecryptDeterministicFunction'");
        List<Row> rows = collect(env, "SELECT pseudo(s, 'crm'), decr(enc(s))" + VALUES);
        assertThat(rows.get(0))
                .isEqualTo(
                        Row.of(
                                Pseudonymizer.create(provider, "crm")
                                        .pseudonymize("jane@example.com"),
                                "jane@example.com"));
    }

    @Test
    void unknownKeyInModuleFileFailsPlanning() {
        TableEnvironment env = moduleWithKeys(MASTER_ENV);
        assertThatThrownBy(() -> env.explainSql("SELECT pseudonymize(s, 'billing')" + VALUES))
                .hasStackTraceContaining(
                        "Invalid keyName of pseudonymize: unknown key 'billing'. KeysetFile("
                                + keys)
                .hasStackTraceContaining("[crm, default]");
        assertThatThrownBy(
                        () -> env.explainSql("SELECT encrypt_deterministic(s, 'no way')" + VALUES))
                .hasStackTraceContaining("Invalid keyName of encrypt_deterministic: 'no way'.");
        assertThatThrownBy(() -> env.explainSql("SELECT pseudonymize(s, s)" + VALUES))
                .hasStackTraceContaining("Invalid keyName of pseudonymize: not a string literal.");
        assertThatThrownBy(() -> env.explainSql("SELECT encrypt_deterministic(i)" + VALUES))
                .hasStackTraceContaining(
                        "Invalid value of encrypt_deterministic: type INT is not supported.");
    }

    @Test
    void missingMasterKeyFailsAtJobStartNamingTheVariable() {
        TableEnvironment env = moduleWithKeys(UNSET_ENV);
        assertThatThrownBy(() -> collect(env, "SELECT pseudonymize(s)" + VALUES))
                .hasStackTraceContaining(
                        "pseudonymize(…, 'default') cannot start: Missing master key: environment"
                                + " variable "
                                + UNSET_ENV
                                + " is not set.")
                .satisfies(
                        e -> assertThat(stackTrace(e)).doesNotContain(System.getenv(MASTER_ENV)));
    }

    @Test
    void unknownKeyFromJobParametersFailsAtJobStart() {
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        env.getConfig()
                .set(
                        PipelineOptions.GLOBAL_JOB_PARAMETERS,
                        Map.of(
                                "sluice.keys.file",
                                keys.toString(),
                                "sluice.keys.master-key-env",
                                MASTER_ENV));
        env.executeSql("CREATE TEMPORARY FUNCTION pseudo AS 'dev.sluice.udf.PseudonymizeFunction'");
        assertThatThrownBy(() -> collect(env, "SELECT pseudo(s, 'billing')" + VALUES))
                .hasStackTraceContaining(
                        "pseudonymize(…, 'billing') cannot start: Unknown key 'billing' in keyset file "
                                + keys);
    }

    @Test
    void noKeyConfigurationAtAllFailsAtJobStart() {
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        env.executeSql("LOAD MODULE sluice");
        assertThatThrownBy(() -> collect(env, "SELECT encrypt_deterministic(s)" + VALUES))
                .hasStackTraceContaining(
                        "encrypt_deterministic(…, 'default') has no key provider. Load the module"
                                + " with LOAD MODULE sluice WITH ('keys.file' = '<keyset file>')");
    }

    @Test
    void decryptingWithAnotherKeyFailsNamingTheKey() {
        TableEnvironment env = moduleWithKeys(MASTER_ENV);
        assertThatThrownBy(
                        () ->
                                collect(
                                        env,
                                        "SELECT decrypt_deterministic(encrypt_deterministic(s), 'crm')"
                                                + VALUES))
                .hasStackTraceContaining(
                        "Invalid ciphertext for key 'crm': it was not encrypted with this key");
    }

    @Test
    void unknownModuleOptionIsRejected() {
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        assertThatThrownBy(() -> env.executeSql("LOAD MODULE sluice WITH ('keys.fil' = 'x')"))
                .hasStackTraceContaining("keys.fil");
    }

    private static String stackTrace(Throwable e) {
        java.io.StringWriter out = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }
}
