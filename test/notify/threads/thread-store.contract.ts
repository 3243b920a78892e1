/**
 * The thread store contract: the DynamoDB store (test/emulator/thread-store.test.ts, on moto) and its in-memory
 * twin (memory-thread-store.test.ts) must answer every case alike. Each case uses keys of its own, so a factory
 * may hand out stores over one shared table.
 */
import { expect, it } from "vitest";
import { fromDiagnosis } from "../../../src/shared/notify/from-diagnosis.js";
import type { Message } from "../../../src/shared/notify/message.js";
import { MAX_CARD_BYTES } from "../../../src/shared/notify/threads/card-size.js";
import { ThreadStoreInputError } from "../../../src/shared/notify/threads/store-input.js";
import type {
  CardState,
  OpenRequest,
  ThreadRecord,
  ThreadStore,
} from "../../../src/shared/notify/threads/types.js";
import { DIAGNOSES, ENV } from "../render/diagnoses.js";

/** 2024-05-14T10:42:08Z, the time of the diagnoses' events. */
export const T0 = Date.parse(ENV.time);
export const LEASE_MS = 30_000;
const MIN = 60_000;
const C1 = "C0123ABCDEF";
const C2 = "C0456GHIJKL";
const C3 = "G0789MNOPQR";

/** The opening card of an out-of-memory incident, from the realistic diagnosis used by the golden renderings. */
export function incidentCard(at = T0): CardState {
  return {
    base: fromDiagnosis(DIAGNOSES["out-of-memory"], ENV),
    state: { text: "Stopping repeatedly", severity: "critical", phase: "open", at },
    facts: [{ label: "Last seen", value: "10:42 UTC", at }],
    counters: { Stops: 1 },
  };
}

let cases = 0;
/** A thread key of this case only, shaped like the flows' incident keys. */
export function freshKey(name: string): string {
  return `incident#prod#service:api#out-of-memory#${name}-${++cases}-${Date.now()}`;
}

function openRequest(key: string, overrides: Partial<OpenRequest> = {}): OpenRequest {
  return {
    channel: C1,
    key,
    card: incidentCard(),
    details: ["out-of-memory"],
    at: T0,
    now: T0 + 1_000,
    owner: "owner-a",
    leaseMs: LEASE_MS,
    ...overrides,
  };
}

/** A live thread: claimed by owner-a and posted with `ts`. */
async function liveThread(store: ThreadStore, key: string, ts: string, overrides: Partial<OpenRequest> = {}) {
  const opened = await store.open(openRequest(key, overrides));
  if (opened.status !== "claimed") throw new Error(`setup: expected a claim, got ${opened.status}`);
  await store.posted(overrides.channel ?? C1, key, overrides.owner ?? "owner-a", ts);
  const found = await store.find(overrides.channel ?? C1, key);
  if (!found) throw new Error("setup: the posted thread is not found");
  return found;
}

function withStops(record: ThreadRecord, stops: number, at: number): ThreadRecord {
  return {
    ...record,
    card: { ...record.card, counters: { ...record.card.counters, Stops: stops } },
    lastSeenAt: at,
  };
}

