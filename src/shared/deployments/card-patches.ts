/**
 * What ecs-sentinel's own findings change on a deployment's card: its rollback decision (and what executing it
 * did), a stopped task of the deployment, the review of the revision. Pure; each returns undefined when the
 * card has nothing to show for it.
 */
import type { Fact } from "../notify/message.js";
import type { CardPatch } from "../notify/threads/types.js";
import {
  AUTO_ROLLBACK_TAG,
  type Decision,
  type DecisionCode,
  type RollbackOutcome,
} from "../rollback/types.js";
import { fact, revisionOf } from "./card-facts.js";
import type { ReviewFinding } from "./review.js";

export { FAILED_TASKS, stoppedTaskCardPatch } from "./stopped-task-patch.js";

function why(decision: Decision): string {
  if (decision.trigger === "deployment-failed") return "deployment failed";
  if (decision.trigger === "manual") return "asked from Slack";
  const n = decision.failureCount;
  return n === undefined ? "crash loop" : `crash loop, ${n} failed task${n === 1 ? "" : "s"}`;
}

function api(decision: Decision, outcome: RollbackOutcome | undefined): string | undefined {
  if (outcome?.status === "done" || outcome?.status === "failed") return outcome.api;
  if (decision.target?.kind === "stop-deployment") return "StopServiceDeployment";
  if (decision.target?.kind === "update-service") return "UpdateService";
  return undefined;
}

/** What a guard rail says on the card, short: the full sentence goes to the thread's rollback message. */
const DECLINED: Partial<Record<DecisionCode, string>> = {
  "not-opted-in": `automatic rollback is off for this service (tag ${AUTO_ROLLBACK_TAG}=true to turn it on)`,
  "manual-only": "the service rolls back only when a person asks (Roll back button)",
  "rollback-of-rollback": "the deployment is itself a rollback, and a rollback is never rolled back",
  "first-deployment": "no earlier revision to return to",
  "no-healthy-revision": "every earlier revision failed or was rolled back",
};

/**
 * The guard rail that declined, without the trigger it declined (the card already shows that):
 * "…, but the service was rolled back automatically 10 minutes ago (…)" -> "the service was rolled back …".
 */
function declineReason(decision: Decision): string {
  const known = DECLINED[decision.code];
  if (known) return known;
  const reason = decision.reason.trim().replace(/\.$/, "");
  const but = reason.indexOf(", but ");
  return but >= 0 ? reason.slice(but + ", but ".length) : reason;
}

/**
 * ecs-sentinel's rollback decision on the card. Executed: the card reads "Rolling back to api:41 (ecs-sentinel:
 * crash loop, 3 failed tasks)"; a dry run, a decline or an execution that was skipped only sets the "Rollback"
 * fact; a failed call reads "Rollback failed". Undefined when the trigger did not hold (nothing to tell) or
 * another invocation already claimed the rollback (its own patch tells it).
 */
export function rollbackCardPatch(
  decision: Decision,
  outcome: RollbackOutcome | undefined,
  at: number,
): CardPatch | undefined {
  if (!decision.triggered || decision.code === "already-claimed") return undefined;
  const target = revisionOf(decision.toTaskDefinition) ?? decision.toTaskDefinition;
  const to = target ? `to ${target}` : "to the previous revision";
  const via = api(decision, outcome);
  const rollback = (value: string): Fact[] => [fact("Rollback", value)];

  if (decision.action !== "rollback") {
    return { at, facts: rollback(`not rolled back: ${declineReason(decision)}`) };
  }
  if (decision.dryRun) {
    return { at, facts: rollback(`would roll back ${to} (dry run: nothing was changed)`) };
  }
  if (outcome?.status === "skipped") {
    return { at, facts: rollback(`not rolled back: ${outcome.why}`) };
  }
  if (outcome?.status === "failed") {
    return {
      at,
      state: { text: "Rollback failed", severity: "critical", phase: "rollback-failed" },
      facts: rollback(`${to} by ecs-sentinel failed: ${outcome.api}: ${outcome.error}`),
    };
  }
  return {
    at,
    state: {
      text: `Rolling back ${target ? `to ${target} ` : ""}(ecs-sentinel: ${why(decision)})`,
      severity: "warning",
      phase: "rolling-back",
    },
    facts: rollback(`${to} by ecs-sentinel${via ? ` (${via})` : ""}`),
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** "2 findings (1 critical, 1 warning)", or "nothing flagged". */
export function reviewSummary(findings: readonly Pick<ReviewFinding, "severity">[]): string {
  if (findings.length === 0) return "nothing flagged";
  const critical = findings.filter((f) => f.severity === "critical").length;
  const warning = findings.filter((f) => f.severity === "warning").length;
  const detail = [critical ? `${critical} critical` : "", warning ? plural(warning, "warning") : ""]
    .filter(Boolean)
    .join(", ");
  return `${plural(findings.length, "finding")}${detail ? ` (${detail})` : ""}`;
}

/** The review of the revision on the card: how many findings, and how bad. */
export function reviewCardPatch(findings: readonly ReviewFinding[], at: number): CardPatch {
  return { at, facts: [fact("Review", reviewSummary(findings))] };
}
