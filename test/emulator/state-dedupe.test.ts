import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { dynamoDedupeStore } from "../../src/shared/notify/store/dynamo-dedupe.js";
import { countingDynamoClient, createStateTable } from "../state/support/state-table.js";

const TABLE = "state-dedupe";
const { client, calls } = countingDynamoClient();
const store = dynamoDedupeStore({ client: DynamoDBDocumentClient.from(client), tableName: TABLE });
const T0 = Date.parse("2024-05-01T10:00:00Z");
const lease = (owner: string, now = T0) => ({ owner, now, leaseMs: 60_000 });

beforeAll(async () => {
  await createStateTable(client, TABLE);
});

describe("DynamoDB dedupe store (moto)", () => {
  it("claims a new event and reports a second copy as in flight while the lease is held", async () => {
    const first = await store.claim("ev-1", lease("a"));
    const second = await store.claim("ev-1", lease("b", T0 + 1_000));

    expect(first).toEqual({ status: "claimed", delivered: [], verdict: undefined, attempt: 1 });
    expect(second).toEqual({ status: "duplicate", state: "in-flight" });
  });

  it("reports a completed event as done for every later copy", async () => {
    await store.claim("ev-2", lease("a"));
    await store.complete("ev-2", "send", ["slack", "email"], T0);

    const later = await store.claim("ev-2", lease("b", T0 + 10 * 60_000));

    expect(later).toEqual({ status: "duplicate", state: "done" });
  });

  it("lets exactly one of 20 concurrent copies claim an event", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.claim("ev-3", lease(`owner-${i}`))),
    );

    expect(results.filter((r) => r.status === "claimed")).toHaveLength(1);
  });

  it("hands the delivered channels and verdict to the retry after a release", async () => {
    await store.claim("ev-4", lease("a"));
    await store.recordDelivered("ev-4", "email", "send", T0);
    await store.release("ev-4", "a", "send", T0);

    const retry = await store.claim("ev-4", lease("b", T0 + 1));

    expect(retry).toEqual({ status: "claimed", delivered: ["email"], verdict: "send", attempt: 2 });
  });

  it("lets a crashed attempt's event be claimed again once the lease has expired", async () => {
    await store.claim("ev-5", lease("crashed"));

    const during = await store.claim("ev-5", lease("b", T0 + 59_999));
    const after = await store.claim("ev-5", lease("c", T0 + 60_000));

    expect(during.status).toBe("duplicate");
    expect(after.status).toBe("claimed");
  });

  it("does not let a stale owner release another attempt's lease", async () => {
    await store.claim("ev-6", lease("old"));
    await store.claim("ev-6", lease("new", T0 + 60_000));

    await store.release("ev-6", "old", undefined, T0 + 60_001);
    const copy = await store.claim("ev-6", lease("copy", T0 + 60_002));

    expect(copy).toEqual({ status: "duplicate", state: "in-flight" });
  });

  it("costs one UpdateItem per claim", async () => {
    const before = calls.UpdateItemCommand ?? 0;

    await store.claim("ev-7", lease("a"));

    expect((calls.UpdateItemCommand ?? 0) - before).toBe(1);
  });
});
