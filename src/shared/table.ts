/**
 * The single state table, declared once: `pk` (S, HASH) + `sk` (S, RANGE), TTL attribute `expiresAt` (epoch
 * seconds), PAY_PER_REQUEST (infra/state.yml). Every key prefix any store writes and every item lifetime are
 * declared here; the stores (beside their concepts) build their keys and TTLs from these, and every item they
 * write carries `expiresAt`.
 *
 * | item | pk | sk | lifetime |
 * |---|---|---|---|
 * | notification claim (dedupe) | `event#<dedupeKey>` | `event` | DEFAULT_RETENTION_MS |
 * | flood window | `throttle#<throttleKey>` | `window` | DEFAULT_RETENTION_MS |
 * | digest due pointer | `digest-due` | `<windowEnd ISO>#<throttleKey>` | DEFAULT_RETENTION_MS |
 * | rollback claim | `rollback#<deploymentId>` | `claim` | ROLLBACK_CLAIM_TTL_DAYS |
 * | rollback cooldown | `rollback-cooldown#<serviceArn>` | `last` | ROLLBACK_COOLDOWN_TTL_DAYS |
 * | crash-loop failure | `crashloop#<cluster>#<service>#<deploymentId>` | `<stoppedAt ISO>#<taskId>` | CRASH_LOOP_RETENTION_MS |
 * | job run | `job#<job>` | `run#<startedAt>#<runId>` | JOB_RUN_RETENTION_DAYS |
 * | job execution claim | `job#<job>` | `execution#<executionId>` | JOB_EXECUTION_CLAIM_DAYS |
 * | job watch state | `job#<job>` | `watch` | JOB_WATCH_TTL_DAYS |
 * | task → job run pointer | `task#<taskArn>` | `job-run` | JOB_RUN_RETENTION_DAYS |
 * | Slack message's buttons (offer) | `slack-message#<channel>#<ts>` | `offer` | ACTION_RETENTION_MS |
 * | Slack button claim | `slack-action#<channel>#<ts>#<kind>` | `claim` | ACTION_RETENTION_MS |
 * | service mute | `mute#<serviceArn>` | `mute` | until the mute ends (+1 day) |
 * | finished Slack action (history) | `slack-actions#<cluster>` | `<finished ISO>#<claimId>` | ACTION_RETENTION_MS |
 * | incident history | `history#<cluster>#<group>` and `history#<cluster>` | `<stoppedAt ISO>#...` | HISTORY_RETENTION_MS |
 * | Slack thread (parent ts + card) | `thread#<threadKey>` | `slack#<channelId>` | THREAD_RETENTION_MS, refreshed on save |
 * | Slack thread alias | `thread#<fromKey>` | `alias` | THREAD_RETENTION_MS |
 * | open incident (PagerDuty) | `problem-open` | `<problem key>` | PROBLEM_RETENTION_MS, refreshed when seen |
 * | last event of an account and region | `account-seen` | `<account>#<region>` | ACCOUNT_SEEN_RETENTION_MS, refreshed when seen |
 * | impaired or disconnected host | `host#<containerInstanceArn>` | `impairment` | HOST_IMPAIRMENT_RETENTION_MS |
 */
