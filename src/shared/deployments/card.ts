/**
 * The live status card of one service deployment in Slack app mode: the parent message its thread opens with
 * (`deploymentCard`) and what each later `ECS Deployment State Change` event changes on it
 * (`deploymentCardPatch`). Pure: the event and, when the caller loaded it, the review's DescribeServices and
 * DescribeTaskDefinition data in; a Message or a CardPatch out.
 *
 * Phases of the state line: `in-progress` → `failed` → `rolling-back` → `rolled-back`, or → `completed`.
 * Only a rollback deployment continues a deployment's thread after it failed or started rolling back, so a
 * COMPLETED event on a `failed` or `rolling-back` card reads "Rolled back", and a plain IN_PROGRESS event there
 * (the UpdateService deployment of ecs-sentinel's own rollback) keeps reading "Rolling back".
 */
import type { DeploymentStateChangeEvent } from "../events/parse.js";
import type { Fact, Message } from "../notify/message.js";
import type { CardPatch, CardStateLine } from "../notify/threads/types.js";
import { fact, findDeployment, reviewFacts, shortFact, tasksFact } from "./card-facts.js";
import { deploymentMessage } from "./messages.js";
import type { ReviewInput } from "./review.js";
import { isRollbackReason, rollbackTargetDeploymentId } from "./rollback-reason.js";
import { eventService } from "./service-ref.js";
import { deploymentThreadKey } from "./thread-key.js";

export const DEPLOYMENT_EVENTS = {
  inProgress: "SERVICE_DEPLOYMENT_IN_PROGRESS",
  completed: "SERVICE_DEPLOYMENT_COMPLETED",
  failed: "SERVICE_DEPLOYMENT_FAILED",
} as const;

export { deploymentThreadKey } from "./thread-key.js";

/** The thread key of the event's deployment; undefined when the event names no service ARN or deployment. */
export function deploymentThreadKeyOf(event: DeploymentStateChangeEvent): string | undefined {
  const serviceArn = eventService(event.resources).serviceArn;
  const deploymentId = event.detail.deploymentId;
  return serviceArn && deploymentId ? deploymentThreadKey(serviceArn, deploymentId) : undefined;
}

/** Epoch ms of the event: its EventBridge `time`, else the deployment's `updatedAt`, else 0 (oldest). */
export function eventTime(event: DeploymentStateChangeEvent): number {
  for (const iso of [event.time, event.detail.updatedAt]) {
    const ms = iso ? Date.parse(iso) : Number.NaN;
    if (!Number.isNaN(ms)) return ms;
  }
  return 0;
}

function reasonText(event: DeploymentStateChangeEvent): string | undefined {
  const reason = event.detail.reason?.trim();
  return reason ? reason : undefined;
}

/** Who rolls back, read from ECS's reason: a deployment alarm, else the circuit breaker. */
export function rollbackInitiator(reason: string | undefined): string {
  if (reason && /alarm/i.test(reason)) return "CloudWatch alarm";
  if (reason && /circuit ?breaker/i.test(reason)) return "ECS circuit breaker";
  return "ECS";
}

function isRollbackEvent(event: DeploymentStateChangeEvent): boolean {
  return event.detail.eventName === DEPLOYMENT_EVENTS.inProgress && isRollbackReason(reasonText(event));
}

/** Where a rollback goes: the rollback deployment's own revision when known, else the deployment ECS names. */
function rollbackTarget(event: DeploymentStateChangeEvent, revision: string | undefined): string | undefined {
  return revision ?? rollbackTargetDeploymentId(reasonText(event));
}

