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
 *
 * A counted stop may carry its task and the time it stopped (`StopSample`): the window keeps the earliest and
 * latest of those times and the first few task ARNs, so a digest says which stops it summarises and when they
 * happened (event data, never the processing time). The message that opened the window was sent on its own
 * and is not part of them.
 */
import { type PendingDigest, type StopSample, type ThrottleSubject, throttleKeyOf } from "./types.js";

/** How many task ARNs a window (and a digest) keeps to list; the rest are only counted. */
export const MAX_DIGEST_TASKS = 5;

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
  /** Earliest and latest stop time (epoch ms) of the stops counted in the open window. */
  firstStopAt?: number;
  lastStopAt?: number;
  /** The first MAX_DIGEST_TASKS task ARNs counted in the open window. */
  tasks?: string[];
  /** The same for the closed windows not yet reported. */
  dueFirstStopAt?: number;
  dueLastStopAt?: number;
  dueTasks?: string[];
}

const minOf = (a: number | undefined, b: number | undefined) =>
  a === undefined ? b : b === undefined ? a : Math.min(a, b);
const maxOf = (a: number | undefined, b: number | undefined) =>
  a === undefined ? b : b === undefined ? a : Math.max(a, b);

/** Adds a task ARN to a sample list, at most MAX_DIGEST_TASKS and each once. */
export function withTask(tasks: readonly string[] | undefined, taskArn: string): string[] {
  const list = [...(tasks ?? [])];
  if (list.length < MAX_DIGEST_TASKS && !list.includes(taskArn)) list.push(taskArn);
  return list;
}

/** The hot path: one more message counted into the open window (and its stop, when it has one). */
export function countInto(state: WindowState, now: number, stop?: StopSample): WindowState {
  const next: WindowState = { ...state, pending: state.pending + 1, lastAt: now };
  if (!stop) return next;
  return {
    ...next,
    firstStopAt: minOf(state.firstStopAt, stop.at),
    lastStopAt: maxOf(state.lastStopAt, stop.at),
    tasks: withTask(state.tasks, stop.taskArn),
  };
}

export const DEFAULT_THROTTLE_WINDOW_MS = 10 * 60 * 1000;

export function isWindowOpen(state: WindowState | undefined, now: number): boolean {
  return state?.windowEnd !== undefined && state.windowEnd > now;
}

function fold(state: WindowState): WindowState {
  const closed: WindowState = {
    ...state,
    windowStart: undefined,
    windowEnd: undefined,
    pending: 0,
    firstStopAt: undefined,
    lastStopAt: undefined,
    tasks: undefined,
  };
  if (state.pending <= 0) return closed;
  const lastAt = state.lastAt ?? state.windowEnd ?? 0;
  let dueTasks = state.dueTasks ?? [];
  for (const task of state.tasks ?? []) dueTasks = withTask(dueTasks, task);
  return {
    ...closed,
    due: state.due + state.pending,
    dueSince: state.dueSince ?? state.windowStart ?? lastAt,
    dueLastAt: Math.max(state.dueLastAt ?? 0, lastAt),
    dueFirstStopAt: minOf(state.dueFirstStopAt, state.firstStopAt),
    dueLastStopAt: maxOf(state.dueLastStopAt, state.lastStopAt),
    dueTasks,
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
    ...(state.dueFirstStopAt !== undefined ? { firstStopAt: state.dueFirstStopAt } : {}),
    ...(state.dueLastStopAt !== undefined ? { lastStopAt: state.dueLastStopAt } : {}),
    tasks: [...(state.dueTasks ?? [])],
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
    firstStopAt: undefined,
    lastStopAt: undefined,
    tasks: undefined,
  };
  return { next, digest: digestOf(folded) };
}

/** A sweep closes an ended window without opening a new one. */
export function closeWindow(state: WindowState): WindowState {
  const folded = fold(state);
  return { ...folded, version: state.version + 1 };
}
