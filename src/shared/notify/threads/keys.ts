/**
 * Thread keys of incidents, and the thread metadata of what flood control produces. A deployment's key is
 * `deployment#<serviceArn>#<deploymentId>` (deployments/card.ts); an incident's is its flood-control key, so one
 * (cluster, service or family, category) is one conversation while it keeps happening.
 */
import { formatUtc } from "../render/time.js";
import type { PendingDigest } from "../store/types.js";
import type { CardPatch, ThreadMeta } from "./types.js";

export function incidentThreadKey(throttleKey: string): string {
  return `incident#${throttleKey}`;
}

/** The card change of one more occurrence of an incident (a stop counted or sent). */
export function occurrencePatch(at: number): CardPatch {
  return {
    at,
    add: { Occurrences: 1 },
    facts: [{ label: "Last seen", value: formatUtc(new Date(at).toISOString()) }],
  };
}

/**
 * A digest closes its window: a reply in the incident's thread when there is one (with the last time seen on
 * the card), else a post of its own as before.
 */
export function digestThread(digest: PendingDigest): ThreadMeta {
  const last = digest.lastStopAt ?? digest.lastAt;
  return {
    key: incidentThreadKey(digest.scope),
    joinOnly: true,
    refresh: true,
    patch: { at: last, facts: [{ label: "Last seen", value: formatUtc(new Date(last).toISOString()) }] },
  };
}
