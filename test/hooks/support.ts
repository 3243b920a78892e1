/**
 * An ECS stand-in for the deployment hook (moto lacks service revisions and deployments): aws-sdk-client-mock
 * answering DescribeServiceRevisions and DescribeServices as the API reference examples do
 * (test/rollback/ecs-responses.ts), and ListTasks / DescribeTasks from a world of tasks. The tasks are the
 * `detail` of the repository's stopped-task fixtures (real events), adapted: task ARN made unique, cluster,
 * task definition, group and startedBy set to the deployment under test, timestamps as Date objects (as the SDK
 * hands them over); running tasks are the app-exit fixture turned back to RUNNING (stop fields removed).
 */
import { readFileSync } from "node:fs";
import {
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
} from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { ecsHookPorts } from "../../src/app/deployment-hook-ecs.js";
import type { DeploymentHookDeps } from "../../src/shared/flows/deployment-hook.js";
import { type Log, silentLog } from "../../src/shared/log.js";
import type { Message } from "../../src/shared/notify/message.js";
import type { NotifyMeta } from "../../src/shared/notify/port.js";
import {
  CLUSTER_ARN,
  DEPLOYMENT_ARN,
  describeRevisions,
  describeServices,
  REVISION_ARN,
  SERVICE_ARN,
  serviceRevision,
  TASK_DEFINITION,
} from "../rollback/ecs-responses.js";

export { CLUSTER_ARN, DEPLOYMENT_ARN, REVISION_ARN, SERVICE_ARN, TASK_DEFINITION };
/** The id ECS puts in `startedBy` of the deployment's tasks (DescribeServices `deployments[].id`). */
export const DEPLOYMENT_ID = "ecs-svc/9223370564343000923";
export const BLUE_REVISION =
  "arn:aws:ecs:us-west-2:123456789012:service-revision/example/sd-example/1111111111111111111";
export const T0 = Date.parse("2025-07-20T10:00:00.000Z");
/** DescribeServiceRevisions of a revision ECS does not know: the API reference's `failures`, reason MISSING. */
export const REVISION_MISSING = {
  failures: [{ arn: REVISION_ARN, reason: "MISSING" }],
  serviceRevisions: [],
};

const TIME_FIELDS = [
  "createdAt",
  "pullStartedAt",
  "pullStoppedAt",
  "startedAt",
  "stoppingAt",
  "stoppedAt",
  "executionStoppedAt",
  "connectivityAt",
];

type Task = Record<string, unknown> & { taskArn: string; desiredStatus?: string };

function adapt(detail: Record<string, unknown>, taskId: string): Task {
  const task: Task = {
    ...detail,
    taskArn: `arn:aws:ecs:us-west-2:123456789012:task/example/${taskId}`,
    clusterArn: CLUSTER_ARN,
    taskDefinitionArn: TASK_DEFINITION,
    group: "service:sd-example",
    startedBy: DEPLOYMENT_ID,
  };
  for (const field of TIME_FIELDS) {
    if (typeof task[field] === "string") task[field] = new Date(task[field] as string);
  }
  return task;
}

export function fixtureDetail(name: string): Record<string, unknown> {
  const event = JSON.parse(
    readFileSync(new URL(`../fixtures/stopped-tasks/${name}.json`, import.meta.url), "utf8"),
  );
  return event.detail as Record<string, unknown>;
}

/** A stopped task of the new revision, from a fixture; `stoppedAt` set to `at` (adapted). */
export function stoppedTask(fixture: string, taskId: string, at = new Date(T0)): Task {
  return { ...adapt(fixtureDetail(fixture), taskId), stoppedAt: at };
}

/** A running task of the new revision: the app-exit fixture with its stop undone (adapted). */
export function runningTask(
  taskId: string,
  healthStatus: "HEALTHY" | "UNKNOWN" | "UNHEALTHY",
  startedAt = new Date(T0),
): Task {
  const { stopCode, stoppedReason, stoppingAt, stoppedAt, executionStoppedAt, ...rest } =
    fixtureDetail("app-exit--fargate-exit-1");
  const containers = (rest.containers as Record<string, unknown>[]).map(({ exitCode, ...c }) => ({
    ...c,
    lastStatus: "RUNNING",
    healthStatus,
  }));
  return {
    ...adapt(rest, taskId),
    lastStatus: "RUNNING",
    desiredStatus: "RUNNING",
    healthStatus,
    containers,
    startedAt,
  };
}

