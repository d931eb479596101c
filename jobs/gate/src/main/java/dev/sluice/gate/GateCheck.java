package dev.sluice.gate;

import dev.sluice.policy.model.Policy;
import dev.sluice.policy.model.PolicyException;
import dev.sluice.policy.model.PolicyProblem;
import dev.sluice.policy.model.PolicyValidator;
import dev.sluice.sql.Pipeline;
import java.util.ArrayList;
import java.util.List;

/**
 * The gate as the commands and the pipeline job use it: plan the pipeline, decide against the
 * policy, record the decision in the audit log. {@code validate}, {@code submit}, {@code deploy}
 * and the pipeline job at start-up all go through here, so they decide alike.
 */
public final class GateCheck {
    private final Policy policy;
    private final PipelinePlanner planner;
    private final AuditLog audit;

    public GateCheck(Policy policy, PipelinePlanner planner, AuditLog audit) {
        this.policy = policy;
        this.planner = planner;
        this.audit = audit;
    }

    /** The gate with the policy of {@code specs} (paths or {@code classpath:...}). */
    public static GateCheck of(List<String> policySpecs, AuditLog audit) {
        return new GateCheck(PolicySources.load(policySpecs), PipelinePlanner.create(), audit);
    }

    public Policy policy() {
        return policy;
    }

    /**
     * Decides on a pipeline and records the decision ({@code context} says who asked: validate,
     * submit, deploy, job-start).
     */
    public GateReport check(Pipeline pipeline, String context) {
        return decide(pipeline, context).report();
    }

    /**
     * A decision with the plan it was made on (for the fix proposal of {@code sluice validate}).
     */
    public record Decision(PlannedPipeline planned, GateReport report, DatasetGraph graph) {}

    /** Like {@link #check}, keeping the plan. */
    public Decision decide(Pipeline pipeline, String context) {
        long start = System.nanoTime();
        refuseUnmatchedSources(pipeline);
        PlannedPipeline planned = planner.plan(pipeline);
        GateReport report = new PolicyGate(policy).evaluate(planned);
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        if (audit != null) {
            audit.append(report, context, elapsedMillis);
        }
        return new Decision(planned, report, DatasetGraph.none());
    }

    /**
     * Decides on several pipelines as one dataset graph ({@code sluice validate DIR}): each is
     * planned once, the graph carries the classes every written dataset receives to the pipelines
     * that read it, then each is decided in the graph and recorded.
     */
    public List<Decision> decideAll(List<Pipeline> pipelines, String context) {
        PolicyGate gate = new PolicyGate(policy);
        List<PlannedPipeline> planned = new ArrayList<>();
        List<Long> planNanos = new ArrayList<>();
        for (Pipeline pipeline : pipelines) {
            long start = System.nanoTime();
            refuseUnmatchedSources(pipeline);
            planned.add(planner.plan(pipeline));
            planNanos.add(System.nanoTime() - start);
        }
        long graphStart = System.nanoTime();
        DatasetGraph graph = DatasetGraph.build(gate, planned);
        long graphShare = (System.nanoTime() - graphStart) / Math.max(1, pipelines.size());
        List<Decision> decisions = new ArrayList<>();
        for (int i = 0; i < planned.size(); i++) {
            long start = System.nanoTime();
            GateReport report = gate.evaluate(planned.get(i), graph);
            long elapsedMillis =
                    (planNanos.get(i) + graphShare + System.nanoTime() - start) / 1_000_000;
            if (audit != null) {
                audit.append(report, context, elapsedMillis);
            }
            decisions.add(new Decision(planned.get(i), report, graph));
        }
        return decisions;
    }

    /** A sources: pattern that misses every table by a typo maps nothing: refuse the policy. */
    private void refuseUnmatchedSources(Pipeline pipeline) {
        List<PolicyProblem> unmatched =
                PolicyValidator.unmatchedSources(policy, PipelineTables.of(pipeline));
        if (!unmatched.isEmpty()) {
            throw new PolicyException(unmatched);
        }
    }

    /** Like {@link #check} but throws {@link GateRejectedException} for a rejected pipeline. */
    public GateReport require(Pipeline pipeline, String context) {
        GateReport report = check(pipeline, context);
        if (!report.passed()) {
            throw new GateRejectedException(report);
        }
        return report;
    }
}
