package dev.sluice.policy.model;

import java.util.List;
import java.util.Set;

/** A team: the datasets its pipelines may read and the sink zones they may write to. */
public record Team(String name, List<Glob> reads, Set<String> zones, Origin origin) {
    public Team {
        reads = List.copyOf(reads);
        zones = Set.copyOf(zones);
    }

    public boolean mayRead(String dataset) {
        return reads.stream().anyMatch(g -> g.matches(dataset));
    }
}
