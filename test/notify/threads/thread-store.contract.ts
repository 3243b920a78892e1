/**
 * The thread store contract: the DynamoDB store (test/emulator/thread-store.test.ts, on moto) and its in-memory
 * twin (memory-thread-store.test.ts) must answer every case alike. Each case uses keys of its own, so a factory
 * may hand out stores over one shared table. Claims here; saved records, aliases and cards in
 * thread-records.contract.ts.
 */
import { expect, it } from "vitest";
import type { ThreadRecord, ThreadStore } from "../../../src/shared/notify/threads/types.js";
import { threadRecordsContract } from "./thread-records.contract.js";
import {
  C1,
  freshKey,
  incidentCard,
  LEASE_MS,
  liveThread,
  MIN,
  openRequest,
  T0,
  withStops,
} from "./thread-store.fixtures.js";

export { freshKey, incidentCard, LEASE_MS, T0 } from "./thread-store.fixtures.js";

export function threadStoreContract(make: () => ThreadStore) {
  it("claims a thread nobody opened, at version 1 and without ts, and finds it with its claim's lease", async () => {
    const store = make();
    const key = freshKey("claim");

    const opened = await store.open(openRequest(key));

    const expected: ThreadRecord = {
      key,
      channel: C1,
      card: incidentCard(),
      version: 1,
      details: ["out-of-memory"],
      lastSeenAt: T0,
      createdAt: T0 + 1_000,
    };
    const request = openRequest(key);
    const leased = { ...expected, leaseUntil: request.now + request.leaseMs };
    expect(opened).toEqual({ status: "claimed", record: leased });
    expect(await store.find(C1, key)).toEqual(leased);
  });

  it("finds nothing for a key never opened", async () => {
    const store = make();

    expect(await store.find(C1, freshKey("never"))).toBeUndefined();
  });

  it("answers exists, with the posted record, once the parent is posted", async () => {
    const store = make();
    const key = freshKey("exists");
    await liveThread(store, key, "1715683328.000100");

    const again = await store.open(openRequest(key, { owner: "owner-b", now: T0 + 2 * MIN, at: T0 + MIN }));

    expect(again).toEqual({
      status: "exists",
      record: expect.objectContaining({ key, channel: C1, ts: "1715683328.000100", version: 1 }),
    });
  });

  it("answers a repeated open by the claim's own owner with its claim (a retried request), not busy", async () => {
    const store = make();
    const key = freshKey("retry");
    const first = await store.open(openRequest(key));

    const retried = await store.open(openRequest(key, { now: T0 + 1_500 }));

    expect(retried).toEqual(first);
  });

  it("answers busy to another caller while the claim's lease runs", async () => {
    const store = make();
    const key = freshKey("busy");
    await store.open(openRequest(key));

    const second = await store.open(openRequest(key, { owner: "owner-b", now: T0 + 1_000 + LEASE_MS - 1 }));

    expect(second).toEqual({ status: "busy" });
  });

  it("lets another caller claim once the lease expired without a post, and ignores the late first owner", async () => {
    const store = make();
    const key = freshKey("lease");
    await store.open(openRequest(key));

    const second = await store.open(openRequest(key, { owner: "owner-b", now: T0 + 1_000 + LEASE_MS }));
    await store.posted(C1, key, "owner-a", "1715683328.000100");
    await store.posted(C1, key, "owner-b", "1715683329.000200");

    expect(second.status).toBe("claimed");
    expect(await store.find(C1, key)).toMatchObject({
      ts: "1715683329.000200",
      createdAt: T0 + 1_000 + LEASE_MS,
    });
  });

  it("replaces a thread that went quiet (lastSeenAt before staleBefore) with a new one without ts", async () => {
    const store = make();
    const key = freshKey("stale");
    const old = await liveThread(store, key, "1715683328.000100");
    const later = T0 + 90 * MIN;
    const newCard = { ...incidentCard(later), counters: { Stops: 1 } };

    const reopened = await store.open(
      openRequest(key, {
        owner: "owner-b",
        at: later,
        now: later,
        card: newCard,
        staleBefore: later - 60 * MIN,
      }),
    );

    expect(reopened.status).toBe("claimed");
    const found = await store.find(C1, key);
    expect(found).toMatchObject({ lastSeenAt: later, createdAt: later, card: newCard });
    expect(found?.ts).toBeUndefined();
    // A save based on the replaced thread never lands on the new one.
    expect(await store.save(withStops(old, 9, T0 + MIN), old.version)).toBe(false);
  });

  it("keeps a thread whose last event is recent (lastSeenAt not before staleBefore)", async () => {
    const store = make();
    const key = freshKey("recent");
    await liveThread(store, key, "1715683328.000100");

    const reopened = await store.open(
      openRequest(key, { owner: "owner-b", at: T0 + 30 * MIN, now: T0 + 30 * MIN, staleBefore: T0 }),
    );

    expect(reopened).toMatchObject({ status: "exists", record: { ts: "1715683328.000100" } });
  });

  it("does not take a claim in flight as stale: the poster keeps it", async () => {
    const store = make();
    const key = freshKey("stale-in-flight");
    await store.open(openRequest(key));

    const second = await store.open(
      openRequest(key, { owner: "owner-b", at: T0 + 90 * MIN, now: T0 + 2_000, staleBefore: T0 + 30 * MIN }),
    );

    expect(second).toEqual({ status: "busy" });
  });

  it("records ts only for the claim's owner, and only once", async () => {
    const store = make();
    const key = freshKey("posted");
    await store.open(openRequest(key));

    await store.posted(C1, key, "owner-b", "1715683300.000001");
    const afterStranger = await store.find(C1, key);
    await store.posted(C1, key, "owner-a", "1715683328.000100");
    await store.posted(C1, key, "owner-a", "1715683399.000999");

    expect(afterStranger?.ts).toBeUndefined();
    expect((await store.find(C1, key))?.ts).toBe("1715683328.000100");
  });

  it("posting for a thread that does not exist changes nothing", async () => {
    const store = make();
    const key = freshKey("posted-missing");

    await store.posted(C1, key, "owner-a", "1715683328.000100");

    expect(await store.find(C1, key)).toBeUndefined();
  });

  it("abandons a claim only for its owner, so the next caller may post", async () => {
    const store = make();
    const key = freshKey("abandon");
    await store.open(openRequest(key));

    await store.abandon(C1, key, "owner-b");
    const afterStranger = await store.find(C1, key);
    await store.abandon(C1, key, "owner-a");
    const afterOwner = await store.find(C1, key);
    const next = await store.open(openRequest(key, { owner: "owner-c", now: T0 + 2_000 }));

    expect(afterStranger).toBeDefined();
    expect(afterOwner).toBeUndefined();
    expect(next.status).toBe("claimed");
  });

  it("never abandons a thread whose parent was posted", async () => {
    const store = make();
    const key = freshKey("abandon-posted");
    await liveThread(store, key, "1715683328.000100");

    await store.abandon(C1, key, "owner-a");

    expect((await store.find(C1, key))?.ts).toBe("1715683328.000100");
  });

  it("grants exactly one of five concurrent opens; the others are busy", async () => {
    const store = make();
    const key = freshKey("concurrent");

    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => store.open(openRequest(key, { owner: `owner-${n}` }))),
    );

    expect(results.filter((result) => result.status === "claimed")).toHaveLength(1);
    expect(results.filter((result) => result.status === "busy")).toHaveLength(4);
  });
  threadRecordsContract(make);
}
