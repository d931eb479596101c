package dev.sluice.policy.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.policy.model.PolicyLoader.PolicyText;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code drift:} section: action, threshold and sample rate, and their errors. */
class DriftSettingsTest {

    private static Policy load(String yaml) {
        return PolicyLoader.compose(List.of(new PolicyText("org.yaml", yaml)));
    }

    @Test
    void settingsAreRead() {
        DriftSettings drift =
                load("drift: {action: quarantine, threshold: 2.5%, sample: 1/50}\n")
                        .drift()
                        .orElseThrow();
        assertThat(drift.action()).isEqualTo(DriftSettings.Action.QUARANTINE);
        assertThat(drift.threshold()).isEqualTo(0.025);
        assertThat(drift.sampleEvery()).isEqualTo(50);
        assertThat(drift.origin().toString()).startsWith("org.yaml:1:");
    }

    @Test
    void defaultsAreAlertOnePercentOneInAHundred() {
        DriftSettings drift = load("drift: {}\n").drift().orElseThrow();
        assertThat(drift.action()).isEqualTo(DriftSettings.Action.ALERT);
        assertThat(drift.threshold()).isEqualTo(0.01);
        assertThat(drift.sampleEvery()).isEqualTo(100);
        assertThat(load("version: 1\n").drift()).isEmpty();
    }

    @Test
    void badValuesFailWithFileLineAndHowToFix() {
        assertThatThrownBy(() -> load("drift:\n  action: alert\n  threshold: 150%\n"))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("org.yaml:3:")
                .hasMessageContaining("/drift/threshold")
                .hasMessageContaining("e.g. 1% or 0.5%");
        assertThatThrownBy(() -> load("drift:\n  sample: 100\n"))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("org.yaml:2:")
                .hasMessageContaining("Write 1/N");
        assertThatThrownBy(() -> load("drift:\n  action: shout\n"))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("org.yaml:2:")
                .hasMessageContaining("/drift/action");
        assertThatThrownBy(() -> load("drift:\n  treshold: 1%\n"))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("treshold");
    }

    @Test
    void aSecondSectionIsRefusedNamingTheFirst() {
        assertThatThrownBy(
                        () ->
                                PolicyLoader.compose(
                                        List.of(
                                                new PolicyText("00_org.yaml", "drift: {}\n"),
                                                new PolicyText(
                                                        "10_team.yaml",
                                                        "drift: {action: alert}\n"))))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("10_team.yaml:1:")
                .hasMessageContaining("first is at 00_org.yaml:1:");
    }
}
