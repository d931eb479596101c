package dev.sluice.policy.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.policy.model.PolicyLoader.PolicyText;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code detection:} section of policy files: phone regions, their checks and composition. */
class DetectionSettingsTest {

    @Test
    void phoneRegionsAreReadAndComposedByUnionInLoadOrder() {
        Policy policy =
                PolicyLoader.compose(
                        List.of(
                                new PolicyText(
                                        "00_org.yaml",
                                        "detection:\n  phone_regions: [GB, DE, FR]\n"),
                                new PolicyText(
                                        "10_payments.yaml",
                                        "detection:\n  phone_regions: [NL, ES, US, GB]\n")));
        assertThat(policy.detection().phoneRegions())
                .containsExactly("GB", "DE", "FR", "NL", "ES", "US");
    }

    @Test
    void withoutTheSectionThereAreNoPhoneRegions() {
        Policy policy = PolicyLoader.compose(List.of(new PolicyText("a.yaml", "version: 1\n")));
        assertThat(policy.detection()).isEqualTo(DetectionSettings.none());
    }

    @Test
    void unknownAndMalformedRegionsFailWithFileLineAndColumn() {
        assertThatThrownBy(
                        () ->
                                PolicyLoader.compose(
                                        List.of(
                                                new PolicyText(
                                                        "bad.yaml",
                                                        "detection:\n"
                                                                + "  phone_regions: [GB, UK]\n"))))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("bad.yaml:2:")
                .hasMessageContaining("/detection/phone_regions/1")
                .hasMessageContaining("Unknown phone region UK")
                .hasMessageContaining("(UK is GB)");
        assertThatThrownBy(
                        () ->
                                PolicyLoader.compose(
                                        List.of(
                                                new PolicyText(
                                                        "bad.yaml",
                                                        "detection:\n"
                                                                + "  phone_regions: [gb]\n"
                                                                + "  phone_region: [GB]\n"))))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("/detection/phone_regions/0")
                .hasMessageContaining("upper-case ISO 3166-1 alpha-2")
                .hasMessageContaining("phone_region");
    }
}
