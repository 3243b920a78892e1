/**
 * The problems ecs-sentinel keeps one PagerDuty incident for, by key: readable on the incident, and the same for
 * the trigger and the resolve. A service's failed deployment (its rollback or its next completed deployment ends
 * it), and a job (its next successful run ends it). Flood groups (a crash loop) are keyed in send.ts from their
 * flood-control key and end by going quiet.
 */
import { parseServiceArn } from "../../events/arns.js";

/** `deployment:123456789012:us-east-1:prod/api` (the service ARN itself when it does not parse). */
export function deploymentProblemKey(serviceArn: string): string {
  const ref = parseServiceArn(serviceArn);
  if (!ref) return `deployment:${serviceArn}`;
  return `deployment:${[ref.account, ref.region, `${ref.cluster ?? "default"}/${ref.service}`].filter(Boolean).join(":")}`;
}

export function jobProblemKey(job: string): string {
  return `job:${job}`;
}
