package dev.sluice.policy.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.policy.mask.Generalization.DateUnit;
import java.time.LocalDate;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

class GeneralizationTest {

    @Test
    void datesToYearOrMonth() {
        LocalDate d = LocalDate.of(1987, 6, 23);
        assertThat(Generalization.generalizeDate(d, DateUnit.parse("year")))
                .isEqualTo("1987-01-01");
        assertThat(Generalization.generalizeDate(d, DateUnit.parse(" MONTH ")))
                .isEqualTo("1987-06-01");
        assertThat(
                        Generalization.generalizeDate(
                                LocalDateTime.of(2024, 2, 29, 13, 5), DateUnit.MONTH))
                .isEqualTo(LocalDateTime.of(2024, 2, 1, 0, 0));
        assertThat(Generalization.generalizeDate((LocalDate) null, DateUnit.YEAR)).isNull();
        assertThatThrownBy(() -> DateUnit.parse("week"))
                .hasMessage("Invalid unit of generalize_date: 'week'. Use 'year' or 'month'.");
    }

    @Test
    void bucketsFloorTowardsNegativeInfinity() {
        assertThat(Generalization.bucket(37, 10)).isEqualTo(30);
        assertThat(Generalization.bucket(40, 10)).isEqualTo(40);
        assertThat(Generalization.bucket(-1, 10)).isEqualTo(-10);
        assertThat(Generalization.bucket(0, 5)).isZero();
        assertThatThrownBy(() -> Generalization.bucket(1, 0))
                .hasMessage("Invalid width of bucket: 0. Use a width > 0, e.g. 10.");
    }

    @Test
    void postalPrefixByCodePoints() {
        assertThat(Generalization.postalPrefix(" SW1A 1AA ", 4)).isEqualTo("SW1A");
        assertThat(Generalization.postalPrefix("10115", 3)).isEqualTo("101");
        assertThat(Generalization.postalPrefix("10115", 9)).isEqualTo("10115");
        assertThat(Generalization.postalPrefix("10115", 0)).isEmpty();
        assertThat(Generalization.postalPrefix(null, 2)).isNull();
        assertThatThrownBy(() -> Generalization.postalPrefix("1", -1))
                .hasMessage("Invalid length of postal_prefix: -1. Use a length >= 0, e.g. 3.");
    }

    @Test
    void redactKeepsOnlyNullness() {
        assertThat(Generalization.redact("secret")).isEqualTo("[REDACTED]");
        assertThat(Generalization.redact(null)).isNull();
    }
}
