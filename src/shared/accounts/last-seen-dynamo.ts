/**
 * The last-seen store on the state table: one item per account and region in the fixed `account-seen` partition
 * (keys and lifetime in table.ts). A write is one conditional UpdateItem that only moves `lastEventAt` forward, so
 * an event delivered late never makes an account look quieter than it is.
 */
import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import {
  ACCOUNT_SEEN_PK,
  ACCOUNT_SEEN_RETENTION_MS,
  expiresAtSeconds,
  isConditionalCheckFailed,
  itemNumber,
  itemString,
} from "../table.js";
import {
  type AccountSeen,
  type AccountSeenRecord,
  accountSeenSortKey,
  parseAccountSeenSortKey,
} from "./last-seen.js";

export function dynamoAccountSeen(client: DynamoDBDocumentClient, table: string): AccountSeen {
  return {
    async record(account, region, at) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: ACCOUNT_SEEN_PK, sk: accountSeenSortKey(account, region) },
            UpdateExpression: "SET lastEventAt = :at, expiresAt = :ttl",
            ConditionExpression: "attribute_not_exists(lastEventAt) OR lastEventAt < :at",
            ExpressionAttributeValues: { ":at": at, ":ttl": expiresAtSeconds(at, ACCOUNT_SEEN_RETENTION_MS) },
          }),
        );
      } catch (error) {
        // Another container recorded a later event already: that time stands.
        if (!isConditionalCheckFailed(error)) throw error;
      }
    },
    async list() {
      const found: AccountSeenRecord[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await client.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: "pk = :pk",
            ExpressionAttributeValues: { ":pk": ACCOUNT_SEEN_PK },
            ExclusiveStartKey: start,
          }),
        );
        for (const item of out.Items ?? []) {
          const scope = parseAccountSeenSortKey(itemString(item, "sk") ?? "");
          const lastEventAt = itemNumber(item, "lastEventAt");
          if (scope && lastEventAt !== undefined) found.push({ ...scope, lastEventAt });
        }
        start = out.LastEvaluatedKey;
      } while (start);
      return found;
    },
  };
}
