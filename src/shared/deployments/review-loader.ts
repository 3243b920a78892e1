/**
 * What the deployment review needs from ECS: the service (DescribeServices with TAGS) and the task
 * definition of the deployment the event is about (DescribeTaskDefinition, through the per-container cache).
 *
 * Only the event's own deployment is reviewed: `detail.deploymentId` (`ecs-svc/...`) is looked up among the
 * service's `deployments[].id`. When it is not there (a newer deployment already replaced it, or the event
 * names none), the review is skipped and says why; the PRIMARY deployment (or the service's current task
 * definition) is never reviewed in its place, since that would report findings of another revision.
 */
import { DescribeServicesCommand, type ECSClient } from "@aws-sdk/client-ecs";
import type { TaskDefinitionLoader } from "../enrich/task-definition-cache.js";
import { clusterArnFromServiceArn, parseServiceArn } from "../events/arns.js";
import type { ReviewInput } from "./review.js";

export type ReviewLoad =
  | { status: "ready"; input: ReviewInput }
  /** Nothing to review, with the sentence people get: "could not find deployment ecs-svc/… — …". */
  | { status: "skipped"; reason: string };

/** Undefined when no review is attempted at all (a dry run prints what it would load instead). */
export type ReviewLoader = (
  serviceArn: string,
  deploymentId: string | undefined,
) => Promise<ReviewLoad | undefined>;

const SKIPPED = "the review was skipped";

export function ecsReviewLoader(client: ECSClient, loadTaskDefinition: TaskDefinitionLoader): ReviewLoader {
  return async (serviceArn, deploymentId) => {
    if (!deploymentId) return { status: "skipped", reason: `the event names no deployment — ${SKIPPED}` };
    const out = await client.send(
      new DescribeServicesCommand({
        cluster: clusterArnFromServiceArn(serviceArn),
        services: [serviceArn],
        include: ["TAGS"],
      }),
    );
    const service = out.services?.[0];
    if (!service) {
      const name = parseServiceArn(serviceArn)?.service ?? serviceArn;
      const why = out.failures?.[0]?.reason;
      return {
        status: "skipped",
        reason: `could not find service ${name}${why ? ` (${why})` : ""} — ${SKIPPED}`,
      };
    }
    const deployment = (service.deployments ?? []).find((d) => d.id === deploymentId);
    if (!deployment) {
      return {
        status: "skipped",
        reason: `could not find deployment ${deploymentId} among the service's deployments (a newer deployment replaced it) — ${SKIPPED}`,
      };
    }
    if (!deployment.taskDefinition) {
      return {
        status: "skipped",
        reason: `deployment ${deploymentId} names no task definition — ${SKIPPED}`,
      };
    }
    const taskDefinition = await loadTaskDefinition(deployment.taskDefinition);
    if (!taskDefinition) {
      return {
        status: "skipped",
        reason: `could not find task definition ${deployment.taskDefinition} of deployment ${deploymentId} — ${SKIPPED}`,
      };
    }
    return { status: "ready", input: { service, taskDefinition } };
  };
}
