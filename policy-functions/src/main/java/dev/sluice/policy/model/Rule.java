package dev.sluice.policy.model;

import java.util.Map;

/**
 * A rule for the classes matching {@code match} (e.g. {@code PCI.*}): its treatment in each sink
 * zone it names. Rules only tighten: every rule that matches a class and names a zone must hold.
 */
public record Rule(String id, Glob match, Map<String, Treatment> zones, Origin origin) {
    public Rule {
        zones = Map.copyOf(zones);
    }
}
