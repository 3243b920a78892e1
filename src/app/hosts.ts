/**
 * The adapters of host alerts: the tasks on a container instance (ListTasks + DescribeTasks, which the
 * deploymentEvents function may call in watched clusters) and the impaired-host record in the state table
 * (`host#<containerInstanceArn>` / `impairment`, table.ts), written only by host events, read by stops.
 */
import { DescribeTasksCommand, type ECSClient, ListTasksCommand } from "@aws-sdk/client-ecs";
import type { HostTask, HostTasksLister } from "../shared/hosts/ports.js";

/** ListTasks pages of 100 and DescribeTasks takes 100: one page is enough to name the services on one host. */
const MAX_TASKS = 100;

export function ecsHostTasksLister(ecs: ECSClient): HostTasksLister {
  return async (cluster, containerInstance) => {
    const listed = await ecs.send(
      new ListTasksCommand({ cluster, containerInstance, maxResults: MAX_TASKS }),
    );
    const taskArns = listed.taskArns ?? [];
    if (taskArns.length === 0) return [];
    const described = await ecs.send(new DescribeTasksCommand({ cluster, tasks: taskArns }));
    return (described.tasks ?? []).flatMap((task): HostTask[] =>
      task.taskArn
        ? [
            {
              taskArn: task.taskArn,
              ...(task.group ? { group: task.group } : {}),
              ...(task.taskDefinitionArn ? { taskDefinitionArn: task.taskDefinitionArn } : {}),
              ...(task.lastStatus ? { lastStatus: task.lastStatus } : {}),
            },
          ]
        : [],
    );
  };
}

export { configuredHostStatus, dynamoHostStatus } from "./host-status.js";
