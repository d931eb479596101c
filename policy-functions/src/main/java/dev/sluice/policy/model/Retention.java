package dev.sluice.policy.model;

import java.time.Duration;

/** How long rows of a dataset are kept, judged by which time column. */
public record Retention(String dataset, Duration keep, String timeColumn, Origin origin) {}
