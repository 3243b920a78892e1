/**
 * What the deployment review needs from ECS: the service (DescribeServices with TAGS) and the task
 * definition its new deployment rolls out (DescribeTaskDefinition, through the per-container cache).
 */
import { DescribeServicesCommand, type ECSClient } from "@aws-sdk/client-ecs";
import type { ReviewInput } from "../deployments/review.js";
import type { TaskDefinitionLoader } from "../enrich/task-definition-cache.js";
import { clusterArnFromServiceArn } from "../events/arns.js";

/** Undefined when the service or its task definition no longer exists: nothing to review. */
export type ReviewLoader = (
  serviceArn: string,
  deploymentId: string | undefined,
) => Promise<ReviewInput | undefined>;

export function ecsReviewLoader(client: ECSClient, loadTaskDefinition: TaskDefinitionLoader): ReviewLoader {
  return async (serviceArn, deploymentId) => {
    const out = await client.send(
      new DescribeServicesCommand({
        cluster: clusterArnFromServiceArn(serviceArn),
        services: [serviceArn],
        include: ["TAGS"],
      }),
    );
    const service = out.services?.[0];
    if (!service) return undefined;
    const deployments = service.deployments ?? [];
    // The PRIMARY deployment is the new one; the event's own id wins if a newer deployment already replaced it.
    const deployment =
      deployments.find((d) => deploymentId !== undefined && d.id === deploymentId) ??
      deployments.find((d) => d.status === "PRIMARY");
    const arn = deployment?.taskDefinition ?? service.taskDefinition;
    if (!arn) return undefined;
    const taskDefinition = await loadTaskDefinition(arn);
    return taskDefinition ? { service, taskDefinition } : undefined;
  };
}
