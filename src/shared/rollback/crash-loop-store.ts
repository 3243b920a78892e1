/**
 * Failures of a deployment's tasks, counted for crash-loop detection, in the single state table:
 *   pk `crashloop#<cluster>#<service>#<deploymentId>`, sk `<stoppedAt ISO>#<taskId>`, TTL `expiresAt`.
 * The sort key orders failures by time, so "failures since T" is one Query, and recording the same task
 * twice (a redelivered event, a Lambda retry) writes the same item again: the count cannot grow by it.
 * A task recorded under two times (a later event of the same task dated differently, e.g. one without
 * `stoppedAt`) is still one failure: reads keep one per task, its earliest, so a crash loop of N is N tasks.
 */
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { Category } from "../diagnosis/types.js";
import { arnName } from "../events/arns.js";
import {
  CRASH_LOOP_RETENTION_MS,
  expiresAtSeconds,
  itemString,
  KEY_PREFIX,
  type StoredItem,
} from "../table.js";
import type { TaskFailure } from "./types.js";

export interface CrashLoopKey {
  /** Cluster name. */
  cluster: string;
  service: string;
  /** `ecs-svc/...`: the deployment that started the tasks. */
  deploymentId: string;
}

export interface RecordedFailure {
  taskArn: string;
  stoppedAt: Date;
  category: Category;
  taskDefinitionArn?: string;
}

export interface CrashLoopStore {
  /** Idempotent: the same task recorded twice is one failure. */
  recordFailure(key: CrashLoopKey, failure: RecordedFailure): Promise<void>;
  /** Failures whose stoppedAt is at or after `since`, oldest first, one per task. */
  failuresSince(key: CrashLoopKey, since: Date): Promise<TaskFailure[]>;
}

export const crashLoopPk = (key: CrashLoopKey) =>
  `${KEY_PREFIX.crashLoop}${key.cluster}#${key.service}#${key.deploymentId}`;
export const crashLoopSk = (failure: Pick<RecordedFailure, "taskArn" | "stoppedAt">) =>
  `${failure.stoppedAt.toISOString()}#${arnName(failure.taskArn) ?? failure.taskArn}`;

export interface DynamoCrashLoopStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** How long failures are kept; far beyond any window (default 1 day). */
  retentionMs?: number;
  now?: () => number;
}

/** Queries stop after this many pages: a crash loop's count is compared with a small threshold. */
const MAX_PAGES = 5;

export function dynamoCrashLoopStore(options: DynamoCrashLoopStoreOptions): CrashLoopStore {
  const { client, tableName, retentionMs = CRASH_LOOP_RETENTION_MS, now = Date.now } = options;
  return {
    async recordFailure(key, failure) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            pk: crashLoopPk(key),
            sk: crashLoopSk(failure),
            taskArn: failure.taskArn,
            category: failure.category,
            stoppedAt: failure.stoppedAt.toISOString(),
            ...(failure.taskDefinitionArn ? { taskDefinitionArn: failure.taskDefinitionArn } : {}),
            expiresAt: expiresAtSeconds(now(), retentionMs),
          },
        }),
      );
    },

    async failuresSince(key, since) {
      const failures: TaskFailure[] = [];
      let startKey: StoredItem | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const out = await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: "pk = :pk AND sk >= :since",
            ExpressionAttributeValues: { ":pk": crashLoopPk(key), ":since": since.toISOString() },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of out.Items ?? []) {
          const failure = failureOf(item, key.deploymentId);
          if (failure) failures.push(failure);
        }
        startKey = out.LastEvaluatedKey;
        if (!startKey) break;
      }
      return oncePerTask(failures);
    },
  };
}

/** The first (earliest) failure of each task; input is oldest first. */
function oncePerTask(failures: TaskFailure[]): TaskFailure[] {
  const seen = new Set<string>();
  return failures.filter((failure) => {
    if (seen.has(failure.taskArn)) return false;
    seen.add(failure.taskArn);
    return true;
  });
}

function failureOf(item: StoredItem, deploymentId: string): TaskFailure | undefined {
  const taskArn = itemString(item, "taskArn");
  const stoppedAt = new Date(itemString(item, "stoppedAt") ?? "");
  const category = itemString(item, "category") as Category | undefined;
  if (!taskArn || !category || Number.isNaN(stoppedAt.getTime())) return undefined;
  const taskDefinitionArn = itemString(item, "taskDefinitionArn");
  return {
    taskArn,
    stoppedAt,
    category,
    startedBy: deploymentId,
    ...(taskDefinitionArn ? { taskDefinitionArn } : {}),
  };
}

/** The same semantics in memory: the CLI without a table, dry runs and unit tests. */
export function memoryCrashLoopStore(): CrashLoopStore & { readonly operations: number } {
  const failures = new Map<string, Map<string, TaskFailure>>();
  let operations = 0;
  return {
    get operations() {
      return operations;
    },
    async recordFailure(key, failure) {
      operations++;
      const pk = crashLoopPk(key);
      const items = failures.get(pk) ?? new Map<string, TaskFailure>();
      items.set(crashLoopSk(failure), { ...failure, startedBy: key.deploymentId });
      failures.set(pk, items);
    },
    async failuresSince(key, since) {
      operations++;
      const items = failures.get(crashLoopPk(key)) ?? new Map<string, TaskFailure>();
      const from = since.toISOString();
      return oncePerTask(
        [...items.entries()]
          .filter(([sk]) => sk >= from)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([, failure]) => failure),
      );
    },
  };
}
