/**
 * A person continues or rolls back a deployment paused by an ECS pause hook (Slack's buttons, the CLI): the
 * same guard rails as rollbacks. The service must be opted in (tag `ecs-sentinel:auto-rollback` true or manual;
 * IAM draws the same line), the hook must still be waiting (AWAITING_ACTION, not expired) with the very id the
 * person was shown — so a stale button never acts on a later pause — and a dry run says what it would do.
 * Over ports; src/app adapts ECS (DescribeServices, DescribeServiceDeployments, ContinueServiceDeployment).
 */
import { pausedActionRefusal } from "../deployments/paused-hook.js";
import { arnName, parseServiceArn } from "../events/arns.js";
import { formatUtc } from "../notify/render/time.js";
import type { PausedServiceDeployment } from "./paused-deployment.js";

export type PauseDecision = "CONTINUE" | "ROLLBACK";

export interface PauseActionPorts {
  /** The service's tags; undefined when ECS does not know the service. */
  serviceTags: (serviceArn: string) => Promise<{ key?: string; value?: string }[] | undefined>;
  serviceDeployment: (serviceDeploymentArn: string) => Promise<PausedServiceDeployment | undefined>;
  continueDeployment: (input: {
    serviceDeploymentArn: string;
    hookId: string;
    action: PauseDecision;
  }) => Promise<void>;
}

export interface PauseActionRequest {
  serviceArn: string;
  serviceDeploymentArn: string;
  hookId: string;
  action: PauseDecision;
  now: number;
  dryRun?: boolean;
}

export interface PauseActionResult {
  status: "done" | "refused" | "dry-run";
  /** One sentence for the record (Slack thread, CLI output, logs). */
  result: string;
}

const VERB: Record<PauseDecision, string> = { CONTINUE: "continued", ROLLBACK: "rolling back" };

export async function actOnPausedDeployment(
  request: PauseActionRequest,
  ports: PauseActionPorts,
): Promise<PauseActionResult> {
  const service =
    parseServiceArn(request.serviceArn)?.service ?? arnName(request.serviceArn) ?? "the service";
  const refuse = (why: string): PauseActionResult => ({
    status: "refused",
    result: `${why}; nothing was done`,
  });
  const tags = await ports.serviceTags(request.serviceArn);
  if (!tags) return refuse(`${service} was not found`);
  const notOptedIn = pausedActionRefusal(tags);
  if (notOptedIn) return refuse(notOptedIn);
  const deployment = await ports.serviceDeployment(request.serviceDeploymentArn);
  if (!deployment) return refuse("ECS does not know the service deployment");
  const hook = deployment.lifecycleHookDetails.find((h) => h.hookId === request.hookId);
  if (!hook) return refuse("the deployment has no such pause hook");
  if (hook.status !== "AWAITING_ACTION")
    return refuse(`the pause is no longer waiting (${hook.status ?? "status unknown"})`);
  const expires = hook.expiresAt ? Date.parse(hook.expiresAt) : Number.NaN;
  if (!Number.isNaN(expires) && expires <= request.now)
    return refuse(`the pause timed out at ${formatUtc(new Date(expires).toISOString())}`);
  const what = `${request.action === "CONTINUE" ? "continue" : "roll back"} the deployment ${arnName(request.serviceDeploymentArn) ?? request.serviceDeploymentArn} of ${service}`;
  if (request.dryRun) return { status: "dry-run", result: `dry run: would ${what}` };
  await ports.continueDeployment({
    serviceDeploymentArn: request.serviceDeploymentArn,
    hookId: request.hookId,
    action: request.action,
  });
  return {
    status: "done",
    result: `${VERB[request.action]}: ECS ContinueServiceDeployment ${request.action} accepted for ${arnName(request.serviceDeploymentArn) ?? request.serviceDeploymentArn}`,
  };
}
