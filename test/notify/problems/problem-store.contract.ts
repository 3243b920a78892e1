/**
 * One set of answers for both problem stores (memory: the unit project, problem-store.test.ts; DynamoDB on moto:
 * test/emulator/problem-store.test.ts). `make` gives an empty store for each test: `quiet` reads every open problem.
 */
import { expect, it } from "vitest";
import type { ProblemStore } from "../../../src/shared/notify/problems/types.js";

const T0 = Date.parse("2026-12-02T10:00:00Z");
const SECOND = 1_000;
const WINDOW = 600 * SECOND;
const FLOOD = "flood:prod#service:api#app-exit";
const DEPLOYMENT = "deployment:123456789012:us-east-1:prod/api";

export function problemStoreContract(make: () => Promise<ProblemStore>) {
  it("opens a problem, reports it open, and forgets it once closed", async () => {
    // Arrange
    const store = await make();

    // Act
    const before = await store.isOpen(DEPLOYMENT);
    await store.opened(DEPLOYMENT, T0);
    const open = await store.isOpen(DEPLOYMENT);
    await store.closed(DEPLOYMENT);

    // Assert
    expect(before).toBe(false);
    expect(open).toBe(true);
    expect(await store.isOpen(DEPLOYMENT)).toBe(false);
  });

  it("closing a problem that is not open changes nothing", async () => {
    const store = await make();
    await store.opened(FLOOD, T0, WINDOW);

    await store.closed(DEPLOYMENT);

    expect(await store.isOpen(FLOOD)).toBe(true);
    expect(await store.isOpen(DEPLOYMENT)).toBe(false);
  });

  it("keeps when a problem was opened and moves when it was last seen when it is opened again", async () => {
    const store = await make();

    await store.opened(FLOOD, T0, WINDOW);
    await store.opened(FLOOD, T0 + 30 * SECOND, WINDOW);

    expect(await store.quiet(T0 + 30 * SECOND + WINDOW)).toEqual([
      { key: FLOOD, openedAt: T0, lastSeenAt: T0 + 30 * SECOND, quietAfterMs: WINDOW },
    ]);
  });

  it("refreshes an open problem when it is seen, so it is not quiet until the period after that sighting", async () => {
    const store = await make();
    await store.opened(FLOOD, T0, WINDOW);

    await store.seen(FLOOD, T0 + 40 * SECOND);

    expect(await store.quiet(T0 + WINDOW)).toEqual([]);
    expect(await store.quiet(T0 + 40 * SECOND + WINDOW)).toEqual([
      { key: FLOOD, openedAt: T0, lastSeenAt: T0 + 40 * SECOND, quietAfterMs: WINDOW },
    ]);
  });

  it("never moves the last sighting back for an earlier occurrence seen late", async () => {
    const store = await make();
    await store.opened(FLOOD, T0 + 40 * SECOND, WINDOW);

    await store.seen(FLOOD, T0);
    await store.seen(FLOOD, T0 + 40 * SECOND);

    expect(await store.quiet(T0 + WINDOW)).toEqual([]);
    expect(await store.quiet(T0 + 40 * SECOND + WINDOW)).toEqual([
      { key: FLOOD, openedAt: T0 + 40 * SECOND, lastSeenAt: T0 + 40 * SECOND, quietAfterMs: WINDOW },
    ]);
  });

  it("never moves the last sighting back when an earlier occurrence opens the problem again", async () => {
    const store = await make();
    await store.opened(FLOOD, T0 + 40 * SECOND, WINDOW);

    await store.opened(FLOOD, T0, WINDOW);

    expect(await store.quiet(T0 + WINDOW)).toEqual([]);
    expect(await store.quiet(T0 + 40 * SECOND + WINDOW)).toEqual([
      { key: FLOOD, openedAt: T0 + 40 * SECOND, lastSeenAt: T0 + 40 * SECOND, quietAfterMs: WINDOW },
    ]);
  });

  it("does not open a problem that is only seen", async () => {
    const store = await make();

    await store.seen(FLOOD, T0);

    expect(await store.isOpen(FLOOD)).toBe(false);
    expect(await store.quiet(T0 + 10 * WINDOW)).toEqual([]);
  });

  it("lists as quiet only the problems with a quiet period whose last sighting is at least that long ago", async () => {
    // Arrange: quiet exactly at the boundary, one millisecond short of it, and one with no quiet period.
    const store = await make();
    await store.opened("flood:a", T0, WINDOW);
    await store.opened("flood:b", T0 + 1, WINDOW);
    await store.opened(DEPLOYMENT, T0);

    // Act
    const quiet = await store.quiet(T0 + WINDOW);

    // Assert
    expect(quiet).toEqual([{ key: "flood:a", openedAt: T0, lastSeenAt: T0, quietAfterMs: WINDOW }]);
  });

  it("lists a closed problem as quiet no more", async () => {
    const store = await make();
    await store.opened(FLOOD, T0, WINDOW);

    await store.closed(FLOOD);

    expect(await store.quiet(T0 + 10 * WINDOW)).toEqual([]);
  });

  it("drops the quiet period of a problem opened again without one: only a resolve closes it then", async () => {
    const store = await make();
    await store.opened(DEPLOYMENT, T0, WINDOW);

    await store.opened(DEPLOYMENT, T0 + SECOND);

    expect(await store.isOpen(DEPLOYMENT)).toBe(true);
    expect(await store.quiet(T0 + 10 * WINDOW)).toEqual([]);
  });

  it("lists every quiet problem among many open ones", async () => {
    // Arrange: 25 quiet floods and 5 that were seen recently.
    const store = await make();
    const quietKeys = Array.from(
      { length: 25 },
      (_, n) => `flood:prod#service:svc-${String(n).padStart(2, "0")}`,
    );
    for (const key of quietKeys) await store.opened(key, T0, WINDOW);
    for (let n = 0; n < 5; n++) await store.opened(`flood:prod#service:busy-${n}`, T0 + WINDOW, WINDOW);

    // Act
    const quiet = await store.quiet(T0 + WINDOW + SECOND);

    // Assert
    expect(quiet.map((problem) => problem.key).sort()).toEqual(quietKeys);
  });
}
