/** Shared data of the thread store contract (thread-store.contract.ts, thread-records.contract.ts). */
import { fromDiagnosis } from "../../../src/shared/notify/from-diagnosis.js";
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
export const MIN = 60_000;
export const C1 = "C0123ABCDEF";
export const C2 = "C0456GHIJKL";
export const C3 = "G0789MNOPQR";

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

export function openRequest(key: string, overrides: Partial<OpenRequest> = {}): OpenRequest {
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
export async function liveThread(
  store: ThreadStore,
  key: string,
  ts: string,
  overrides: Partial<OpenRequest> = {},
) {
  const opened = await store.open(openRequest(key, overrides));
  if (opened.status !== "claimed") throw new Error(`setup: expected a claim, got ${opened.status}`);
  await store.posted(overrides.channel ?? C1, key, overrides.owner ?? "owner-a", ts);
  const found = await store.find(overrides.channel ?? C1, key);
  if (!found) throw new Error("setup: the posted thread is not found");
  return found;
}

export function withStops(record: ThreadRecord, stops: number, at: number): ThreadRecord {
  return {
    ...record,
    card: { ...record.card, counters: { ...record.card.counters, Stops: stops } },
    lastSeenAt: at,
  };
}