import type { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";

export const DAY_MS = 24 * 60 * 60 * 1000;
export const DAY_SECONDS = 86_400;

/** Every partition-key prefix (and fixed partition key) of the table. */
export const KEY_PREFIX = {
  event: "event#",
  throttle: "throttle#",
  rollbackClaim: "rollback#",
  rollbackCooldown: "rollback-cooldown#",
  crashLoop: "crashloop#",
  job: "job#",
  task: "task#",
  history: "history#",
  slackMessage: "slack-message#",
  slackAction: "slack-action#",
  slackActionLog: "slack-actions#",
  mute: "mute#",
  thread: "thread#",
  host: "host#",
} as const;

/** The partition of digest-due pointers (one fixed key: a sweep Queries it by `sk <= now`). */
export const DIGEST_DUE_PK = "digest-due";

/** The partition of incidents open in PagerDuty (one fixed key: the sweep Queries the few that are open). */
export const OPEN_PROBLEMS_PK = "problem-open";

/**
 * The partition of the last event time per account and region (one fixed key: `org check` reads them all with one
 * Query; an Organization has tens of accounts, not thousands).
 */
export const ACCOUNT_SEEN_PK = "account-seen";

/** Every fixed sort key and sort-key prefix of the table. */
export const SORT_KEY = {
  event: "event",
  throttle: "window",
  rollbackClaim: "claim",
  rollbackCooldown: "last",
  jobRunPrefix: "run#",
  jobExecutionPrefix: "execution#",
  jobWatch: "watch",
  taskJobRun: "job-run",
  /** A thread record's sort key is this prefix and the Slack channel ID. */
  threadChannelPrefix: "slack#",
  /** Sorts before every `slack#...`: the thread store reads both with one sort-key range. */
  threadAlias: "alias",
  slackOffer: "offer",
  slackClaim: "claim",
  mute: "mute",
  hostImpairment: "impairment",
} as const;

/** How long de-duplication and throttle records live: longer than any EventBridge or Lambda retry. */
export const DEFAULT_RETENTION_MS = 7 * DAY_MS;
/** Rollback claims: far beyond any redelivery of the same event. */
export const ROLLBACK_CLAIM_TTL_DAYS = 30;
/** Rollback cooldown records: must exceed the cooldown. */
export const ROLLBACK_COOLDOWN_TTL_DAYS = 7;
/** Crash-loop failures: far beyond any crash-loop window. */
export const CRASH_LOOP_RETENTION_MS = DAY_MS;
/** Job runs and their task pointers (`jobs history`). */
export const JOB_RUN_RETENTION_DAYS = 90;
/** Claims of one Scheduler execution: beyond any Scheduler or Lambda retry. */
export const JOB_EXECUTION_CLAIM_DAYS = 3;
/** A job's watch state (last missed-run check): beyond a year, the longest schedule interval. */
export const JOB_WATCH_TTL_DAYS = 400;
/** Incident history (HISTORY_RETENTION_DAYS overrides it). */
export const HISTORY_RETENTION_MS = 30 * DAY_MS;
/**
 * Slack threads and their aliases: longer than any deployment or incident stays live. Every save refreshes a
 * thread's lifetime, so only a thread quiet this long expires (a later event then opens a new one).
 */
export const THREAD_RETENTION_MS = 30 * DAY_MS;
/** An open incident nobody resolved: forgotten after this long without being seen (PagerDuty keeps it). */
export const PROBLEM_RETENTION_MS = 14 * DAY_MS;
/**
 * The last event time of an account and region: refreshed by every recorded event, so only an account silent this
 * long is forgotten (`org check` then reports it as never seen, which it has not been for as long).
 */
export const ACCOUNT_SEEN_RETENTION_MS = 90 * DAY_MS;
/** An impaired host's record: written only by host events, read by the stops on that host within the day. */
export const HOST_IMPAIRMENT_RETENTION_MS = DAY_MS;
/** Slack buttons' offers and claims: the record of who did what, and how long a button keeps working. */
export const ACTION_RETENTION_MS = 30 * DAY_MS;

/** The notification store's keys: claims, flood windows and digest-due pointers. */
export const keys = {
  event: (dedupeKey: string) => ({ pk: `${KEY_PREFIX.event}${dedupeKey}`, sk: SORT_KEY.event }),
  throttle: (throttleKey: string) => ({ pk: `${KEY_PREFIX.throttle}${throttleKey}`, sk: SORT_KEY.throttle }),
  /** Pointers sort by window end so a sweep can Query `sk <= now` instead of scanning the table. */
  digestDue: (windowEndMs: number, throttleKey: string) => ({
    pk: DIGEST_DUE_PK,
    sk: `${new Date(windowEndMs).toISOString()}#${throttleKey}`,
  }),
  /** The thread of `threadKey` in one Slack channel. */
  thread: (threadKey: string, channelId: string) => ({
    pk: `${KEY_PREFIX.thread}${threadKey}`,
    sk: `${SORT_KEY.threadChannelPrefix}${channelId}`,
  }),
  /** Where `threadKey` leads instead (one per key: the latest alias wins). */
  threadAlias: (threadKey: string) => ({ pk: `${KEY_PREFIX.thread}${threadKey}`, sk: SORT_KEY.threadAlias }),
};

/** The notification store's view of the table. */
export interface StateTable {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Record lifetime, DEFAULT_RETENTION_MS unless set. */
  retentionMs?: number;
}

/** TTL in epoch seconds, as DynamoDB's TTL expects. */
export function expiresAtSeconds(nowMs: number, retentionMs = DEFAULT_RETENTION_MS): number {
  return Math.ceil((nowMs + retentionMs) / 1000);
}

/** The one test for a failed condition of a conditional write (PutItem/UpdateItem, either DynamoDB client). */
export function isConditionalCheckFailed(error: unknown): error is ConditionalCheckFailedException {
  return error instanceof Error && error.name === "ConditionalCheckFailedException";
}

/** A stored item as the DocumentClient reads it (numbers as numbers, string sets as Sets). */
export type StoredItem = Record<string, unknown>;

/**
 * The item a failed conditional write returned (`ReturnValuesOnConditionCheckFailure: "ALL_OLD"`), read
 * like any other item. The DocumentClient leaves this one marshalled (only outputs are translated).
 */
export function conditionFailedItem(error: ConditionalCheckFailedException): StoredItem | undefined {
  return error.Item ? unmarshall(error.Item) : undefined;
}

/** Drops undefined values, so optional fields are simply absent from the stored item. */
export function withoutUndefined(item: StoredItem): StoredItem {
  return Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined));
}

/** A string attribute, or undefined when absent or of another type. */
export function itemString(item: StoredItem | undefined, name: string): string | undefined {
  const value = item?.[name];
  return typeof value === "string" ? value : undefined;
}

/** A finite number attribute, or undefined when absent or of another type. */
export function itemNumber(item: StoredItem | undefined, name: string): number | undefined {
  const value = item?.[name];
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** A string set (SS) attribute's members, or [] when absent. */
export function itemStringSet(item: StoredItem | undefined, name: string): string[] {
  const value = item?.[name];
  return value instanceof Set ? [...value].filter((entry): entry is string => typeof entry === "string") : [];
}

/** A list (L) attribute's string members, or [] when absent. */
export function itemStringList(item: StoredItem | undefined, name: string): string[] {
  const value = item?.[name];
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === "string") : [];
}
