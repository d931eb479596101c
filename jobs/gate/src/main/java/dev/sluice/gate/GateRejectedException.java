package dev.sluice.gate;

/** A pipeline the policy gate rejected; the message lists every finding. */
public final class GateRejectedException extends RuntimeException {
    private final GateReport report;

    public GateRejectedException(GateReport report) {
        super(report.describe().stripTrailing());
        this.report = report;
    }

    public GateReport report() {
        return report;
    }
}
