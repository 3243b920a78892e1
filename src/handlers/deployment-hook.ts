/**
 * Lambda `deploymentHook`: the ECS deployment lifecycle hook that ECS invokes at the stages a service lists in
 * `deploymentConfiguration.lifecycleHooks`. A thin adapter; it answers `{hookStatus, callBackDelay?,
 * hookDetails?}` and never throws (an error would make ECS roll the deployment back).
 */
import type { Context } from "aws-lambda";
import { hookLogKeys, lambdaDeploymentHook, recordHookPayload } from "../app/deployment-hook.js";
import { withLogContext } from "../app/logger.js";
import { withMetrics } from "../app/metrics.js";
import type { HookResponse } from "../shared/flows/deployment-hook.js";

const hook = lambdaDeploymentHook();

export const handler: (event: unknown, context: Context) => Promise<HookResponse> = withLogContext(
  withMetrics(
    "deploymentHook",
    (event: unknown, context: Context) => hook(event, context),
    recordHookPayload,
  ),
  hookLogKeys,
);
