/**
 * Layout of the single state table: `pk` (S, HASH) + `sk` (S, RANGE), TTL attribute `expiresAt`
 * (epoch seconds), PAY_PER_REQUEST. Every item this module writes carries `expiresAt`.
 */
import type { ConditionalCheckFailedException, DynamoDBClient } from "@aws-sdk/client-dynamodb";

export const DAY_MS = 24 * 60 * 60 * 1000;
/** How long de-duplication and throttle records live: longer than any EventBridge or Lambda retry. */
export const DEFAULT_RETENTION_MS = 7 * DAY_MS;

export interface StateTable {
  client: DynamoDBClient;
  tableName: string;
  /** Record lifetime, DEFAULT_RETENTION_MS unless set. */
  retentionMs?: number;
}

export const keys = {
  event: (dedupeKey: string) => ({ pk: `event#${dedupeKey}`, sk: "event" }),
  throttle: (throttleKey: string) => ({ pk: `throttle#${throttleKey}`, sk: "window" }),
  /** Pointers sort by window end so a sweep can Query `sk <= now` instead of scanning the table. */
  digestDue: (windowEndMs: number, throttleKey: string) => ({
    pk: "digest-due",
    sk: `${new Date(windowEndMs).toISOString()}#${throttleKey}`,
  }),
};

export const DIGEST_DUE_PK = "digest-due";

/** TTL in epoch seconds, as DynamoDB's TTL expects. */
export function expiresAtSeconds(nowMs: number, retentionMs = DEFAULT_RETENTION_MS): number {
  return Math.ceil((nowMs + retentionMs) / 1000);
}

export function isConditionalCheckFailed(error: unknown): error is ConditionalCheckFailedException {
  return error instanceof Error && error.name === "ConditionalCheckFailedException";
}
