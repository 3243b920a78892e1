/**
 * Exactly one message per event, on DynamoDB. EventBridge delivers at least once and copies may run
 * concurrently, so every attempt first claims the event's record with a conditional write.
 *
 * State machine of an `event#<dedupeKey>` item:
 *
 *   (absent) --claim--> claimed(owner, leaseUntil)
 *   (absent) --claim + flood count, one transaction (dynamo-flood-claim.ts)--> done(counted)
 *   (absent) --claim + window opened, one transaction--> claimed(owner, leaseUntil, verdict send)
 *   claimed --channel delivered--> claimed + deliveredTo += channel   (recorded as soon as it is known)
 *   claimed --all channels delivered or counted--> done               (copies arriving later: duplicate)
 *   claimed --attempt failed--> lease released (leaseUntil = 0)       (Lambda's retry claims it again)
 *   claimed --attempt crashed--> lease expires                        (a later copy or retry claims it)
 *
 * A copy arriving while the lease is held is dropped as a duplicate: the holder either finishes, or fails
 * and its own retry (Lambda async retry / DLQ redrive) takes over. A new claim returns `deliveredTo`, so a
 * retry skips the channels that already have the message. The lease length is the invocation's remaining
 * time, so a lease never outlives the attempt that took it. Records expire through `expiresAt`.
 *
 * Powertools idempotency was not used: it stores one result per payload hash, but a retry here must know
 * which channels were already delivered, which needs these per-channel records anyway.
 */
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import {
  conditionFailedItem,
  expiresAtSeconds,
  isConditionalCheckFailed,
  itemNumber,
  itemString,
  itemStringSet,
  keys,
  type StateTable,
  type StoredItem,
} from "../../table.js";
import type { ClaimRequest, ClaimResult, DedupeStore, ThrottleVerdict } from "./types.js";

const names = {
  "#owner": "leaseOwner",
  "#lease": "leaseUntil",
  "#attempts": "attempts",
  "#delivered": "deliveredTo",
  "#verdict": "verdict",
  "#done": "doneAt",
  "#first": "firstSeenAt",
  "#exp": "expiresAt",
};

function pick(...used: (keyof typeof names)[]): Record<string, string> {
  return Object.fromEntries(used.map((name) => [name, names[name]]));
}

function asVerdict(value: string | undefined): ThrottleVerdict | undefined {
  return value === "send" || value === "counted" ? value : undefined;
}

function claimedFrom(item: StoredItem | undefined): ClaimResult {
  return {
    status: "claimed",
    delivered: itemStringSet(item, names["#delivered"]),
    verdict: asVerdict(itemString(item, names["#verdict"])),
    attempt: itemNumber(item, names["#attempts"]) ?? 1,
  };
}

export function dynamoDedupeStore(table: StateTable): DedupeStore {
  const { client, tableName } = table;
  const key = (dedupeKey: string) => keys.event(dedupeKey);
  const exp = (now: number) => expiresAtSeconds(now, table.retentionMs);

  return {
    async claim(dedupeKey: string, request: ClaimRequest): Promise<ClaimResult> {
      try {
        const result = await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(dedupeKey),
            UpdateExpression:
              "SET #owner = :owner, #lease = :lease, #exp = :exp, #first = if_not_exists(#first, :now) ADD #attempts :one",
            ConditionExpression:
              "attribute_not_exists(pk) OR (attribute_not_exists(#done) AND #lease <= :now)",
            ExpressionAttributeNames: pick("#owner", "#lease", "#exp", "#first", "#attempts", "#done"),
            ExpressionAttributeValues: {
              ":owner": request.owner,
              ":lease": request.now + request.leaseMs,
              ":exp": exp(request.now),
              ":now": request.now,
              ":one": 1,
            },
            ReturnValues: "ALL_NEW",
            ReturnValuesOnConditionCheckFailure: "ALL_OLD",
          }),
        );
        return claimedFrom(result.Attributes);
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        // The SDK retried a claim that had in fact succeeded (e.g. the response was lost): it is ours.
        const old = conditionFailedItem(error);
        if (
          itemString(old, names["#owner"]) === request.owner &&
          itemNumber(old, names["#done"]) === undefined
        ) {
          return claimedFrom(old);
        }
        const done = itemNumber(old, names["#done"]) !== undefined;
        return { status: "duplicate", state: done ? "done" : "in-flight" };
      }
    },

    async recordDelivered(dedupeKey, channel, verdict, now) {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key(dedupeKey),
          UpdateExpression: "ADD #delivered :channel SET #verdict = :verdict, #exp = :exp",
          ExpressionAttributeNames: pick("#delivered", "#verdict", "#exp"),
          ExpressionAttributeValues: {
            ":channel": new Set([channel]),
            ":verdict": verdict,
            ":exp": exp(now),
          },
        }),
      );
    },

    async complete(dedupeKey, verdict, delivered, now) {
      const addDelivered = delivered.length > 0 ? " ADD #delivered :channels" : "";
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key(dedupeKey),
          UpdateExpression: `SET #done = :now, #verdict = :verdict, #exp = :exp REMOVE #lease, #owner${addDelivered}`,
          ExpressionAttributeNames: pick(
            "#done",
            "#verdict",
            "#exp",
            "#lease",
            "#owner",
            ...(delivered.length > 0 ? ["#delivered" as const] : []),
          ),
          ExpressionAttributeValues: {
            ":now": now,
            ":verdict": verdict,
            ":exp": exp(now),
            ...(delivered.length > 0 ? { ":channels": new Set(delivered) } : {}),
          },
        }),
      );
    },

    async release(dedupeKey, owner, verdict, now, delivered = []) {
      const setVerdict = verdict ? ", #verdict = :verdict" : "";
      const addDelivered = delivered.length > 0 ? " ADD #delivered :channels" : "";
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(dedupeKey),
            UpdateExpression: `SET #lease = :zero, #exp = :exp${setVerdict}${addDelivered}`,
            ConditionExpression: "#owner = :owner AND attribute_not_exists(#done)",
            ExpressionAttributeNames: pick(
              "#lease",
              "#exp",
              "#owner",
              "#done",
              ...(verdict ? ["#verdict" as const] : []),
              ...(delivered.length > 0 ? ["#delivered" as const] : []),
            ),
            ExpressionAttributeValues: {
              ":zero": 0,
              ":exp": exp(now),
              ":owner": owner,
              ...(verdict ? { ":verdict": verdict } : {}),
              ...(delivered.length > 0 ? { ":channels": new Set(delivered) } : {}),
            },
          }),
        );
      } catch (error) {
        // Someone else took over after our lease expired: their lease is theirs to end.
        if (!isConditionalCheckFailed(error)) throw error;
      }
    },
  };
}
