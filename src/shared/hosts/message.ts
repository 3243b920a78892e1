/**
 * Container instance events as alerts. The vendor's rules:
 * - Health: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_container_instance_health_events.html and
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/container-instance-health.html — `overallStatus`
 *   OK | IMPAIRED | INSUFFICIENT_DATA | INITIALIZING, the most severe of the checks; check types CONTAINER_RUNTIME
 *   (EC2), ACCELERATED_COMPUTE and DAEMON (Managed Instances), AGENT_CONNECTIVITY.
 * - State: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_container_instance_events.html —
 *   `agentConnected`, `status` ACTIVE | DRAINING | INACTIVE | REGISTERING | DEREGISTERING | REGISTRATION_FAILED.
 *
 * Severity: one impaired check is a warning; the container runtime, a daemon or a GPU impaired (tasks cannot run
 * there), or several checks at once, is critical. A disconnected agent is a warning (running tasks keep running,
 * ECS cannot place or stop tasks there); draining and deregistering are info unless ECS gave an unexpected reason.
 */
import type { Severity } from "../diagnosis/types.js";
import { arnName } from "../events/arns.js";
import type { ContainerInstanceEvent } from "../events/parse.js";
import type { InstanceHealthCheck } from "../events/schemas.js";
import type { Message } from "../notify/message.js";
import type { HostImpairment, HostTask } from "./ports.js";

/** What the host event means, or undefined for one that needs no message (a host that is simply ACTIVE). */
export interface HostAlert {
  message: Message;
  /** For the flood key: `IMPAIRED`, `OK`, `DISCONNECTED`, `DRAINING`, `INACTIVE`… */
  status: string;
  /** The impairment to remember (stops on the host are linked to it); undefined when the host is fine. */
  impairment?: HostImpairment;
  /** The host is healthy again: forget its impairment and close its incident. */
  recovered: boolean;
}

/** The tasks on the host, or why they could not be listed. */
export type HostTasks = { tasks: HostTask[] } | { error: string };

const CRITICAL_CHECKS = new Set(["CONTAINER_RUNTIME", "ACCELERATED_COMPUTE", "DAEMON"]);

const CHECK_NAMES: Record<string, string> = {
  CONTAINER_RUNTIME: "container runtime",
  ACCELERATED_COMPUTE: "GPU / accelerator",
  DAEMON: "daemon task",
  AGENT_CONNECTIVITY: "agent connectivity",
};

const CHECK_REMEDIATION: Record<string, string> = {
  CONTAINER_RUNTIME:
    "The container runtime (Docker/containerd) is not answering: check `systemctl status docker` and the agent log (/var/log/ecs/ecs-agent.log) on the instance, or replace the instance.",
  ACCELERATED_COMPUTE:
    "A GPU/accelerator is impaired: check `nvidia-smi` and the driver on the instance; GPU tasks cannot run there until it recovers — drain and replace the instance if it does not.",
  DAEMON:
    "A required daemon task failed: see its stopped reason in the console (the daemon's tasks on this instance); ECS drains the instance when a daemon cannot run.",
  AGENT_CONNECTIVITY:
    "The ECS agent lost its connection to ECS: check that the instance runs, its network path to the ECS endpoints (security group, NAT, VPC endpoints) and the agent (`systemctl status ecs`).",
};

function checkLabel(check: InstanceHealthCheck): string {
  const type = check.type ?? "UNKNOWN";
  return check.statusReason ? `${type} — ${check.statusReason}` : type;
}

function hostName(detail: { ec2InstanceId?: string | null; containerInstanceArn: string }): string {
  return detail.ec2InstanceId ?? arnName(detail.containerInstanceArn) ?? detail.containerInstanceArn;
}

function serviceOf(group: string | undefined): string | undefined {
  return group?.startsWith("service:") ? group.slice("service:".length) : undefined;
}

