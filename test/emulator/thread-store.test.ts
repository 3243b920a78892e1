/**
 * The DynamoDB thread store against DynamoDB's wire protocol (moto) keeps the same contract as the in-memory
 * one, plus what only the table shows: item keys and lifetime, the card as one string, and the call count.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CorruptThreadRecordError,
  dynamoThreadStore,
} from "../../src/shared/notify/threads/dynamo-thread-store.js";
import {
  freshKey,
  incidentCard,
  LEASE_MS,
  T0,
  threadStoreContract,
} from "../notify/threads/thread-store.contract.js";
import { countingDynamoClient, createStateTable } from "../state/support/state-table.js";

const TABLE = "thread-store";
const DAY_S = 86_400;
// One request at a time: moto's conditional writes are not atomic under concurrency (see state-table.ts).
const { client, calls, reset } = countingDynamoClient();
const documents = DynamoDBDocumentClient.from(client);
let clock = T0;
const store = dynamoThreadStore(documents, TABLE, { now: () => clock });

beforeAll(async () => {
  await createStateTable(client, TABLE);
});

const itemOf = async (pk: string, sk: string) =>
  (await documents.send(new GetCommand({ TableName: TABLE, Key: { pk, sk }, ConsistentRead: true }))).Item;

describe("DynamoDB thread store (moto)", () => {
  threadStoreContract(() => store);

  it("writes a thread under thread#<key> / slack#<channel>, the card as one JSON string, 30 days to live", async () => {
    const key = freshKey("shape");

    await store.open({
      channel: "C0123ABCDEF",
      key,
      card: incidentCard(),
      details: ["out-of-memory"],
      at: T0,
      now: T0 + 1_000,
      owner: "owner-a",
      leaseMs: LEASE_MS,
    });
    await store.posted("C0123ABCDEF", key, "owner-a", "1715683328.000100");

    expect(await itemOf(`thread#${key}`, "slack#C0123ABCDEF")).toEqual({
      pk: `thread#${key}`,
      sk: "slack#C0123ABCDEF",
      threadKey: key,
      channel: "C0123ABCDEF",
      ts: "1715683328.000100",
      card: JSON.stringify(incidentCard()),
      version: 1,
      details: ["out-of-memory"],
      lastSeenAt: T0,
      createdAt: T0 + 1_000,
      owner: "owner-a",
      expiresAt: Math.ceil((T0 + 1_000) / 1000) + 30 * DAY_S,
    });
  });

  it("refreshes the thread's lifetime on every save, from the processing clock", async () => {
    const key = freshKey("lifetime");
    await store.open({
      channel: "C0123ABCDEF",
      key,
      card: incidentCard(),
      details: [],
      at: T0,
      now: T0,
      owner: "owner-a",
      leaseMs: LEASE_MS,
    });
    const record = await store.find("C0123ABCDEF", key);
    if (!record) throw new Error("setup: thread not found");
    clock = T0 + 20 * DAY_S * 1000;

    await store.save({ ...record, lastSeenAt: T0 + 1_000 }, record.version);

    expect((await itemOf(`thread#${key}`, "slack#C0123ABCDEF"))?.expiresAt).toBe(
      Math.ceil(clock / 1000) + 30 * DAY_S,
    );
    clock = T0;
  });

  it("writes an alias under thread#<from> / alias with its target and a lifetime", async () => {
    const [from, to] = [freshKey("alias-from"), freshKey("alias-to")];

    await store.alias(from, to, T0);

    expect(await itemOf(`thread#${from}`, "alias")).toEqual({
      pk: `thread#${from}`,
      sk: "alias",
      target: to,
      aliasedAt: T0,
      expiresAt: Math.ceil(T0 / 1000) + 30 * DAY_S,
    });
  });

  it("finds a thread with one Query, and an aliased one with one Query and one Get", async () => {
    const [own, from] = [freshKey("calls-own"), freshKey("calls-from")];
    await store.open({
      channel: "C0123ABCDEF",
      key: own,
      card: incidentCard(),
      details: [],
      at: T0,
      now: T0,
      owner: "owner-a",
      leaseMs: LEASE_MS,
    });
    await store.alias(from, own, T0);

    reset();
    const direct = await store.find("C0123ABCDEF", own);
    const directCalls = { ...calls };
    reset();
    const aliased = await store.find("C0123ABCDEF", from);

    expect(direct?.key).toBe(own);
    expect(directCalls).toEqual({ QueryCommand: 1 });
    expect(aliased?.key).toBe(own);
    expect(calls).toEqual({ QueryCommand: 1, GetItemCommand: 1 });
  });

  it("finds the thread of a channel past the first 1 MB page of a partition with many channels", async () => {
    // Arrange: seven channels of one key, each card just under the budget (~1.3 MB in the partition).
    const key = freshKey("pages");
    const card = incidentCard();
    card.base.evidence = Array.from({ length: 45 }, (_, n) => `evidence ${n} ${"q".repeat(1_900)}`);
    card.facts = Array.from({ length: 50 }, (_, n) => ({
      label: `Fact ${n}`,
      value: "v".repeat(1_900),
      at: T0,
    }));
    const channels = ["C1", "C2", "C3", "C4", "C5", "C6", "C7"].map((c) => `${c}PAGEDCHANNEL`);
    for (const channel of channels) {
      await store.open({ channel, key, card, details: [], at: T0, now: T0, owner: "o", leaseMs: LEASE_MS });
    }
    reset();

    // Act
    const last = await store.find("C7PAGEDCHANNEL", key);

    // Assert
    expect(last?.channel).toBe("C7PAGEDCHANNEL");
    expect(calls.QueryCommand).toBeGreaterThan(1);
  });

  it("filters its Query on non-key attributes only (DynamoDB refuses pk or sk in a Query's filter)", async () => {
    const queries: Array<{ FilterExpression?: string; ExpressionAttributeNames?: Record<string, string> }> =
      [];
    const watched = new DynamoDBClient({});
    watched.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "QueryCommand") queries.push(args.input as (typeof queries)[number]);
        return next(args);
      },
      { step: "initialize", name: "captureQueries" },
    );
    const key = freshKey("filter");
    await store.alias(key, freshKey("target"), T0);

    await dynamoThreadStore(DynamoDBDocumentClient.from(watched), TABLE).find("C0123ABCDEF", key);

    expect(queries).toHaveLength(1);
    const filter = queries[0]?.FilterExpression ?? "";
    const named = Object.entries(queries[0]?.ExpressionAttributeNames ?? {})
      .filter(([placeholder]) => filter.includes(placeholder))
      .map(([, attribute]) => attribute);
    expect(filter).not.toMatch(/\b(pk|sk)\b/);
    expect(named).not.toContain("pk");
    expect(named).not.toContain("sk");
  });

  it("names an unreadable thread item instead of returning half a record", async () => {
    const key = freshKey("corrupt");
    await documents.send(
      new PutCommand({
        TableName: TABLE,
        Item: {
          pk: `thread#${key}`,
          sk: "slack#C0123ABCDEF",
          threadKey: key,
          channel: "C0123ABCDEF",
          card: "{",
        },
      }),
    );

    await expect(store.find("C0123ABCDEF", key)).rejects.toThrow(CorruptThreadRecordError);
    await expect(store.find("C0123ABCDEF", key)).rejects.toThrow(/card is not JSON/);
  });
});
