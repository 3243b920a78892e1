/**
 * Which Slack conversation a deployment event belongs to (app mode). A new deployment opens its thread with the
 * live card and becomes the service's latest deployment; a rollback deployment that ECS starts continues the
 * latest deployment's thread (and its own key leads there from then on); every other event of a deployment
 * edits its card, opening it when ecs-sentinel missed the start. Review findings, rollback decisions and
 * checks that failed are replies in the deployment's thread when it exists.
 */
import { deploymentCard, deploymentCardPatch, deploymentThreadKey, eventTime } from "../deployments/card.js";
import { reviewCardPatch } from "../deployments/card-patches.js";
import type { ReviewInput } from "../deployments/review.js";
import { reviewDeployment } from "../deployments/review.js";
import { isRollbackReason } from "../deployments/rollback-reason.js";
import type { DeploymentStateChangeEvent } from "../events/parse.js";
import type { CardPatch, ThreadMeta } from "../notify/threads/types.js";

/** Leads to the thread of the service's newest deployment (an alias key; never a thread of its own). */
export function latestDeploymentKey(serviceArn: string): string {
  return `deployment-latest#${serviceArn}`;
}

export function deploymentEventThread(
  event: DeploymentStateChangeEvent,
  serviceArn: string | undefined,
  review?: ReviewInput,
): ThreadMeta | undefined {
  const deploymentId = event.detail.deploymentId;
  if (!serviceArn || !deploymentId) return undefined;
  const key = deploymentThreadKey(serviceArn, deploymentId);
  const latest = latestDeploymentKey(serviceArn);
  const opening = deploymentCard(event, review);
  const patch = deploymentCardPatch(event, review);
  if (event.detail.eventName === "SERVICE_DEPLOYMENT_IN_PROGRESS") {
    if (isRollbackReason(event.detail.reason)) {
      return { key: latest, joinOnly: true, patch, aliases: [key], fallback: { key, opening, patch } };
    }
    // The card says everything the "deployment started" message would.
    return { key, opening, patch, reply: false, aliases: [latest] };
  }
  return { key, opening, patch };
}

/**
 * The review's findings (or why there was none) as a reply in the deployment's thread. It may open the thread
 * itself, with the same card as the deployment's event: a redelivered copy of that event can reach its review
 * before the first copy opened the thread, and must not post the review on its own.
 */
export function reviewThread(
  event: DeploymentStateChangeEvent,
  serviceArn: string | undefined,
  review?: ReviewInput,
): ThreadMeta | undefined {
  const deploymentId = event.detail.deploymentId;
  if (!serviceArn || !deploymentId) return undefined;
  const at = eventTime(event);
  const patch: CardPatch = review
    ? { ...deploymentCardPatch(event, review), ...reviewCardPatch(reviewDeployment(review), at) }
    : deploymentCardPatch(event, review);
  if (review) patch.facts = [...(deploymentCardPatch(event, review).facts ?? []), ...(patch.facts ?? [])];
  return {
    key: deploymentThreadKey(serviceArn, deploymentId),
    opening: deploymentCard(event, review),
    patch,
  };
}

/** A reply (and card change) in the thread of `deploymentId`, when that thread exists. */
export { deploymentReply } from "../deployments/thread-key.js";
