/**
 * The ECS side of the deployment hook: the ports of src/shared/flows/deployment-hook.ts over an ECS client, and
 * the CLI's lookup of a service's newest service deployment. API reference: DescribeServiceRevisions,
 * DescribeServices (include TAGS), ListTasks (serviceName, desiredStatus RUNNING then STOPPED; paginated),
 * DescribeTasks (at most 100 tasks per call), ListServiceDeployments, DescribeServiceDeployments.
 * Permissions: ecs:DescribeServiceRevisions, ecs:DescribeServices, ecs:ListTasks, ecs:DescribeTasks,
 * ecs:DescribeTaskDefinition (the CLI also ecs:ListServiceDeployments and ecs:DescribeServiceDeployments).
 */
import {
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  type ECSClient,
  ListServiceDeploymentsCommand,
  ListTasksCommand,
} from "@aws-sdk/client-ecs";
import {
  buildTaskDefinitionLoader,
  type TaskDefinitionLoader,
} from "../shared/enrich/task-definition-cache.js";
import { type EcsTask, taskSchema } from "../shared/events/schemas.js";
import type { DeploymentHookPorts, HookService } from "../shared/flows/deployment-hook.js";
import type { PausePorts } from "../shared/flows/paused-deployment.js";
import type { JsonObject } from "../shared/hooks/types.js";

/** Pages of ListTasks per desired status: 100 tasks each; a service with more is not one the hook can bake. */
const MAX_PAGES = 10;
const DESCRIBE_BATCH = 100;

const iso = (d: Date | undefined) => (d ? d.toISOString() : undefined);

async function listTaskArns(
  ecs: ECSClient,
  cluster: string,
  serviceName: string,
  desiredStatus: "RUNNING" | "STOPPED",
) {
  const arns: string[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const out = await ecs.send(new ListTasksCommand({ cluster, serviceName, desiredStatus, nextToken }));
    arns.push(...(out.taskArns ?? []));
    nextToken = out.nextToken;
    if (!nextToken) break;
  }
  return arns;
}

async function describeTasks(ecs: ECSClient, cluster: string, arns: string[]): Promise<EcsTask[]> {
  const tasks: EcsTask[] = [];
  for (let i = 0; i < arns.length; i += DESCRIBE_BATCH) {
    const out = await ecs.send(
      new DescribeTasksCommand({ cluster, tasks: arns.slice(i, i + DESCRIBE_BATCH) }),
    );
    for (const raw of out.tasks ?? []) {
      const parsed = taskSchema.safeParse(raw);
      if (parsed.success) tasks.push(parsed.data);
    }
  }
  return tasks;
}

export function ecsHookPorts(
  ecs: ECSClient,
  loadTaskDefinition: TaskDefinitionLoader = buildTaskDefinitionLoader(ecs),
): DeploymentHookPorts {
  return {
    loadRevision: async (revisionArn) => {
      const out = await ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: [revisionArn] }));
      const revision =
        out.serviceRevisions?.find((r) => r.serviceRevisionArn === revisionArn) ?? out.serviceRevisions?.[0];
      if (!revision?.serviceRevisionArn) return undefined;
      return {
        serviceRevisionArn: revision.serviceRevisionArn,
        ...(revision.clusterArn ? { clusterArn: revision.clusterArn } : {}),
        ...(revision.serviceArn ? { serviceArn: revision.serviceArn } : {}),
        ...(revision.taskDefinition ? { taskDefinition: revision.taskDefinition } : {}),
      };
    },
    loadService: async (cluster, serviceName): Promise<HookService | undefined> => {
      const out = await ecs.send(
        new DescribeServicesCommand({ cluster, services: [serviceName], include: ["TAGS"] }),
      );
      const service = out.services?.[0];
      if (!service) return undefined;
      const tags: Record<string, string> = {};
      for (const tag of service.tags ?? []) if (tag.key && tag.value !== undefined) tags[tag.key] = tag.value;
      return {
        tags,
        deployments: (service.deployments ?? []).map((d) => ({
          ...(d.id ? { id: d.id } : {}),
          ...(d.taskDefinition ? { taskDefinition: d.taskDefinition } : {}),
          ...(d.status ? { status: d.status } : {}),
          ...(d.desiredCount !== undefined ? { desiredCount: d.desiredCount } : {}),
          ...(d.createdAt ? { createdAt: d.createdAt.toISOString() } : {}),
        })),
      };
    },
    loadServiceTasks: async (cluster, serviceName) => {
      const [running, stopped] = await Promise.all([
        listTaskArns(ecs, cluster, serviceName, "RUNNING"),
        listTaskArns(ecs, cluster, serviceName, "STOPPED"),
      ]);
      return describeTasks(ecs, cluster, [...new Set([...running, ...stopped])]);
    },
    hasHealthCheck: async (taskDefinitionArn) => {
      const definition = await loadTaskDefinition(taskDefinitionArn);
      if (!definition) return undefined;
      return (definition.containerDefinitions ?? []).some((c) => (c.healthCheck?.command?.length ?? 0) > 0);
    },
  };
}

