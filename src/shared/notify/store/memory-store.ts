/**
 * The state store in memory, with the same semantics as the DynamoDB one (operations are synchronous,
 * hence atomic). For the CLI without a table and for unit tests; state lives as long as the process.
 */
import {
  closeWindow,
  countInto,
  digestOf,
  isWindowOpen,
  openWindow,
  type WindowState,
} from "./throttle-window.js";
import {
  type DuePointer,
  type EventRow,
  type NotificationStore,
  type ThrottleSubject,
  type ThrottleVerdict,
  throttleKeyOf,
} from "./types.js";

interface EventRecord {
  owner?: string;
  leaseUntil: number;
  attempts: number;
  delivered: Set<string>;
  verdict?: ThrottleVerdict;
  doneAt?: number;
  /** A claim wrote the event's rows with it (the DynamoDB store's `rowsWritten` flag). */
  rowsWritten?: boolean;
}

export interface MemoryStore extends NotificationStore {
  /** Number of store operations performed, to compare with the DynamoDB store's call counts. */
  readonly operations: number;
  /** Rows written with events' claims, by `pk` and `sk` (a stop's incident history). */
  readonly rows: ReadonlyMap<string, EventRow>;
}

export function memoryStore(): MemoryStore {
  const events = new Map<string, EventRecord>();
  const windows = new Map<string, WindowState>();
  const pointers = new Map<string, DuePointer>();
  const rows = new Map<string, EventRow>();
  let operations = 0;
  const op = () => {
    operations++;
  };

  const writeRows = (items: readonly EventRow[]) => {
    for (const row of items) rows.set(`${String(row.pk)}\n${String(row.sk)}`, { ...row });
  };

  const store: MemoryStore = {
    get operations() {
      return operations;
    },

    get rows() {
      return rows;
    },

    async claim(dedupeKey, { owner, now, leaseMs }) {
      op();
      const record = events.get(dedupeKey);
      if (record?.doneAt !== undefined) return { status: "duplicate", state: "done" };
      if (record && record.leaseUntil > now) return { status: "duplicate", state: "in-flight" };
      const next: EventRecord = record ?? { leaseUntil: 0, attempts: 0, delivered: new Set() };
      next.owner = owner;
      next.leaseUntil = now + leaseMs;
      next.attempts++;
      events.set(dedupeKey, next);
      return {
        status: "claimed",
        delivered: [...next.delivered],
        verdict: next.verdict,
        attempt: next.attempts,
      };
    },

    async recordDelivered(dedupeKey, channel, verdict) {
      op();
      const record = events.get(dedupeKey) ?? { leaseUntil: 0, attempts: 0, delivered: new Set<string>() };
      record.delivered.add(channel);
      record.verdict = verdict;
      events.set(dedupeKey, record);
    },

    async complete(dedupeKey, verdict, delivered, now) {
      op();
      const record = events.get(dedupeKey) ?? { leaseUntil: 0, attempts: 0, delivered: new Set<string>() };
      for (const channel of delivered) record.delivered.add(channel);
      record.verdict = verdict;
      record.doneAt = now;
      record.owner = undefined;
      events.set(dedupeKey, record);
    },

    async release(dedupeKey, owner, verdict, _now, delivered = []) {
      op();
      const record = events.get(dedupeKey);
      if (!record || record.owner !== owner || record.doneAt !== undefined) return;
      record.leaseUntil = 0;
      if (verdict) record.verdict = verdict;
      for (const channel of delivered) record.delivered.add(channel);
    },

    // Mirrors the DynamoDB store's calls: a count is one operation, opening a window two (the failed count, the open).
    async claimThrottled(dedupeKey, request, { subject, now, windowMs, stop }, items = []) {
      op();
      const record = events.get(dedupeKey);
      const rowsWritten = record?.rowsWritten === true;
      if (record?.doneAt !== undefined) return { status: "duplicate", state: "done", rowsWritten };
      if (record && record.leaseUntil > request.now)
        return { status: "duplicate", state: "in-flight", rowsWritten };
      if (record?.verdict) {
        const claim = await store.claim(dedupeKey, request);
        if (claim.status === "duplicate") return { ...claim, rowsWritten };
        return { ...claim, verdict: record.verdict, rowsWritten: false };
      }
      const next: EventRecord = record ?? { leaseUntil: 0, attempts: 0, delivered: new Set() };
      next.attempts++;
      if (items.length > 0) next.rowsWritten = true;
      events.set(dedupeKey, next);
      const throttleKey = throttleKeyOf(subject);
      const state = windows.get(throttleKey);
      writeRows(items);
      if (state && isWindowOpen(state, now)) {
        windows.set(throttleKey, countInto(state, now, stop));
        next.verdict = "counted";
        next.doneAt = request.now;
        return { status: "counted", rowsWritten: true };
      }
      op();
      next.verdict = "send";
      next.owner = request.owner;
      next.leaseUntil = request.now + request.leaseMs;
      const { digest } = openInto(throttleKey, state, subject, now, windowMs);
      return {
        status: "claimed",
        verdict: "send",
        delivered: [...next.delivered],
        attempt: next.attempts,
        ...(digest ? { digest } : {}),
        rowsWritten: true,
      };
    },

    async hit(subject, now, windowMs, stop) {
      op();
      const throttleKey = throttleKeyOf(subject);
      const state = windows.get(throttleKey);
      if (state && isWindowOpen(state, now)) {
        windows.set(throttleKey, countInto(state, now, stop));
        return { verdict: "counted" };
      }
      return { verdict: "send", digest: openInto(throttleKey, state, subject, now, windowMs).digest };
    },

    async settleDigest(digest) {
      op();
      const state = windows.get(digest.throttleKey);
      if (!state || state.dueSince !== digest.since) return;
      windows.set(digest.throttleKey, {
        ...state,
        due: 0,
        dueSince: undefined,
        dueLastAt: undefined,
        dueFirstStopAt: undefined,
        dueLastStopAt: undefined,
        dueTasks: undefined,
        version: state.version + 1,
      });
    },

    async duePointers(now) {
      op();
      return [...pointers.values()]
        .filter((p) => p.windowEnd <= now)
        .sort((a, b) => a.ref.localeCompare(b.ref));
    },

    async closeDue(pointer, now) {
      op();
      const state = windows.get(pointer.throttleKey);
      if (!state) return { keep: false };
      if (state.windowEnd !== pointer.windowEnd) return { digest: digestOf(state), keep: false };
      if (state.windowEnd > now) return { keep: true };
      const next = closeWindow(state);
      windows.set(pointer.throttleKey, next);
      return { digest: digestOf(next), keep: false };
    },

    async dropPointer(pointer) {
      op();
      pointers.delete(pointer.ref);
    },
  };
  return store;

  function openInto(
    throttleKey: string,
    state: WindowState | undefined,
    subject: ThrottleSubject,
    now: number,
    windowMs: number,
  ) {
    const { next, digest } = openWindow(state, subject, now, windowMs);
    windows.set(throttleKey, next);
    const windowEnd = next.windowEnd ?? now + windowMs;
    const ref = `${new Date(windowEnd).toISOString()}#${throttleKey}`;
    pointers.set(ref, { throttleKey, windowEnd, ref });
    return { digest };
  }
}