/** "3 tasks on this host: api (2), worker (1)" and the lines naming each task. */
export function affectedLines(hostTasks: HostTasks | undefined): string[] {
  if (!hostTasks) return [];
  if ("error" in hostTasks) return [`Could not list the tasks on this host: ${hostTasks.error}`];
  if (hostTasks.tasks.length === 0) return ["No tasks are running on this host."];
  const counts = new Map<string, number>();
  for (const task of hostTasks.tasks) {
    const owner = serviceOf(task.group) ?? task.group ?? arnName(task.taskDefinitionArn) ?? "standalone";
    counts.set(owner, (counts.get(owner) ?? 0) + 1);
  }
  const services = [...counts].map(([owner, count]) => `${owner} (${count})`).join(", ");
  const tasks = hostTasks.tasks.slice(0, 10).map((task) => arnName(task.taskArn) ?? task.taskArn);
  const more =
    hostTasks.tasks.length > tasks.length ? ` and ${hostTasks.tasks.length - tasks.length} more` : "";
  return [`${hostTasks.tasks.length} task(s) on this host: ${services}`, `Tasks: ${tasks.join(", ")}${more}`];
}

function baseMessage(
  event: ContainerInstanceEvent,
  fields: Pick<Message, "severity" | "category" | "title" | "cause" | "evidence" | "remediation"> & {
    reason?: string;
  },
): Message {
  const { detail } = event;
  const facts = [
    { label: "Instance", value: hostName(detail) },
    {
      label: "Container instance",
      value: arnName(detail.containerInstanceArn) ?? detail.containerInstanceArn,
    },
    ...(detail.clusterArn
      ? [{ label: "Cluster", value: arnName(detail.clusterArn) ?? detail.clusterArn }]
      : []),
    ...(detail.capacityProviderName
      ? [{ label: "Capacity provider", value: detail.capacityProviderName }]
      : []),
  ];
  return {
    kind: "host",
    ...fields,
    facts,
    links: [],
    cluster: arnName(detail.clusterArn),
    account: event.account,
    region: event.region,
    time: event.time,
  };
}

function healthAlert(
  event: Extract<ContainerInstanceEvent, { "detail-type": "ECS Container Instance Health Change" }>,
  hostTasks: HostTasks | undefined,
): HostAlert | undefined {
  const { detail } = event;
  const status = detail.overallStatus ?? "UNKNOWN";
  const host = hostName(detail);
  const cluster = arnName(detail.clusterArn) ?? "its cluster";
  if (status === "OK") {
    return {
      status,
      recovered: true,
      message: baseMessage(event, {
        severity: "info",
        category: "host-health",
        title: `Host ${host} in ${cluster} is healthy again`,
        cause: `All health checks of ${host} pass again (overall status OK).`,
        evidence: detail.healthChecks.map((check) => `${check.type ?? "UNKNOWN"}: ${check.status ?? "?"}`),
        remediation: [],
      }),
    };
  }
  if (status !== "IMPAIRED") return undefined;
  const failing = detail.healthChecks.filter((check) => check.status && check.status !== "OK");
  const critical = failing.length > 1 || failing.some((check) => CRITICAL_CHECKS.has(check.type ?? ""));
  const severity: Severity = critical ? "critical" : "warning";
  const problems = failing.map(checkLabel);
  const names = failing.map((check) => CHECK_NAMES[check.type ?? ""] ?? check.type ?? "a check").join(", ");
  return {
    status,
    recovered: false,
    impairment: {
      containerInstanceArn: detail.containerInstanceArn,
      ...(detail.ec2InstanceId ? { ec2InstanceId: detail.ec2InstanceId } : {}),
      status,
      since: failing[0]?.lastStatusChange ?? event.time ?? new Date(0).toISOString(),
      problems,
    },
    message: baseMessage(event, {
      severity,
      category: "host-health",
      title: `Host ${host} in ${cluster} is IMPAIRED: ${names || "health check failing"}`,
      cause: `ECS reports the host ${host} as IMPAIRED; tasks on it may fail or stop, and new tasks may not start there.`,
      evidence: [...problems, ...affectedLines(hostTasks)],
      remediation: failing
        .map((check) => CHECK_REMEDIATION[check.type ?? ""])
        .filter((line): line is string => line !== undefined),
    }),
  };
}

