/** Fetches a live task and its task definition for `diagnose --cluster C --task T`. */
import { DescribeTaskDefinitionCommand, DescribeTasksCommand, type ECSClient } from "@aws-sdk/client-ecs";
import type { DiagnosisContext } from "../shared/diagnosis/types.js";
import { contextFromTaskDefinition } from "../shared/enrich/task-definition-context.js";
import { type EcsTask, parseTask } from "../shared/events/index.js";

export class TaskNotFoundError extends Error {
  override readonly name = "TaskNotFoundError";
}

export async function fetchLiveTask(
  ecs: ECSClient,
  cluster: string,
  taskId: string,
): Promise<{ task: EcsTask; context: DiagnosisContext }> {
  const described = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskId], include: ["TAGS"] }));
  const raw = described.tasks?.[0];
  if (!raw) {
    const failure = described.failures?.[0];
    const why = failure
      ? `${failure.reason ?? "unknown"}${failure.detail ? ` (${failure.detail})` : ""}`
      : "not found";
    throw new TaskNotFoundError(
      `task ${taskId} in cluster ${cluster}: ${why}. ECS keeps stopped tasks for about an hour only.`,
    );
  }
  const task = parseTask(raw, "tasks[0]");
  if (!task.taskDefinitionArn) return { task, context: {} };
  try {
    const definition = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: task.taskDefinitionArn }),
    );
    return {
      task,
      context: definition.taskDefinition ? contextFromTaskDefinition(definition.taskDefinition) : {},
    };
  } catch {
    // The diagnosis stands without memory limits; missing permission here must not hide it.
    return { task, context: {} };
  }
}
