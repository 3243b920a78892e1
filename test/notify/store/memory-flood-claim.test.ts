import { describe, expect, it } from "vitest";
import { memoryStore } from "../../../src/shared/notify/store/memory-store.js";
import type { ThrottleHit } from "../../../src/shared/notify/store/types.js";
import { FLOOD_WINDOW_MS, floodHit } from "../../state/support/flood-fixtures.js";

const T0 = Date.parse("2024-05-01T10:00:00Z");
const WINDOW = FLOOD_WINDOW_MS;
const hit = (at: number, task: string): ThrottleHit => floodHit("api", task, at);
const lease = (owner: string, now = T0) => ({ owner, now, leaseMs: 60_000 });
const row = (task: string) => ({
  pk: "history#prod#service:api",
  sk: `2024-05-01T10:00:00.000Z#${task}`,
  task,
});

/** The count the sweep reports for the window once it has ended. */
async function countedInWindow(store: ReturnType<typeof memoryStore>): Promise<number | undefined> {
  const [pointer] = await store.duePointers(T0 + 2 * WINDOW);
  if (!pointer) return undefined;
  return (await store.closeDue(pointer, T0 + 2 * WINDOW)).digest?.count;
}

describe("memory store: claim with flood control", () => {
  it("opens the window for the first stop in two operations and writes its rows", async () => {
    const store = memoryStore();

    const result = await store.claimThrottled("t1", lease("a"), hit(T0, "t1"), [row("t1")]);

    expect(result).toEqual({
      status: "claimed",
      verdict: "send",
      delivered: [],
      attempt: 1,
      rowsWritten: true,
    });
    expect(store.operations).toBe(2);
    expect([...store.rows.values()]).toEqual([row("t1")]);
  });

  it("counts a stop into the open window in one operation, completed, with its rows", async () => {
    const store = memoryStore();
    await store.claimThrottled("t1", lease("a"), hit(T0, "t1"));
    const before = store.operations;

    const result = await store.claimThrottled("t2", lease("b"), hit(T0 + 1_000, "t2"), [row("t2")]);
    const operations = store.operations - before;
    const copy = await store.claim("t2", lease("c", T0 + 5_000));

    expect(result).toEqual({ status: "counted", rowsWritten: true });
    expect(operations).toBe(1);
    expect(copy).toEqual({ status: "duplicate", state: "done" });
    expect([...store.rows.values()]).toEqual([row("t2")]);
  });

  it("does not count a duplicate copy of a counted stop twice", async () => {
    const store = memoryStore();
    await store.claimThrottled("t1", lease("a"), hit(T0, "t1"));
    await store.claimThrottled("t2", lease("b"), hit(T0 + 1_000, "t2"));

    const copy = await store.claimThrottled("t2", lease("c"), hit(T0 + 2_000, "t2"));

    expect(copy).toEqual({ status: "duplicate", state: "done", rowsWritten: false });
    expect(await countedInWindow(store)).toBe(1);
  });

  it("tells a duplicate copy that the first copy's claim wrote its rows", async () => {
    const store = memoryStore();
    await store.claimThrottled("t1", lease("a"), hit(T0, "t1"), [row("t1")]);

    const during = await store.claimThrottled("t1", lease("b", T0 + 1), hit(T0 + 1, "t1"), [row("t1")]);
    await store.complete("t1", "send", ["slack"], T0 + 2);
    const after = await store.claimThrottled("t1", lease("c", T0 + 3), hit(T0 + 3, "t1"), [row("t1")]);

    expect(during).toEqual({ status: "duplicate", state: "in-flight", rowsWritten: true });
    expect(after).toEqual({ status: "duplicate", state: "done", rowsWritten: true });
  });

  it("hands a failed send's retry its delivered channels and verdict without counting it", async () => {
    const store = memoryStore();
    await store.claimThrottled("t1", lease("a"), hit(T0, "t1"), [row("t1")]);
    await store.release("t1", "a", "send", T0, ["email"]);

    const retry = await store.claimThrottled("t1", lease("b", T0 + 1), hit(T0 + 1, "t1"), [row("t1")]);
    await store.claimThrottled("t2", lease("c"), hit(T0 + 2_000, "t2"));

    expect(retry).toEqual({
      status: "claimed",
      verdict: "send",
      delivered: ["email"],
      attempt: 2,
      rowsWritten: false,
    });
    expect(await countedInWindow(store)).toBe(1);
  });

  it("returns the ended window's digest to the stop that opens the next one", async () => {
    const store = memoryStore();
    await store.claimThrottled("t1", lease("a"), hit(T0, "t1"));
    await store.claimThrottled("t2", lease("b"), hit(T0 + 1_000, "t2"));
    await store.claimThrottled("t3", lease("c"), hit(T0 + 2_000, "t3"));

    const next = await store.claimThrottled("t4", lease("d"), hit(T0 + WINDOW + 1, "t4"));

    expect(next).toMatchObject({ status: "claimed", verdict: "send", digest: { count: 2 } });
  });
});
