/**
 * Counts the rollback runner's decisions (failed deployments and crash loops alike): rolled back, refused and
 * why (the decision's code: a closed list), reported only (dry run), failed, or undecided (the check failed).
 */
import type { RollbackRun, RollbackRunner } from "../flows/rollback-runner.js";
import { METRIC, type Metrics } from "./port.js";

export function rollbackDecisionDimensions(run: RollbackRun): { outcome: string; reason: string } {
  const { decision, outcome } = run;
  if (!decision) return { outcome: "undecided", reason: run.failure ? "check-failed" : "no-decision" };
  if (decision.action !== "rollback") return { outcome: "refused", reason: decision.code };
  if (decision.dryRun) return { outcome: "dry-run", reason: decision.code };
  if (outcome?.status === "done") return { outcome: "rolled-back", reason: decision.code };
  if (outcome?.status === "failed") return { outcome: "failed", reason: decision.code };
  return { outcome: "refused", reason: outcome?.status === "skipped" ? "skipped" : decision.code };
}

export function meteredRollbackRunner(runner: RollbackRunner, metrics: Metrics): RollbackRunner {
  return async (request) => {
    const run = await runner(request);
    metrics.count(METRIC.rollbacks, rollbackDecisionDimensions(run));
    return run;
  };
}
