/** The thread store contract, continued: saves, aliases, card size, channels, copies and input checks. */
import { expect, it } from "vitest";
import type { Message } from "../../../src/shared/notify/message.js";
import { MAX_CARD_BYTES } from "../../../src/shared/notify/threads/card-size.js";
import { ThreadStoreInputError } from "../../../src/shared/notify/threads/store-input.js";
import type { ThreadRecord, ThreadStore } from "../../../src/shared/notify/threads/types.js";
import {
  C1,
  C2,
  C3,
  freshKey,
  incidentCard,
  liveThread,
  MIN,
  openRequest,
  T0,
  withStops,
} from "./thread-store.fixtures.js";

export function threadRecordsContract(make: () => ThreadStore) {
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
