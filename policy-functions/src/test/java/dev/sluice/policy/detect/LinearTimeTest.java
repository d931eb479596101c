package dev.sluice.policy.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Guards against super-linear blow-up (not a speed test): every detector gets 1 MB pathological
 * inputs directly, without the inspection cap, and the public entry point gets them with it.
 */
class LinearTimeTest {

    private static final int MB = 1 << 20;
    private static final Duration DEADLINE = Duration.ofSeconds(5);
    private static final SensitiveDataDetector DETECTOR = SensitiveDataDetector.defaults();
    private static final ColumnContext EVERY_HINT =
            ColumnContext.of(
                    "email_phone_ssn_nino_dob_first_name_address_card_number_iban_ip_mac_"
                            + "aws_access_key_private_key_jwt_api_token");

    static Stream<Arguments> pathologicalInputs() {
        Random random = new Random(42);
        byte[] bytes = new byte[MB * 3 / 4];
        random.nextBytes(bytes);
        String base64 = Base64.getEncoder().encodeToString(bytes);
        String base64Url = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        List<Arguments> inputs = new ArrayList<>();
        inputs.add(Arguments.of("1 MB of 'a'", "a".repeat(MB)));
        inputs.add(Arguments.of("1 MB of '@'", "@".repeat(MB)));
        inputs.add(Arguments.of("'a@' repeated", "a@".repeat(MB / 2)));
        inputs.add(Arguments.of("e-mail prefix then dots", "a@" + "b.".repeat(MB / 2)));
        inputs.add(Arguments.of("1 MB of digits", "4".repeat(MB)));
        inputs.add(Arguments.of("digit groups", "4111 ".repeat(MB / 5)));
        inputs.add(Arguments.of("nested separators", "1.-/ (".repeat(MB / 6)));
        inputs.add(Arguments.of("dotted digits", "255.".repeat(MB / 4)));
        inputs.add(Arguments.of("colons", ":".repeat(MB)));
        inputs.add(Arguments.of("hex groups", "ffff:".repeat(MB / 5)));
        inputs.add(Arguments.of("1 MB of base64", base64));
        inputs.add(Arguments.of("JWT-shaped", "eyJ" + base64Url + ".eyJ" + base64Url + "."));
        inputs.add(Arguments.of("PEM without end", "-----BEGIN PRIVATE KEY-----\n" + base64));
        inputs.add(Arguments.of("PEM-like dashes", "-----BEGIN ".repeat(MB / 11)));
        inputs.add(Arguments.of("spaces around a value", " ".repeat(MB) + "x@y.com"));
        inputs.add(Arguments.of("words", "Jane Doe Street ".repeat(MB / 16)));
        inputs.add(Arguments.of("vendor prefix", "ghp_" + "A1".repeat(MB / 2)));
        return inputs.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pathologicalInputs")
    void everyDetectorIsLinearWithoutTheCap(String name, String input) {
        ValueShape shape = ValueShape.of(input);
        for (ValueDetector d : DETECTOR.detectors()) {
            double[] scores = new double[2];
            assertTimeoutPreemptively(
                    DEADLINE,
                    () -> {
                        scores[0] = d.score(input, shape, ColumnContext.none());
                        scores[1] = d.score(input, shape, EVERY_HINT);
                    },
                    () -> d.getClass().getSimpleName() + " on " + name);
            assertThat(scores[0]).isBetween(0.0, 1.0);
            assertThat(scores[1]).isBetween(0.0, 1.0);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pathologicalInputs")
    void entryPointCompletesWithTheCap(String name, String input) {
        assertTimeoutPreemptively(
                DEADLINE,
                () -> {
                    DETECTOR.detect(input);
                    DETECTOR.detect(input, EVERY_HINT);
                    DETECTOR.classesOf(input);
                    DETECTOR.classesOf(input, EVERY_HINT);
                },
                name);
    }
}
