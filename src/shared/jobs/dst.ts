/**
 * Daylight-saving changes of a time zone, and which local times of a cron schedule fall into them. Pure: the
 * runtime's own tz database (Intl) gives the offsets, croner matches the cron fields.
 *
 * Wall-clock times are handled as "local milliseconds": the local date and time read as if it were UTC, so
 * 2027-03-28 02:30 in Berlin is Date.UTC(2027, 2, 28, 2, 30) whatever its real instant is (if any).
 */
import type { Cron } from "croner";
import { croner } from "./schedule.js";
import type { CronSchedule } from "./types.js";

const MINUTE = 60_000;
const DAY = 86_400_000;

export interface ZoneTransition {
  /** The first instant with the new offset. */
  at: Date;
  /** Offsets from UTC in minutes, before and after. */
  before: number;
  after: number;
}

/** A span of local times that does not exist (gap, clocks go forward) or occurs twice (overlap, back). */
export interface LocalWindow {
  kind: "gap" | "overlap";
  /** Local milliseconds; `end` is exclusive. */
  start: number;
  end: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();
function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** Offset of `timeZone` from UTC at `instantMs`, in whole minutes. */
export function offsetMinutes(timeZone: string, instantMs: number): number {
  const parts = formatFor(timeZone).formatToParts(new Date(instantMs));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const local = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"));
  return Math.round((local - Math.floor(instantMs / MINUTE) * MINUTE) / MINUTE);
}

/**
 * The offset changes of `timeZone` between `from` and `to`, found day by day and pinned to the minute.
 * (Two changes within one day, which no zone has today, would be missed.)
 */
export function zoneTransitions(timeZone: string, from: Date, to: Date): ZoneTransition[] {
  const found: ZoneTransition[] = [];
  let start = Math.floor(from.getTime() / MINUTE) * MINUTE;
  let startOffset = offsetMinutes(timeZone, start);
  while (start < to.getTime()) {
    const end = start + DAY;
    const endOffset = offsetMinutes(timeZone, end);
    if (endOffset !== startOffset) {
      let low = start;
      let high = end;
      while (high - low > MINUTE) {
        const middle = low + Math.floor((high - low) / 2 / MINUTE) * MINUTE;
        if (offsetMinutes(timeZone, middle) === startOffset) low = middle;
        else high = middle;
      }
      if (high <= to.getTime()) found.push({ at: new Date(high), before: startOffset, after: endOffset });
    }
    start = end;
    startOffset = endOffset;
  }
  return found;
}

/** The local times a transition skips or repeats. */
export function localWindow(transition: ZoneTransition): LocalWindow {
  const at = transition.at.getTime();
  const before = at + transition.before * MINUTE;
  const after = at + transition.after * MINUTE;
  return after > before
    ? { kind: "gap", start: before, end: after }
    : { kind: "overlap", start: after, end: before };
}

/**
 * The local times (local milliseconds) in `window` at which `schedule` fires, judged by its fields alone:
 * croner evaluates it in UTC over local milliseconds, where every wall-clock time exists exactly once.
 */
export function cronTimesIn(schedule: CronSchedule, window: LocalWindow, limit = 120): number[] {
  const matcher: Cron = croner(schedule, "UTC");
  const times: number[] = [];
  let cursor = new Date(window.start - 1000);
  while (times.length < limit) {
    const next = matcher.nextRun(cursor);
    if (!next || next.getTime() >= window.end) break;
    times.push(next.getTime());
    cursor = next;
  }
  return times;
}

/** "2027-03-28" of local milliseconds. */
export function localDate(localMs: number): string {
  return new Date(localMs).toISOString().slice(0, 10);
}

/** "02:30" of local milliseconds. */
export function localClock(localMs: number): string {
  return new Date(localMs).toISOString().slice(11, 16);
}

/** Local milliseconds of `yyyy-mm-ddThh:mm:ss`. */
export function localMsOf(localTime: string): number {
  return Date.parse(`${localTime}Z`);
}
