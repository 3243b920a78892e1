/** The notification for a rollback decision (and, once acted on, its outcome). Pure. */
import type { Severity } from "../diagnosis/types.js";
import {
  arnName,
  clusterArnFromServiceArn,
  parseServiceArn,
  parseTaskDefinitionArn,
} from "../events/arns.js";
import type { Fact, Link, Message } from "../notify/message.js";
import type { Decision, DecisionCode, RollbackOutcome } from "./types.js";

export interface RollbackMessageContext {
  outcome?: RollbackOutcome;
  account?: string;
  region?: string;
  /** ISO time of the triggering event. */
  time?: string;
  /** Cooldown used, for the "will not act again for N minutes" hint. */
  cooldownMinutes?: number;
}

const DOCS: Link[] = [
  {
    label: "Stopping ECS service deployments",
    url: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stop-service-deployment.html",
  },
  {
    label: "Deployment circuit breaker",
    url: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html",
  },
];

function label(taskDefinition: string | undefined): string | undefined {
  const td = parseTaskDefinitionArn(taskDefinition);
  if (!td) return taskDefinition;
  return td.revision === undefined ? td.family : `${td.family}:${td.revision}`;
}

/*
 * Severity: a rollback (done, dry run or failed) is critical: a bad revision reached production. A trigger
 * that the guard rails stopped is a warning: people must act, but the deployment failure itself was already
 * reported. Everything else (not triggered, already claimed) is info.
 */
function severityOf(decision: Decision, outcome: RollbackOutcome | undefined): Severity {
  if (decision.action === "rollback" || outcome?.status === "failed") return "critical";
  if (decision.triggered && decision.code !== "already-claimed") return "warning";
  return "info";
}

function manualRollback(decision: Decision, cluster: string | undefined, service: string): string {
  const td = decision.toTaskDefinition ? label(decision.toTaskDefinition) : "<last good family:revision>";
  return `Roll back by hand: \`aws ecs update-service --cluster ${cluster ?? "<cluster>"} --service ${service} --task-definition ${td}\``;
}

const DIAGNOSE = "Find out why the revision failed: its stopped tasks (`ecs-sentinel diagnose`) and logs";

function remediation(
  decision: Decision,
  context: RollbackMessageContext,
  cluster: string | undefined,
  service: string,
) {
  if (context.outcome?.status === "failed") return [manualRollback(decision, cluster, service), DIAGNOSE];
  const byCode: Partial<Record<DecisionCode, string[]>> = {
    rollback: [
      DIAGNOSE,
      "Fix the revision and deploy again",
      `Automatic rollback will not act on this service again for ${context.cooldownMinutes ?? 30} minutes`,
    ],
    "not-opted-in": [
      manualRollback(decision, cluster, service),
      "To let ecs-sentinel roll back automatically, tag the service `ecs-sentinel:auto-rollback=true`",
    ],
    "first-deployment": [
      DIAGNOSE,
      "Fix the task definition and deploy again (or scale the service to 0 meanwhile)",
    ],
    "no-healthy-revision": [DIAGNOSE, "Pick a known good task definition and deploy it by hand"],
    cooldown: ["Check whether the previous rollback helped", manualRollback(decision, cluster, service)],
    "rollback-of-rollback": [
      "Watch the rollback; if it fails too, deploy a known good task definition by hand",
      DIAGNOSE,
    ],
  };
  return decision.triggered ? (byCode[decision.code] ?? []) : [];
}

function title(decision: Decision, outcome: RollbackOutcome | undefined, service: string): string {
  const to = decision.toTaskDefinition ? ` to ${label(decision.toTaskDefinition)}` : "";
  const id = decision.deploymentId;
  if (outcome?.status === "failed") return `${service}: automatic rollback of ${id} FAILED`;
  if (decision.action === "rollback") {
    if (decision.dryRun) return `${service}: would roll back ${id}${to} (dry run)`;
    return outcome?.status === "done"
      ? `${service}: rolled back ${id}${to}`
      : `${service}: rolling back ${id}${to}`;
  }
  if (decision.triggered) return `${service}: not rolling back ${id} (${decision.code})`;
  return `${service}: no rollback for ${id} (${decision.code})`;
}

export function rollbackMessage(decision: Decision, context: RollbackMessageContext = {}): Message {
  const ref = parseServiceArn(decision.serviceArn);
  const service = ref?.service ?? decision.serviceArn;
  const cluster = ref?.cluster;
  const { outcome } = context;

  const facts: Fact[] = [];
  if (cluster) facts.push({ label: "Cluster", value: cluster });
  facts.push({ label: "Service", value: service }, { label: "Deployment", value: decision.deploymentId });
  const from = label(decision.fromTaskDefinition);
  const to = label(decision.toTaskDefinition);
  if (from) facts.push({ label: "From", value: from });
  if (to) facts.push({ label: "To", value: to });
  if (decision.target) {
    const api =
      decision.target.kind === "stop-deployment" ? "StopServiceDeployment (ROLLBACK)" : "UpdateService";
    facts.push({ label: "Action", value: api });
  }
  if (decision.failureCount !== undefined)
    facts.push({ label: "Failed tasks", value: String(decision.failureCount) });
  if (decision.dryRun) facts.push({ label: "Dry run", value: "yes" });

  const evidence = [`trigger ${decision.trigger}`, `decision ${decision.code}`];
  if (outcome?.status === "done") {
    evidence.push(
      `${outcome.api} succeeded${outcome.serviceDeploymentArn ? ` (${outcome.serviceDeploymentArn})` : ""}`,
    );
  }
  if (outcome?.status === "skipped") evidence.push(`not executed: ${outcome.why}`);

  return {
    kind: "rollback",
    severity: severityOf(decision, outcome),
    category: outcome?.status === "failed" ? "rollback-failed" : `rollback:${decision.code}`,
    title: title(decision, outcome, service),
    cause:
      outcome?.status === "failed"
        ? `${decision.reason} The ${outcome.api} call failed, so the service was NOT rolled back.`
        : decision.reason,
    reason: outcome?.status === "failed" ? outcome.error : undefined,
    evidence,
    remediation: remediation(decision, context, cluster, service),
    facts,
    links: DOCS,
    cluster: arnName(clusterArnFromServiceArn(decision.serviceArn)),
    service,
    account: context.account ?? ref?.account,
    region: context.region ?? ref?.region,
    time: context.time,
  };
}
