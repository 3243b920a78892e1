/**
 * PURE: a deployment paused by an ECS pause hook (`lifecycleHookDetails[].status` AWAITING_ACTION), and whether a
 * person may continue or roll it back from ecs-sentinel: the same opt-in as rollbacks (tag
 * `ecs-sentinel:auto-rollback` = `true` or `manual`), which IAM enforces too.
 */
import type { ServiceDeployment } from "@aws-sdk/client-ecs";
import { AUTO_ROLLBACK_TAG } from "../rollback/types.js";

export interface PausedHook {
  serviceDeploymentArn: string;
  hookId: string;
  expiresAt?: Date;
  timeoutAction?: string;
}

/** The first hook awaiting action among the service deployments (newest first as ListServiceDeployments gives them). */
export function pausedHookOf(deployments: readonly ServiceDeployment[]): PausedHook | undefined {
  for (const deployment of deployments) {
    const hook = (deployment.lifecycleHookDetails ?? []).find(
      (h) => h.status === "AWAITING_ACTION" && h.hookId,
    );
    if (hook?.hookId && deployment.serviceDeploymentArn) {
      return {
        serviceDeploymentArn: deployment.serviceDeploymentArn,
        hookId: hook.hookId,
        ...(hook.expiresAt ? { expiresAt: hook.expiresAt } : {}),
        ...(hook.timeoutAction ? { timeoutAction: hook.timeoutAction } : {}),
      };
    }
  }
  return undefined;
}

/** Why a person may not act on this service's paused deployment, or undefined when they may. */
export function pausedActionRefusal(tags: readonly { key?: string; value?: string }[]): string | undefined {
  const value = tags
    .find((t) => t.key === AUTO_ROLLBACK_TAG)
    ?.value?.trim()
    .toLowerCase();
  if (value === "true" || value === "manual") return undefined;
  return `the service is not opted in (tag ${AUTO_ROLLBACK_TAG}=manual or true): ecs-sentinel does not act on it`;
}
