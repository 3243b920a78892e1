/**
 * The problem store on the state table: one item per open problem in one partition (OPEN_PROBLEMS_PK), so the
 * sweep reads the few open ones with a Query instead of a scan. Keys and lifetime in table.ts.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import {
  expiresAtSeconds,
  isConditionalCheckFailed,
  OPEN_PROBLEMS_PK,
  PROBLEM_RETENTION_MS,
} from "../../table.js";
import { isQuiet, type OpenProblem, type ProblemStore } from "./types.js";

const keyOf = (key: string) => ({ pk: OPEN_PROBLEMS_PK, sk: key });

export function dynamoProblemStore(client: DynamoDBDocumentClient, table: string): ProblemStore {
  return {
    async opened(key, at, quietAfterMs) {
      const quiet = quietAfterMs === undefined ? {} : { ":quiet": quietAfterMs };
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key: keyOf(key),
            UpdateExpression: `SET openedAt = if_not_exists(openedAt, :at), lastSeenAt = :at, expiresAt = :ttl${
              quietAfterMs === undefined ? " REMOVE quietAfterMs" : ", quietAfterMs = :quiet"
            }`,
            ConditionExpression: "attribute_not_exists(lastSeenAt) OR lastSeenAt <= :at",
            ExpressionAttributeValues: {
              ":at": at,
              ":ttl": expiresAtSeconds(at, PROBLEM_RETENTION_MS),
              ...quiet,
            },
          }),
        );
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        // Seen later already (an earlier occurrence delivered late): a later sighting never moves back, or the
        // sweep could close a problem that is not quiet. Only the quiet period follows this trigger.
        await client
          .send(
            new UpdateCommand({
              TableName: table,
              Key: keyOf(key),
              UpdateExpression:
                quietAfterMs === undefined ? "REMOVE quietAfterMs" : "SET quietAfterMs = :quiet",
              ConditionExpression: "attribute_exists(pk)",
              ...(quietAfterMs === undefined ? {} : { ExpressionAttributeValues: quiet }),
            }),
          )
          .catch((closing: unknown) => {
            // Closed in between: nothing is open to update.
            if (!isConditionalCheckFailed(closing)) throw closing;
          });
      }
    },
    async seen(key, at) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: table,
            Key: keyOf(key),
            UpdateExpression: "SET lastSeenAt = :at, expiresAt = :ttl",
            ConditionExpression: "attribute_exists(pk) AND lastSeenAt < :at",
            ExpressionAttributeValues: { ":at": at, ":ttl": expiresAtSeconds(at, PROBLEM_RETENTION_MS) },
          }),
        );
      } catch (error) {
        // Not open (or seen later already): nothing to refresh.
        if (!isConditionalCheckFailed(error)) throw error;
      }
    },
    async isOpen(key) {
      const out = await client.send(
        new GetCommand({ TableName: table, Key: keyOf(key), ConsistentRead: true }),
      );
      return out.Item !== undefined;
    },
    async closed(key) {
      await client.send(new DeleteCommand({ TableName: table, Key: keyOf(key) }));
    },
    async quiet(now) {
      const found: OpenProblem[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await client.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: "pk = :pk",
            ExpressionAttributeValues: { ":pk": OPEN_PROBLEMS_PK },
            ExclusiveStartKey: start,
          }),
        );
        for (const item of out.Items ?? []) {
          const problem: OpenProblem = {
            key: String(item.sk),
            openedAt: Number(item.openedAt),
            lastSeenAt: Number(item.lastSeenAt),
            ...(typeof item.quietAfterMs === "number" ? { quietAfterMs: item.quietAfterMs } : {}),
          };
          if (isQuiet(problem, now)) found.push(problem);
        }
        start = out.LastEvaluatedKey;
      } while (start);
      return found;
    },
  };
}
