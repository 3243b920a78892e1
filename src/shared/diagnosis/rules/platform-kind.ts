/**
 * Where a task ran, read from the task's own fields, for the platforms whose stops read alike but are fixed
 * elsewhere: `launchType` MANAGED_INSTANCES (ECS Managed Instances) and EXTERNAL (ECS Anywhere),
 * containers' `gpuIds` (GPUs assigned by the agent), and a daemon task definition ARN (`…:daemon-task-definition/…`,
 * ECS Managed Daemons). Windows needs no field: its wordings and NTSTATUS exit codes say it (windows.ts). Sources:
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Task.html (launchType, gpuIds),
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-anywhere.html (EXTERNAL),
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-daemons.md (daemon task definitions).
 */
import type { EcsTask } from "../../events/schemas.js";

export type HostKind = "fargate" | "ec2" | "managed-instances" | "external";

const HOST_KINDS: Readonly<Record<string, HostKind>> = {
  FARGATE: "fargate",
  EC2: "ec2",
  MANAGED_INSTANCES: "managed-instances",
  EXTERNAL: "external",
};

/** The host kind named by a launch type, when the event gives one. */
export function hostKindOf(launchType: string | undefined): HostKind | undefined {
  return launchType ? HOST_KINDS[launchType.toUpperCase()] : undefined;
}

function field(value: object, name: string): unknown {
  return (value as Record<string, unknown>)[name];
}

/** Names of the containers the agent assigned GPUs to (`gpuIds`). */
export function gpuContainers(task: EcsTask): string[] {
  return task.containers.flatMap((c) => {
    const ids = field(c, "gpuIds");
    return Array.isArray(ids) && ids.length > 0 ? [c.name] : [];
  });
}

const DAEMON_DEFINITION = /:daemon-task-definition\/([^:/]+)/;

/** The daemon task definition family when the task is a managed daemon's task. */
export function daemonFamily(task: EcsTask): string | undefined {
  const arn = task.taskDefinitionArn;
  return arn?.includes(":daemon-task-definition/") ? DAEMON_DEFINITION.exec(arn)?.[1] : undefined;
}
