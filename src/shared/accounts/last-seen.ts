/**
 * "Events are arriving" (issue 17): the time of the last event the hub accepted from each account and region, so
 * `ecs-sentinel org check` can tell a member whose forwarding rule is missing or broken from one that is quiet.
 *
 * Cost (issue 19 counts table calls per event): a container records an account and region at most once per
 * RECORD_INTERVAL_MS, and a failed write only logs a warning: the event is never failed for it.
 */
import type { Log } from "../log.js";

export interface AccountSeenRecord {
  account: string;
  region: string;
  /** Epoch milliseconds of the latest recorded event. */
  lastEventAt: number;
}

/** The store of last event times; `record` never moves a time backwards. */
export interface AccountSeen {
  record(account: string, region: string, at: number): Promise<void>;
  list(): Promise<AccountSeenRecord[]>;
}

/** An account and region are written at most this often per container. */
export const RECORD_INTERVAL_MS = 5 * 60_000;

/** The sort key of an account and region in the `account-seen` partition. */
export function accountSeenSortKey(account: string, region: string): string {
  return `${account}#${region}`;
}

/** The account and region of a sort key; undefined for one this module did not write. */
export function parseAccountSeenSortKey(sk: string): { account: string; region: string } | undefined {
  const [account, region, ...rest] = sk.split("#");
  if (!account || !region || rest.length > 0) return undefined;
  return { account, region };
}

export type SawScope = (scope: { account?: string; region?: string }) => Promise<void>;

/**
 * The hook the dispatcher awaits for every event it acts on: records the scope through `store`, at most once per
 * `intervalMs` per account and region in this container; never throws (a warning names what failed).
 */
export function gatedAccountSeen(
  store: AccountSeen,
  options: { now: () => number; log: Log; intervalMs?: number },
): SawScope {
  const interval = options.intervalMs ?? RECORD_INTERVAL_MS;
  const recordedAt = new Map<string, number>();
  return async ({ account, region }) => {
    if (!account || !region) return;
    const key = accountSeenSortKey(account, region);
    const now = options.now();
    const last = recordedAt.get(key);
    if (last !== undefined && now - last < interval) return;
    // Claimed before the write: concurrent events of one scope write once, and a failing table is not hammered.
    recordedAt.set(key, now);
    try {
      await store.record(account, region, now);
    } catch (error) {
      options.log.warn("could not record the last event time of an account", {
        account,
        region,
        problem: error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 200) : "unknown error",
      });
    }
  };
}
