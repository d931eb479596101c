package dev.sluice.policy.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.policy.detect.SensitiveClass;
import dev.sluice.policy.detect.SensitiveDataDetector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ColumnClassifierTest {

    private final ColumnClassifier classifier = ColumnClassifier.withDefaults();

    @Test
    void combinesNameAndValuesAndExplains() {
        List<String> sample = new ArrayList<>();
        IntStream.range(0, 97).forEach(i -> sample.add("user" + i + "@example.com"));
        sample.addAll(List.of("n/a", "unknown", "user@localhost"));
        sample.add(null);
        sample.add("  ");

        List<ClassProposal> proposals = classifier.classify("email_addr", "VARCHAR(255)", sample);

        assertThat(proposals).hasSize(1);
        ClassProposal email = proposals.get(0);
        assertThat(email.code()).isEqualTo("PII.EMAIL");
        assertThat(email.confidence()).isGreaterThan(0.95);
        assertThat(email.reasons())
                .containsExactly(
                        "name matches 'email addr' (weight 0.90)",
                        "97/100 sampled values match PII.EMAIL (e-mail address)");
    }

    @Test
    void valuesAloneProposeAClass() {
        List<String> sample = Collections.nCopies(8, "4111 1111 1111 1111").stream().toList();
        List<ClassProposal> proposals = classifier.classify("notes", "STRING", sample);
        assertThat(proposals)
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.sensitiveClass()).isEqualTo(SensitiveClass.PCI_PAN);
                            assertThat(p.reasons())
                                    .containsExactly(
                                            "8/8 sampled values match PCI.PAN (payment card number (primary account number))");
                        });
    }

    @Test
    void valuesThatContradictTheNameWin() {
        List<String> sample = Collections.nCopies(20, "n/a");
        assertThat(classifier.classify("email", "VARCHAR", sample)).isEmpty();

        List<String> mostlyNotEmails = new ArrayList<>(Collections.nCopies(15, "pending"));
        mostlyNotEmails.addAll(Collections.nCopies(5, "a@example.com"));
        assertThat(classifier.classify("email", "VARCHAR", mostlyNotEmails)).isEmpty();
    }

    @Test
    void sqlTypeVetoesClassesItCannotHold() {
        assertThat(classifier.classify("email_verified", "BOOLEAN", List.of("true"))).isEmpty();
        assertThat(classifier.classify("phone_score", "DOUBLE", List.of())).isEmpty();
        assertThat(classifier.classify("date_of_birth", "DATE", List.of()))
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.sensitiveClass()).isEqualTo(SensitiveClass.PII_DOB);
                            assertThat(p.reasons())
                                    .contains(
                                            "no sampled values: the name alone decides",
                                            "SQL type DATE can hold PII.DOB");
                        });
        assertThat(classifier.classify("mobile", "BIGINT", List.of("4155552671", "2125550143")))
                .extracting(ClassProposal::code)
                .containsExactly("PII.PHONE");
    }

    @Test
    void valuesChooseBetweenClassesTheNameAllows() {
        List<String> sample = List.of("10.0.0.1", "192.168.1.20", "172.16.5.4", "8.8.4.4");
        assertThat(classifier.classify("client_ip", "VARCHAR(45)", sample))
                .extracting(ClassProposal::code)
                .containsExactly("NET.IPV4");
    }

    @Test
    void fewValuesWithoutANameProposeNothing() {
        List<String> sample = List.of("jane@example.com", "joe@example.org");
        assertThat(classifier.classify("contact", "VARCHAR", sample)).isEmpty();
        ColumnClassifier eager =
                new ColumnClassifier(
                        SensitiveDataDetector.defaults(),
                        ClassifierOptions.builder().minSampleSize(1).build());
        assertThat(eager.classify("contact", "VARCHAR", sample))
                .extracting(ClassProposal::code)
                .containsExactly("PII.EMAIL");
    }

    @Test
    void isReproducible() {
        List<String> sample = List.of("Jane Doe", "John Smith", "Ann Lee", "Bo Chen", "Al Ray");
        List<ClassProposal> first = classifier.classify("full_name", "TEXT", sample);
        assertThat(classifier.classify("full_name", "TEXT", sample)).isEqualTo(first);
        assertThat(first).extracting(ClassProposal::code).containsExactly("PII.PERSON_NAME");
    }

    @Test
    void onlyTheFirstMaxSampleSizeValuesCount() {
        ColumnClassifier small =
                new ColumnClassifier(
                        SensitiveDataDetector.defaults(),
                        ClassifierOptions.builder().minSampleSize(2).maxSampleSize(2).build());
        List<String> sample = List.of("a@example.com", "b@example.com", "x", "y", "z");
        assertThat(small.classify("email", "VARCHAR", sample))
                .singleElement()
                .satisfies(
                        p ->
                                assertThat(p.reasons())
                                        .contains(
                                                "2/2 sampled values match PII.EMAIL (e-mail address)"));
    }

    @Test
    void optionsRejectInvalidValues() {
        assertThatThrownBy(() -> ClassifierOptions.builder().minConfidence(1.5))
                .hasMessage("Invalid minConfidence: 1.5. Use a value in (0, 1], e.g. 0.5.");
        assertThatThrownBy(() -> ClassifierOptions.builder().minMatchShare(0))
                .hasMessageStartingWith("Invalid minMatchShare: 0.0.");
        assertThatThrownBy(() -> ClassifierOptions.builder().minSampleSize(0))
                .hasMessageStartingWith("Invalid minSampleSize: 0.");
        assertThatThrownBy(
                        () ->
                                ClassifierOptions.builder()
                                        .minSampleSize(10)
                                        .maxSampleSize(5)
                                        .build())
                .hasMessageContaining("minSampleSize 10 > maxSampleSize 5");
        assertThatThrownBy(() -> new ColumnClassifier(null, ClassifierOptions.defaults()))
                .hasMessageStartingWith("Invalid ColumnClassifier");
    }

    @Test
    void readsSqlTypes() {
        assertThat(SqlTypeFamily.of("varchar(32)")).isEqualTo(SqlTypeFamily.TEXT);
        assertThat(SqlTypeFamily.of("DECIMAL(19, 0)")).isEqualTo(SqlTypeFamily.INTEGER);
        assertThat(SqlTypeFamily.of("DECIMAL(10, 2)")).isEqualTo(SqlTypeFamily.NONE);
        assertThat(SqlTypeFamily.of("TIMESTAMP(3) WITH LOCAL TIME ZONE"))
                .isEqualTo(SqlTypeFamily.TEMPORAL);
        assertThat(SqlTypeFamily.of("BIGINT NOT NULL")).isEqualTo(SqlTypeFamily.INTEGER);
        assertThat(SqlTypeFamily.of(null)).isEqualTo(SqlTypeFamily.TEXT);
    }
}
