/**
 * "Events are arriving" records (issue 17): a container writes an account and region at most once per five
 * minutes, a failing write only warns, and a record never moves back in time.
 */
import { describe, expect, it } from "vitest";
import {
  type AccountSeen,
  accountSeenSortKey,
  gatedAccountSeen,
  parseAccountSeenSortKey,
  RECORD_INTERVAL_MS,
} from "../../src/shared/accounts/last-seen.js";
import { memoryAccountSeen } from "../../src/shared/accounts/last-seen-memory.js";
import { ACCOUNT_SEEN_PK, ACCOUNT_SEEN_RETENTION_MS, DAY_MS } from "../../src/shared/table.js";
import { recordingLogger } from "../notify/delivery/recording-logger.js";

const PROD = "111111111111";
const STAGING = "222222222222";
const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);

function clock(start = T0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("gatedAccountSeen", () => {
  it("writes an account and region once, then not again within five minutes", async () => {
    const store = memoryAccountSeen();
    const time = clock();
    const saw = gatedAccountSeen(store, { now: time.now, log: recordingLogger() });

    await saw({ account: PROD, region: "us-east-1" });
    time.advance(RECORD_INTERVAL_MS - 1);
    await saw({ account: PROD, region: "us-east-1" });

    expect(store.writes()).toBe(1);
    expect(await store.list()).toEqual([{ account: PROD, region: "us-east-1", lastEventAt: T0 }]);
  });

  it("writes again once five minutes have passed, with the later time", async () => {
    const store = memoryAccountSeen();
    const time = clock();
    const saw = gatedAccountSeen(store, { now: time.now, log: recordingLogger() });

    await saw({ account: PROD, region: "us-east-1" });
    time.advance(RECORD_INTERVAL_MS);
    await saw({ account: PROD, region: "us-east-1" });

    expect(store.writes()).toBe(2);
    expect(await store.list()).toEqual([
      { account: PROD, region: "us-east-1", lastEventAt: T0 + RECORD_INTERVAL_MS },
    ]);
  });

  it("gates each account and region on its own", async () => {
    const store = memoryAccountSeen();
    const saw = gatedAccountSeen(store, { now: clock().now, log: recordingLogger() });

    await saw({ account: PROD, region: "us-east-1" });
    await saw({ account: PROD, region: "eu-west-1" });
    await saw({ account: STAGING, region: "us-east-1" });

    expect(store.writes()).toBe(3);
  });

  it("never fails the event when the table does: it logs a warning naming the account, and no secret", async () => {
    const failing: AccountSeen = {
      record: async () => {
        throw Object.assign(new Error("Rate exceeded"), { name: "ProvisionedThroughputExceededException" });
      },
      list: async () => [],
    };
    const log = recordingLogger();
    const saw = gatedAccountSeen(failing, { now: clock().now, log });

    await expect(saw({ account: PROD, region: "us-east-1" })).resolves.toBeUndefined();

    expect(log.lines).toEqual([
      {
        level: "warn",
        message: "could not record the last event time of an account",
        extra: [
          {
            account: PROD,
            region: "us-east-1",
            problem: "ProvisionedThroughputExceededException: Rate exceeded",
          },
        ],
      },
    ]);
  });

  it("does not retry a failed write within the interval (a failing table is not hammered)", async () => {
    let calls = 0;
    const failing: AccountSeen = {
      record: async () => {
        calls += 1;
        throw new Error("down");
      },
      list: async () => [],
    };
    const saw = gatedAccountSeen(failing, { now: clock().now, log: recordingLogger() });

    await saw({ account: PROD, region: "us-east-1" });
    await saw({ account: PROD, region: "us-east-1" });

    expect(calls).toBe(1);
  });

  it("records nothing for an event without an account or region", async () => {
    const store = memoryAccountSeen();
    const saw = gatedAccountSeen(store, { now: clock().now, log: recordingLogger() });

    await saw({ region: "us-east-1" });
    await saw({ account: PROD });

    expect(store.writes()).toBe(0);
  });
});

describe("memoryAccountSeen", () => {
  it("keeps the later time when an earlier event is recorded after it", async () => {
    const store = memoryAccountSeen();

    await store.record(PROD, "us-east-1", T0 + 1000);
    await store.record(PROD, "us-east-1", T0);

    expect(await store.list()).toEqual([{ account: PROD, region: "us-east-1", lastEventAt: T0 + 1000 }]);
  });
});

describe("the account-seen keys", () => {
  it("live in one fixed partition, sorted by account then region, for 90 days", () => {
    expect(ACCOUNT_SEEN_PK).toBe("account-seen");
    expect(accountSeenSortKey(PROD, "eu-west-1")).toBe("111111111111#eu-west-1");
    expect(ACCOUNT_SEEN_RETENTION_MS).toBe(90 * DAY_MS);
  });

  it("read back the account and region, and nothing from a key of another shape", () => {
    expect(parseAccountSeenSortKey("111111111111#eu-west-1")).toEqual({ account: PROD, region: "eu-west-1" });
    expect(parseAccountSeenSortKey("111111111111")).toBeUndefined();
    expect(parseAccountSeenSortKey("a#b#c")).toBeUndefined();
  });
});
