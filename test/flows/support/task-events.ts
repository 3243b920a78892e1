/** Task State Change events of a service task, shaped like the ones ECS sends (see test/fixtures). */
import type { TaskStateChangeEvent } from "../../../src/shared/events/parse.js";
import { parseTask } from "../../../src/shared/events/parse.js";

export const ACCOUNT = "123456789012";
export const REGION = "us-east-1";
export const CLUSTER = "prod";
export const CLUSTER_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${CLUSTER}`;

export function taskDefinitionArn(family: string, revision: number): string {
  return `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:${revision}`;
}

export type StopKind = "out-of-memory" | "app-exit" | "scaling";

export interface TaskEventOptions {
  taskId: string;
  kind?: StopKind;
  service?: string;
  container?: string;
  taskDefinition?: string;
  stoppedAt?: string;
  cluster?: string;
}

const CONTAINER_STOPS: Record<StopKind, { exitCode: number; reason?: string }> = {
  "out-of-memory": { exitCode: 137, reason: "OutOfMemoryError: Container killed due to memory usage" },
  "app-exit": { exitCode: 1 },
  scaling: { exitCode: 143 },
};

export function stoppedTaskEvent(options: TaskEventOptions): TaskStateChangeEvent {
  const kind = options.kind ?? "out-of-memory";
  const service = options.service ?? "api";
  const container = options.container ?? "web";
  const cluster = options.cluster ?? CLUSTER;
  const clusterArn = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${cluster}`;
  const taskArn = `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${cluster}/${options.taskId}`;
  const stoppedAt = options.stoppedAt ?? "2024-05-02T10:00:00.000Z";
  const scaling = kind === "scaling";
  const detail = parseTask({
    taskArn,
    clusterArn,
    taskDefinitionArn: options.taskDefinition ?? taskDefinitionArn(service, 2),
    group: `service:${service}`,
    startedBy: "ecs-svc/8646900195280463695",
    launchType: "FARGATE",
    lastStatus: "STOPPED",
    desiredStatus: "STOPPED",
    stopCode: scaling ? "ServiceSchedulerInitiated" : "EssentialContainerExited",
    stoppedReason: scaling
      ? "Scaling activity initiated by (deployment ecs-svc/8646900195280463695)"
      : "Essential container in task exited",
    containers: [
      {
        name: container,
        lastStatus: "STOPPED",
        runtimeId: `${options.taskId}-1234567890`,
        ...CONTAINER_STOPS[kind],
      },
    ],
    stoppedAt,
    version: 5,
  });
  return {
    version: "0",
    id: `event-${options.taskId}`,
    "detail-type": "ECS Task State Change",
    source: "aws.ecs",
    account: ACCOUNT,
    time: stoppedAt,
    region: REGION,
    resources: [taskArn],
    detail,
  };
}
