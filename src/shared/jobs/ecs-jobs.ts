/** The ECS side of the job runner and watchdog: EcsJobsPort over an ECSClient. */
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  type ECSClient,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
} from "@aws-sdk/client-ecs";
import type { EcsJobsPort } from "./ports.js";
import type { AwsVpcNetwork, RunningJobTask } from "./run-planning.js";

/** The service named by a job's network.fromService cannot lend its network configuration. */
export class ServiceNetworkError extends Error {
  override readonly name = "ServiceNetworkError";
}

const DESCRIBE_TASKS_MAX = 100;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function buildEcsJobsAdapter(ecs: ECSClient): EcsJobsPort {
  return {
    async resolveTaskDefinition(reference) {
      const { taskDefinition } = await ecs.send(
        new DescribeTaskDefinitionCommand({ taskDefinition: reference }),
      );
      if (!taskDefinition?.taskDefinitionArn) {
        throw new Error(`DescribeTaskDefinition returned no task definition for "${reference}"`);
      }
      return {
        arn: taskDefinition.taskDefinitionArn,
        essentialContainers: (taskDefinition.containerDefinitions ?? [])
          // ECS treats a container without the flag as essential.
          .filter((container) => container.essential !== false && container.name)
          .map((container) => container.name as string),
      };
    },

    async serviceNetwork(cluster, service) {
      const response = await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
      const found = response.services?.[0];
      if (!found) {
        const why = response.failures?.[0]?.reason ?? "not found";
        throw new ServiceNetworkError(`service ${service} in cluster ${cluster}: ${why}`);
      }
      const vpc = found.networkConfiguration?.awsvpcConfiguration;
      if (!vpc?.subnets?.length) {
        throw new ServiceNetworkError(
          `service ${service} in cluster ${cluster} has no awsvpc network configuration`,
        );
      }
      const network: AwsVpcNetwork = { subnets: vpc.subnets };
      if (vpc.securityGroups?.length) network.securityGroups = vpc.securityGroups;
      if (vpc.assignPublicIp) network.assignPublicIp = vpc.assignPublicIp;
      return network;
    },

    async listJobTasks(cluster, startedBy) {
      const arns: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await ecs.send(
          new ListTasksCommand({ cluster, startedBy, desiredStatus: "RUNNING", nextToken }),
        );
        arns.push(...(page.taskArns ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      const tasks: RunningJobTask[] = [];
      for (const batch of chunks(arns, DESCRIBE_TASKS_MAX)) {
        const described = await ecs.send(
          new DescribeTasksCommand({ cluster, tasks: batch, include: ["TAGS"] }),
        );
        for (const task of described.tasks ?? []) {
          if (!task.taskArn) continue;
          // ListTasks filters by startedBy already; re-check in case an emulator or a future API does not.
          if (task.startedBy !== undefined && task.startedBy !== startedBy) continue;
          tasks.push({
            taskArn: task.taskArn,
            lastStatus: task.lastStatus,
            desiredStatus: task.desiredStatus,
            startedAt: task.startedAt,
            createdAt: task.createdAt,
            tags: Object.fromEntries((task.tags ?? []).map((tag) => [tag.key ?? "", tag.value ?? ""])),
          });
        }
      }
      return tasks;
    },

    async runTask(request) {
      const response = await ecs.send(new RunTaskCommand(request));
      return {
        taskArn: response.tasks?.[0]?.taskArn,
        failures: (response.failures ?? []).map((failure) => ({
          ...(failure.arn ? { arn: failure.arn } : {}),
          reason: failure.reason ?? "unknown",
          ...(failure.detail ? { detail: failure.detail } : {}),
        })),
      };
    },

    async stopTask(cluster, taskArn, reason) {
      await ecs.send(new StopTaskCommand({ cluster, task: taskArn, reason: reason.slice(0, 255) }));
    },
  };
}
