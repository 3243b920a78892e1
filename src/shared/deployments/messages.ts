/**
 * Messages for `ECS Deployment State Change` and `ECS Service Action` events. Pure: the event (and, when the
 * caller knows it, the task definition being deployed) in, a Message out.
 */
import { arnName, parseTaskDefinitionArn } from "../events/arns.js";
import type { DeploymentStateChangeEvent, ServiceActionEvent } from "../events/parse.js";
import type { Envelope } from "../events/schemas.js";
import type { Fact, Link, Message } from "../notify/message.js";
import { DOCS } from "./docs.js";
import { explainPlacementFailure } from "./placement-reasons.js";
import { isRollbackReason, rollbackTargetDeploymentId } from "./rollback-reason.js";
import {
  SERVICE_ACTION_CATALOG,
  type ServiceActionEntry,
  severityOfEventType,
} from "./service-action-catalog.js";
import { type EventService, eventService, serviceConsoleUrl } from "./service-ref.js";

/** What the caller may know besides the event (e.g. from DescribeServices). */
export interface DeploymentMessageContext {
  /** Task definition ARN the deployment rolls out. */
  taskDefinition?: string;
}

/** Deployment and service events have no `detail.version`: the EventBridge event id is the dedupe key. */
export function dedupeKey(event: Pick<Envelope, "id">): string {
  return event.id;
}

function revisionLabel(taskDefinition: string | undefined): string | undefined {
  const td = parseTaskDefinitionArn(taskDefinition);
  if (!td) return undefined;
  return td.revision === undefined ? td.family : `${td.family}:${td.revision}`;
}

function baseFacts(service: EventService, extra: Fact[]): Fact[] {
  const facts: Fact[] = [];
  if (service.clusterName) facts.push({ label: "Cluster", value: service.clusterName });
  facts.push({ label: "Service", value: service.name });
  return [...facts, ...extra];
}

function links(service: EventService, docs: readonly string[]): Link[] {
  const out: Link[] = [];
  const consoleUrl = serviceConsoleUrl(service);
  if (consoleUrl) out.push({ label: "Service deployments and events", url: consoleUrl });
  for (const url of docs) out.push({ label: "AWS docs", url });
  return out;
}

function envelopeFields(event: Envelope, service: EventService) {
  return {
    cluster: service.clusterName,
    service: service.name,
    account: event.account ?? service.account,
    region: event.region ?? service.region,
    time: event.time,
  };
}

function reasonOf(reason: string | null | undefined): string | undefined {
  const text = reason?.trim();
  return text ? text : undefined;
}

/** Message for an `ECS Deployment State Change` event. */
export function deploymentMessage(
  event: DeploymentStateChangeEvent,
  context: DeploymentMessageContext = {},
): Message {
  const { detail } = event;
  const service = eventService(event.resources);
  const reason = reasonOf(detail.reason);
  const deployment = detail.deploymentId ?? "(unknown id)";
  const revision = revisionLabel(context.taskDefinition);
  const toRevision = revision ? ` to ${revision}` : "";
  const facts: Fact[] = [{ label: "Deployment", value: deployment }];
  if (revision) facts.push({ label: "Revision", value: revision });
  const evidence = [`eventName ${detail.eventName}, eventType ${detail.eventType}`];
  if (detail.updatedAt) evidence.push(`updatedAt ${detail.updatedAt}`);

  const common = {
    kind: "deployment" as const,
    category: detail.eventName,
    reason,
    evidence,
    ...envelopeFields(event, service),
  };

  switch (detail.eventName) {
    case "SERVICE_DEPLOYMENT_IN_PROGRESS": {
      if (isRollbackReason(reason)) {
        const target = rollbackTargetDeploymentId(reason);
        return {
          ...common,
          severity: "warning",
          title: `${service.name}: rolling back${target ? ` to ${target}` : ""}`,
          cause: `The new deployment failed and ECS is rolling the service back${target ? ` to deployment ${target}` : " to the last completed deployment"}.`,
          remediation: [
            "Find out why the new revision failed: look at its stopped tasks (`ecs-sentinel diagnose`) and logs",
            "Fix the revision and deploy again; the service keeps running the previous revision meanwhile",
          ],
          facts: baseFacts(service, [
            ...facts,
            ...(target ? [{ label: "Rolling back to", value: target }] : []),
          ]),
          links: links(service, [DOCS.circuitBreaker, DOCS.deploymentEvents]),
        };
      }
      return {
        ...common,
        severity: "info",
        title: `${service.name}: deployment started${toRevision}`,
        cause: `ECS is rolling out deployment ${deployment}${toRevision}.`,
        remediation: [],
        facts: baseFacts(service, facts),
        links: links(service, [DOCS.deploymentEvents]),
      };
    }
    case "SERVICE_DEPLOYMENT_COMPLETED":
      return {
        ...common,
        severity: "info",
        title: `${service.name}: deployment completed${toRevision}`,
        cause: `Deployment ${deployment} reached steady state: the service runs its desired count of the deployed revision.`,
        remediation: [],
        facts: baseFacts(service, facts),
        links: links(service, [DOCS.deploymentEvents]),
      };
    case "SERVICE_DEPLOYMENT_FAILED": {
      const byAlarm = /alarm/i.test(reason ?? "");
      return {
        ...common,
        severity: "critical",
        title: `${service.name}: deployment failed${toRevision}`,
        cause: byAlarm
          ? `Deployment ${deployment} failed: a CloudWatch alarm attached to the deployment went into ALARM.`
          : `Deployment ${deployment} failed: the deployment circuit breaker saw its tasks fail to start or fail health checks.`,
        remediation: [
          byAlarm
            ? "Check the alarm named in the reason and the metrics of the new revision"
            : "Look at the new revision's stopped tasks (`ecs-sentinel diagnose --cluster C --task T`) and logs",
          "If the circuit breaker's rollback is on, ECS now rolls back by itself (watch for the rollback event)",
          "If rollback is off, the service stays on the failed revision: deploy the last good task definition, or turn rollback on",
        ],
        facts: baseFacts(service, facts),
        links: links(service, [byAlarm ? DOCS.alarmFailure : DOCS.circuitBreaker, DOCS.deploymentEvents]),
      };
    }
    default:
      return {
        ...common,
        severity: severityOfEventType(detail.eventType),
        title: `${service.name}: ${detail.eventName}`,
        cause: `ECS reported ${detail.eventName} for deployment ${deployment}.`,
        remediation: [],
        facts: baseFacts(service, facts),
        links: links(service, [DOCS.deploymentEvents]),
      };
  }
}

