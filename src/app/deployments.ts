/**
 * Composition of the deployment side (deployment/service events, review, rollback, crash-loop hook) from the
 * configuration: the real ECS and DynamoDB adapters for the Lambdas and `replay` (`replay --dry-run` is wired
 * in dry-run.ts). events.ts plugs the result into FlowDeps.
 */
import type { ECSClient } from "@aws-sdk/client-ecs";
import { ecsReviewLoader } from "../shared/deployments/review-loader.js";
import {
  buildTaskDefinitionLoader,
  type TaskDefinitionLoader,
} from "../shared/enrich/task-definition-cache.js";
import { crashLoopHook } from "../shared/flows/crash-loop.js";
import { type DeploymentEventHandler, deploymentFlow } from "../shared/flows/deployment.js";
import { type RollbackRunner, rollbackRunner } from "../shared/flows/rollback-runner.js";
import type { TaskHook } from "../shared/flows/task-stopped.js";
import type { Log } from "../shared/log.js";
import type { Metrics } from "../shared/metrics/port.js";
import { meteredRollbackRunner } from "../shared/metrics/rollbacks.js";
import type { Notifier } from "../shared/notify/port.js";
import {
  type CrashLoopStore,
  dynamoCrashLoopStore,
  memoryCrashLoopStore,
} from "../shared/rollback/crash-loop-store.js";
import { ecsRollback } from "../shared/rollback/ecs-rollback.js";
import { memoryRollbackStore } from "../shared/rollback/memory-rollback-store.js";
import { dynamoRollbackStore, type RollbackStore } from "../shared/rollback/rollback-store.js";
import type { RollbackConfig } from "../shared/rollback/types.js";
import { dynamoDocumentClient, ecsClient } from "./aws.js";
import type { Config } from "./config.js";
import { ecsPausePorts } from "./deployment-hook-ecs.js";
import { configuredHostStatus, ecsHostTasksLister } from "./hosts.js";

export interface DeploymentWiringOptions {
  log: Log;
  notify: Notifier;
  /** Counts the rollback decisions (src/app/metrics.ts); absent = not counted. */
  metrics?: Metrics;
  /** Another account's or region's key prefix (an Organization hub). */
  keyPrefix?: string;
  /** Adapters to use instead of the configured ones (tests: a mocked ECS client, the emulator's table). */
  adapters?: {
    ecs?: ECSClient;
    rollbackStore?: RollbackStore;
    crashLoopStore?: CrashLoopStore;
    /** The container's task definition cache, shared with diagnosis and alert context. */
    loadTaskDefinition?: TaskDefinitionLoader;
  };
}

export interface DeploymentDeps {
  deploymentEvent: DeploymentEventHandler;
  /** Task hooks of the deployment side (the crash-loop counter). */
  hooks: TaskHook[];
}

export function rollbackConfigOf(config: Config): Partial<RollbackConfig> {
  return {
    optInServices: config.autoRollbackServices,
    crashLoopThreshold: config.crashLoopThreshold,
    crashLoopWindowMinutes: config.crashLoopWindowMinutes,
    postCompletionMinutes: config.postCompletionMinutes,
    cooldownMinutes: config.rollbackCooldownMinutes,
    dryRun: config.dryRun,
  };
}

export function crashLoopSettings(config: Config) {
  return { threshold: config.crashLoopThreshold, windowMinutes: config.crashLoopWindowMinutes };
}

function stateStores(config: Config, options: DeploymentWiringOptions) {
  const { rollbackStore, crashLoopStore } = options.adapters ?? {};
  if (rollbackStore && crashLoopStore) return { rollback: rollbackStore, crashLoop: crashLoopStore };
  if (config.stateTable) {
    return {
      rollback: dynamoRollbackStore({
        tableName: config.stateTable,
        client: dynamoDocumentClient(),
      }),
      crashLoop: dynamoCrashLoopStore({ client: dynamoDocumentClient(), tableName: config.stateTable }),
    };
  }
  options.log.warn(
    "STATE_TABLE is not set: rollback claims and crash-loop counts last only as long as this process",
  );
  const rollback = memoryRollbackStore();
  return { rollback, crashLoop: memoryCrashLoopStore() };
}

/** The rollback runner (policy, claim, ECS call, record, message) of the configuration. */
export function configuredRollbackRunner(config: Config, options: DeploymentWiringOptions): RollbackRunner {
  const ecs = options.adapters?.ecs ?? ecsClient();
  const store = options.adapters?.rollbackStore ?? stateStores(config, options).rollback;
  const runner = rollbackRunner({
    ecs: ecsRollback(ecs),
    store,
    notify: options.notify,
    log: options.log,
    config: rollbackConfigOf(config),
    rollbackClaimed: store.rollbackClaimed,
  });
  return options.metrics ? meteredRollbackRunner(runner, options.metrics) : runner;
}

function hostPorts(config: Config, ecs: ECSClient) {
  const hostStatus = configuredHostStatus(config, dynamoDocumentClient);
  return { listTasks: ecsHostTasksLister(ecs), ...(hostStatus ? { hostStatus } : {}) };
}

export function deploymentDeps(config: Config, options: DeploymentWiringOptions): DeploymentDeps {
  const { log, notify } = options;
  const ecs = options.adapters?.ecs ?? ecsClient();
  const stores = stateStores(config, options);
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
