/**
 * The notification for a rollback decision that could not be made: "rollback check failed for `api`:
 * ClusterNotFoundException: Cluster not found. — nothing was changed". Pure.
 *
 * Severity: critical when the failure will not heal by itself (a missing cluster, service or permission, a
 * bad request, a failed claim): a failed deployment or a crash loop is then left to people, exactly as
 * urgent as the rollback that did not happen, so it goes wherever a rollback would (email included).
 * Warning when it is transient (throttling, 5xx): the event is retried and the decision follows; if the
 * retries run out, the event lands in the dead-letter queue. One message per triggering event either way.
 */
import type { Severity } from "../diagnosis/types.js";
import { parseServiceArn } from "../events/arns.js";
import type { Fact, Link, Message } from "../notify/message.js";
import type { RollbackTrigger } from "./types.js";

export type CheckName = "rollback check" | "crash-loop check";

export interface CheckFailure {
  check: CheckName;
  trigger: RollbackTrigger["kind"];
  /** The service the decision was about (from the event); may be missing on a malformed event. */
  serviceArn?: string;
  /** Service name when there is no parsable ARN. */
  serviceName?: string;
  deploymentId?: string;
  /** `Name: message` of the error, or why no decision could be attempted. Never a whole error object. */
  error: string;
  /** The AWS error name (`ClusterNotFoundException`), to pick the advice. */
  errorName?: string;
  /** Throttling or a 5xx: the event is retried. */
  transient: boolean;
  account?: string;
  region?: string;
  time?: string;
}

const LINKS: Link[] = [
  {
    label: "Stopping ECS service deployments",
    url: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stop-service-deployment.html",
  },
  {
    label: "ECS API errors",
    url: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/CommonErrors.html",
  },
];

const GONE = new Set(["ClusterNotFoundException", "ServiceNotFoundException", "ServiceNotFoundError"]);
const DENIED = new Set(["AccessDeniedException", "AccessDenied", "UnauthorizedOperation"]);

function byHand(cluster: string | undefined, service: string): string {
  return `If the service runs a failed revision, roll back by hand: \`aws ecs update-service --cluster ${cluster ?? "<cluster>"} --service ${service} --task-definition <last good family:revision>\``;
}

function remediation(failure: CheckFailure, cluster: string | undefined, service: string): string[] {
  if (failure.transient) {
    return [
      "Nothing to do unless it persists: the event is retried and the decision follows",
      "If it keeps failing, the event ends in the function's dead-letter queue: check ECS throttling and service health",
    ];
  }
  const name = failure.errorName ?? "";
  if (GONE.has(name)) {
    return [
      `Check that cluster \`${cluster ?? "?"}\` and service \`${service}\` still exist in account ${failure.account ?? "?"}, ${failure.region ?? "?"}: if they were deleted, nothing is needed`,
      byHand(cluster, service),
    ];
  }
  if (DENIED.has(name)) {
    return [
      "Grant ecs-sentinel's function role the ECS permission named in the error (see the stack's IAM policy), then redeploy",
      byHand(cluster, service),
    ];
  }
  return [byHand(cluster, service), "Check the function's logs for the full error"];
}

export function checkFailureSeverity(failure: Pick<CheckFailure, "transient">): Severity {
  return failure.transient ? "warning" : "critical";
}

export function checkFailureMessage(failure: CheckFailure): Message {
  const ref = failure.serviceArn ? parseServiceArn(failure.serviceArn) : undefined;
  const service = ref?.service ?? failure.serviceName ?? "unknown service";
  const cluster = ref?.cluster;
  const outcome = failure.transient ? "nothing was changed yet; the event is retried" : "nothing was changed";
  const facts: Fact[] = [];
  if (cluster) facts.push({ label: "Cluster", value: cluster });
  facts.push({ label: "Service", value: service });
  if (failure.deploymentId) facts.push({ label: "Deployment", value: failure.deploymentId });
  facts.push({ label: "Trigger", value: failure.trigger });
  return {
    kind: "rollback",
    severity: checkFailureSeverity(failure),
    category: "rollback-check-failed",
    title: `${service}: ${failure.check} failed`,
    cause: `${failure.check} failed for \`${service}\`: ${failure.error} — ${outcome}.`,
    reason: failure.error,
    evidence: [
      `trigger ${failure.trigger}${failure.deploymentId ? ` of deployment ${failure.deploymentId}` : ""}`,
      failure.transient ? "transient error: retried" : "not transient: not retried",
    ],
    remediation: remediation(failure, cluster, service),
    facts,
    links: LINKS,
    cluster,
    service,
    account: failure.account ?? ref?.account,
    region: failure.region ?? ref?.region,
    time: failure.time,
  };
}
