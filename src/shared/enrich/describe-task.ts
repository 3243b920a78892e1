/**
 * DescribeTasks for one task, the one adapter for it outside the job runner's batch lookups: `diagnose --cluster
 * --task` and `jobs run --wait` build on it. Returns what ECS answered, unparsed (callers parse the task with
 * the origin they report): the task, or ECS's failure for it (MISSING: it forgot the task).
 */
import { DescribeTasksCommand, type ECSClient, type Failure, type Task } from "@aws-sdk/client-ecs";

export interface DescribedTask {
  task?: Task;
  failure?: Failure;
}

export type DescribeTask = (
  cluster: string,
  task: string,
  options?: { withTags?: boolean },
) => Promise<DescribedTask>;

export function buildDescribeTask(ecs: ECSClient): DescribeTask {
  return async (cluster, task, options = {}) => {
    const described = await ecs.send(
      new DescribeTasksCommand({
        cluster,
        tasks: [task],
        ...(options.withTags ? { include: ["TAGS"] } : {}),
      }),
    );
    return { task: described.tasks?.[0], failure: described.failures?.[0] };
  };
}
