/** The last-seen store in memory: unit tests and runs without a state table. */
import { type AccountSeen, type AccountSeenRecord, accountSeenSortKey } from "./last-seen.js";

export function memoryAccountSeen(): AccountSeen & { writes(): number } {
  const records = new Map<string, AccountSeenRecord>();
  let writes = 0;
  return {
    async record(account, region, at) {
      writes += 1;
      const key = accountSeenSortKey(account, region);
      const current = records.get(key);
      if (!current || current.lastEventAt < at) records.set(key, { account, region, lastEventAt: at });
    },
    list: async () => [...records.values()],
    writes: () => writes,
  };
}
