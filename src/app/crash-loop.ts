/**
 * The crash-loop hook of stopped tasks (every stop is counted), whose rollback — policy, ECS calls, message —
 * loads only when a loop is seen, and the deployment flows, loaded with the first deployment-side event: neither
 * is on the task-state Lambda's cold start.
 */
import { crashLoopHook } from "../shared/flows/crash-loop.js";
import type { DeploymentEventHandler } from "../shared/flows/deployment.js";
import type { RollbackRunner } from "../shared/flows/rollback-runner.js";
import type { TaskHook } from "../shared/flows/task-stopped.js";
import type { Config } from "./config.js";
import { crashLoopSettings, type DeploymentWiringOptions, deploymentStores } from "./deployment-stores.js";

/** `create()`'s value, made on first call; a failed load is tried again by the next call. */
function onFirstUse<T>(create: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= create().catch((error: unknown) => {
      value = undefined;
      throw error;
    });
    return value;
  };
}

function lazyRollbackRunner(config: Config, options: DeploymentWiringOptions): RollbackRunner {
  const runner = onFirstUse(async () =>
    (await import("./rollback.js")).configuredRollbackRunner(config, options),
  );
  return async (request) => (await runner())(request);
}

/** The deployment and service-action events' handler (deployments.ts), built on first use. */
export function lazyDeploymentEvent(
  config: Config,
  options: DeploymentWiringOptions,
): DeploymentEventHandler {
  const handler = onFirstUse(
    async () => (await import("./deployments.js")).deploymentDeps(config, options).deploymentEvent,
  );
  return async (event) => (await handler())(event);
}

/** The deployment side's task hooks (the crash-loop counter), with `options.adapters`' stores if given. */
export function crashLoopHooks(config: Config, options: DeploymentWiringOptions): TaskHook[] {
  const stores = deploymentStores(config, options);
  return [
    crashLoopHook({
      store: stores.crashLoop,
      rollbackClaimed: stores.rollback.rollbackClaimed,
      rollback: lazyRollbackRunner(config, {
        ...options,
        adapters: { ...options.adapters, rollbackStore: stores.rollback },
      }),
      log: options.log,
      notify: options.notify,
      settings: crashLoopSettings(config),
      ...(options.keyPrefix ? { keyPrefix: options.keyPrefix } : {}),
    }),
  ];
}