/** DRAINING or deregistering is expected (scale-in, instance refresh, Spot) unless ECS gives a reason. */
function stateAlert(
  event: Extract<ContainerInstanceEvent, { "detail-type": "ECS Container Instance State Change" }>,
  hostTasks: HostTasks | undefined,
): HostAlert | undefined {
  const { detail } = event;
  const host = hostName(detail);
  const cluster = arnName(detail.clusterArn) ?? "its cluster";
  const reason = detail.statusReason ?? undefined;
  const reasonFields = reason ? { reason } : {};
  if (detail.agentConnected === false && detail.status !== "INACTIVE") {
    return {
      status: "DISCONNECTED",
      recovered: false,
      impairment: {
        containerInstanceArn: detail.containerInstanceArn,
        ...(detail.ec2InstanceId ? { ec2InstanceId: detail.ec2InstanceId } : {}),
        status: "agent disconnected",
        since: detail.updatedAt ?? event.time ?? new Date(0).toISOString(),
        problems: ["AGENT_CONNECTIVITY — the ECS agent is disconnected"],
      },
      message: baseMessage(event, {
        severity: "warning",
        category: "host-agent-disconnected",
        title: `Host ${host} in ${cluster}: ECS agent disconnected`,
        cause: `The ECS agent on ${host} is disconnected: its tasks keep running, but ECS cannot place, stop or watch tasks there.`,
        ...reasonFields,
        evidence: [
          `agentConnected: false, status ${detail.status ?? "unknown"}`,
          ...affectedLines(hostTasks),
        ],
        remediation: [CHECK_REMEDIATION.AGENT_CONNECTIVITY ?? ""],
      }),
    };
  }
  const status = detail.status ?? "UNKNOWN";
  if (
    status === "DRAINING" ||
    status === "DEREGISTERING" ||
    status === "INACTIVE" ||
    status === "REGISTRATION_FAILED"
  ) {
    const failed = status === "REGISTRATION_FAILED";
    const what =
      status === "DRAINING"
        ? "is DRAINING: ECS moves its service tasks elsewhere and places no new ones there"
        : failed
          ? "failed to register with the cluster"
          : "was deregistered from the cluster";
    return {
      status,
      recovered: status === "INACTIVE",
      message: baseMessage(event, {
        severity: failed || (status === "DRAINING" && reason) ? "warning" : "info",
        category: status === "DRAINING" ? "host-draining" : "host-deregistered",
        title: `Host ${host} in ${cluster} ${status === "DRAINING" ? "is draining" : failed ? "failed to register" : "was deregistered"}`,
        cause: `The host ${host} ${what}.`,
        ...reasonFields,
        evidence: affectedLines(hostTasks),
        remediation: failed
          ? [
              "Check the instance's user data (ECS_CLUSTER), its instance role and the agent log on the instance.",
            ]
          : [],
      }),
    };
  }
  return undefined;
}

/** The alert of a container instance event (pure), or undefined when there is nothing to say. */
export function hostAlert(event: ContainerInstanceEvent, hostTasks?: HostTasks): HostAlert | undefined {
  return event["detail-type"] === "ECS Container Instance Health Change"
    ? healthAlert(event, hostTasks)
    : stateAlert(event, hostTasks);
}

/** Whether the event is worth listing the host's tasks for (a message about a bad or leaving host). */
export function needsTaskList(event: ContainerInstanceEvent): boolean {
  if (event["detail-type"] === "ECS Container Instance Health Change")
    return event.detail.overallStatus === "IMPAIRED";
  return event.detail.agentConnected === false || event.detail.status === "DRAINING";
}
