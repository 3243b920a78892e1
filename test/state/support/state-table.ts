/** The stack's state table, created in the emulator, and a DynamoDB client that counts its calls. */
import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from "@aws-sdk/client-dynamodb";

/** Same schema as the stack: pk/sk strings, TTL on expiresAt, on-demand. */
export async function createStateTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "S" },
      ],
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
    }),
  );
}

export interface CountingClient {
  client: DynamoDBClient;
  /** Calls by command name, e.g. { UpdateItemCommand: 3 } (one per command, whatever the SDK retried). */
  calls: Record<string, number>;
  /** HTTP attempts the SDK made, retries included. */
  attempts: { count: number };
  total(): number;
  reset(): void;
}

/**
 * A client that counts its calls and sends ONE request at a time. Real DynamoDB applies each write to an item
 * atomically; moto's threaded server does not (moto/dynamodb/models/__init__.py `update_item` reads the item,
 * checks the condition and computes `ADD`/`SET x = x + 1` before writing, with no lock), so two concurrent
 * `ADD pending :1` can lose one and two concurrent conditional claims can both win. Serialising requests
 * restores the per-request atomicity DynamoDB guarantees, while the application-level interleaving between
 * calls (claim, count, complete of concurrent copies) stays concurrent, which is what these tests exercise.
 */
export function countingDynamoClient(): CountingClient {
  const client = new DynamoDBClient({ maxAttempts: 4 });
  const calls: Record<string, number> = {};
  const attempts = { count: 0 };
  let queue: Promise<unknown> = Promise.resolve();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? "unknown";
      calls[name] = (calls[name] ?? 0) + 1;
      return next(args);
    },
    { step: "initialize", name: "countStateTableCalls" },
  );
  client.middlewareStack.add(
    (next) => (args) => {
      attempts.count++;
      const result = queue.then(() => next(args));
      queue = result.catch(() => undefined);
      return result;
    },
    { step: "finalizeRequest", name: "oneStateTableRequestAtATime", priority: "low" },
  );
  return {
    client,
    calls,
    attempts,
    total: () => Object.values(calls).reduce((sum, n) => sum + n, 0),
    reset: () => {
      for (const name of Object.keys(calls)) delete calls[name];
      attempts.count = 0;
    },
  };
}
