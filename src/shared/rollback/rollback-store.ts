/**
 * The state the rollback guard rails need, in the single state table (pk/sk strings, TTL attribute
 * `expiresAt` in epoch seconds):
 * - claim:    pk `rollback#<deploymentId>`, sk `claim`: written once with attribute_not_exists, so at most one
 *             rollback is ever started per deployment, however many Lambdas see the trigger at once;
 * - cooldown: pk `rollback-cooldown#<serviceArn>`, sk `last`: when the service was last rolled back.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import {
  DAY_SECONDS,
  isConditionalCheckFailed,
  KEY_PREFIX,
  ROLLBACK_CLAIM_TTL_DAYS,
  ROLLBACK_COOLDOWN_TTL_DAYS,
  SORT_KEY,
} from "../table.js";

/** Port: true for the first caller for this deployment, false for every later one. */
export type ClaimRollback = (deploymentId: string, serviceArn: string) => Promise<boolean>;
/**
 * Port: whether a rollback of the deployment was already claimed (a consistent read of the claim). Later
 * failures of a flood need not load the service, and a redelivered trigger is told "already started".
 */
export type RollbackClaimed = (deploymentId: string) => Promise<boolean>;
/** Port: when the service was last rolled back automatically. */
export type LastRollbackAt = (serviceArn: string) => Promise<Date | undefined>;
/** Port: remember a rollback for the cooldown. */
export type RecordRollback = (serviceArn: string, at: Date) => Promise<void>;

export interface RollbackStore {
  claimRollback: ClaimRollback;
  rollbackClaimed: RollbackClaimed;
  lastRollbackAt: LastRollbackAt;
  recordRollback: RecordRollback;
}

export interface RollbackStoreOptions {
  tableName: string;
  client: DynamoDBDocumentClient;
  /** Claims are kept this long (default 30 days), far beyond any redelivery of the same event. */
  claimTtlDays?: number;
  /** Cooldown items are kept this long (default 7 days); must exceed the cooldown. */
  cooldownTtlDays?: number;
  now?: () => Date;
}

export const claimKey = (deploymentId: string) => ({
  pk: `${KEY_PREFIX.rollbackClaim}${deploymentId}`,
  sk: SORT_KEY.rollbackClaim,
});
export const cooldownKey = (serviceArn: string) => ({
  pk: `${KEY_PREFIX.rollbackCooldown}${serviceArn}`,
  sk: SORT_KEY.rollbackCooldown,
});

export function dynamoRollbackStore(options: RollbackStoreOptions): RollbackStore {
  const {
    tableName,
    claimTtlDays = ROLLBACK_CLAIM_TTL_DAYS,
    cooldownTtlDays = ROLLBACK_COOLDOWN_TTL_DAYS,
    now = () => new Date(),
  } = options;
  const { client } = options;
  const epoch = (date: Date) => Math.floor(date.getTime() / 1000);

  return {
    async claimRollback(deploymentId, serviceArn) {
      const at = now();
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...claimKey(deploymentId),
              serviceArn,
              claimedAt: at.toISOString(),
              expiresAt: epoch(at) + claimTtlDays * DAY_SECONDS,
            },
            ConditionExpression: "attribute_not_exists(pk)",
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },

    async rollbackClaimed(deploymentId) {
      const { Item } = await client.send(
        new GetCommand({
          TableName: tableName,
          Key: claimKey(deploymentId),
          ConsistentRead: true,
          ProjectionExpression: "pk",
        }),
      );
      return Item !== undefined;
    },

    async lastRollbackAt(serviceArn) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: cooldownKey(serviceArn), ConsistentRead: true }),
      );
      const at = typeof Item?.at === "string" ? new Date(Item.at) : undefined;
      return at && !Number.isNaN(at.getTime()) ? at : undefined;
    },

    async recordRollback(serviceArn, at) {
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...cooldownKey(serviceArn),
              at: at.toISOString(),
              expiresAt: epoch(at) + cooldownTtlDays * DAY_SECONDS,
            },
            // ISO strings of the same format sort by time: a late, older write never hides a newer rollback.
            ConditionExpression: "attribute_not_exists(pk) OR #at < :at",
            ExpressionAttributeNames: { "#at": "at" },
            ExpressionAttributeValues: { ":at": at.toISOString() },
          }),
        );
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    },
  };
}
