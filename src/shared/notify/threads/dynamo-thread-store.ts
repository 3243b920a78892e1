/**
 * Slack threads in the single state table (keys and lifetime in ../../table.ts):
 *
 * - thread: pk `thread#<key>`, sk `slack#<channelId>`: the parent's ts, the card (one JSON string attribute,
 *   kept under MAX_CARD_BYTES by card-size.ts), detail keys replied, version, event and creation times, and the
 *   claim (owner, leaseUntil) while the parent is being posted;
 * - alias: pk `thread#<from>`, sk `alias`: `target` = the key whose thread `from` continues (every channel).
 *
 * State machine of a thread item:
 *
 *   (absent) --open--> claimed(owner, leaseUntil, no ts)          one conditional write; others: busy
 *   claimed --posted by owner--> live(ts)                          a stale owner cannot overwrite
 *   claimed --abandon by owner--> (absent)
 *   claimed --lease expired--> claimable again                     a crashed poster does not block forever
 *   live --save(expected version)--> live(version + 1)            optimistic: a lost race returns false
 *   live --open with staleBefore > lastSeenAt--> claimed          the incident went quiet: a new thread
 *
 * A claim that replaces an item continues its version (old + 1; a new item starts at 1), so a save based on
 * the replaced thread can never land on the new one.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import {
  conditionFailedItem,
  expiresAtSeconds,
  isConditionalCheckFailed,
  itemNumber,
  itemString,
  itemStringList,
  keys,
  SORT_KEY,
  type StoredItem,
  THREAD_RETENTION_MS,
} from "../../table.js";
import { fitCard, MAX_CARD_BYTES } from "./card-size.js";
import { checkName, checkOpenRequest, checkTime } from "./store-input.js";
import type { CardState, OpenRequest, OpenResult, ThreadRecord, ThreadStore } from "./types.js";

export interface DynamoThreadStoreOptions {
  /** Item lifetime from the last write, THREAD_RETENTION_MS unless set. */
  retentionMs?: number;
  /** Largest card kept whole (JSON bytes), MAX_CARD_BYTES unless set. */
  maxCardBytes?: number;
  /** Processing clock (epoch ms) for the lifetime of saved items and aliases; Date.now unless set. */
  now?: () => number;
}

/** A thread item the store cannot read back (written by something else, or damaged). */
export class CorruptThreadRecordError extends Error {
  override readonly name = "CorruptThreadRecordError";
  constructor(
    readonly pk: string,
    readonly sk: string,
    problem: string,
  ) {
    super(`thread item ${pk} / ${sk} is unreadable: ${problem}`);
  }
}

const names = {
  "#key": "threadKey",
  "#channel": "channel",
  "#ts": "ts",
  "#card": "card",
  "#version": "version",
  "#details": "details",
  "#lastSeen": "lastSeenAt",
  "#created": "createdAt",
  "#owner": "owner",
  "#lease": "leaseUntil",
  "#exp": "expiresAt",
  "#target": "target",
};

function pick(...used: (keyof typeof names)[]): Record<string, string> {
  return Object.fromEntries(used.map((name) => [name, names[name]]));
}

function isCardState(value: unknown): value is CardState {
  if (value === null || typeof value !== "object") return false;
  const card = value as Partial<CardState>;
  return (
    card.base !== null &&
    typeof card.base === "object" &&
    Array.isArray(card.facts) &&
    card.counters !== null &&
    typeof card.counters === "object"
  );
}

