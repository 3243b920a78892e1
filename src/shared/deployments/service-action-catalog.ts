/**
 * What each documented `ECS Service Action` eventName means and what to do about it
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_service_events.html).
 *
 * Severity policy:
 * - steady states, scheduler desired-count updates, stopped tasks, deployment progress: info;
 * - health, throttling and daemon-constraint events: warning (ECS keeps working, something needs a look);
 * - SERVICE_TASK_START_IMPAIRED: critical: tasks never reach RUNNING, the service is below its desired count
 *   and ECS now backs off for up to 27 minutes between attempts; it will not recover without a fix;
 * - SERVICE_TASK_CONFIGURATION_FAILURE and SERVICE_DEPLOYMENT_FAILED: critical: they do not fix themselves;
 * - SERVICE_TASK_PLACEMENT_FAILURE: decided by its reason (see placement-reasons.ts).
 * An eventName not listed here takes its severity from eventType (INFO / WARN / ERROR).
 */
import type { Severity } from "../diagnosis/types.js";
import { DOCS } from "./docs.js";

export interface ServiceActionEntry {
  severity: Severity;
  /** Headline after "SERVICE: ". */
  headline: string;
  cause: string;
  remediation: string[];
  docs: string[];
}

export const SERVICE_ACTION_EVENT_NAMES = [
  "SERVICE_STEADY_STATE",
  "TASKSET_STEADY_STATE",
  "CAPACITY_PROVIDER_STEADY_STATE",
  "SERVICE_DESIRED_COUNT_UPDATED",
  "TASKS_STOPPED",
  "SERVICE_DEPLOYMENT_IN_PROGRESS",
  "SERVICE_DEPLOYMENT_COMPLETED",
  "SERVICE_TASK_START_IMPAIRED",
  "SERVICE_DISCOVERY_INSTANCE_UNHEALTHY",
  "VPC_LATTICE_TARGET_UNHEALTHY",
  "SERVICE_DAEMON_PLACEMENT_CONSTRAINT_VIOLATED",
  "ECS_OPERATION_THROTTLED",
  "SERVICE_DISCOVERY_OPERATION_THROTTLED",
  "SERVICE_TASK_PLACEMENT_FAILURE",
  "SERVICE_TASK_CONFIGURATION_FAILURE",
  "SERVICE_HEALTH_UNKNOWN",
  "SERVICE_DEPLOYMENT_FAILED",
] as const;

export type ServiceActionEventName = (typeof SERVICE_ACTION_EVENT_NAMES)[number];

const DIAGNOSE_STOPPED =
  "Look at the stopped tasks' stoppedReason (`aws ecs list-tasks --desired-status STOPPED` then `describe-tasks`, or `ecs-sentinel diagnose --cluster C --task T`)";

/** SERVICE_TASK_PLACEMENT_FAILURE is not here: its text depends on the reason. */
export const SERVICE_ACTION_CATALOG: Readonly<
  Record<Exclude<ServiceActionEventName, "SERVICE_TASK_PLACEMENT_FAILURE">, ServiceActionEntry>
