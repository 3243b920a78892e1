/**
 * Incident history in the state table (layout in history.ts): one BatchWriteItem per diagnosis written on its
 * own, one Query per question. A stopped task's rows are usually written by the notification store in the same
 * transaction as the stop's claim and flood count (`rowsFor`, NotifyMeta.rows): no call of their own, and none for
 * a duplicate copy of the stop, whose first claim wrote them. Items expire through the table's TTL attribute
 * `expiresAt` after the retention (30 days by default). AWS errors are thrown: the caller logs them and sends the
 * alert anyway.
 */
import {
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
  QueryCommand,
} from "@aws-sdk/lib-dynamodb";
import { CATEGORIES, type Category, type Diagnosis, SEVERITIES, type Severity } from "../diagnosis/types.js";
import { withoutUndefined } from "../table.js";
import { type CallCounter, ENRICH_OPERATIONS, enrichmentCalls } from "./call-counter.js";
import {
  clusterName,
  clusterPartitionKey,
  DEFAULT_HISTORY_RETENTION_MS,
  distinctTasks,
  groupPartitionKey,
  type HistoryStop,
  historyKeys,
  stopFromDiagnosis,
} from "./history.js";

export class HistoryWriteError extends Error {
  override readonly name = "HistoryWriteError";
}

export interface HistoryStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  retentionMs?: number;
  now?: () => number;
  counter?: CallCounter;
  /**
   * Prefixed to the cluster in the keys of another account's or region's stops (an Organization hub), so the same
   * cluster name in two accounts keeps two histories; empty for the hub's own.
   */
  clusterKeyPrefix?: string;
}

export interface RecentStopsQuery {
  /** Cluster name or ARN. */
  cluster: string;
  /** `service:api` or `family:nightly`; or give `service`. Without either: the whole cluster. */
  group?: string;
  service?: string;
  since: Date | number;
  /** Newest stops kept when there are more (default 1000). */
  limit?: number;
}

export interface HistoryStore {
  /** Records the stop twice (by group, by cluster); a redelivered event overwrites its own record. */
  recordDiagnosis(diagnosis: Diagnosis): Promise<HistoryStop>;
  /**
   * The two items `recordDiagnosis` writes, for another writer to put in its own transaction (the stop's
   * claim); absent: the stop is recorded with `recordDiagnosis` only.
   */
  rowsFor?(diagnosis: Diagnosis): StoredItem[];
  /** Stops since the given time, oldest first, one per task. */
  recentStops(query: RecentStopsQuery): Promise<HistoryStop[]>;
}

export const DEFAULT_RECENT_LIMIT = 1000;
const WRITE_ATTEMPTS = 3;

export type StoredItem = Record<string, unknown>;

function toStop(item: StoredItem): HistoryStop | undefined {
  const text = (name: string) => (typeof item[name] === "string" ? (item[name] as string) : undefined);
  const category = text("category");
  const severity = text("severity");
  const [cluster, group, taskArn, taskId, stoppedAt] = [
    text("cluster"),
    text("group"),
    text("taskArn"),
    text("taskId"),
    text("stoppedAt"),
  ];
  if (!cluster || !group || !taskArn || !taskId || !stoppedAt) return undefined;
  if (!(CATEGORIES as readonly string[]).includes(category ?? "")) return undefined;
  if (!(SEVERITIES as readonly string[]).includes(severity ?? "")) return undefined;
  const stop: HistoryStop = {
    cluster,
    group,
    taskArn,
    taskId,
    stoppedAt,
    category: category as Category,
    subCause: text("subCause") ?? "",
    severity: severity as Severity,
    title: text("title") ?? "",
  };
  const culprit = text("culprit");
  if (culprit) stop.culprit = culprit;
  if (typeof item.exitCode === "number") stop.exitCode = item.exitCode;
  return stop;
}

export function createHistoryStore(options: HistoryStoreOptions): HistoryStore {
  const documents = options.client;
  const now = options.now ?? Date.now;
  const counter = options.counter ?? enrichmentCalls;
  const retentionMs = options.retentionMs ?? DEFAULT_HISTORY_RETENTION_MS;
  const { tableName } = options;

  async function write(items: StoredItem[]): Promise<void> {
    let requests: NonNullable<BatchWriteCommandOutput["UnprocessedItems"]>[string] = items.map((Item) => ({
      PutRequest: { Item },
    }));
    for (let attempt = 1; requests.length > 0; attempt++) {
      if (attempt > WRITE_ATTEMPTS) {
        throw new HistoryWriteError(
          `${requests.length} history items left unwritten after ${WRITE_ATTEMPTS} tries`,
        );
      }
      counter.count(ENRICH_OPERATIONS.historyWrite);
      const output = await documents.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      requests = output.UnprocessedItems?.[tableName] ?? [];
    }
  }

  async function query(pk: string, sinceIso: string, limit: number): Promise<StoredItem[]> {
    const items: StoredItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      counter.count(ENRICH_OPERATIONS.historyQuery);
      const page = await documents.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: "pk = :pk AND sk >= :since",
          ExpressionAttributeValues: { ":pk": pk, ":since": sinceIso },
          // Newest first, so that a limit keeps the most recent stops.
          ScanIndexForward: false,
          Limit: limit - items.length,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...((page.Items ?? []) as StoredItem[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey && items.length < limit);
    return items;
  }

  function rowsOf(diagnosis: Diagnosis): { stop: HistoryStop; items: StoredItem[] } {
    const nowMs = now();
    const stop = stopFromDiagnosis(diagnosis, nowMs);
    const keys = historyKeys({ ...stop, cluster: `${options.clusterKeyPrefix ?? ""}${stop.cluster}` });
    const expiresAt = Math.ceil((nowMs + retentionMs) / 1000);
    // Optional fields (culprit, exitCode) are absent from the item rather than stored empty.
    const body = withoutUndefined({ ...stop, expiresAt });
    return {
      stop,
      items: [
        { ...keys.byGroup, ...body },
        { ...keys.byCluster, ...body },
      ],
    };
  }

  return {
    async recordDiagnosis(diagnosis) {
      const { stop, items } = rowsOf(diagnosis);
      await write(items);
      return stop;
    },

    rowsFor: (diagnosis) => rowsOf(diagnosis).items,

    async recentStops(request) {
      const cluster = `${options.clusterKeyPrefix ?? ""}${clusterName(request.cluster)}`;
      const group = request.group ?? (request.service ? `service:${request.service}` : undefined);
      const pk = group ? groupPartitionKey(cluster, group) : clusterPartitionKey(cluster);
      const sinceMs = typeof request.since === "number" ? request.since : request.since.getTime();
      const items = await query(pk, new Date(sinceMs).toISOString(), request.limit ?? DEFAULT_RECENT_LIMIT);
      // TTL deletes expired items lazily (up to days later): do not show what should be gone.
      const nowSeconds = now() / 1000;
      const stops = items
        .filter((item) => typeof item.expiresAt !== "number" || item.expiresAt > nowSeconds)
        .map(toStop)
        .filter((stop): stop is HistoryStop => stop !== undefined)
        .reverse();
      return distinctTasks(stops);
    },
  };
}
