/**
 * The deployment side's state (rollback claims, crash-loop counts) and wiring options, apart from the deployment
 * flows: the task-state Lambda counts crash loops on every stop, yet loads the flows and the rollback only when
 * they run (events.ts, crash-loop.ts).
 */
import type { ECSClient } from "@aws-sdk/client-ecs";
import type { TaskDefinitionLoader } from "../shared/enrich/task-definition-cache.js";
import type { Log } from "../shared/log.js";
import type { Metrics } from "../shared/metrics/port.js";
import type { Notifier } from "../shared/notify/port.js";
import {
  type CrashLoopStore,
  dynamoCrashLoopStore,
  memoryCrashLoopStore,
} from "../shared/rollback/crash-loop-store.js";
import { memoryRollbackStore } from "../shared/rollback/memory-rollback-store.js";
import { dynamoRollbackStore, type RollbackStore } from "../shared/rollback/rollback-store.js";
import { dynamoDocumentClient } from "./aws.js";
import type { Config } from "./config.js";

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

export function crashLoopSettings(config: Config) {
  return { threshold: config.crashLoopThreshold, windowMinutes: config.crashLoopWindowMinutes };
}

/** The rollback and crash-loop stores: the given adapters, else the state table, else memory (with a warning). */
export function deploymentStores(
  config: Config,
  options: Pick<DeploymentWiringOptions, "log" | "adapters">,
): { rollback: RollbackStore; crashLoop: CrashLoopStore } {
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
