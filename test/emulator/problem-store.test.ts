/**
 * The problem store on DynamoDB's wire protocol (moto): it answers like its in-memory twin, its items carry the
 * TTL the table expires them by, and the sweep's Query reads every page.
 */
import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { dynamoProblemStore } from "../../src/shared/notify/problems/dynamo-store.js";
import { OPEN_PROBLEMS_PK, PROBLEM_RETENTION_MS } from "../../src/shared/table.js";
import { problemStoreContract } from "../notify/problems/problem-store.contract.js";
import { countingDynamoClient, createStateTable } from "../state/support/state-table.js";

const dynamo = countingDynamoClient();
const documents = DynamoDBDocumentClient.from(dynamo.client);
/** 2026-12-02T10:00:00Z = 1796205600000 ms. */
const T0 = Date.parse("2026-12-02T10:00:00Z");
const WINDOW = 600_000;
let tables = 0;

/** A table of its own per test: `quiet` reads the whole open-problems partition. */
async function freshTable(): Promise<string> {
  const tableName = `problem-store-${++tables}`;
  await createStateTable(dynamo.client, tableName);
  return tableName;
}

async function itemOf(tableName: string, key: string) {
  const { Item } = await dynamo.client.send(
    new GetItemCommand({
      TableName: tableName,
      Key: { pk: { S: OPEN_PROBLEMS_PK }, sk: { S: key } },
      ConsistentRead: true,
    }),
  );
  return Item;
}

describe("the DynamoDB problem store (moto)", () => {
  problemStoreContract(async () => dynamoProblemStore(documents, await freshTable()));
});

describe("the DynamoDB problem store's items (moto, read with the low-level client)", () => {
  it("writes one item per open problem in the open-problems partition, numbers as N, with its TTL", async () => {
    // Arrange
    const tableName = await freshTable();
    const store = dynamoProblemStore(documents, tableName);

    // Act
    await store.opened("flood:prod#service:api#app-exit", T0, WINDOW);

    // Assert: expiresAt is epoch seconds, PROBLEM_RETENTION_MS (14 days) after the sighting.
    expect(PROBLEM_RETENTION_MS).toBe(14 * 86_400_000);
    expect(await itemOf(tableName, "flood:prod#service:api#app-exit")).toEqual({
      pk: { S: "problem-open" },
      sk: { S: "flood:prod#service:api#app-exit" },
      openedAt: { N: "1796205600000" },
      lastSeenAt: { N: "1796205600000" },
      quietAfterMs: { N: "600000" },
      expiresAt: { N: "1797415200" },
    });
  });

  it("moves the TTL with every sighting, so a long flood's incident is not expired while it is open", async () => {
    const tableName = await freshTable();
    const store = dynamoProblemStore(documents, tableName);
    await store.opened("flood:prod#service:api#app-exit", T0, WINDOW);

    await store.seen("flood:prod#service:api#app-exit", T0 + 86_400_000);

    expect(await itemOf(tableName, "flood:prod#service:api#app-exit")).toMatchObject({
      lastSeenAt: { N: String(T0 + 86_400_000) },
      expiresAt: { N: "1797501600" },
    });
  });

  it("stores no quiet period for a problem only a resolve closes", async () => {
    const tableName = await freshTable();
    const store = dynamoProblemStore(documents, tableName);

    await store.opened("deployment:123456789012:us-east-1:prod/api", T0);

    const item = await itemOf(tableName, "deployment:123456789012:us-east-1:prod/api");
    expect(item?.quietAfterMs).toBeUndefined();
    expect(item?.expiresAt).toEqual({ N: "1797415200" });
  });

  it("reads every page of open problems when the Query answers a few at a time", async () => {
    // Arrange: a client whose Queries ask for 4 items a page, so 11 open problems take several pages.
    const paged = countingDynamoClient();
    paged.client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { Limit?: number };
        if (context.commandName === "QueryCommand") input.Limit = 4;
        return next(args);
      },
      { step: "initialize", name: "fourItemsAPage" },
    );
    const tableName = await freshTable();
    const store = dynamoProblemStore(DynamoDBDocumentClient.from(paged.client), tableName);
    const keys = Array.from({ length: 11 }, (_, n) => `flood:prod#service:svc-${String(n).padStart(2, "0")}`);
    for (const key of keys) await store.opened(key, T0, WINDOW);
    paged.reset();

    // Act
    const quiet = await store.quiet(T0 + WINDOW);

    // Assert
    expect(quiet.map((problem) => problem.key).sort()).toEqual(keys);
    expect(paged.calls.QueryCommand).toBeGreaterThanOrEqual(3);
  });
});
