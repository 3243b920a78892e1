/** Fetches a live task and its task definition for `diagnose --cluster C --task T` (and its log tail). */
import type { ECSClient } from "@aws-sdk/client-ecs";
import type { Diagnosis, DiagnosisContext } from "../shared/diagnosis/types.js";
import { buildDescribeTask } from "../shared/enrich/describe-task.js";
import {
  fetchLogTail,
  type LogsClientFor,
  logTailContainerName,
  shouldFetchLogTail,
  type TaskDefinitionLogsLike,
} from "../shared/enrich/log-tail.js";
import { buildTaskDefinitionLoader } from "../shared/enrich/task-definition-cache.js";
import { contextFromTaskDefinition } from "../shared/enrich/task-definition-context.js";
import { type EcsTask, parseTask } from "../shared/events/index.js";
import type { LogTailSection } from "../shared/notify/message.js";
import { type DescribeFailure, parseFailure } from "./inputs.js";
import { notStopped } from "./task-state.js";

export type LiveTask =
  | { kind: "task"; task: EcsTask; context: DiagnosisContext; definition?: TaskDefinitionLogsLike }
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
    return definition
      ? { kind: "task", task, context: contextFromTaskDefinition(definition), definition }
      : { kind: "task", task, context: {} };
  } catch {
    // The diagnosis stands without memory limits; missing permission here must not hide it.
    return { kind: "task", task, context: {} };
  }
}

/**
 * The last lines of the failing container, read where the task ran (`logs` are that account's and region's
 * clients); undefined when the diagnosis does not call for them (expected stops, containers that never ran).
 */
export async function liveLogTail(
  live: { task: EcsTask; definition?: TaskDefinitionLogsLike },
  diagnosis: Diagnosis,
  logs: LogsClientFor,
  lines: number,
): Promise<LogTailSection | undefined> {
  if (!shouldFetchLogTail(diagnosis)) return undefined;
  const container = logTailContainerName(diagnosis, live.definition);
  if (!container) return undefined;
  const runtimeId = live.task.containers.find((c) => c.name === container)?.runtimeId;
  const tail = await fetchLogTail(
    {
      taskArn: live.task.taskArn,
      containerName: container,
      taskDefinition: live.definition,
      ...(runtimeId ? { runtimeId } : {}),
      lines,
    },
    { logs },
  );
  if (tail.kind === "lines")
    return {
      lines: tail.lines,
      source: `container ${container} · ${tail.group}`,
      ...(tail.link ? { link: tail.link } : {}),
    };
  return {
    lines: [],
    source: `container ${container}`,
    note: tail.reason,
    ...(tail.link ? { link: tail.link } : {}),
  };
}
