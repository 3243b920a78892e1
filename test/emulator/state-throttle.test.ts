import { QueryCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { dynamoThrottleStore } from "../../src/shared/notify/store/dynamo-throttle.js";
import type { ThrottleSubject } from "../../src/shared/notify/store/types.js";
import { countingDynamoClient, createStateTable } from "../state/support/state-table.js";

const TABLE = "state-throttle";
const { client, calls } = countingDynamoClient();
const store = dynamoThrottleStore({ client: DynamoDBDocumentClient.from(client), tableName: TABLE });
const T0 = Date.parse("2024-05-01T10:00:00Z");
const W = 10 * 60_000;

function subject(scope: string, category = "out-of-memory"): ThrottleSubject {
  return {
    kind: "task-stopped",
    category,
    scope,
    group: `service:${scope}`,
    severity: "critical",
    service: scope,
  };
}

beforeAll(async () => {
  await createStateTable(client, TABLE);
});

describe("DynamoDB throttle store (moto)", () => {
  it("sends the first message, counts the rest of the window, then reports them with the next window", async () => {
    const s = subject("api");
    const first = await store.hit(s, T0, W);
    const counted = await Promise.all(Array.from({ length: 5 }, (_, i) => store.hit(s, T0 + 1_000 + i, W)));
    const next = await store.hit(s, T0 + W, W);

    expect(first).toEqual({ verdict: "send", digest: undefined });
    expect(counted.every((r) => r.verdict === "counted")).toBe(true);
    expect(next).toMatchObject({ verdict: "send", digest: { count: 5, since: T0, lastAt: T0 + 1_004 } });
  });

  it("opens exactly one window when 20 first messages race", async () => {
    const s = subject("race");

    const results = await Promise.all(Array.from({ length: 20 }, () => store.hit(s, T0, W)));

    expect(results.filter((r) => r.verdict === "send")).toHaveLength(1);
  });

  it("costs a single UpdateItem to count a message in an open window", async () => {
    const s = subject("cheap");
    await store.hit(s, T0, W);
    calls.UpdateItemCommand = 0;
    const before = Object.values(calls).reduce((a, b) => a + b, 0);

    await store.hit(s, T0 + 1, W);

    expect(Object.values(calls).reduce((a, b) => a + b, 0) - before).toBe(1);
    expect(calls.UpdateItemCommand).toBe(1);
  });

  it("finds ended windows through their pointers with a Query and closes each once", async () => {
    const s = subject("sweep");
    await store.hit(s, T0, W);
    await store.hit(s, T0 + 1, W);
    await store.hit(s, T0 + 2, W);

    const notYet = await store.duePointers(T0 + W - 1);
    const due = (await store.duePointers(T0 + W)).filter((p) => p.throttleKey.endsWith("#sweep"));
    const pointer = due[0];
    if (!pointer) throw new Error("no pointer");
    const closed = await store.closeDue(pointer, T0 + W);
    if (!closed.digest) throw new Error("no digest");
    await store.settleDigest(closed.digest);
    const again = await store.closeDue(pointer, T0 + W);

    expect(notYet.filter((p) => p.throttleKey.endsWith("#sweep"))).toEqual([]);
    expect(closed.digest).toMatchObject({ count: 2, throttleKey: "task-stopped#out-of-memory#sweep" });
    expect(again.digest).toBeUndefined();
  });

  it("lets only one of a sweep and a next message report the same window", async () => {
    const s = subject("both");
    await store.hit(s, T0, W);
    await store.hit(s, T0 + 1, W);
    const pointer = (await store.duePointers(T0 + W)).find((p) => p.throttleKey.endsWith("#both"));
    if (!pointer) throw new Error("no pointer");

    const [swept, next] = await Promise.all([store.closeDue(pointer, T0 + W), store.hit(s, T0 + W, W)]);

    const digests = [swept.digest, next.verdict === "send" ? next.digest : undefined].filter(Boolean);
    // Both may see the pending digest before it is settled; they share one dedupe key, so it is sent once.
    expect(new Set(digests.map((d) => d?.dedupeKey)).size).toBe(1);
    expect(digests.every((d) => d?.count === 1)).toBe(true);
  });

  it("keeps categories and scopes apart", async () => {
    await store.hit(subject("api2", "out-of-memory"), T0, W);
    const otherCategory = await store.hit(subject("api2", "app-exit"), T0, W);
    const otherService = await store.hit(subject("worker2", "out-of-memory"), T0, W);

    expect(otherCategory.verdict).toBe("send");
    expect(otherService.verdict).toBe("send");
  });

  it("stores pointers under one partition sorted by window end", async () => {
    const page = await client.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": { S: "digest-due" } },
      }),
    );

    const keys = (page.Items ?? []).map((item) => item.sk?.S ?? "");
    expect(keys.length).toBeGreaterThan(0);
    expect(keys).toEqual([...keys].sort());
    expect(keys[0]).toMatch(/^2024-05-01T10:10:00\.000Z#task-stopped#/);
  });
});