/** The record a thread item holds; throws CorruptThreadRecordError when a required attribute is wrong. */
function recordFrom(item: StoredItem): ThreadRecord {
  const pk = itemString(item, "pk") ?? "?";
  const sk = itemString(item, "sk") ?? "?";
  const fail = (problem: string): never => {
    throw new CorruptThreadRecordError(pk, sk, problem);
  };
  const key = itemString(item, names["#key"]) ?? fail("no threadKey");
  const channel = itemString(item, names["#channel"]) ?? fail("no channel");
  const json = itemString(item, names["#card"]) ?? fail("no card");
  let card: unknown;
  try {
    card = JSON.parse(json);
  } catch {
    fail("card is not JSON");
  }
  if (!isCardState(card)) return fail("card is not a card");
  const ts = itemString(item, names["#ts"]);
  const leaseUntil = ts === undefined ? itemNumber(item, names["#lease"]) : undefined;
  return {
    key,
    channel,
    ...(ts !== undefined ? { ts } : {}),
    ...(leaseUntil !== undefined ? { leaseUntil } : {}),
    card,
    version: itemNumber(item, names["#version"]) ?? fail("no version"),
    details: itemStringList(item, names["#details"]),
    lastSeenAt: itemNumber(item, names["#lastSeen"]) ?? fail("no lastSeenAt"),
    createdAt: itemNumber(item, names["#created"]) ?? fail("no createdAt"),
  };
}

