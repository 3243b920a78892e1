/**
 * The keys of a deployment's Slack thread, apart from the card that renders it: stopped tasks and crash loops
 * join the thread by key on every event, while the card (and its messages) load only where deployments are handled.
 */
import type { CardPatch, ThreadMeta } from "../notify/threads/types.js";

/** The thread key of one deployment of one service: `deployment#<serviceArn>#<deploymentId>`. */
export function deploymentThreadKey(serviceArn: string, deploymentId: string): string {
  return `deployment#${serviceArn}#${deploymentId}`;
}

/** A reply in the deployment's thread, when it has one (joins only: never opens it). */
export function deploymentReply(
  serviceArn: string | undefined,
  deploymentId: string | undefined,
  patch?: CardPatch,
  aliases?: string[],
): ThreadMeta | undefined {
  if (!serviceArn || !deploymentId) return undefined;
  return { key: deploymentThreadKey(serviceArn, deploymentId), joinOnly: true, patch, aliases };
}
