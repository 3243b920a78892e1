/**
 * When a job runs: next and previous occurrences of its schedule in its time zone, via croner.
 * Pure (croner computes; no timers are started because no callback is given).
 */
import { Cron, type CronOptions } from "croner";
import type { CronSchedule, JobSpec } from "./types.js";

/**
 * AWS cron (minutes hours dom month dow year, dow 1-7 = SUN-SAT, `5L` = last Thursday) -> croner's 7-part
 * pattern with seconds first. croner's Quartz weekday mode reads 1-7 the AWS way; its `?` means `*`, which
 * matches AWS because AWS requires `?` in exactly one of the two day fields.
 */
export function croner(schedule: CronSchedule, timezone: string): Cron {
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = schedule.fields;
  const weekday = (dayOfWeek ?? "?")
    .split(",")
    .map((item) => (item === "L" ? "7" : item.replace(/^([A-Za-z0-9]+)L$/, "$1#L")))
    .join(",");
  const pattern = ["0", minutes, hours, dayOfMonth, month, weekday, year].join(" ");
  const options: CronOptions = {
    timezone,
    mode: "7-part",
    alternativeWeekdays: true,
    sloppyRanges: true,
  };
  return new Cron(pattern, options);
}

/** The instant of an `at(...)` wall-clock time in `timezone` (a time skipped by DST moves past the gap). */
export function atInstant(localTime: string, timezone: string): Date {
  const once = new Cron(localTime, { timezone });
  const instant = once.nextRun(new Date(0));
  if (!instant) throw new RangeError(`cannot place ${localTime} in ${timezone}`);
  return instant;
}

export interface NextRun {
  at: Date;
  /** The same instant as wall-clock time in the job's zone, with its offset: 2025-03-28T03:00:00+01:00. */
  local: string;
}

/** "2025-03-28T03:00:00+01:00" for `date` seen in `timezone`. */
export function formatInZone(date: Date, timezone: string): string {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: timezone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    timeZoneName: "longOffset",
  }).formatToParts(date);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((part) => part.type === type)?.value ?? "";
  const offset = get("timeZoneName").replace("GMT", "") || "+00:00";
  return `${get("year")}-${get("month")}-${get("day")}T${get("hour")}:${get("minute")}:${get("second")}${offset}`;
}

/**
 * The next `count` run times after `from`, for `jobs list`. Rate schedules run every interval from when
 * the schedule was created, which only AWS knows: pass the last run as `rateAnchor` to line them up,
 * otherwise they are counted from `from`. A disabled job has no next runs.
 */
export function nextRuns(job: JobSpec, count: number, from: Date, rateAnchor?: Date): NextRun[] {
  if (!job.enabled || count <= 0) return [];
  let dates: Date[];
  const { schedule } = job;
  if (schedule.kind === "cron") {
    dates = croner(schedule, job.timezone).nextRuns(count, from);
  } else if (schedule.kind === "at") {
    const at = atInstant(schedule.localTime, job.timezone);
    dates = at > from ? [at] : [];
  } else {
    const step = schedule.seconds * 1000;
    const anchor = (rateAnchor ?? from).getTime();
    const first = anchor + Math.max(1, Math.floor((from.getTime() - anchor) / step) + 1) * step;
    dates = Array.from({ length: count }, (_, i) => new Date(first + i * step));
  }
  return dates.map((at) => ({ at, local: formatInZone(at, job.timezone) }));
}

/**
 * The latest scheduled time at or before `at` (cron and at schedules); undefined when there is none or the
 * schedule is a rate, whose phase AWS does not tell us.
 */
export function previousOccurrence(job: JobSpec, at: Date): Date | undefined {
  const { schedule } = job;
  if (schedule.kind === "cron") {
    // previousRuns excludes its reference; a second later makes an occurrence exactly at `at` count.
    return croner(schedule, job.timezone).previousRuns(1, new Date(at.getTime() + 1000))[0];
  }
  if (schedule.kind === "at") {
    const instant = atInstant(schedule.localTime, job.timezone);
    return instant <= at ? instant : undefined;
  }
  return undefined;
}
