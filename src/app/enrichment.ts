/**
 * Composition of alert context (enrichment): builds the alert context ports from AWS clients: CloudWatch Logs for tails, ECS for services and task
 * definitions, the state table for history. Every adapter counts its calls on one counter.
 */

import type { ECSClient } from "@aws-sdk/client-ecs";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { type CallCounter, enrichmentCalls } from "../shared/enrich/call-counter.js";
import { createHistoryStore } from "../shared/enrich/history-store.js";
import type { LogsClientFor } from "../shared/enrich/log-tail.js";
import { buildServiceDeploymentsLookup } from "../shared/enrich/service-deployments.js";
import {
  buildTaskDefinitionLoader,
  type TaskDefinitionLoader,
} from "../shared/enrich/task-definition-cache.js";
import { contextFromTaskDefinition } from "../shared/enrich/task-definition-context.js";
import type { FlowDeps } from "../shared/flows/dispatch.js";
import type { TaskEnrichment } from "../shared/flows/enrichment.js";
import { loadOnce } from "../shared/load-once.js";
import { dynamoDocumentClient, ecsClient, logsClientsByRegion } from "./aws.js";

type LogTail = typeof import("../shared/enrich/log-tail.js");

/** Log tails (reading, masking, trimming) are read only for a message that goes out: loaded with the first. */
const logTail = /* @__PURE__ */ loadOnce<LogTail>(
  "the log tail reader",
  () => import("../shared/enrich/log-tail.js"),
);

const DAY_MS = 24 * 60 * 60 * 1000;
/** GetLogEvents returns at most 10,000 events per call. */
const MAX_TAIL_LINES = 10_000;

export interface EnrichmentSettings {
  logTailLines: number;
  historyRetentionDays: number;
  enrichBudgetMs: number;
  /** Without a state table there is no history. */
  stateTable?: string;
}

export interface EnrichmentClients {
  ecs: ECSClient;
  logs: LogsClientFor;
  dynamo: DynamoDBDocumentClient;
  /** Shared with the diagnosis' task definition context, so one alert describes a revision once. */
  loadTaskDefinition?: TaskDefinitionLoader;
  remainingMs?: () => number;
  counter?: CallCounter;
  now?: () => number;
  /** Pause between log reads (tests pass one that does not wait). */
  sleep?: (ms: number) => Promise<void>;
  /** History keys of another account or region (an Organization hub); empty at home. */
  keyPrefix?: string;
}

export function buildTaskEnrichment(
  settings: EnrichmentSettings,
  clients: EnrichmentClients,
): TaskEnrichment {
  const counter = clients.counter ?? enrichmentCalls;
  const now = clients.now ?? Date.now;
  return {
    loadTaskDefinition: clients.loadTaskDefinition ?? buildTaskDefinitionLoader(clients.ecs, { counter }),
    readLogTail: async (request) =>
      (await logTail()).fetchLogTail(request, {
        logs: clients.logs,
        counter,
        now,
        ...(clients.sleep ? { sleep: clients.sleep } : {}),
      }),
    serviceDeployments: buildServiceDeploymentsLookup(clients.ecs, { counter, now }),
    ...(settings.stateTable
      ? {
          history: createHistoryStore({
            client: clients.dynamo,
            tableName: settings.stateTable,
            retentionMs: settings.historyRetentionDays * DAY_MS,
            counter,
            now,
            ...(clients.keyPrefix ? { clusterKeyPrefix: clients.keyPrefix } : {}),
          }),
        }
      : {}),
    budgetMs: settings.enrichBudgetMs,
    logTailLines: Math.min(MAX_TAIL_LINES, Math.max(1, Math.floor(settings.logTailLines))),
    now,
    ...(clients.remainingMs ? { remainingMs: clients.remainingMs } : {}),
  };
}

/**
 * The context ports of a deployed handler (or a live `replay`): the shared SDK clients. Off, with no AWS call,
 * where no AWS is configured (no region). A dry run (dry-run.ts) has none.
 */
export function configuredEnrichment(
  config: EnrichmentSettings & { region?: string },
  runtime: {
    deadline: () => number;
    loadTaskDefinition: TaskDefinitionLoader;
    /** The event's account and region (an Organization hub's member); the container's own otherwise. */
    clients?: { ecs: ECSClient; logs: LogsClientFor };
    /** Their history key prefix (an Organization hub's member). */
    keyPrefix?: string;
  },
): TaskEnrichment | undefined {
  if (!config.region) return undefined;
  return buildTaskEnrichment(config, {
    ecs: runtime.clients?.ecs ?? ecsClient(),
    logs: runtime.clients?.logs ?? logsClientsByRegion(),
    dynamo: dynamoDocumentClient(),
    loadTaskDefinition: runtime.loadTaskDefinition,
    remainingMs: runtime.deadline,
    ...(runtime.keyPrefix ? { keyPrefix: runtime.keyPrefix } : {}),
  });
}

/** Task definitions are immutable by ARN: one loader (and cache) per container. */
export function taskDefinitionContextLoader(
  load: TaskDefinitionLoader = buildTaskDefinitionLoader(ecsClient()),
): FlowDeps["taskDefinitionContext"] {
  return async (arn) => {
    const definition = await load(arn);
    return definition ? contextFromTaskDefinition(definition) : undefined;
  };
}
