/** The state store: de-duplication and flood control, on DynamoDB or in memory. */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { dynamoDedupeStore } from "./dynamo-dedupe.js";
import { dynamoFloodClaim } from "./dynamo-flood-claim.js";
import { dynamoThrottleStore } from "./dynamo-throttle.js";
import type { NotificationStore } from "./types.js";

export { DEFAULT_RETENTION_MS, keys, type StateTable } from "../../table.js";
export { dynamoDedupeStore } from "./dynamo-dedupe.js";
export { dynamoFloodClaim, TransactionCancelledError } from "./dynamo-flood-claim.js";
export { dynamoThrottleStore, ThrottleContentionError } from "./dynamo-throttle.js";
export { type MemoryStore, memoryStore } from "./memory-store.js";
export { DEFAULT_THROTTLE_WINDOW_MS } from "./throttle-window.js";
export * from "./types.js";

export function dynamoNotificationStore(
  client: DynamoDBDocumentClient,
  tableName: string,
  retentionMs?: number,
): NotificationStore {
  const table = { client, tableName, retentionMs };
  const dedupe = dynamoDedupeStore(table);
  const throttle = dynamoThrottleStore(table);
  return { ...dedupe, ...throttle, ...dynamoFloodClaim(table, dedupe, throttle) };
}
