/**
 * JobRunStore over the single state table (pk/sk, TTL attribute `expiresAt` in epoch seconds):
 *   run          pk=job#NAME   sk=run#STARTED_AT_ISO#RUN_ID   (newest last, so Query backwards = newest first)
 *   task pointer pk=task#ARN   sk=job-run                     -> the run's keys, for the task-state handler
 *   watch state  pk=job#NAME   sk=watch                       -> what the watchdog remembers
 *   claim        pk=job#NAME   sk=execution#EXECUTION_ID      -> a Scheduler execution already handled
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import {
  DAY_SECONDS,
  isConditionalCheckFailed,
  JOB_EXECUTION_CLAIM_DAYS,
  JOB_RUN_RETENTION_DAYS,
  JOB_WATCH_TTL_DAYS,
} from "../table.js";
import type { JobRunStore, WatchState } from "./ports.js";
import { type JobRun, runKeys } from "./run-record.js";

export interface JobRunStoreOptions {
  /** How long run records live (default 90 days). */
  retentionDays?: number;
  /**
   * How long an execution claim lives (default 3 days): longer than any redelivery of one execution
   * (Scheduler retries for up to 24 hours, Lambda's async retries for up to 6 hours).
   */
  executionClaimDays?: number;
  /** Clock for TTLs (tests). */
  now?: () => Date;
}

function toRun(item: Record<string, unknown> | undefined): JobRun | undefined {
  if (item?.type !== "job-run") return undefined;
  const { pk: _pk, sk: _sk, type: _type, expiresAt: _expiresAt, ...run } = item;
  return run as unknown as JobRun;
}

/** The document client refuses undefined attribute values; optional fields that are unset are left out. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function buildJobRunStore(
  doc: DynamoDBDocumentClient,
  table: string,
  options: JobRunStoreOptions = {},
): JobRunStore {
  const retentionSeconds = (options.retentionDays ?? JOB_RUN_RETENTION_DAYS) * DAY_SECONDS;
  const claimSeconds = (options.executionClaimDays ?? JOB_EXECUTION_CLAIM_DAYS) * DAY_SECONDS;
  const now = options.now ?? (() => new Date());
  const expiresAt = (seconds: number) => Math.ceil(now().getTime() / 1000) + seconds;
  const runItem = (run: JobRun) => ({
    ...withoutUndefined(run),
    pk: runKeys.pk(run.job),
    sk: runKeys.sk(run),
    type: "job-run",
    expiresAt: expiresAt(retentionSeconds),
  });

  return {
    async saveRun(run) {
      const item = runItem(run);
      if (!run.taskArn) {
        await doc.send(new PutCommand({ TableName: table, Item: item }));
        return;
      }
      const pointer = {
        pk: runKeys.taskPointerPk(run.taskArn),
        sk: runKeys.taskPointerSk,
        type: "job-run-pointer",
        job: run.job,
        runPk: item.pk,
        runSk: item.sk,
        expiresAt: item.expiresAt,
      };
      await doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: table, Item: item } },
            { Put: { TableName: table, Item: pointer } },
          ],
        }),
      );
    },

    async closeRun(run) {
      try {
        await doc.send(
          new PutCommand({
            TableName: table,
            Item: runItem(run),
            ConditionExpression: "#status = :running",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: { ":running": "running" },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },

    async findRunByTask(taskArn) {
      const pointer = await doc.send(
        new GetCommand({
          TableName: table,
          Key: { pk: runKeys.taskPointerPk(taskArn), sk: runKeys.taskPointerSk },
        }),
      );
      const runPk = pointer.Item?.runPk;
      const runSk = pointer.Item?.runSk;
      if (typeof runPk !== "string" || typeof runSk !== "string") return undefined;
      const run = await doc.send(
        new GetCommand({ TableName: table, Key: { pk: runPk, sk: runSk }, ConsistentRead: true }),
      );
      return toRun(run.Item);
    },

    async recentRuns(job, limit) {
      const response = await doc.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
          ExpressionAttributeValues: { ":pk": runKeys.pk(job), ":prefix": runKeys.skPrefix },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return (response.Items ?? []).map(toRun).filter((run): run is JobRun => run !== undefined);
    },

    async claimExecution(job, executionId) {
      try {
        await doc.send(
          new PutCommand({
            TableName: table,
            Item: {
              pk: runKeys.pk(job),
              sk: runKeys.executionSk(executionId),
              type: "job-execution",
              job,
              executionId,
              claimedAt: now().toISOString(),
              expiresAt: expiresAt(claimSeconds),
            },
            // TTL deletion lags: an expired claim still in the table still counts as claimed.
            ConditionExpression: "attribute_not_exists(pk)",
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },

    async getWatchState(job) {
      const response = await doc.send(
        new GetCommand({ TableName: table, Key: { pk: runKeys.pk(job), sk: runKeys.watchSk } }),
      );
      const item = response.Item;
      if (!item || typeof item.watchingSince !== "string") return undefined;
      return {
        job,
        watchingSince: item.watchingSince,
        ...(typeof item.lastMissedAlarm === "string" ? { lastMissedAlarm: item.lastMissedAlarm } : {}),
      };
    },

    async saveWatchState(state: WatchState) {
      await doc.send(
        new PutCommand({
          TableName: table,
          Item: {
            ...state,
            pk: runKeys.pk(state.job),
            sk: runKeys.watchSk,
            type: "job-watch",
            // Refreshed whenever it is written; if it ever lapses, the job is simply watched afresh.
            expiresAt: expiresAt(JOB_WATCH_TTL_DAYS * DAY_SECONDS),
          },
        }),
      );
    },
  };
}