> = {
  SERVICE_STEADY_STATE: {
    severity: "info",
    headline: "steady state",
    cause:
      "The service is healthy and runs its desired number of tasks. ECS repeats this event periodically.",
    remediation: [],
    docs: [DOCS.serviceEvents],
  },
  TASKSET_STEADY_STATE: {
    severity: "info",
    headline: "task set in steady state",
    cause: "A task set of the service is healthy and runs its desired number of tasks.",
    remediation: [],
    docs: [DOCS.serviceEvents],
  },
  CAPACITY_PROVIDER_STEADY_STATE: {
    severity: "info",
    headline: "capacity provider in steady state",
    cause: "A capacity provider the service uses has reached steady state.",
    remediation: [],
    docs: [DOCS.serviceEvents],
  },
  SERVICE_DESIRED_COUNT_UPDATED: {
    severity: "info",
    headline: "desired count updated by the scheduler",
    cause:
      "The service scheduler recomputed the desired count of the service or a task set (this event is not sent for manual changes).",
    remediation: [],
    docs: [DOCS.serviceEvents],
  },
  TASKS_STOPPED: {
    severity: "info",
    headline: "tasks stopped by the service",
    cause: "The service stopped running tasks.",
    remediation: [],
    docs: [DOCS.serviceEvents],
  },
  SERVICE_DEPLOYMENT_IN_PROGRESS: {
    severity: "info",
    headline: "deployment in progress",
    cause: "A service deployment is in progress: a new service revision, or a rollback.",
    remediation: [],
    docs: [DOCS.serviceEvents],
  },
  SERVICE_DEPLOYMENT_COMPLETED: {
    severity: "info",
    headline: "deployment completed",
    cause: "A service deployment reached steady state and is complete.",
    remediation: [],
    docs: [DOCS.serviceEvents],
  },
  SERVICE_TASK_START_IMPAIRED: {
    severity: "critical",
    headline: "cannot start tasks",
    cause:
      "ECS cannot start this service's tasks consistently: they stop before reaching RUNNING, so the service is below its desired count and ECS waits longer and longer between attempts.",
    remediation: [
      DIAGNOSE_STOPPED,
      "Common causes: the image cannot be pulled, a secret cannot be read, not enough CPU/memory/ports in the cluster, no disk space on the instance",
      "Deploying a fixed task definition ends the back-off immediately",
    ],
    docs: [DOCS.throttleLogic, DOCS.stoppedTaskErrors],
  },
  SERVICE_DISCOVERY_INSTANCE_UNHEALTHY: {
    severity: "warning",
    headline: "unhealthy task in service discovery",
    cause:
      "The service scheduler found a task that the service discovery registry (AWS Cloud Map) reports as unhealthy.",
    remediation: [
      "Check the Cloud Map health check settings and the task's health endpoint",
      "Check the task's logs and container health status",
    ],
    docs: [DOCS.serviceDiscovery],
  },
  VPC_LATTICE_TARGET_UNHEALTHY: {
    severity: "warning",
    headline: "unhealthy VPC Lattice target",
    cause: "One of the service's VPC Lattice targets is unhealthy.",
    remediation: [
      "Check the VPC Lattice target group's health check path, port and matcher",
      "Check the task's logs and that its security group admits the VPC Lattice health checks",
    ],
    docs: [DOCS.vpcLattice],
  },
  SERVICE_DAEMON_PLACEMENT_CONSTRAINT_VIOLATED: {
    severity: "warning",
    headline: "daemon task violates placement constraints",
    cause:
      "A task of this DAEMON service no longer meets the service's placement constraints (for example, an instance's attributes changed).",
    remediation: [
      "Compare the service's placement constraints with the attributes of the instance running the task",
      "Fix the instance attributes or the constraint; ECS stops daemon tasks that no longer match",
    ],
    docs: [DOCS.daemonScheduling, DOCS.placementConstraints],
  },
  ECS_OPERATION_THROTTLED: {
    severity: "warning",
    headline: "scheduler throttled by the ECS API",
    cause:
      "The service scheduler hit the Amazon ECS API throttle limits, so scaling and deployments of this service are delayed.",
    remediation: [
      "Look for automation calling the ECS API in tight loops (describe/list polling) in this account and Region",
      "Spread large deployments over time; request a quota increase if the load is legitimate",
    ],
    docs: [DOCS.apiThrottling],
  },
  SERVICE_DISCOVERY_OPERATION_THROTTLED: {
    severity: "warning",
    headline: "scheduler throttled by AWS Cloud Map",
    cause:
      "The service scheduler hit the AWS Cloud Map API throttle limits while registering or deregistering tasks.",
    remediation: [
      "Reduce other Cloud Map API traffic in the account (instance registration, discovery polling)",
      "Slow down scaling and deployments of services that use service discovery",
    ],
    docs: [DOCS.serviceDiscovery],
  },
  SERVICE_TASK_CONFIGURATION_FAILURE: {
    severity: "critical",
    headline: "task configuration error",
    cause:
      "The service scheduler cannot place a task because of a configuration error; it will keep failing until the configuration is fixed.",
    remediation: [
      "Read the reason: common causes are tags on the service without the long ARN format opted in, or a task IAM role ECS cannot assume",
      "Opt in to the long ARN format (`aws ecs put-account-setting-default --name taskLongArnFormat --value enabled`) or remove the tags",
      "Check the task role's trust policy allows ecs-tasks.amazonaws.com",
    ],
    docs: [DOCS.arnFormat, DOCS.taskIamRoles],
  },
  SERVICE_HEALTH_UNKNOWN: {
    severity: "warning",
    headline: "task health unknown",
    cause: "ECS could not describe the health data of the service's tasks.",
    remediation: ["Check the load balancer target groups and health checks attached to the service"],
    docs: [DOCS.serviceEvents],
  },
  SERVICE_DEPLOYMENT_FAILED: {
    severity: "critical",
    headline: "deployment failed",
    cause:
      "A service deployment did not reach steady state: the deployment circuit breaker or a CloudWatch alarm marked it as failed.",
    remediation: [
      DIAGNOSE_STOPPED,
      "If rollback is off, the service stays on the failed revision: deploy the last good task definition",
    ],
    docs: [DOCS.circuitBreaker, DOCS.alarmFailure],
  },
};

export function severityOfEventType(eventType: string): Severity {
  const type = eventType.toUpperCase();
  if (type === "ERROR") return "critical";
  if (type === "WARN" || type === "WARNING") return "warning";
  return "info";
}
