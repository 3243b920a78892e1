/** The in-memory thread store keeps the thread store contract (the DynamoDB one runs it against moto). */
import { describe, expect, it } from "vitest";
import { CardTooLargeError } from "../../../src/shared/notify/threads/card-size.js";
import { memoryThreadStore } from "../../../src/shared/notify/threads/memory-thread-store.js";
import { freshKey, incidentCard, LEASE_MS, T0, threadStoreContract } from "./thread-store.contract.js";

describe("in-memory thread store", () => {
  threadStoreContract(() => memoryThreadStore());

  it("trims against the budget it was given", async () => {
    // Arrange: a budget just below the card with its log tail, far above it without.
    const card = incidentCard();
    card.base.logTail = {
      lines: [`OutOfMemoryError: Java heap space ${"x".repeat(500)}`],
      source: "container web",
    };
    const store = memoryThreadStore({ maxCardBytes: Buffer.byteLength(JSON.stringify(card)) - 1 });

    // Act
    const opened = await store.open({
      channel: "C0123ABCDEF",
      key: freshKey("budget"),
      card,
      details: [],
      at: T0,
      now: T0,
      owner: "owner-a",
      leaseMs: LEASE_MS,
    });

    // Assert
    expect(opened.status === "claimed" ? opened.record.card.base.logTail : undefined).toEqual({
      lines: [],
      source: "container web",
      note: "1 log line not kept: the card was too large to keep whole in the state table",
    });
  });

  it("cuts long texts and lists of the opening message when dropping lines is not enough", async () => {
    // Arrange: no log tail or changes to drop, but evidence far over the budget.
    const card = incidentCard();
    card.base.evidence = Array.from({ length: 200 }, (_, n) => `evidence ${n} ${"z".repeat(5_000)}`);
    const store = memoryThreadStore();

    // Act
    const opened = await store.open({
      channel: "C0123ABCDEF",
      key: freshKey("cut"),
      card,
      details: [],
      at: T0,
      now: T0,
      owner: "owner-a",
      leaseMs: LEASE_MS,
    });

    // Assert
    const evidence = opened.status === "claimed" ? opened.record.card.base.evidence : [];
    expect(evidence).toHaveLength(50);
    expect(evidence[0]).toBe(`evidence 0 ${"z".repeat(1_988)}…`);
    expect(opened.status === "claimed" ? opened.record.card.base.title : undefined).toBe(card.base.title);
  });

  it("refuses a card that stays over the budget after trimming, naming its size", async () => {
    const store = memoryThreadStore({ maxCardBytes: 100 });

    const opening = store.open({
      channel: "C0123ABCDEF",
      key: freshKey("tiny-budget"),
      card: incidentCard(),
      details: [],
      at: T0,
      now: T0,
      owner: "owner-a",
      leaseMs: LEASE_MS,
    });

    await expect(opening).rejects.toThrow(CardTooLargeError);
    await expect(opening).rejects.toThrow(/over the 100-byte budget/);
  });

  it("counts its operations", async () => {
    const store = memoryThreadStore();

    await store.find("C0123ABCDEF", freshKey("count"));
    await store.alias(freshKey("from"), freshKey("to"), T0);

    expect(store.operations).toBe(2);
  });
});
