/**
 * Negative caching under a flood: stopped tasks of one service whose task definition this account may not
 * describe (AccessDeniedException, as the ECS API reference lists it), through the task-stopped flow with the
 * container's cached loaders and a counting ECS client. Prints ECS calls per event and how many events still
 * logged the reason. No emulator: the ECS and Logs clients are fakes that answer like the API.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  AccessDeniedException,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type ECSClient,
} from "@aws-sdk/client-ecs";
import { buildTaskEnrichment, taskDefinitionContextLoader } from "../../src/app/enrichment.js";
import { CallCounter } from "../../src/shared/enrich/call-counter.js";
import { buildTaskDefinitionLoader } from "../../src/shared/enrich/task-definition-cache.js";
import { parseEcsEvent, type TaskStateChangeEvent } from "../../src/shared/events/index.js";
import { handleTaskStateChange } from "../../src/shared/flows/task-stopped.js";
import type { Log } from "../../src/shared/log.js";
import type { Notifier } from "../../src/shared/notify/port.js";

export interface NegativeCacheResult {
  events: number;
  ecsCallsPerEvent: number;
  ecsCalls: Record<string, number>;
  /** Events whose log says why the task definition is missing (every one should). */
  eventsLoggingTheReason: number;
  messages: number;
}

const FIXTURE = "test/fixtures/stopped-tasks/app-exit--fargate-exit-1.json";
const DENIED =
  "User: arn:aws:sts::123456789012:assumed-role/ecs-sentinel/taskState is not authorized to perform: ecs:DescribeTaskDefinition";

function countingEcs(calls: Record<string, number>): ECSClient {
  const send = async (command: object) => {
    const name = command.constructor.name.replace(/Command$/, "");
    calls[name] = (calls[name] ?? 0) + 1;
    if (command instanceof DescribeTaskDefinitionCommand)
      throw new AccessDeniedException({ message: DENIED, $metadata: { httpStatusCode: 400 } });
    if (command instanceof DescribeServicesCommand) return { services: [{ deployments: [] }], failures: [] };
    throw new Error(`unexpected ECS call ${name}`);
  };
  return { send } as unknown as ECSClient;
}

function stoppedTasks(root: string, count: number): TaskStateChangeEvent[] {
  const raw = JSON.parse(readFileSync(join(root, FIXTURE), "utf8")) as { detail: { taskArn: string } };
  return Array.from({ length: count }, (_, i) => {
    const copy = structuredClone(raw);
    copy.detail.taskArn = `${copy.detail.taskArn.slice(0, -8)}${String(i).padStart(8, "0")}`;
    return parseEcsEvent(copy) as TaskStateChangeEvent;
  });
}

/** `count` stops one after another in one container, as a Lambda container would take them. */
export async function benchNegativeCache(root: string, count = 1000): Promise<NegativeCacheResult> {
  const ecsCalls: Record<string, number> = {};
  const ecs = countingEcs(ecsCalls);
  const counter = new CallCounter();
  const loadTaskDefinition = buildTaskDefinitionLoader(ecs, { counter });
  const enrichment = buildTaskEnrichment(
    { logTailLines: 20, historyRetentionDays: 30, enrichBudgetMs: 4000 },
    {
      ecs,
      logs: () => {
        throw new Error("no log group without a task definition");
      },
      dynamo: {} as never,
      loadTaskDefinition,
      counter,
      sleep: async () => {},
    },
  );
  let reasonLogged = false;
  const log: Log = {
    debug() {},
    info() {},
    error() {},
    warn(_message, ...extra) {
      if (JSON.stringify(extra).includes("ecs:DescribeTaskDefinition")) reasonLogged = true;
    },
  };
  let messages = 0;
  const notify: Notifier = async (message, meta) => {
    await meta.prepare?.(message);
    messages++;
    return [];
  };
  let eventsLoggingTheReason = 0;
  for (const event of stoppedTasks(root, count)) {
    reasonLogged = false;
    await handleTaskStateChange(event, {
      notify,
      log,
      taskDefinitionContext: taskDefinitionContextLoader(loadTaskDefinition),
      enrichment,
    });
    if (reasonLogged) eventsLoggingTheReason++;
  }
  const total = Object.values(ecsCalls).reduce((sum, n) => sum + n, 0);
  return {
    events: count,
    ecsCallsPerEvent: Number((total / count).toFixed(3)),
    ecsCalls,
    eventsLoggingTheReason,
    messages,
  };
}

/** Runs the bench and prints its table: what `npm run bench` calls. */
export async function reportNegativeCache(root: string, count = 1000): Promise<NegativeCacheResult> {
  const result = await benchNegativeCache(root, count);
  console.log("\nNegative cache: a flood whose task definition may not be described (AccessDenied):");
  console.table([result].map(({ ecsCalls, ...row }) => ({ ...row, ...ecsCalls })));
  return result;
}
