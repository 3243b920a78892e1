/**
 * The DynamoDB store's claim with flood control (dynamo-flood-claim.ts) against moto: calls per outcome, and the
 * guarantees of claim + hit + complete it folds together. moto answers a cancelled TransactWriteItems with
 * CancellationReasons that carry each failed item's ALL_OLD image, which the store reads instead of a GetItem.
 */
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import {
  dynamoDedupeStore,
  dynamoFloodClaim,
  dynamoNotificationStore,
} from "../../src/shared/notify/store/index.js";
import { FLOOD_WINDOW_MS, floodHit, oomSubject, stoppedTaskArn } from "../state/support/flood-fixtures.js";
import { countingDynamoClient, createStateTable } from "../state/support/state-table.js";

const TABLE = "state-flood-claim";
const T0 = Date.parse("2024-05-01T10:00:00Z");
const WINDOW = FLOOD_WINDOW_MS;
const { client, calls, total, reset } = countingDynamoClient();
const documents = DynamoDBDocumentClient.from(client);
const store = dynamoNotificationStore(documents, TABLE);

const lease = (owner: string, now = T0) => ({ owner, now, leaseMs: 60_000 });
const historyRows = (service: string, task: string) => [
  {
    pk: `history#prod#service:${service}`,
    sk: `2024-05-01T10:00:00.000Z#${task}`,
    taskArn: stoppedTaskArn(task),
  },
  {
    pk: "history#prod",
    sk: `2024-05-01T10:00:00.000Z#service:${service}#${task}`,
    taskArn: stoppedTaskArn(task),
  },
];

async function item(pk: string, sk: string) {
  return (await documents.send(new GetCommand({ TableName: TABLE, Key: { pk, sk }, ConsistentRead: true })))
    .Item;
}
const windowOf = (service: string) =>
  item(`throttle#task-stopped#out-of-memory#prod#service:${service}#out-of-memory`, "window");

beforeAll(async () => {
  await createStateTable(client, TABLE);
});