/** The newest service deployment of a service, as the hook would see it (for `ecs-sentinel hook`). */
export interface NewestDeployment {
  serviceDeploymentArn: string;
  serviceArn: string;
  targetServiceRevisionArn: string;
  status?: string;
  lifecycleStage?: string;
  /** The hookDetails configured on the deployment's Lambda hook for its current stage, if any. */
  hookDetails: JsonObject;
  startedAt?: string;
}

export async function newestServiceDeployment(
  ecs: ECSClient,
  cluster: string,
  service: string,
): Promise<NewestDeployment | undefined> {
  const list = await ecs.send(new ListServiceDeploymentsCommand({ cluster, service }));
  const newest = [...(list.serviceDeployments ?? [])].sort(
    (a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0),
  )[0];
  if (!newest?.serviceDeploymentArn) return undefined;
  const out = await ecs.send(
    new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [newest.serviceDeploymentArn] }),
  );
  const deployment = out.serviceDeployments?.[0];
  const revision = deployment?.targetServiceRevision?.arn ?? newest.targetServiceRevisionArn;
  const serviceArn = deployment?.serviceArn ?? newest.serviceArn;
  if (!deployment || !revision || !serviceArn) return undefined;
  const stage = deployment.lifecycleStage;
  const hook = deployment.deploymentConfiguration?.lifecycleHooks?.find(
    (h) =>
      h.targetType !== "PAUSE" &&
      stage !== undefined &&
      (h.lifecycleStages as string[] | undefined)?.includes(stage),
  );
  const details = hook?.hookDetails;
  return {
    serviceDeploymentArn: newest.serviceDeploymentArn,
    serviceArn,
    targetServiceRevisionArn: revision,
    ...(deployment.status ? { status: deployment.status } : {}),
    ...(stage ? { lifecycleStage: stage } : {}),
    hookDetails:
      details && typeof details === "object" && !Array.isArray(details) ? (details as JsonObject) : {},
    ...(iso(deployment.startedAt) ? { startedAt: iso(deployment.startedAt) } : {}),
  };
}

/** The hook's ports plus DescribeServiceDeployments, for `ECS Hook State Change` (flows/paused-deployment.ts). */
export function ecsPausePorts(
  ecs: ECSClient,
  loadTaskDefinition: TaskDefinitionLoader = buildTaskDefinitionLoader(ecs),
): PausePorts {
  return {
    ...ecsHookPorts(ecs, loadTaskDefinition),
    loadServiceDeployment: async (serviceDeploymentArn) => {
      const out = await ecs.send(
        new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [serviceDeploymentArn] }),
      );
      const deployment = out.serviceDeployments?.find((d) => d.serviceDeploymentArn === serviceDeploymentArn);
      if (!deployment?.serviceDeploymentArn) return undefined;
      return {
        serviceDeploymentArn: deployment.serviceDeploymentArn,
        ...(deployment.targetServiceRevision?.arn
          ? { targetServiceRevisionArn: deployment.targetServiceRevision.arn }
          : {}),
        ...(deployment.status ? { status: deployment.status } : {}),
        lifecycleHookDetails: (deployment.lifecycleHookDetails ?? []).map((hook) => ({
          ...(hook.hookId ? { hookId: hook.hookId } : {}),
          ...(hook.status ? { status: hook.status } : {}),
          ...(iso(hook.expiresAt) ? { expiresAt: iso(hook.expiresAt) } : {}),
          ...(hook.timeoutAction ? { timeoutAction: hook.timeoutAction } : {}),
        })),
      };
    },
  };
}
