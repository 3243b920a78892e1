/**
 * What people are told when a deployment could not be reviewed: the event's deployment is gone ("could not
 * find deployment ecs-svc/… — the review was skipped") or loading it failed. Pure. Another revision is never
 * reviewed in its place. Severity: a skipped review is info (nothing is wrong, the revision was replaced); a
 * failed one is a warning when it will not heal (a missing permission means no deployment is reviewed) and
 * info when it was transient (throttling); a review is advice and changes nothing either way.
 */
import type { DeploymentStateChangeEvent } from "../events/parse.js";
import type { Fact, Message } from "../notify/message.js";
import { DOCS } from "./docs.js";
import { eventService } from "./service-ref.js";

function base(event: DeploymentStateChangeEvent) {
  const service = eventService(event.resources);
  const facts: Fact[] = [];
  if (service.clusterName) facts.push({ label: "Cluster", value: service.clusterName });
  facts.push({ label: "Service", value: service.name });
  facts.push({ label: "Deployment", value: event.detail.deploymentId ?? "(unknown id)" });
  return {
    service,
    fields: {
      kind: "deployment-review" as const,
      facts,
      cluster: service.clusterName,
      service: service.name,
      account: event.account ?? service.account,
      region: event.region ?? service.region,
      time: event.time,
    },
  };
}

export function reviewSkippedMessage(event: DeploymentStateChangeEvent, reason: string): Message {
  const { service, fields } = base(event);
  return {
    ...fields,
    severity: "info",
    category: "deployment-review-skipped",
    title: `${service.name}: review of ${event.detail.deploymentId ?? "the deployment"} skipped`,
    cause: `${reason[0]?.toUpperCase() ?? ""}${reason.slice(1)}.`,
    evidence: [`eventName ${event.detail.eventName}`],
    remediation: [],
    links: [],
  };
}

export function reviewFailedMessage(
  event: DeploymentStateChangeEvent,
  failure: { error: string; transient: boolean },
): Message {
  const { service, fields } = base(event);
  return {
    ...fields,
    severity: failure.transient ? "info" : "warning",
    category: "deployment-review-failed",
    title: `${service.name}: deployment review failed`,
    cause: `deployment review failed for \`${service.name}\`: ${failure.error} — the review was skipped; nothing was changed.`,
    reason: failure.error,
    evidence: [
      `eventName ${event.detail.eventName}`,
      failure.transient ? "transient error" : "not transient",
    ],
    remediation: failure.transient
      ? []
      : [
          "Grant ecs-sentinel's function role ecs:DescribeServices and ecs:DescribeTaskDefinition if the error is a missing permission",
          "Check that the service still exists",
        ],
    links: [{ label: "AWS docs", url: DOCS.deploymentEvents }],
  };
}
