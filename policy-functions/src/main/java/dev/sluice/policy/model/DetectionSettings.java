package dev.sluice.policy.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The policy's {@code detection:} section: settings of the sensitive-data detectors that scan and
 * classify this organisation's data. {@code phone_regions} lists the countries whose national phone
 * formats ({@code 020 7946 0958}) are recognized besides international ones; several files compose
 * by union, in load order.
 */
public record DetectionSettings(List<String> phoneRegions) {

    private static final DetectionSettings NONE = new DetectionSettings(List.of());

    public DetectionSettings {
        phoneRegions = List.copyOf(phoneRegions);
    }

    /** No detection section: the detectors' defaults. */
    public static DetectionSettings none() {
        return NONE;
    }

    /** Collects the {@code detection} sections of several files. */
    static final class Composer {
        private final Set<String> phoneRegions = new LinkedHashSet<>();

        /**
         * Adds one file's section (a missing node adds nothing); an unknown region is a problem at
         * its line and column. The schema has already checked the shape.
         */
        void add(JsonNode detection, Function<String, Origin> at, List<PolicyProblem> problems) {
            JsonNode regions = detection.path("phone_regions");
            Set<String> supported = PhoneNumberUtil.getInstance().getSupportedRegions();
            for (int i = 0; i < regions.size(); i++) {
                String region = regions.get(i).asText();
                String pointer = "/detection/phone_regions/" + i;
                if (!supported.contains(region)) {
                    problems.add(
                            new PolicyProblem(
                                    at.apply(pointer),
                                    pointer,
                                    "Unknown phone region "
                                            + region
                                            + ". Use an ISO 3166-1 alpha-2 country code that has"
                                            + " a numbering plan, e.g. GB, DE, FR, NL, ES, US"
                                            + " (UK is GB)."));
                } else {
                    phoneRegions.add(region);
                }
            }
        }

        DetectionSettings build() {
            return phoneRegions.isEmpty()
                    ? NONE
                    : new DetectionSettings(new ArrayList<>(phoneRegions));
        }
    }
}
