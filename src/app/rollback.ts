/** The rollback runner of the configuration (policy, claim, ECS call, record, message): loaded when one may run. */
import { type RollbackRunner, rollbackRunner } from "../shared/flows/rollback-runner.js";
import { meteredRollbackRunner } from "../shared/metrics/rollbacks.js";
import { ecsRollback } from "../shared/rollback/ecs-rollback.js";
import type { RollbackConfig } from "../shared/rollback/types.js";
import { ecsClient } from "./aws.js";
import type { Config } from "./config.js";
import { type DeploymentWiringOptions, deploymentStores } from "./deployment-stores.js";

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

export function configuredRollbackRunner(config: Config, options: DeploymentWiringOptions): RollbackRunner {
  const ecs = options.adapters?.ecs ?? ecsClient();
  const store = options.adapters?.rollbackStore ?? deploymentStores(config, options).rollback;
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