/** The parent card of a deployment's thread, from whichever of its events ecs-sentinel sees first. */
export function deploymentCard(event: DeploymentStateChangeEvent, review?: ReviewInput): Message {
  const service = eventService(event.resources);
  const deploymentId = event.detail.deploymentId;
  const known = review ? reviewFacts(review, deploymentId) : { facts: [] as Fact[] };
  const base = deploymentMessage(event, {
    taskDefinition: review ? findDeployment(review.service, deploymentId)?.taskDefinition : undefined,
  });

  const what = deploymentId ?? "(unknown id)";
  let title = known.revision
    ? `${service.name}: deployment to ${known.revision}`
    : `${service.name}: deployment ${what}`;
  if (isRollbackEvent(event)) {
    const target = rollbackTarget(event, known.revision);
    title = target ? `${service.name}: rollback to ${target}` : `${service.name}: rollback ${what}`;
  }

  const facts: Fact[] = [fact("Service", service.name)];
  if (service.clusterName) facts.push(fact("Cluster", service.clusterName));
  facts.push(...known.facts);
  if (deploymentId) facts.push(fact("Deployment", deploymentId));

  // A live card shows what stays true (title, facts, the state line); what one event said — its cause, ECS's
  // reason, the evidence, what to do — goes into that event's reply, so the card never reads stale.
  return {
    ...base,
    title: shortFact(title),
    facts,
    cause: "",
    reason: undefined,
    evidence: [],
    remediation: [],
  };
}

function line(
  text: string,
  severity: CardStateLine["severity"],
  phase: string,
  final = false,
): CardStateLine {
  return final ? { text, severity, phase, final } : { text, severity, phase };
}

/** What one deployment event changes on its card; dated by the event time. */
export function deploymentCardPatch(event: DeploymentStateChangeEvent, review?: ReviewInput): CardPatch {
  const at = eventTime(event);
  const reason = reasonText(event);
  const rollback = isRollbackEvent(event);
  const deployment = review ? findDeployment(review.service, event.detail.deploymentId) : undefined;
  const revision = review ? reviewFacts(review, event.detail.deploymentId).revision : undefined;

  const facts: Fact[] = [];
  const tasks = tasksFact(deployment);
  if (tasks) facts.push(fact("Tasks", tasks));

  const patch: CardPatch = { at };
  const rollingBack = line(
    revision ? `Rolling back to ${revision}` : "Rolling back",
    "warning",
    "rolling-back",
  );
  switch (event.detail.eventName) {
    case DEPLOYMENT_EVENTS.inProgress: {
      if (rollback) {
        const who = rollbackInitiator(reason);
        const target = rollbackTarget(event, revision);
        const to = target ? ` to ${target}` : "";
        patch.state = line(`Rolling back (${who})${to}`, "warning", "rolling-back");
        facts.push(fact("Rollback", target ? `to ${target} by ${who}` : `by ${who}`));
      } else {
        patch.state = {
          ...line("In progress", "info", "in-progress"),
          whenPhase: { "rolling-back": rollingBack, failed: rollingBack },
        };
      }
      break;
    }
    case DEPLOYMENT_EVENTS.completed: {
      const rolledBack = line(
        revision ? `Rolled back to ${revision}` : "Rolled back",
        "warning",
        "rolled-back",
        true,
      );
      patch.state = {
        ...line("Completed", "info", "completed", true),
        whenPhase: { "rolling-back": rolledBack, failed: rolledBack },
      };
      break;
    }
    case DEPLOYMENT_EVENTS.failed:
      // Not final: ECS (circuit breaker, alarms) or ecs-sentinel may roll it back next.
      patch.state = line("Failed", "critical", "failed");
      if (reason) facts.push(fact("Reason", reason));
      break;
    default:
      // An event name ECS may add later: its facts are news, its state is not ours to guess.
      if (reason) facts.push(fact("Last event", `${event.detail.eventName}: ${reason}`));
      else facts.push(fact("Last event", event.detail.eventName));
  }
  if (facts.length) patch.facts = facts;
  // A deployment that completed, failed or rolls back waits at no pause any more: its Continue / Roll back go.
  if (
    event.detail.eventName === DEPLOYMENT_EVENTS.completed ||
    event.detail.eventName === DEPLOYMENT_EVENTS.failed ||
    rollback
  )
    patch.actions = [];
  return patch;
}
