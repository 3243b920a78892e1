/**
 * Builds stopped tasks for the diagnosis tests, starting from a real Fargate stopped-task event
 * (/work/shared/ecs-events/task-stopped-scaling-activity-fargate.real.json, copied below as the base detail).
 */

import { parseTask } from "../../src/shared/events/parse.js";
import type { EcsContainer, EcsTask } from "../../src/shared/events/schemas.js";

const ACCOUNT = "123456789012";
const CLUSTER_ARN = `arn:aws:ecs:us-east-2:${ACCOUNT}:cluster/DemoTrafficGen01-ClusterEB0386A7-sCRgDrfn5BP9`;
const TASK_ARN = `arn:aws:ecs:us-east-2:${ACCOUNT}:task/DemoTrafficGen01-ClusterEB0386A7-sCRgDrfn5BP9/c50e321c974248dbaf4ae2cfa1662986`;

/** The `detail` of the real event, with its account id filled in. */
const BASE_DETAIL = {
  attachments: [{ id: "17a62b05-62f5-4c9b-99f6-56f4b0e13813", type: "eni", status: "DELETED" }],
  attributes: [{ name: "ecs.cpu-architecture", value: "x86_64" }],
  availabilityZone: "us-east-2a",
  clusterArn: CLUSTER_ARN,
  containers: [
    {
      containerArn: `arn:aws:ecs:us-east-2:${ACCOUNT}:container/DemoTrafficGen01-ClusterEB0386A7-sCRgDrfn5BP9/c50e321c974248dbaf4ae2cfa1662986/faced4af-762e-4b2f-97a6-f4e4816aceaa`,
      exitCode: 137,
      lastStatus: "STOPPED",
      name: "FargateContainer",
      image: `${ACCOUNT}.dkr.ecr.us-east-2.amazonaws.com/cdk-hnb659fds-container-assets-${ACCOUNT}-us-east-2:4fccb469d9b434f1e2ef0fca061c015f1fafdd35ed4cbe1783c419c4905da49a`,
      imageDigest: "sha256:4c8a9049915f437fcf5e8ef339e4109140cb92039dc0d3a78460623532c7c0cb",
      runtimeId: "c50e321c974248dbaf4ae2cfa1662986-766747396",
      taskArn: TASK_ARN,
      cpu: "0",
      memory: "512",
    },
  ],
  cpu: "256",
  createdAt: "2023-05-02T14:19:14.98Z",
  desiredStatus: "STOPPED",
  executionStoppedAt: "2023-05-02T15:28:48.391Z",
  group: "service:DemoTrafficGen01-ServiceD69D759B-EfyMIBhdCKVk",
  launchType: "FARGATE",
  lastStatus: "STOPPED",
  memory: "512",
  platformVersion: "1.4.0",
  pullStartedAt: "2023-05-02T14:19:27.907Z",
  pullStoppedAt: "2023-05-02T14:19:32.427Z",
  startedAt: "2023-05-02T14:19:34.52Z",
  startedBy: "ecs-svc/8646900195280463695",
  stoppingAt: "2023-05-02T15:28:04.974Z",
  stoppedAt: "2023-05-02T15:29:11.177Z",
  stoppedReason: "Scaling activity initiated by (deployment ecs-svc/8646900195280463695)",
  stopCode: "ServiceSchedulerInitiated",
  taskArn: TASK_ARN,
  taskDefinitionArn: `arn:aws:ecs:us-east-2:${ACCOUNT}:task-definition/DemoTrafficGen01TaskDef59B414B2:10`,
  updatedAt: "2023-05-02T15:29:11.177Z",
  version: 6,
} as const;

export const SERVICE_NAME = "DemoTrafficGen01-ServiceD69D759B-EfyMIBhdCKVk";
export const FAMILY = "DemoTrafficGen01TaskDef59B414B2";

type ContainerPatch = Partial<Omit<EcsContainer, "exitCode" | "reason">> & {
  name: string;
  exitCode?: number | null;
  reason?: string | null;
};

export interface TaskPatch {
  stopCode?: string | null;
  stoppedReason?: string | null;
  group?: string | null;
  startedBy?: string | null;
  lastStatus?: string;
  desiredStatus?: string;
  launchType?: string;
  capacityProviderName?: string;
  healthStatus?: string;
  /** Replaces the containers; each starts from the real container with the given fields overridden. */
  containers?: ContainerPatch[];
}

/** A parsed stopped task: the real event's detail with `patch` applied (null removes a field). */
export function stoppedTask(patch: TaskPatch = {}): EcsTask {
  const detail: Record<string, unknown> = structuredClone(BASE_DETAIL) as unknown as Record<string, unknown>;
  const base = (BASE_DETAIL.containers[0] ?? {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    if (key === "containers") continue;
    if (value === null) delete detail[key];
    else detail[key] = value;
  }
  if (patch.containers) {
    detail.containers = patch.containers.map((c) => {
      const container: Record<string, unknown> = { ...base };
      delete container.exitCode;
      for (const [key, value] of Object.entries(c)) {
        if (value === null) delete container[key];
        else container[key] = value;
      }
      return container;
    });
  }
  return parseTask(detail);
}

/** A task whose single container `web` stopped with `reason` (stop code TaskFailedToStart unless given). */
export function failedToStart(reason: string, patch: TaskPatch = {}): EcsTask {
  return stoppedTask({
    stopCode: "TaskFailedToStart",
    stoppedReason: reason,
    containers: [{ name: "web", reason, exitCode: null, lastStatus: "STOPPED" }],
    ...patch,
  });
}

/** A task whose essential container `web` exited; stop code EssentialContainerExited. */
export function exited(exitCode: number | null, reason?: string, patch: TaskPatch = {}): EcsTask {
  return stoppedTask({
    stopCode: "EssentialContainerExited",
    stoppedReason: "Essential container in task exited",
    containers: [{ name: "web", exitCode, ...(reason ? { reason } : {}) }],
    ...patch,
  });
}

/** Only the task-level stoppedReason carries the error (ResourceInitializationError and the like). */
export function taskReason(stoppedReason: string, patch: TaskPatch = {}): EcsTask {
  return stoppedTask({
    stopCode: "TaskFailedToStart",
    stoppedReason,
    containers: [{ name: "web", exitCode: null }],
    ...patch,
  });
}
