/**
 * PURE core of flood control. One state record per throttle key (kind#category#scope):
 *
 *   no window --first message--> open window [start, end)  (message sent at once, pointer written)
 *   open window --same key--> pending += 1                   (counted, not sent: the hot path, one write)
 *   window ended --next message or sweep--> fold: due += pending, window removed or reopened
 *   due > 0 --digest delivered--> due = 0                    (settled, conditional on dueSince)
 *
 * `due` survives until a digest is delivered, so a failed or crashed digest is retried by the next sweep
 * and never lost; its dedupe key (`digest#<key>#<dueSince>`) makes a concurrent or retried send a no-op.
 * Every transition except the hot-path increment bumps `version`, which the stores use for compare-and-swap.
 */
import { type PendingDigest, type ThrottleSubject, throttleKeyOf } from "./types.js";

export interface WindowState {
  version: number;
  subject: ThrottleSubject;
  windowStart?: number;
  windowEnd?: number;
  /** Messages counted (not sent) in the open window. */
  pending: number;
  lastAt?: number;
  /** Counted messages of closed windows not yet reported in a digest. */
  due: number;
  dueSince?: number;
  dueLastAt?: number;
}

export const DEFAULT_THROTTLE_WINDOW_MS = 10 * 60 * 1000;

export function isWindowOpen(state: WindowState | undefined, now: number): boolean {
  return state?.windowEnd !== undefined && state.windowEnd > now;
}

function fold(state: WindowState): WindowState {
  const closed: WindowState = { ...state, windowStart: undefined, windowEnd: undefined, pending: 0 };
  if (state.pending <= 0) return closed;
  const lastAt = state.lastAt ?? state.windowEnd ?? 0;
  return {
    ...closed,
    due: state.due + state.pending,
    dueSince: state.dueSince ?? state.windowStart ?? lastAt,
    dueLastAt: Math.max(state.dueLastAt ?? 0, lastAt),
  };
}

export function digestOf(state: WindowState | undefined): PendingDigest | undefined {
  if (!state || state.due <= 0 || state.dueSince === undefined) return undefined;
  const throttleKey = throttleKeyOf(state.subject);
  return {
    ...state.subject,
    throttleKey,
    count: state.due,
    since: state.dueSince,
    lastAt: state.dueLastAt ?? state.dueSince,
    dedupeKey: `digest#${throttleKey}#${state.dueSince}`,
  };
}

/** The first message after a window (or ever) for its key: send it and start counting. */
export function openWindow(
  state: WindowState | undefined,
  subject: ThrottleSubject,
  now: number,
  windowMs: number,
): { next: WindowState; digest?: PendingDigest } {
  const folded = state ? fold(state) : { version: 0, subject, pending: 0, due: 0 };
  const next: WindowState = {
    ...folded,
    version: folded.version + 1,
    subject,
    windowStart: now,
    windowEnd: now + windowMs,
    pending: 0,
    lastAt: now,
  };
  return { next, digest: digestOf(folded) };
}

/** A sweep closes an ended window without opening a new one. */
export function closeWindow(state: WindowState): WindowState {
  const folded = fold(state);
  return { ...folded, version: state.version + 1 };
}
