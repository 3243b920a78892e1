import { describe, expect, it } from "vitest";
import {
  closeWindow,
  digestOf,
  isWindowOpen,
  openWindow,
} from "../../src/shared/notify/store/throttle-window.js";
import { oomSubject } from "./support/flood-fixtures.js";

const subject = oomSubject();
const W = 600_000;

describe("throttle window transitions", () => {
  it("opens a window for the first message with nothing to report", () => {
    const { next, digest } = openWindow(undefined, subject, 1_000, W);

    expect(next).toMatchObject({ version: 1, windowStart: 1_000, windowEnd: 1_000 + W, pending: 0, due: 0 });
    expect(digest).toBeUndefined();
    expect(isWindowOpen(next, 1_000 + W - 1)).toBe(true);
    expect(isWindowOpen(next, 1_000 + W)).toBe(false);
  });

  it("reports the counted messages of the ended window when the next window opens", () => {
    const first = openWindow(undefined, subject, 0, W).next;
    const counted = { ...first, pending: 37, lastAt: 500_000 };

    const { next, digest } = openWindow(counted, subject, W + 5, W);

    expect(next).toMatchObject({ pending: 0, due: 37, dueSince: 0, windowStart: W + 5, version: 2 });
    expect(digest).toMatchObject({
      count: 37,
      since: 0,
      lastAt: 500_000,
      throttleKey: "task-stopped#out-of-memory#prod#service:api#out-of-memory",
    });
    expect(digest?.dedupeKey).toBe("digest#task-stopped#out-of-memory#prod#service:api#out-of-memory#0");
  });

  it("adds a new window's count to an unreported digest, keeping its dedupe key", () => {
    const unreported = {
      ...openWindow(undefined, subject, 0, W).next,
      due: 5,
      dueSince: 0,
      dueLastAt: 10,
      pending: 3,
      lastAt: 20,
    };

    const closed = closeWindow(unreported);

    expect(digestOf(closed)).toMatchObject({ count: 8, since: 0, lastAt: 20 });
    expect(closed.windowEnd).toBeUndefined();
  });

  it("closes a window without a count into no digest", () => {
    const closed = closeWindow(openWindow(undefined, subject, 0, W).next);

    expect(digestOf(closed)).toBeUndefined();
    expect(closed.version).toBe(2);
  });
});
