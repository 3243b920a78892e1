/**
 * Raw EventBridge events for the scenarios, adapted from documented and sample events so they concern the
 * `sd-example` service of ecs-world.ts:
 * - deployment / service-action events: the AWS doc examples (test/deployments/fixtures/*.doc.json) with
 *   `id`, `time`, `resources` and the `detail` fields named below changed;
 * - stopped tasks: examples/events/03-api-crash-1.json (app-exit) and the fixture
 *   scaling--fargate-deployment-replacement.json (scaling), with cluster, group, task, startedBy, task
 *   definition and times changed.
 */
import { readFileSync } from "node:fs";
import { CLUSTER_ARN, NEW_ID, NEW_TD, SERVICE_ARN } from "./ecs-world.js";

type Raw = Record<string, unknown> & { detail: Record<string, unknown> };

const read = (path: string): Raw =>
  JSON.parse(readFileSync(new URL(`../../../${path}`, import.meta.url), "utf8")) as Raw;

let counter = 0;
const nextId = () => `00000000-0000-4000-8000-${String(++counter).padStart(12, "0")}`;

export interface DeploymentEventOptions {
  time: string;
  deploymentId?: string;
  reason?: string;
  id?: string;
}

const DEPLOYMENT_FIXTURES = {
  SERVICE_DEPLOYMENT_IN_PROGRESS: "deployment-in-progress.doc.json",
  SERVICE_DEPLOYMENT_COMPLETED: "deployment-completed.doc.json",
  SERVICE_DEPLOYMENT_FAILED: "deployment-failed.doc.json",
} as const;

export function deploymentEvent(
  eventName: keyof typeof DEPLOYMENT_FIXTURES,
  options: DeploymentEventOptions,
): Raw {
  const raw = read(`test/deployments/fixtures/${DEPLOYMENT_FIXTURES[eventName]}`);
  const deploymentId = options.deploymentId ?? NEW_ID;
  const reasons = {
    SERVICE_DEPLOYMENT_IN_PROGRESS: `ECS deployment ${deploymentId} in progress.`,
    SERVICE_DEPLOYMENT_COMPLETED: `ECS deployment ${deploymentId} completed.`,
    SERVICE_DEPLOYMENT_FAILED: "ECS deployment circuit breaker: task failed to start.",
  };
  return {
    ...raw,
    id: options.id ?? nextId(),
    time: options.time,
    account: "123456789012",
    region: "us-west-2",
    resources: [SERVICE_ARN],
    detail: {
      ...raw.detail,
      deploymentId,
      updatedAt: options.time,
      reason: options.reason ?? reasons[eventName],
    },
  };
}

/** Adapted from service-action-task-start-impaired.doc.json. */
export function taskStartImpaired(time: string): Raw {
  const raw = read("test/deployments/fixtures/service-action-task-start-impaired.doc.json");
  return {
    ...raw,
    id: nextId(),
    time,
    account: "123456789012",
    region: "us-west-2",
    resources: [SERVICE_ARN],
    detail: { ...raw.detail, clusterArn: CLUSTER_ARN, createdAt: time },
  };
}

export interface StoppedTaskOptions {
  taskId: string;
  /** Stop time, also the event time. */
  time: string;
  startedBy?: string;
  taskDefinition?: string;
  /** app-exit (exit code 1) or scaling (the scheduler replaced it). */
  kind?: "app-exit" | "scaling";
}

export function stoppedTask(options: StoppedTaskOptions): Raw {
  const kind = options.kind ?? "app-exit";
  const raw =
    kind === "app-exit"
      ? read("examples/events/03-api-crash-1.json")
      : read("test/fixtures/stopped-tasks/scaling--fargate-deployment-replacement.json");
  const taskArn = `arn:aws:ecs:us-west-2:123456789012:task/example/${options.taskId}`;
  const containers = (raw.detail.containers as Record<string, unknown>[]).map((c) => ({ ...c, taskArn }));
  return {
    ...raw,
    id: nextId(),
    time: options.time,
    account: "123456789012",
    region: "us-west-2",
    resources: [taskArn],
    detail: {
      ...raw.detail,
      clusterArn: CLUSTER_ARN,
      group: "service:sd-example",
      startedBy: options.startedBy ?? NEW_ID,
      taskArn,
      taskDefinitionArn: options.taskDefinition ?? NEW_TD,
      containers,
      stoppedAt: options.time,
      updatedAt: options.time,
      version: 6,
    },
  };
}
