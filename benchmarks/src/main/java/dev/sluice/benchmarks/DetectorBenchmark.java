package dev.sluice.benchmarks;

import dev.sluice.policy.detect.SensitiveDataDetector;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Values per second through {@link SensitiveDataDetector#classesOf(String)} and through the naive
 * one-regex-per-class baseline, over the same mixed column corpus in the same run. The detector has
 * many more code paths to compile than the baseline: on a busy machine it needs ~6 two-second
 * warm-up iterations to reach steady state, hence the long default warm-up.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 8, time = 2)
@Measurement(iterations = 4, time = 3)
@Fork(1)
public class DetectorBenchmark {

    static final int CORPUS_SIZE = 10_000;

    private String[] corpus;
    private SensitiveDataDetector detector;
    private SensitiveDataDetector withPhoneRegions;
    private NaiveRegexDetector baseline;

    @Setup
    public void setUp() {
        corpus = MixedColumnCorpus.generate(CORPUS_SIZE, 42);
        detector = SensitiveDataDetector.defaults();
        withPhoneRegions =
                SensitiveDataDetector.builder()
                        .phoneRegions(List.of("GB", "DE", "FR", "NL", "ES", "US"))
                        .build();
        baseline = new NaiveRegexDetector();
    }

    @Benchmark
    @OperationsPerInvocation(CORPUS_SIZE)
    public void sensitiveDataDetector(Blackhole sink) {
        for (String value : corpus) {
            sink.consume(detector.classesOf(value));
        }
    }

    /** As configured by a policy's {@code detection.phone_regions: [GB, DE, FR, NL, ES, US]}. */
    @Benchmark
    @OperationsPerInvocation(CORPUS_SIZE)
    public void sensitiveDataDetectorWithPhoneRegions(Blackhole sink) {
        for (String value : corpus) {
            sink.consume(withPhoneRegions.classesOf(value));
        }
    }

    @Benchmark
    @OperationsPerInvocation(CORPUS_SIZE)
    public void naiveRegexBaseline(Blackhole sink) {
        for (String value : corpus) {
            sink.consume(baseline.classesOf(value));
        }
    }
}