describe("DynamoDB claim with flood control (moto)", () => {
  it("opens the window for the first stop in two calls and completes it in a third", async () => {
    reset();

    const claimed = await store.claimThrottled(
      "f1-t1",
      lease("a"),
      floodHit("f1", "t1", T0),
      historyRows("f1", "t1"),
    );
    await store.complete("f1-t1", "send", ["slack"], T0);

    expect(claimed).toEqual({
      status: "claimed",
      verdict: "send",
      delivered: [],
      attempt: 1,
      rowsWritten: true,
    });
    expect(calls).toEqual({ TransactWriteItemsCommand: 2, UpdateItemCommand: 1 });
    expect(await item("history#prod#service:f1", "2024-05-01T10:00:00.000Z#t1")).toBeDefined();
    expect(await item("history#prod", "2024-05-01T10:00:00.000Z#service:f1#t1")).toBeDefined();
  });

  it("counts a stop into the open window in one call, done, with its history rows", async () => {
    await store.claimThrottled("f2-t1", lease("a"), floodHit("f2", "t1", T0), []);
    reset();

    const counted = await store.claimThrottled(
      "f2-t2",
      lease("b"),
      floodHit("f2", "t2", T0 + 1_000),
      historyRows("f2", "t2"),
    );

    expect(counted).toEqual({ status: "counted", rowsWritten: true });
    expect(total()).toBe(1);
    expect(await item("event#f2-t2", "event")).toMatchObject({ verdict: "counted", doneAt: T0 });
    expect(await windowOf("f2")).toMatchObject({ pending: 1, tasks: [stoppedTaskArn("t2")] });
    expect(await item("history#prod#service:f2", "2024-05-01T10:00:00.000Z#t2")).toBeDefined();
  });

  it("reports a copy of a counted stop as done in one call, its rows written by the first copy's claim", async () => {
    await store.claimThrottled("f3-t1", lease("a"), floodHit("f3", "t1", T0), []);
    await store.claimThrottled(
      "f3-t2",
      lease("b"),
      floodHit("f3", "t2", T0 + 1_000),
      historyRows("f3", "t2"),
    );
    reset();

    const copy = await store.claimThrottled(
      "f3-t2",
      lease("c"),
      floodHit("f3", "t2", T0 + 2_000),
      historyRows("f3", "t2"),
    );

    expect(copy).toEqual({ status: "duplicate", state: "done", rowsWritten: true });
    expect(calls).toEqual({ TransactWriteItemsCommand: 1 });
    expect(await windowOf("f3")).toMatchObject({ pending: 1 });
    expect(await item("event#f3-t2", "event")).toMatchObject({ attempts: 1, rowsWritten: true });
  });

  it("reports a copy of a sent stop as done in one call, its rows written by the claim that opened the window", async () => {
    await store.claimThrottled("f10-t1", lease("a"), floodHit("f10", "t1", T0), historyRows("f10", "t1"));
    await store.complete("f10-t1", "send", ["slack"], T0 + 1);
    reset();

    const copy = await store.claimThrottled(
      "f10-t1",
      lease("b", T0 + 2_000),
      floodHit("f10", "t1", T0 + 2_000),
      historyRows("f10", "t1"),
    );

    expect(copy).toEqual({ status: "duplicate", state: "done", rowsWritten: true });
    expect(calls).toEqual({ TransactWriteItemsCommand: 1 });
    expect(await windowOf("f10")).toMatchObject({ pending: 0 });
  });

  it("reports a copy arriving while the sending attempt holds its lease as in flight in one call, rows written", async () => {
    await store.claimThrottled("f4-t1", lease("a"), floodHit("f4", "t1", T0), historyRows("f4", "t1"));
    reset();

    const copy = await store.claimThrottled(
      "f4-t1",
      lease("b", T0 + 1_000),
      floodHit("f4", "t1", T0 + 1_000),
      historyRows("f4", "t1"),
    );

    expect(copy).toEqual({ status: "duplicate", state: "in-flight", rowsWritten: true });
    expect(calls).toEqual({ TransactWriteItemsCommand: 1 });
    expect(await windowOf("f4")).toMatchObject({ pending: 0 });
  });

  it("leaves a copy's rows to its caller when the first copy's claim could not carry them", async () => {
    await store.claimThrottled("f11-t1", lease("a"), floodHit("f11", "t1", T0), []);
    const tooLarge = [{ pk: "history#prod#service:f11", sk: "t2", title: "x".repeat(500 * 1024) }];
    await store.claimThrottled("f11-t2", lease("b"), floodHit("f11", "t2", T0 + 1), tooLarge);

    const copy = await store.claimThrottled(
      "f11-t2",
      lease("c", T0 + 2),
      floodHit("f11", "t2", T0 + 2),
      tooLarge,
    );

    expect(copy).toEqual({ status: "duplicate", state: "done", rowsWritten: false });
    expect(await windowOf("f11")).toMatchObject({ pending: 1 });
  });

  it("lets a copy take over an earlier attempt's ended lease that decided nothing, with its rows", async () => {
    const dedupe = dynamoDedupeStore({ client: documents, tableName: TABLE });
    await store.claimThrottled("f12-t0", lease("a"), floodHit("f12", "t0", T0), []);
    await dedupe.claim("f12-t1", { owner: "crashed", now: T0, leaseMs: 1_000 });
    const later = T0 + 2_000;
    reset();

    const copy = await store.claimThrottled("f12-t1", lease("b", later), floodHit("f12", "t1", later), [
      ...historyRows("f12", "t1"),
    ]);

    expect(copy).toEqual({ status: "counted", rowsWritten: true });
    expect(calls).toEqual({ TransactWriteItemsCommand: 1 });
    expect(await item("history#prod#service:f12", "2024-05-01T10:00:00.000Z#t1")).toBeDefined();
  });

  it("reports a copy that loses the takeover of an ended lease to another copy as in flight in two calls", async () => {
    await store.claimThrottled("f13-t1", lease("a"), floodHit("f13", "t1", T0), historyRows("f13", "t1"));
    await store.release("f13-t1", "a", "send", T0);
    const later = T0 + 1_000;
    const dedupe = dynamoDedupeStore({ client: documents, tableName: TABLE });
    // The other copy claims between this copy's cancelled transaction and its own plain claim.
    const racing = dynamoFloodClaim(
      { client: documents, tableName: TABLE },
      {
        claim: async (key, request) => {
          await dedupe.claim(key, { ...request, owner: "other" });
          return dedupe.claim(key, request);
        },
      },
      store,
    );
    reset();

    const copy = await racing.claimThrottled("f13-t1", lease("b", later), floodHit("f13", "t1", later), [
      ...historyRows("f13", "t1"),
    ]);

    expect(copy).toEqual({ status: "duplicate", state: "in-flight", rowsWritten: true });
    // The other copy's claim is the second UpdateItem.
    expect(calls).toEqual({ TransactWriteItemsCommand: 1, UpdateItemCommand: 2 });
  });

  it("hands the retry of a failed send its delivered channels and verdict, counting nothing", async () => {
    await store.claimThrottled("f5-t1", lease("a"), floodHit("f5", "t1", T0), historyRows("f5", "t1"));
    await store.release("f5-t1", "a", "send", T0, ["email"]);

    const retry = await store.claimThrottled("f5-t1", lease("b", T0 + 1), floodHit("f5", "t1", T0 + 1), []);

    expect(retry).toEqual({
      status: "claimed",
      verdict: "send",
      delivered: ["email"],
      attempt: 2,
      rowsWritten: false,
    });
    expect(await windowOf("f5")).toMatchObject({ pending: 0 });
  });

  it("lets one of two containers open an ended window and send its digest, and counts the other", async () => {
    const first = dynamoNotificationStore(documents, TABLE);
    const second = dynamoNotificationStore(documents, TABLE);
    await first.claimThrottled("f6-t1", lease("a"), floodHit("f6", "t1", T0), []);
    await first.claimThrottled("f6-t2", lease("a"), floodHit("f6", "t2", T0 + 1_000), []);
    const later = T0 + WINDOW + 1;

    const results = await Promise.all([
      first.claimThrottled("f6-t3", lease("b", later), floodHit("f6", "t3", later), []),
      second.claimThrottled("f6-t4", lease("c", later), floodHit("f6", "t4", later), []),
    ]);

    const statuses = results.map((result) => result.status).sort();
    expect(statuses).toEqual(["claimed", "counted"]);
    const opener = results.find((result) => result.status === "claimed");
    expect(opener).toMatchObject({ verdict: "send", digest: { count: 1, tasks: [stoppedTaskArn("t2")] } });
    expect(await windowOf("f6")).toMatchObject({ pending: 1, windowStart: later });
  });

  it("keeps the window's earliest and latest stop and lists at most five tasks, however the stops arrive", async () => {
    await store.claimThrottled("f7-t0", lease("a"), floodHit("f7", "t0", T0), []);
    const stops = [5, 3, 9, 1, 7, 8, 2];
    for (const [n, second] of stops.entries()) {
      const at = T0 + second * 1_000;
      await store.claimThrottled(`f7-t${n + 1}`, lease(`o${n}`), floodHit("f7", `s${second}`, at), []);
    }
    reset();
    const later = T0 + WINDOW + 1;

    const next = await store.claimThrottled("f7-next", lease("z", later), floodHit("f7", "next", later), []);

    expect(next).toMatchObject({
      digest: {
        count: 7,
        firstStopAt: T0 + 1_000,
        lastStopAt: T0 + 9_000,
        tasks: ["s5", "s3", "s9", "s1", "s7"].map(stoppedTaskArn),
      },
    });
    expect(calls).toEqual({ TransactWriteItemsCommand: 2 });
  });

  it("counts a stop without its rows when DynamoDB refuses them, leaving the rows to the caller", async () => {
    await store.claimThrottled("f9-t1", lease("a"), floodHit("f9", "t1", T0), []);
    const tooLarge = [{ pk: "history#prod#service:f9", sk: "t2", title: "x".repeat(500 * 1024) }];

    const counted = await store.claimThrottled("f9-t2", lease("b"), floodHit("f9", "t2", T0 + 1), tooLarge);

    expect(counted).toEqual({ status: "counted", rowsWritten: false });
    expect(await windowOf("f9")).toMatchObject({ pending: 1 });
    expect(await item("history#prod#service:f9", "t2")).toBeUndefined();
  });

  it("claims a message without a stop and counts the next in one call each", async () => {
    const subject = { ...oomSubject("f8"), kind: "deployment" };
    await store.claimThrottled("f8-d1", lease("a"), { subject, now: T0, windowMs: WINDOW }, []);
    reset();

    const counted = await store.claimThrottled("f8-d2", lease("b"), {
      subject,
      now: T0 + 1,
      windowMs: WINDOW,
    });

    expect(counted).toEqual({ status: "counted", rowsWritten: true });
    expect(total()).toBe(1);
  });
});
