/**
 * The thread store in memory, with the same answers as the DynamoDB one (test/notify/threads/
 * thread-store.contract.ts runs both): for the CLI's dry run and unit tests. Operations are synchronous, hence
 * atomic; records are copied in and out (as JSON, like the table), so a caller can never change stored state by
 * editing a record it was given or gave. State lives as long as the process; nothing expires.
 */
import { fitCard, MAX_CARD_BYTES } from "./card-size.js";
import { checkName, checkOpenRequest, checkTime } from "./store-input.js";
import type { OpenRequest, OpenResult, ThreadRecord, ThreadStore } from "./types.js";

export interface MemoryThreadStoreOptions {
  /** Largest card kept whole (JSON bytes); MAX_CARD_BYTES unless set. */
  maxCardBytes?: number;
}

export interface MemoryThreadStore extends ThreadStore {
  /** Number of store operations performed. */
  readonly operations: number;
}

interface Held {
  record: ThreadRecord;
  /** The claim's owner: who posts (or posted) the parent. */
  owner: string;
  /** Epoch ms when the claim lapses if the parent was not posted. */
  leaseUntil?: number;
}

const copy = (record: ThreadRecord): ThreadRecord => JSON.parse(JSON.stringify(record)) as ThreadRecord;

/** A record being posted carries its claim's lease, as the DynamoDB store's items do. */
function withLease(held: Held): ThreadRecord {
  const record = copy(held.record);
  if (record.ts === undefined && held.leaseUntil !== undefined) record.leaseUntil = held.leaseUntil;
  return record;
}

export function memoryThreadStore(options: MemoryThreadStoreOptions = {}): MemoryThreadStore {
  const maxCardBytes = options.maxCardBytes ?? MAX_CARD_BYTES;
  const threads = new Map<string, Held>();
  const aliases = new Map<string, string>();
  const slot = (key: string, channel: string) => JSON.stringify([key, channel]);
  let operations = 0;

  return {
    get operations() {
      return operations;
    },

    async find(channel, key) {
      operations++;
      checkName("channel", channel);
      checkName("key", key);
      const own = threads.get(slot(key, channel));
      if (own) return withLease(own);
      const target = aliases.get(key);
      // One hop only: the target's own record, never the target's alias (a loop cannot form a cycle here).
      const aliased = target === undefined ? undefined : threads.get(slot(target, channel));
      return aliased ? withLease(aliased) : undefined;
    },

    async open(request: OpenRequest): Promise<OpenResult> {
      operations++;
      checkOpenRequest(request);
      const { channel, key, now, owner } = request;
      const held = threads.get(slot(key, channel));
      const claimable =
        !held ||
        (held.record.ts === undefined && (held.leaseUntil ?? 0) <= now) ||
        (held.record.ts !== undefined &&
          request.staleBefore !== undefined &&
          held.record.lastSeenAt < request.staleBefore);
      if (!claimable) {
        if (held.record.ts !== undefined) return { status: "exists", record: copy(held.record) };
        // A retry of this very claim (the DynamoDB store sees its own earlier write the same way).
        if (held.owner === owner) return { status: "claimed", record: withLease(held) };
        return { status: "busy" };
      }
      const record: ThreadRecord = {
        key,
        channel,
        card: fitCard(request.card, maxCardBytes).card,
        version: held ? held.record.version + 1 : 1,
        details: [...request.details],
        lastSeenAt: request.at,
        createdAt: now,
      };
      const claimed: Held = { record: copy(record), owner, leaseUntil: now + request.leaseMs };
      threads.set(slot(key, channel), claimed);
      return { status: "claimed", record: withLease(claimed) };
    },

    async posted(channel, key, owner, ts) {
      operations++;
      checkName("channel", channel);
      checkName("key", key);
      checkName("owner", owner);
      checkName("ts", ts);
      const held = threads.get(slot(key, channel));
      if (!held || held.owner !== owner || held.record.ts !== undefined) return;
      held.record.ts = ts;
      held.leaseUntil = undefined;
    },

    async abandon(channel, key, owner) {
      operations++;
      checkName("channel", channel);
      checkName("key", key);
      checkName("owner", owner);
      const held = threads.get(slot(key, channel));
      if (held && held.owner === owner && held.record.ts === undefined) threads.delete(slot(key, channel));
    },

    async save(record, expectedVersion) {
      operations++;
      checkName("channel", record.channel);
      checkName("key", record.key);
      checkTime("expectedVersion", expectedVersion);
      const held = threads.get(slot(record.key, record.channel));
      if (!held || held.record.version !== expectedVersion) return false;
      const card = fitCard(record.card, maxCardBytes).card;
      held.record = copy({
        ...held.record,
        card,
        details: record.details,
        lastSeenAt: record.lastSeenAt,
        ...(record.ts !== undefined ? { ts: record.ts } : {}),
        version: expectedVersion + 1,
      });
      return true;
    },

    async alias(from, to, now) {
      operations++;
      checkName("from", from);
      checkName("to", to);
      checkTime("now", now);
      if (from === to) return;
      aliases.set(from, to);
    },
  };
}
