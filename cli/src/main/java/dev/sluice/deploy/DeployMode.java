package dev.sluice.deploy;

import java.util.Locale;

/** How a pipeline runs on the Flink Kubernetes Operator: its own cluster, or a shared one. */
public enum DeployMode {
    /**
     * One {@code FlinkDeployment} per pipeline: its own JobManager, isolated and upgraded alone.
     */
    APPLICATION,
    /** A {@code FlinkSessionJob} on the shared session cluster of the overlay. */
    SESSION;

    /** The name used on the command line and in file names. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
