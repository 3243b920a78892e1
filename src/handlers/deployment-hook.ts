/**
 * PLACEHOLDER so the stack packages the deploymentHook function (issue 15, item 1): the hook's real handler,
 * written separately, replaces this file. Until then it answers every invocation SUCCEEDED: ECS continues the
 * deployment exactly as without a hook (fail-open), never rolling back because of this placeholder.
 */
export interface DeploymentHookAnswer {
  hookStatus: "SUCCEEDED";
}

export const handler = async (_event: unknown): Promise<DeploymentHookAnswer> => ({
  hookStatus: "SUCCEEDED",
});
