/** Fetches a live task and its task definition for `diagnose --cluster C --task T`. */
import type { ECSClient } from "@aws-sdk/client-ecs";
import type { DiagnosisContext } from "../shared/diagnosis/types.js";
import { buildDescribeTask } from "../shared/enrich/describe-task.js";
import { buildTaskDefinitionLoader } from "../shared/enrich/task-definition-cache.js";
import { contextFromTaskDefinition } from "../shared/enrich/task-definition-context.js";
import { type EcsTask, parseTask } from "../shared/events/index.js";
import { type DescribeFailure, parseFailure } from "./inputs.js";
import { notStopped } from "./task-state.js";

export type LiveTask =
  | { kind: "task"; task: EcsTask; context: DiagnosisContext }
  /** DescribeTasks answered with `failures[]` (MISSING: ECS forgot the task, about an hour after it stopped). */
  | { kind: "failure"; failure: DescribeFailure };

export async function fetchLiveTask(ecs: ECSClient, cluster: string, taskId: string): Promise<LiveTask> {
  const described = await buildDescribeTask(ecs)(cluster, taskId, { withTags: true });
  const raw = described.task;
  if (!raw) {
    const { failure } = described;
    return {
      kind: "failure",
      failure: failure
        ? { arn: taskId, ...parseFailure(failure, "failures[0]") }
        : { arn: taskId, reason: "MISSING", detail: "DescribeTasks returned neither the task nor a failure" },
    };
  }
  const task = parseTask(raw, "tasks[0]");
  // A task that has not stopped gets no diagnosis, so its task definition is not needed.
  if (!task.taskDefinitionArn || notStopped(task)) return { kind: "task", task, context: {} };
  try {
    const definition = await buildTaskDefinitionLoader(ecs)(task.taskDefinitionArn);
    return { kind: "task", task, context: definition ? contextFromTaskDefinition(definition) : {} };
  } catch {
    // The diagnosis stands without memory limits; missing permission here must not hide it.
    return { kind: "task", task, context: {} };
  }
}
