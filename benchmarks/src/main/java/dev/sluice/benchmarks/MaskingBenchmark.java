package dev.sluice.benchmarks;

import dev.sluice.policy.mask.HiveMasker;
import dev.sluice.policy.mask.MaskHash;
import dev.sluice.policy.mask.MaskRegion;
import dev.sluice.policy.mask.StrictMasker;
import dev.sluice.policy.pseudonym.DeterministicCipher;
import dev.sluice.policy.pseudonym.KeyProviders;
import dev.sluice.policy.pseudonym.KeysetFile;
import dev.sluice.policy.pseudonym.MasterKey;
import dev.sluice.policy.pseudonym.Pseudonymizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** Cost per value of each masking function of policy-functions (what a Flink UDF call adds). */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MaskingBenchmark {
    private static final String MASTER_ENV = "SLUICE_BENCHMARK_MASTER_KEY";

    // non-final so that the JIT cannot fold the inputs
    private String card = "4111-1111-1111-1234";
    private String email = "jane.doe@example.com";
    private long number = 1234567890123L;
    private LocalDate date = LocalDate.of(1987, 6, 23);

    private final HiveMasker mask = HiveMasker.of(MaskRegion.ALL);
    private final HiveMasker showLast4 = HiveMasker.of(MaskRegion.SHOW_LAST_N);
    private final StrictMasker strict = StrictMasker.of(MaskRegion.ALL);
    private final StrictMasker strictShowLast4 = StrictMasker.of(MaskRegion.SHOW_LAST_N);
    private Pseudonymizer pseudonymizer;
    private DeterministicCipher cipher;
    private Path dir;

    @Setup
    public void createKeys() throws IOException {
        dir = Files.createTempDirectory("sluice-bench-keys");
        Path file = dir.resolve("keys.properties");
        Map<String, String> environment = Map.of(MASTER_ENV, MasterKey.generate());
        KeysetFile.addKey(file, "default", MasterKey.fromEnvironment(MASTER_ENV, environment::get));
        var keys =
                KeyProviders.create(
                        Map.of("file", file.toString(), "master-key-env", MASTER_ENV),
                        environment::get);
        pseudonymizer = Pseudonymizer.create(keys, "default");
        cipher = DeterministicCipher.create(keys, "default");
    }

    @TearDown
    public void deleteKeys() throws IOException {
        Files.deleteIfExists(dir.resolve("keys.properties"));
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public String maskString() {
        return mask.mask(email);
    }

    @Benchmark
    public String maskShowLastNString() {
        return showLast4.mask(card);
    }

    @Benchmark
    public long maskBigint() {
        return mask.mask(number);
    }

    @Benchmark
    public LocalDate maskDate() {
        return mask.mask(date);
    }

    @Benchmark
    public String maskStrictString() {
        return strict.mask(email);
    }

    @Benchmark
    public String maskShowLastNStrictString() {
        return strictShowLast4.mask(card);
    }

    @Benchmark
    public String maskHash() {
        return MaskHash.sha256Hex(email);
    }

    @Benchmark
    public String pseudonymize() {
        return pseudonymizer.pseudonymize(email);
    }

    @Benchmark
    public String encryptDeterministic() {
        return cipher.encrypt(email);
    }
}
