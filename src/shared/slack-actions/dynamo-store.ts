/** The action store on the state table (keys in table.ts): conditional writes make a claim the first click's. */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import {
  ACTION_RETENTION_MS,
  conditionFailedItem,
  DAY_MS,
  expiresAtSeconds,
  isConditionalCheckFailed,
  KEY_PREFIX,
  SORT_KEY,
  type StoredItem,
} from "../table.js";
import {
  type ActionStore,
  actionCluster,
  type ClaimRecord,
  claimIdOf,
  type MuteRecord,
  type OfferRecord,
} from "./store.js";

const offerKey = (channel: string, ts: string) => ({
  pk: `${KEY_PREFIX.slackMessage}${channel}#${ts}`,
  sk: SORT_KEY.slackOffer,
});
const claimKey = (claimId: string) => ({
  pk: `${KEY_PREFIX.slackAction}${claimId}`,
  sk: SORT_KEY.slackClaim,
});
const muteKey = (serviceArn: string) => ({ pk: `${KEY_PREFIX.mute}${serviceArn}`, sk: SORT_KEY.mute });
/** Finished actions by cluster and time, for `ecs-sentinel history`. */
const actionLogKey = (claim: ClaimRecord) => ({
  pk: `${KEY_PREFIX.slackActionLog}${actionCluster(claim)}`,
  sk: `${new Date(claim.finishedAt ?? claim.at).toISOString()}#${claim.claimId}`,
});

/** Records are one JSON attribute: read back exactly as written. */
function parsed<T>(item: StoredItem | undefined): T | undefined {
  const json = item?.record;
  return typeof json === "string" ? (JSON.parse(json) as T) : undefined;
}

export function dynamoActionStore(
  client: DynamoDBDocumentClient,
  table: string,
  now: () => number = Date.now,
): ActionStore {
  const get = async <T>(key: Record<string, string>) =>
    parsed<T>((await client.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item);
  return {
    async recordOffer(offer) {
      await client.send(
        new PutCommand({
          TableName: table,
          Item: {
            ...offerKey(offer.channel, offer.ts),
            record: JSON.stringify(offer),
            expiresAt: expiresAtSeconds(now(), ACTION_RETENTION_MS),
          },
        }),
      );
    },
    offer: (channel, ts) => get<OfferRecord>(offerKey(channel, ts)),
    async claim(request) {
      const claimId = claimIdOf(request.channel, request.ts, request.kind, request.offerAt);
      const claim: ClaimRecord = { ...request, claimId, status: "claimed" };
      try {
        await client.send(
          new PutCommand({
            TableName: table,
            Item: {
              ...claimKey(claimId),
              record: JSON.stringify(claim),
              status: claim.status,
              expiresAt: expiresAtSeconds(now(), ACTION_RETENTION_MS),
            },
            ConditionExpression: "attribute_not_exists(pk)",
            ReturnValuesOnConditionCheckFailure: "ALL_OLD",
          }),
        );
        return { status: "claimed", claim };
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        const existing =
          parsed<ClaimRecord>(conditionFailedItem(error)) ?? (await get<ClaimRecord>(claimKey(claimId)));
        if (!existing) throw error;
        return { status: "taken", claim: existing };
      }
    },
    claimById: (claimId) => get<ClaimRecord>(claimKey(claimId)),
    async finish(claimId, status, result, at) {
      const current = await get<ClaimRecord>(claimKey(claimId));
      if (current?.status !== "claimed") return;
      const done: ClaimRecord = { ...current, status, result, finishedAt: at };
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key: claimKey(claimId),
            UpdateExpression: "SET #record = :record, #status = :status",
            ConditionExpression: "#status = :claimed",
            ExpressionAttributeNames: { "#record": "record", "#status": "status" },
            ExpressionAttributeValues: {
              ":record": JSON.stringify(done),
              ":status": status,
              ":claimed": "claimed",
            },
          }),
        );
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        return;
      }
      await client.send(
        new PutCommand({
          TableName: table,
          Item: {
            ...actionLogKey(done),
            record: JSON.stringify(done),
            expiresAt: expiresAtSeconds(now(), ACTION_RETENTION_MS),
          },
        }),
      );
    },
    async mute(serviceArn, mute) {
      await client.send(
        new PutCommand({
          TableName: table,
          Item: {
            ...muteKey(serviceArn),
            record: JSON.stringify(mute),
            expiresAt: expiresAtSeconds(mute.until, DAY_MS),
          },
        }),
      );
    },
    async unmute(serviceArn) {
      await client.send(new DeleteCommand({ TableName: table, Key: muteKey(serviceArn) }));
    },
    mutedUntil: (serviceArn) => get<MuteRecord>(muteKey(serviceArn)),
    async recentActions(cluster, since) {
      const out = await client.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: "pk = :pk AND sk >= :since",
          ExpressionAttributeValues: {
            ":pk": `${KEY_PREFIX.slackActionLog}${cluster}`,
            ":since": new Date(since).toISOString(),
          },
          ScanIndexForward: false,
          Limit: 200,
        }),
      );
      return (out.Items ?? []).flatMap((item) => parsed<ClaimRecord>(item) ?? []);
    },
  };
}
