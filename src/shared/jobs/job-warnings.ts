/**
 * Warnings about a valid jobs file: schedules that will not run the way they read. Not errors: the file deploys.
 *
 * - A cron schedule whose local time falls into a daylight-saving change of its time zone in the next year.
 *   EventBridge Scheduler documents what it does then: "When the time shifts forward in Spring, your schedule
 *   invocation gets skipped if the cron expression falls on a non-existent date and time. When the time shifts
 *   back in the Fall, your schedule runs only once and doesn't repeat its invocation."
 *   (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#daylist-savings-time and
 *   https://repost.aws/knowledge-center/eventbridge-scheduler-adjust-dst). rate() schedules count elapsed time
 *   and are not affected.
 * - A cron schedule with no run after now (a past year, a 31 February).
 * - A one-time at() that is already past (it would never run), or that names a local time which does not exist
 *   or occurs twice.
 *
 * Pure: the current time is a parameter.
 */
import {
  cronTimesIn,
  type LocalWindow,
  localClock,
  localDate,
  localMsOf,
  localWindow,
  type ZoneTransition,
  zoneTransitions,
} from "./dst.js";
import { atInstant, croner, formatInZone } from "./schedule.js";
import type { AtSchedule, CronSchedule, JobSpec, JobsFile } from "./types.js";

const DAY = 86_400_000;
/** How far ahead daylight-saving changes are looked for: a year, so each change of the year is seen once. */
export const DST_HORIZON_DAYS = 366;
/** Local times listed one by one in a warning; more are shown as a range. */
const LISTED_TIMES = 4;

/** The offset changes of a zone in the year after a fixed time (memoized: many jobs share a zone). */
export type TransitionsAhead = (timezone: string) => ZoneTransition[];

export function transitionsAhead(now: Date, horizonDays = DST_HORIZON_DAYS): TransitionsAhead {
  const byZone = new Map<string, ZoneTransition[]>();
  const until = new Date(now.getTime() + horizonDays * DAY);
  return (timezone) => {
    let found = byZone.get(timezone);
    if (!found) {
      found = zoneTransitions(timezone, now, until);
      byZone.set(timezone, found);
    }
    return found;
  };
}

export interface JobWarning {
  field: string;
  problem: string;
}

function listTimes(clocks: string[]): string {
  const unique = [...new Set(clocks)];
  if (unique.length > LISTED_TIMES) return `${unique[0]} to ${unique.at(-1)} (${unique.length} times)`;
  if (unique.length === 1) return unique[0] ?? "";
  return `${unique.slice(0, -1).join(", ")} and ${unique.at(-1)}`;
}

function span(window: LocalWindow): string {
  return `${localClock(window.start)}–${localClock(window.end)}`;
}

function clocksChange(window: LocalWindow): string {
  return window.kind === "gap"
    ? `clocks go ${localClock(window.start)}→${localClock(window.end)}`
    : `clocks go ${localClock(window.end)}→${localClock(window.start)}`;
}

/** The daylight-saving warning of a cron job, once for all the changes of the next year; undefined if none. */
export function cronDstWarning(
  schedule: CronSchedule,
  timezone: string,
  now: Date,
  transitions: TransitionsAhead = transitionsAhead(now),
): string | undefined {
  const hits: { window: LocalWindow; times: number[] }[] = [];
  for (const transition of transitions(timezone)) {
    const window = localWindow(transition);
    const times = cronTimesIn(schedule, window);
    if (times.length > 0) hits.push({ window, times });
  }
  if (hits.length === 0) return undefined;
  const allClocks = hits.flatMap((hit) => hit.times.map(localClock)).sort();
  const parts = hits.map(({ window, times }) => {
    const clocks = times.map(localClock);
    const which = new Set(clocks).size === 1 ? "that time" : `${listTimes(clocks)}`;
    const runs = times.length === 1 ? "that run" : "those runs";
    return window.kind === "gap"
      ? `on ${localDate(window.start)} ${which} does not exist (${clocksChange(window)}) and EventBridge Scheduler skips ${runs}`
      : `on ${localDate(window.start)} ${which} occurs twice (${clocksChange(window)}) and EventBridge Scheduler runs ${times.length === 1 ? "it" : "each"} only once`;
  });
  const spans = [...new Set(hits.map((hit) => span(hit.window)))].join(" and ");
  return `runs at ${listTimes(allClocks)} ${timezone}: ${parts.join("; ")}; pick a time outside ${spans} or use UTC`;
}

/** The warnings of a one-time schedule: in the past, or at a local time that does not exist or occurs twice. */
export function atWarnings(schedule: AtSchedule, timezone: string, now: Date): string[] {
  const warnings: string[] = [];
  const local = localMsOf(schedule.localTime);
  const around = zoneTransitions(timezone, new Date(local - 2 * DAY), new Date(local + 2 * DAY))
    .map(localWindow)
    .find((window) => local >= window.start && local < window.end);
  if (around?.kind === "gap") {
    warnings.push(
      `${schedule.localTime} does not exist in ${timezone} (on ${localDate(local)} ${clocksChange(around)}); pick a time outside ${span(around)}`,
    );
  } else if (around?.kind === "overlap") {
    warnings.push(
      `${schedule.localTime} occurs twice in ${timezone} (on ${localDate(local)} ${clocksChange(around)}) and EventBridge Scheduler does not document which of the two it runs at; pick a time outside ${span(around)}`,
    );
  }
  const instant = atInstant(schedule.localTime, timezone);
  if (instant.getTime() <= now.getTime()) {
    warnings.push(
      `${schedule.expression} is in the past (${formatInZone(instant, timezone)}), so the schedule will never run; set a future time or remove the job`,
    );
  }
  return warnings;
}

/** Every warning about one job, by field. */
export function jobWarnings(job: JobSpec, now: Date, transitions = transitionsAhead(now)): JobWarning[] {
  const { schedule, timezone } = job;
  if (schedule.kind === "cron") {
    if (!croner(schedule, timezone).nextRun(now)) {
      return [
        {
          field: "schedule",
          problem: `${schedule.expression} has no run after now, so the schedule will never run`,
        },
      ];
    }
    const warning = cronDstWarning(schedule, timezone, now, transitions);
    return warning ? [{ field: "schedule", problem: warning }] : [];
  }
  if (schedule.kind === "at") {
    return atWarnings(schedule, timezone, now).map((problem) => ({ field: "schedule", problem }));
  }
  return [];
}

/** Every warning about the jobs of a valid file, one line each, naming the file, job and field. */
export function jobsFileWarnings(file: JobsFile, now: Date): string[] {
  const transitions = transitionsAhead(now);
  return file.jobs.flatMap((job) =>
    jobWarnings(job, now, transitions).map(
      ({ field, problem }) => `${file.fileName}: job "${job.name}": ${field}: ${problem}`,
    ),
  );
}