export function threadStoreContract(make: () => ThreadStore) {
  it("claims a thread nobody opened, at version 1 and without ts, and finds it", async () => {
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
    expect(opened).toEqual({ status: "claimed", record: expected });
    expect(await store.find(C1, key)).toEqual(expected);
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

  it("saves optimistically: the second saver with the old version loses, re-reads and wins", async () => {
    const store = make();
    const key = freshKey("save");
    await liveThread(store, key, "1715683328.000100");
    const first = await store.find(C1, key);
    const second = await store.find(C1, key);
    if (!first || !second) throw new Error("setup: thread not found");

    const firstSaved = await store.save(withStops(first, 2, T0 + MIN), first.version);
    const secondSaved = await store.save(
      { ...second, details: [...second.details, "exit-137"], lastSeenAt: T0 + 2 * MIN },
      second.version,
    );
    const reread = await store.find(C1, key);
    if (!reread) throw new Error("thread lost");
    const retried = await store.save(
      { ...reread, details: [...reread.details, "exit-137"], lastSeenAt: T0 + 2 * MIN },
      reread.version,
    );

    expect([firstSaved, secondSaved, retried]).toEqual([true, false, true]);
    expect(await store.find(C1, key)).toMatchObject({
      version: first.version + 2,
      details: ["out-of-memory", "exit-137"],
      lastSeenAt: T0 + 2 * MIN,
      ts: "1715683328.000100",
      card: { counters: { Stops: 2 } },
    });
  });

  it("refuses to save a record that was never opened (returns false, stores nothing)", async () => {
    const store = make();
    const key = freshKey("save-missing");
    const record: ThreadRecord = {
      key,
      channel: C1,
      ts: "1715683328.000100",
      card: incidentCard(),
      version: 1,
      details: [],
      lastSeenAt: T0,
      createdAt: T0,
    };

    expect(await store.save(record, 1)).toBe(false);
    expect(await store.find(C1, key)).toBeUndefined();
  });

  it("follows an alias to the target's thread in every channel that has one", async () => {
    const store = make();
    const failed = freshKey("deployment-failed");
    const rollback = freshKey("deployment-rollback");
    await liveThread(store, failed, "1715683328.000100", { channel: C1 });
    await liveThread(store, failed, "1715683330.000200", { channel: C2 });

    await store.alias(rollback, failed, T0 + 5 * MIN);

    expect(await store.find(C1, rollback)).toMatchObject({
      key: failed,
      channel: C1,
      ts: "1715683328.000100",
    });
    expect(await store.find(C2, rollback)).toMatchObject({
      key: failed,
      channel: C2,
      ts: "1715683330.000200",
    });
    expect(await store.find(C3, rollback)).toBeUndefined();
  });

  it("lets the latest alias of a key win", async () => {
    const store = make();
    const [from, first, second] = [freshKey("from"), freshKey("to-1"), freshKey("to-2")];
    await liveThread(store, first, "1715683328.000100");
    await liveThread(store, second, "1715683340.000300");

    await store.alias(from, first, T0);
    await store.alias(from, second, T0 + MIN);

    expect(await store.find(C1, from)).toMatchObject({ key: second, ts: "1715683340.000300" });
  });

  it("prefers a key's own thread over its alias", async () => {
    const store = make();
    const [own, other] = [freshKey("own"), freshKey("other")];
    await liveThread(store, own, "1715683328.000100");
    await liveThread(store, other, "1715683340.000300");

    await store.alias(own, other, T0);

    expect(await store.find(C1, own)).toMatchObject({ key: own, ts: "1715683328.000100" });
  });

  it("follows at most one alias hop, so loops and chains end", async () => {
    const store = make();
    const [a, b, x, y, z] = ["a", "b", "x", "y", "z"].map((name) => freshKey(`loop-${name}`)) as [
      string,
      string,
      string,
      string,
      string,
    ];
    await store.alias(a, b, T0);
    await store.alias(b, a, T0);
    await store.alias(x, y, T0);
    await store.alias(y, z, T0);
    await liveThread(store, z, "1715683328.000100");
    await store.alias(a, a, T0);

    expect(await store.find(C1, a)).toBeUndefined();
    expect(await store.find(C1, b)).toBeUndefined();
    expect(await store.find(C1, y)).toMatchObject({ key: z });
    expect(await store.find(C1, x)).toBeUndefined();
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

  it("keeps a card over the size budget by dropping log-tail and changed lines, with a note", async () => {
    const store = make();
    const key = freshKey("large");
    const line = `java.lang.OutOfMemoryError: Java heap space at com.example.Cache.put ${"x".repeat(60)}`;
    const base: Message = {
      ...incidentCard().base,
      logTail: { lines: Array.from({ length: 2_500 }, () => line), source: "container web · /ecs/api" },
      changes: {
        summary: "Since api:41, the last successful revision",
        lines: Array.from({ length: 600 }, (_, n) => `environment variable FEATURE_${n} added`),
      },
    };
    const card = { ...incidentCard(), base };
    expect(JSON.stringify(card).length).toBeGreaterThan(MAX_CARD_BYTES);

    const opened = await store.open(openRequest(key, { card }));
    await store.posted(C1, key, "owner-a", "1715683328.000100");
    const found = await store.find(C1, key);

    const kept = {
      ...base,
      logTail: {
        lines: [],
        source: "container web · /ecs/api",
        note: "2500 log lines not kept: the card was too large to keep whole in the state table",
      },
      changes: {
        summary:
          "Since api:41, the last successful revision (600 changed lines not kept: the card was too large to keep whole in the state table)",
        lines: [],
      },
    };
    expect(opened).toMatchObject({ status: "claimed", record: { card: { ...card, base: kept } } });
    expect(found?.card).toEqual({ ...card, base: kept });
  });

  it("trims a card grown over the budget when it is saved", async () => {
    const store = make();
    const key = freshKey("large-save");
    const live = await liveThread(store, key, "1715683328.000100");
    const lines = Array.from({ length: 2_500 }, (_, n) => `line ${n} ${"y".repeat(90)}`);
    const grown = { ...live.card, base: { ...live.card.base, logTail: { lines, source: "container web" } } };

    expect(await store.save({ ...live, card: grown }, live.version)).toBe(true);

    expect((await store.find(C1, key))?.card.base.logTail).toEqual({
      lines: [],
      source: "container web",
      note: "2500 log lines not kept: the card was too large to keep whole in the state table",
    });
  });

  it("keeps the threads of one key in different channels independent", async () => {
    const store = make();
    const key = freshKey("channels");
    await liveThread(store, key, "1715683328.000100", { channel: C1 });

    const other = await store.open(openRequest(key, { channel: C2, owner: "owner-b" }));
    await store.posted(C2, key, "owner-b", "1715683330.000200");
    const inC1 = await store.find(C1, key);
    if (!inC1) throw new Error("thread lost");
    await store.save(withStops(inC1, 5, T0 + MIN), inC1.version);

    expect(other.status).toBe("claimed");
    expect(await store.find(C1, key)).toMatchObject({
      ts: "1715683328.000100",
      card: { counters: { Stops: 5 } },
    });
    expect(await store.find(C2, key)).toMatchObject({
      ts: "1715683330.000200",
      version: 1,
      card: { counters: { Stops: 1 } },
    });
  });

  it("gives out copies: changing a record it returned or was given does not change the stored thread", async () => {
    const store = make();
    const key = freshKey("copies");
    const request = openRequest(key);
    const opened = await store.open(request);
    await store.posted(C1, key, "owner-a", "1715683328.000100");

    if (opened.status === "claimed") opened.record.card.counters.Stops = 99;
    request.card.counters.Stops = 98;
    request.details.push("mutated");
    const found = await store.find(C1, key);
    if (found) {
      found.card.facts.push({ label: "Mutated", value: "yes", at: T0 });
      found.details.push("mutated");
    }

    expect(await store.find(C1, key)).toMatchObject({
      card: { counters: { Stops: 1 }, facts: [{ label: "Last seen" }] },
      details: ["out-of-memory"],
    });
  });

  it("refuses a call without a channel or key, loudly", async () => {
    const store = make();

    await expect(store.open(openRequest(freshKey("bad"), { channel: "" }))).rejects.toThrow(
      ThreadStoreInputError,
    );
    await expect(store.find(C1, "")).rejects.toThrow(ThreadStoreInputError);
    await expect(store.posted(C1, freshKey("bad"), "owner-a", "")).rejects.toThrow(ThreadStoreInputError);
  });
}