export function dynamoThreadStore(
  client: DynamoDBDocumentClient,
  table: string,
  options: DynamoThreadStoreOptions = {},
): ThreadStore {
  const maxCardBytes = options.maxCardBytes ?? MAX_CARD_BYTES;
  const clock = options.now ?? Date.now;
  const exp = (now: number) => expiresAtSeconds(now, options.retentionMs ?? THREAD_RETENTION_MS);
  const TableName = checkName("table", table);

  /**
   * The thread item of `key` in `channel` and the alias item of `key`: one Query (more pages only past 1 MB).
   * DynamoDB refuses key attributes in a Query's filter, so the sort-key range does the narrowing ("alias"
   * sorts before every "slack#..."), and the filter, on non-key attributes, drops other channels' threads.
   */
  async function partition(channel: string, key: string) {
    const recordKey = keys.thread(key, channel);
    const found: { record?: StoredItem; alias?: StoredItem } = {};
    let start: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: "pk = :pk AND sk BETWEEN :alias AND :record",
          FilterExpression: "#channel = :channel OR attribute_exists(#target)",
          ExpressionAttributeNames: pick("#channel", "#target"),
          ExpressionAttributeValues: {
            ":pk": recordKey.pk,
            ":record": recordKey.sk,
            ":alias": SORT_KEY.threadAlias,
            ":channel": channel,
          },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        if (item.sk === recordKey.sk) found.record = item;
        else if (item.sk === SORT_KEY.threadAlias) found.alias = item;
      }
      start = page.LastEvaluatedKey;
    } while (start && !(found.record && found.alias));
    return found;
  }

  return {
    async find(channel, key) {
      checkName("channel", channel);
      checkName("key", key);
      const { record, alias } = await partition(channel, key);
      if (record) return recordFrom(record);
      const target = itemString(alias, names["#target"]);
      // One hop only: the target's own thread item, never the target's alias, so a loop cannot spin.
      if (target === undefined || target === key) return undefined;
      const { Item } = await client.send(
        new GetCommand({ TableName, Key: keys.thread(target, channel), ConsistentRead: true }),
      );
      return Item ? recordFrom(Item) : undefined;
    },

    async open(request: OpenRequest): Promise<OpenResult> {
      checkOpenRequest(request);
      const { channel, key, now, owner } = request;
      const stale = request.staleBefore !== undefined;
      try {
        const result = await client.send(
          new UpdateCommand({
            TableName,
            Key: keys.thread(key, channel),
            UpdateExpression:
              "SET #key = :key, #channel = :channel, #card = :card, #version = if_not_exists(#version, :zero) + :one, " +
              "#details = :details, #lastSeen = :at, #created = :now, #owner = :owner, #lease = :lease, #exp = :exp " +
              "REMOVE #ts",
            ConditionExpression:
              "attribute_not_exists(pk) OR (attribute_not_exists(#ts) AND #lease <= :now)" +
              (stale ? " OR (attribute_exists(#ts) AND #lastSeen < :stale)" : ""),
            ExpressionAttributeNames: pick(
              "#key",
              "#channel",
              "#card",
              "#version",
              "#details",
              "#lastSeen",
              "#created",
              "#owner",
              "#lease",
              "#exp",
              "#ts",
            ),
            ExpressionAttributeValues: {
              ":key": key,
              ":channel": channel,
              ":card": fitCard(request.card, maxCardBytes).json,
              ":zero": 0,
              ":one": 1,
              ":details": [...request.details],
              ":at": request.at,
              ":now": now,
              ":owner": owner,
              ":lease": now + request.leaseMs,
              ":exp": exp(now),
              ...(stale ? { ":stale": request.staleBefore } : {}),
            },
            ReturnValues: "ALL_NEW",
            ReturnValuesOnConditionCheckFailure: "ALL_OLD",
          }),
        );
        if (!result.Attributes) {
          const { pk, sk } = keys.thread(key, channel);
          throw new CorruptThreadRecordError(pk, sk, "the claim returned no item");
        }
        return { status: "claimed", record: recordFrom(result.Attributes) };
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        const old = conditionFailedItem(error);
        if (!old) return { status: "busy" };
        if (itemString(old, names["#ts"]) !== undefined) return { status: "exists", record: recordFrom(old) };
        // The SDK retried a claim that had in fact succeeded (its response was lost): the claim is ours.
        if (itemString(old, names["#owner"]) === owner) return { status: "claimed", record: recordFrom(old) };
        return { status: "busy" };
      }
    },

    async posted(channel, key, owner, ts) {
      checkName("channel", channel);
      checkName("key", key);
      checkName("owner", owner);
      checkName("ts", ts);
      try {
        await client.send(
          new UpdateCommand({
            TableName,
            Key: keys.thread(key, channel),
            UpdateExpression: "SET #ts = :ts REMOVE #lease",
            ConditionExpression: "#owner = :owner AND attribute_not_exists(#ts)",
            ExpressionAttributeNames: pick("#ts", "#lease", "#owner"),
            ExpressionAttributeValues: { ":ts": ts, ":owner": owner },
          }),
        );
      } catch (error) {
        // Our lease lapsed and another caller claimed the thread (or abandoned it): theirs to finish.
        if (!isConditionalCheckFailed(error)) throw error;
      }
    },

    async abandon(channel, key, owner) {
      checkName("channel", channel);
      checkName("key", key);
      checkName("owner", owner);
      try {
        await client.send(
          new DeleteCommand({
            TableName,
            Key: keys.thread(key, channel),
            ConditionExpression: "#owner = :owner AND attribute_not_exists(#ts)",
            ExpressionAttributeNames: pick("#owner", "#ts"),
            ExpressionAttributeValues: { ":owner": owner },
          }),
        );
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    },

    async save(record, expectedVersion) {
      checkName("channel", record.channel);
      checkName("key", record.key);
      checkTime("expectedVersion", expectedVersion);
      const withTs = record.ts !== undefined;
      try {
        await client.send(
          new UpdateCommand({
            TableName,
            Key: keys.thread(record.key, record.channel),
            UpdateExpression: `SET #card = :card, #details = :details, #lastSeen = :lastSeen, #version = :next, #exp = :exp${withTs ? ", #ts = :ts" : ""}`,
            ConditionExpression: "attribute_exists(pk) AND #version = :expected",
            ExpressionAttributeNames: pick(
              "#card",
              "#details",
              "#lastSeen",
              "#version",
              "#exp",
              ...(withTs ? ["#ts" as const] : []),
            ),
            ExpressionAttributeValues: {
              ":card": fitCard(record.card, maxCardBytes).json,
              ":details": [...record.details],
              ":lastSeen": record.lastSeenAt,
              ":next": expectedVersion + 1,
              ":expected": expectedVersion,
              ":exp": exp(clock()),
              ...(withTs ? { ":ts": record.ts } : {}),
            },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },

    async alias(from, to, now) {
      checkName("from", from);
      checkName("to", to);
      checkTime("now", now);
      if (from === to) return;
      await client.send(
        new PutCommand({
          TableName,
          Item: { ...keys.threadAlias(from), target: to, aliasedAt: now, expiresAt: exp(now) },
        }),
      );
    },
  };
}
