/**
 * Composition of the deployment side (deployment/service events, review, rollback, crash-loop hook) from the
 * configuration: the real ECS and DynamoDB adapters for the Lambdas and `replay` (`replay --dry-run` is wired
 * in dry-run.ts). events.ts plugs the result into FlowDeps.
 */
import type { ECSClient } from "@aws-sdk/client-ecs";
import { ecsReviewLoader } from "../shared/deployments/review-loader.js";
import { buildTaskDefinitionLoader } from "../shared/enrich/task-definition-cache.js";
import { crashLoopHook } from "../shared/flows/crash-loop.js";
import { type DeploymentEventHandler, deploymentFlow } from "../shared/flows/deployment.js";
import type { TaskHook } from "../shared/flows/task-stopped.js";
import { dynamoDocumentClient, ecsClient } from "./aws.js";
import type { Config } from "./config.js";
import { ecsPausePorts } from "./deployment-hook-ecs.js";
import { crashLoopSettings, type DeploymentWiringOptions, deploymentStores } from "./deployment-stores.js";
import { configuredHostStatus, ecsHostTasksLister } from "./hosts.js";
import { configuredRollbackRunner } from "./rollback.js";

export { crashLoopSettings, type DeploymentWiringOptions } from "./deployment-stores.js";
export { configuredRollbackRunner, rollbackConfigOf } from "./rollback.js";

export interface DeploymentDeps {
  deploymentEvent: DeploymentEventHandler;
  /** Task hooks of the deployment side (the crash-loop counter). */
  hooks: TaskHook[];
}

function hostPorts(config: Config, ecs: ECSClient) {
  const hostStatus = configuredHostStatus(config, dynamoDocumentClient);
  return { listTasks: ecsHostTasksLister(ecs), ...(hostStatus ? { hostStatus } : {}) };
}

export function deploymentDeps(config: Config, options: DeploymentWiringOptions): DeploymentDeps {
  const { log, notify } = options;
  const ecs = options.adapters?.ecs ?? ecsClient();
  const stores = deploymentStores(config, options);
  const loadTaskDefinition = options.adapters?.loadTaskDefinition ?? buildTaskDefinitionLoader(ecs);
  const rollback = configuredRollbackRunner(config, {
    ...options,
    adapters: { ...options.adapters, ecs, rollbackStore: stores.rollback },
  });
  return {
    deploymentEvent: deploymentFlow({
      notify,
      log,
      loadReview: ecsReviewLoader(ecs, loadTaskDefinition),
      rollback,
      pausePorts: ecsPausePorts(ecs, loadTaskDefinition),
      hostPorts: hostPorts(config, ecs),
      ...(options.keyPrefix ? { keyPrefix: options.keyPrefix } : {}),
    }),
    hooks: [
      crashLoopHook({
        store: stores.crashLoop,
        rollbackClaimed: stores.rollback.rollbackClaimed,
        rollback,
        log,
        notify,
        settings: crashLoopSettings(config),
        ...(options.keyPrefix ? { keyPrefix: options.keyPrefix } : {}),
      }),
    ],
  };
}
