/** Types of schedule-syntax.cjs (shared with infra/schedules.cjs; see the comment there). */

export type Check<T> = { ok: true; value: T } | { ok: false; problem: string };

export interface CronSchedule {
  kind: "cron";
  /** The expression as written, e.g. `cron(0 3 * * ? *)`. */
  expression: string;
  /** minutes, hours, day-of-month, month, day-of-week, year. */
  fields: string[];
}

export interface RateSchedule {
  kind: "rate";
  expression: string;
  value: number;
  unit: "minute" | "minutes" | "hour" | "hours" | "day" | "days";
  seconds: number;
}

export interface AtSchedule {
  kind: "at";
  expression: string;
  /** Wall-clock time in the job's time zone, `yyyy-mm-ddThh:mm:ss`. */
  localTime: string;
}

export type ScheduleExpression = CronSchedule | RateSchedule | AtSchedule;

export declare const JOB_NAME_PATTERN: RegExp;
export declare function checkJobName(name: unknown): Check<string>;
export declare function checkTimeZone(timeZone: unknown): Check<string>;
export declare function parseScheduleExpression(expression: unknown): Check<ScheduleExpression>;