/** The payload ECS sends (Developer Guide, "Lifecycle payloads"), at `stage`. */
export function hookPayload(stage: string, hookDetails?: Record<string, unknown>): Record<string, unknown> {
  return {
    executionId: "2e4d5c7a-0b3e-4f0e-9a8f-3c1d2b4a5e6f",
    lifecycleStage: stage,
    resourceArn: DEPLOYMENT_ARN,
    executionDetails: {
      testTrafficWeights: { [REVISION_ARN]: 100, [BLUE_REVISION]: 0 },
      productionTrafficWeights: { [BLUE_REVISION]: 100, [REVISION_ARN]: 0 },
      serviceArn: SERVICE_ARN,
      targetServiceRevisionArn: REVISION_ARN,
    },
    ...(hookDetails ? { hookDetails } : {}),
  };
}

export interface World {
  ecs: ECSClient;
  mock: ReturnType<typeof mockClient>;
  tasks: Task[];
  tags: { key: string; value: string }[];
  healthCheck: boolean;
}

export function ecsWorld(options: { desiredCount?: number } = {}): World {
  const ecs = new ECSClient({ region: "us-west-2", credentials: { accessKeyId: "x", secretAccessKey: "y" } });
  const mock = mockClient(ecs);
  const world: World = { ecs, mock, tasks: [], tags: [], healthCheck: false };
  mock.on(DescribeServiceRevisionsCommand).resolves(describeRevisions([serviceRevision()]));
  mock.on(DescribeServicesCommand).callsFake(() => {
    // Adapted: the green deployment of the blue/green story, and the tags of the world.
    const out = describeServices([
      {
        id: DEPLOYMENT_ID,
        status: "PRIMARY",
        taskDefinition: TASK_DEFINITION,
        desiredCount: options.desiredCount ?? 2,
        createdAt: new Date(T0 - 60_000),
      },
      {
        id: "ecs-svc/1111",
        status: "ACTIVE",
        taskDefinition: "arn:aws:ecs:us-west-2:123456789012:task-definition/large-ngingx:0",
        desiredCount: 2,
      },
    ]);
    const service = out.services?.[0];
    if (service) service.tags = world.tags;
    return out;
  });
  mock.on(ListTasksCommand).callsFake((input: { desiredStatus?: string }) => ({
    taskArns: world.tasks
      .filter((t) => (t.desiredStatus ?? "RUNNING") === (input.desiredStatus ?? "RUNNING"))
      .map((t) => t.taskArn),
  }));
  mock.on(DescribeTasksCommand).callsFake((input: { tasks?: string[] }) => ({
    failures: [],
    tasks: world.tasks.filter((t) => input.tasks?.includes(t.taskArn)),
  }));
  mock.on(DescribeTaskDefinitionCommand).callsFake(() => ({
    taskDefinition: {
      taskDefinitionArn: TASK_DEFINITION,
      family: "large-ngingx",
      revision: 1,
      containerDefinitions: [
        {
          name: "api",
          image: "nginx",
          essential: true,
          ...(world.healthCheck
            ? { healthCheck: { command: ["CMD-SHELL", "curl -f http://localhost/ || exit 1"] } }
            : {}),
        },
      ],
    },
  }));
  return world;
}

export interface Sent {
  message: Message;
  meta: NotifyMeta;
}

export function recordingLog(): Log & { lines: { level: string; message: string; fields: object }[] } {
  const lines: { level: string; message: string; fields: object }[] = [];
  const at =
    (level: string) =>
    (message: string, ...extra: object[]) =>
      lines.push({ level, message, fields: Object.assign({}, ...extra) });
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

export function hookDeps(
  world: World,
  clock: { now: number },
  overrides: Partial<DeploymentHookDeps> = {},
): DeploymentHookDeps & { sent: Sent[] } {
  const sent: Sent[] = [];
  return {
    ports: ecsHookPorts(world.ecs),
    log: silentLog,
    notify: async (message, meta) => {
      sent.push({ message, meta });
      return [{ channel: "slack", status: "sent" }];
    },
    now: () => clock.now,
    deadline: () => 60_000,
    defaults: {},
    sent,
    ...overrides,
  };
}