function serviceActionEntry(
  eventName: string,
  eventType: string,
  reason: string | undefined,
): ServiceActionEntry {
  if (eventName === "SERVICE_TASK_PLACEMENT_FAILURE") {
    const placement = explainPlacementFailure(reason);
    return {
      severity: placement.severity,
      headline: `cannot place tasks${reason ? ` (${reason})` : ""}`,
      cause: placement.cause,
      remediation: placement.remediation,
      docs: placement.docs,
    };
  }
  const known = (SERVICE_ACTION_CATALOG as Record<string, ServiceActionEntry | undefined>)[eventName];
  if (known) return known;
  return {
    severity: severityOfEventType(eventType),
    headline: eventName,
    cause: `ECS reported ${eventName} (${eventType}) for the service.`,
    remediation: [],
    docs: [DOCS.serviceEvents],
  };
}

/** Message for an `ECS Service Action` event (every documented eventName; unknown ones by eventType). */
export function serviceActionMessage(
  event: ServiceActionEvent,
  context: DeploymentMessageContext = {},
): Message {
  const { detail } = event;
  const service = eventService(event.resources, detail.clusterArn);
  const reason = reasonOf(detail.reason);
  const entry = serviceActionEntry(detail.eventName, detail.eventType, reason);
  const revision = revisionLabel(context.taskDefinition);

  const facts: Fact[] = [];
  if (revision) facts.push({ label: "Revision", value: revision });
  if (detail.desiredCount !== undefined)
    facts.push({ label: "Desired count", value: String(detail.desiredCount) });
  const evidence = [`eventName ${detail.eventName}, eventType ${detail.eventType}`];
  for (const arn of detail.capacityProviderArns ?? [])
    evidence.push(`capacity provider ${arnName(arn) ?? arn}`);
  for (const arn of detail.containerInstanceArns ?? [])
    evidence.push(`container instance ${arnName(arn) ?? arn}`);
  if (detail.createdAt) evidence.push(`createdAt ${detail.createdAt}`);

  let cause = entry.cause;
  if (detail.eventName === "SERVICE_DESIRED_COUNT_UPDATED" && detail.desiredCount !== undefined) {
    cause = `The service scheduler set the computed desired count to ${detail.desiredCount} (this event is not sent for manual changes).`;
  }

  return {
    kind: "service-action",
    severity: entry.severity,
    category: detail.eventName,
    title: `${service.name}: ${entry.headline}`,
    cause,
    reason,
    evidence,
    remediation: entry.remediation,
    facts: baseFacts(service, facts),
    links: links(service, entry.docs),
    ...envelopeFields(event, service),
  };
}
